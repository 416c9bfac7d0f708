// Live charts: the running trial as it goes (streams stacked), and one point per
// finished trial. Animation is off for live series: it would replay on every sample.

import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis
} from 'recharts'
import type { MethodName } from '../../../shared/methods'
import { METHOD_COLORS } from '../../../shared/method-colors'
import { formatTick, niceTicks } from '../../../shared/units'
import { inDrawOrder } from './legend-order'
import type { SeriesPoint, TrialPoint } from '../state/run-state'

/** the time axis of a running trial: fixed from 0 to its span, with round ticks */
function timeAxis(spanSec: number) {
  const ticks = niceTicks(spanSec, 4).filter((t) => t <= spanSec + 1e-9)
  return {
    dataKey: 't',
    type: 'number' as const,
    domain: [0, spanSec] as [number, number],
    ticks,
    allowDataOverflow: true,
    tickFormatter: (v: number) => `${formatTick(v)}s`
  }
}

interface TrialChartProps {
  points: SeriesPoint[]
  /** the x axis runs from 0 to this many seconds (run-state.liveSpanSec): it does not move as samples come */
  spanSec: number
  metric: 'gbps' | 'cyclesPerBit' | 'systemCyclesPerBit' | 'ctxPerSec'
  title: string
  unit: string
  method: MethodName | null
  /** a reference line: the 1 cycle/bit rule of thumb, or a GPU's PCIe link */
  reference?: number
  referenceLabel?: string
  estimated?: boolean
}

function Caption({ title, unit, estimated }: { title: string; unit: string; estimated?: boolean }) {
  return (
    <figcaption>
      {title}{' '}
      <span className="unit">
        ({unit}
        {estimated ? ', estimated' : ''})
      </span>
    </figcaption>
  )
}

/** one figure of the running trial over its seconds */
export function TrialChart({
  points,
  spanSec,
  metric,
  title,
  unit,
  method,
  reference,
  referenceLabel = '1 cycle/bit',
  estimated
}: TrialChartProps) {
  // the 1 cycle/bit line is drawn only where the data comes near it: stretching the
  // axis to 1 would squash 0.1–0.25 into its bottom quarter. Off the scale, an edge
  // label says where it is instead
  const peak = Math.max(0, ...points.map((p) => (p[metric] as number | null) ?? 0))
  const showReference = reference !== undefined && peak >= reference / 2
  // round steps, up to the reference line when it is drawn
  const ticks = niceTicks(Math.max(peak, showReference ? reference! : 0), 4)
  return (
    <figure className="chart" data-testid={`live-${metric}`} data-points={points.length}>
      <Caption title={title} unit={unit} estimated={estimated} />
      {reference !== undefined && !showReference && points.length > 0 && (
        <p className="edge-label" data-testid={`reference-off-scale-${metric}`}>
          ↑ {referenceLabel} is off this scale, {(reference / Math.max(peak, 1e-9)).toFixed(0)}× the peak
        </p>
      )}
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis
            {...timeAxis(spanSec)}
            label={{ value: 's into the trial', position: 'insideBottomRight', offset: -2, fontSize: 11 }}
          />
          <YAxis
            width={64}
            ticks={ticks}
            domain={[0, ticks.at(-1)!]}
            tickFormatter={formatTick}
            label={{ value: unit, angle: -90, position: 'insideLeft', fontSize: 11, dx: -6 }}
          />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))}
            labelFormatter={(t) => `${Number(t).toFixed(2)} s`}
          />
          {method && <Legend />}
          {showReference && (
            <ReferenceLine
              y={reference}
              ifOverflow="extendDomain"
              stroke="#999"
              strokeDasharray="6 4"
              label={{ value: referenceLabel, position: 'insideTopRight', fontSize: 11 }}
            />
          )}
          {method && (
            <Line
              name={method}
              dataKey={metric}
              stroke={METHOD_COLORS[method]}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls={false}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}

/** each stream's throughput, stacked: the top edge is the trial's total */
export function StreamsChart({
  points,
  streams,
  spanSec
}: {
  points: SeriesPoint[]
  streams: number
  spanSec: number
}) {
  const data = points.map((p) => ({
    t: p.t,
    ...Object.fromEntries((p.streamGbps ?? []).map((v, i) => [`stream ${i}`, v]))
  }))
  const names = Array.from({ length: streams }, (_, i) => `stream ${i}`)
  return (
    <figure className="chart" data-testid="live-streams" data-points={points.length} data-streams={streams}>
      <Caption title={`Throughput of ${streams} streams, stacked`} unit="Gbit/s" />
      <ResponsiveContainer width="100%" height={200}>
        <AreaChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis {...timeAxis(spanSec)} />
          <YAxis
            width={56}
            tickFormatter={formatTick}
            label={{ value: 'Gbit/s', angle: -90, position: 'insideLeft', fontSize: 11 }}
          />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))} />
          {streams <= 8 && <Legend itemSorter={inDrawOrder(names)} />}
          {names.map((n, i) => (
            <Area
              key={n}
              dataKey={n}
              stackId="streams"
              // one hue, lighter per stream: streams are parts of one whole, not rival series
              fill={`hsl(${195 + Math.floor(i / 4) * 40}, 65%, ${28 + (i % 4) * 16}%)`}
              stroke="none"
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </figure>
  )
}

/** one point per finished trial, by method: drift across the run shows at a glance */
export function TrialPointsChart({
  trials,
  metric,
  title,
  unit
}: {
  trials: TrialPoint[]
  metric: 'gbps' | 'systemCyclesPerBit'
  title: string
  unit: string
}) {
  const methods = [...new Set(trials.map((t) => t.method))]
  const measured = trials.filter((t) => !t.warmup && t[metric] !== null)
  const trialTicks = niceTicks(Math.max(0, ...measured.map((t) => t[metric] as number)), 4)
  return (
    <figure className="chart" data-testid={`trials-${metric}`} data-points={measured.length}>
      <Caption title={title} unit={unit} />
      <ResponsiveContainer width="100%" height={200}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis
            dataKey="index"
            type="number"
            name="trial"
            allowDecimals={false}
            domain={[0, 'dataMax']}
            label={{ value: 'trial', position: 'insideBottomRight', offset: -2, fontSize: 11 }}
          />
          <YAxis
            dataKey={metric}
            width={64}
            tickFormatter={formatTick}
            name={unit}
            ticks={trialTicks}
            domain={[0, trialTicks.at(-1)!]}
            label={{ value: unit, angle: -90, position: 'insideLeft', fontSize: 11, dx: -6 }}
          />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))} />
          <Legend itemSorter={inDrawOrder(methods)} />
          {methods.map((m) => (
            <Scatter
              key={m}
              name={m}
              data={measured.filter((t) => t.method === m)}
              fill={METHOD_COLORS[m]}
              isAnimationActive={false}
            />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  )
}
