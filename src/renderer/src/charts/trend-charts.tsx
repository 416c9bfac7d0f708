// One series of the library's history: a point a run over time with its 95% interval
// as an error bar, the levels between change points as flat segments, and each change
// point a vertical line. recharts' own Scatter and ErrorBar draw the points, so a series
// of hundreds of runs is hundreds of SVG shapes, not hundreds of React components.

import { useMemo } from 'react'
import {
  CartesianGrid,
  ErrorBar,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis
} from 'recharts'
import { changeText } from '../../../shared/export/figures'
import { METHOD_COLORS } from '../../../shared/method-colors'
import type { TrendMetric, TrendSeries } from '../../../shared/trend'
import { formatTick, minuteText } from '../../../shared/units'

/** a run as the chart draws it: x its time, y its mean, err the interval's reach below and above */
interface Datum {
  t: number
  y: number
  err: [number, number]
  id: string
  label: string | null
  date: string
  low: number | null
  high: number | null
}

/** throughput in Gbit/s (as the tables show it), cost as it is */
export const trendUnit = (metric: TrendMetric) => (metric === 'throughputBitsPerSec' ? 'Gbit/s' : 'cycles/bit')
const scaleOf = (metric: TrendMetric) => (metric === 'throughputBitsPerSec' ? 1e-9 : 1)
/**
 * the y axis spans at least this share of the series' mid: a steady series draws flat,
 * not its noise blown up to the chart's height (the CLI's MIN_CHART_SPAN)
 */
const MIN_SPAN = 0.2
const DAY_MS = 86_400_000
/**
 * a point's area in px² (recharts sizes symbols by area): 8 px across for a few runs,
 * down to 3 px for hundreds, so neighbours do not hide each other
 */
const pointArea = (runs: number) => Math.round(Math.min(64, Math.max(9, (600 / Math.max(runs, 1)) ** 2)))
const CHART_HEIGHT_PX = 220

function dataOf(s: TrendSeries, scale: number): Datum[] {
  return s.points.map((p) => {
    const y = p.stat.mean * scale
    // one repetition has no interval: its bar is the point itself
    const low = Number.isFinite(p.stat.ci95Low) ? p.stat.ci95Low * scale : null
    const high = Number.isFinite(p.stat.ci95High) ? p.stat.ci95High * scale : null
    return {
      t: Date.parse(p.timestamp),
      y,
      err: [low === null ? 0 : y - low, high === null ? 0 : high - y],
      id: p.id,
      label: p.label,
      date: minuteText(p.timestamp),
      low,
      high
    }
  })
}

/** the flat levels between change points: each segment's mean, from its first run to its last */
function levelsOf(s: TrendSeries, data: Datum[]) {
  const starts = [0, ...s.changes.map((c) => c.index), data.length]
  const out: { from: number; to: number; y: number }[] = []
  for (let k = 0; k + 1 < starts.length; k++) {
    const part = data.slice(starts[k], starts[k + 1])
    if (!part.length) continue
    out.push({ from: part[0].t, to: part.at(-1)!.t, y: part.reduce((a, d) => a + d.y, 0) / part.length })
  }
  return out
}

/** a round step for about `count` ticks over span: 1, 2, 2.5 or 5 times a power of ten */
function niceStep(span: number, count: number): number {
  const rough = span / count
  const power = 10 ** Math.floor(Math.log10(rough))
  return power * ([1, 2, 2.5, 5, 10].find((m) => m * power >= rough) ?? 10)
}

/** the y axis: every interval on it, round ticks, and at least MIN_SPAN of the mid */
function yAxis(data: Datum[]): { domain: [number, number]; ticks: number[] } {
  const lo = Math.min(...data.map((d) => d.y - d.err[0]))
  const hi = Math.max(...data.map((d) => d.y + d.err[1]))
  const mid = (lo + hi) / 2
  const half = Math.max((hi - lo) / 2, (MIN_SPAN / 2) * Math.abs(mid)) || 1
  const step = niceStep(2 * half, 4)
  const from = Math.max(0, Math.floor((mid - half) / step) * step)
  const to = Math.ceil((mid + half) / step) * step
  const ticks: number[] = []
  for (let t = from; t <= to + step / 2; t += step) ticks.push(Number(t.toPrecision(12)))
  return { domain: [ticks[0], ticks.at(-1)!], ticks }
}

function xDomain(data: Datum[]): [number, number] {
  const first = data[0].t
  const last = data.at(-1)!.t
  // a little room either side, so the first and newest points are not cut in half
  const pad = Math.max((last - first) * 0.03, DAY_MS / 4)
  return [first - pad, last + pad]
}

/** the tooltip: the run's label, date, value and its 95% interval */
function PointTip({ active, payload, unit }: { active?: boolean; payload?: { payload?: Datum }[]; unit: string }) {
  const d = active ? payload?.[0]?.payload : undefined
  if (!d) return null
  const n = (v: number) => Number(v.toPrecision(4))
  return (
    <div className="trend-tip" role="tooltip">
      <div className="trend-tip-label">{d.label ?? d.id}</div>
      <div>{d.date} UTC</div>
      <div>
        {n(d.y)} {unit}
        {d.low !== null && d.high !== null ? `, 95% [${n(d.low)}, ${n(d.high)}]` : ', one repetition: no interval'}
      </div>
    </div>
  )
}

interface Props {
  series: TrendSeries
  metric: TrendMetric
  /** opens the run's report, as the library's Open does */
  onOpen: (id: string) => void
}

export function TrendChart({ series, metric, onOpen }: Props) {
  const unit = trendUnit(metric)
  const data = useMemo(() => dataOf(series, scaleOf(metric)), [series, metric])
  const levels = useMemo(() => levelsOf(series, data), [series, data])
  const span = data.length ? data.at(-1)!.t - data[0].t : 0
  // a year or more on the axis: the year too
  const tick = (t: number) => new Date(t).toISOString().slice(span > 300 * DAY_MS ? 0 : 5, 10)
  const color = METHOD_COLORS[series.method] ?? '#333'
  if (!data.length) return null
  const y = yAxis(data)
  return (
    <ResponsiveContainer width="100%" height={CHART_HEIGHT_PX}>
      <ScatterChart margin={{ top: 18, right: 16, bottom: 4, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={xDomain(data)}
          tickFormatter={tick}
          tickCount={6}
          name="run"
        />
        <YAxis
          dataKey="y"
          type="number"
          width={64}
          domain={y.domain}
          ticks={y.ticks}
          tickFormatter={formatTick}
          label={{ value: unit, angle: -90, position: 'insideLeft', fontSize: 11, dx: -2 }}
        />
        <ZAxis range={[pointArea(data.length), pointArea(data.length)]} />
        <Tooltip content={<PointTip unit={unit} />} cursor={false} isAnimationActive={false} />
        {levels.map((l, i) => (
          <ReferenceLine
            key={`level-${i}`}
            className="trend-level"
            segment={[
              { x: l.from, y: l.y },
              { x: l.to, y: l.y }
            ]}
            stroke="#555"
            strokeWidth={2}
          />
        ))}
        {series.changes.map((c) => (
          <ReferenceLine
            key={`change-${c.id}`}
            className={`trend-change-marker ${c.worse ? 'worse' : 'better'}`}
            x={Date.parse(c.timestamp)}
            stroke={c.worse ? '#c62828' : '#2e7d32'}
            strokeDasharray="5 3"
            label={{
              value: `${c.worse ? 'worse' : 'better'}${c.change === null ? '' : ` ${changeText(c.change + 1)}`}`,
              position: 'top',
              fontSize: 11
            }}
          />
        ))}
        <Scatter
          data={data}
          fill={color}
          isAnimationActive={false}
          className="trend-points"
          onClick={(p) => onOpen((p as unknown as { payload: Datum }).payload.id)}
        >
          <ErrorBar
            dataKey="err"
            direction="y"
            width={3}
            stroke={color}
            strokeOpacity={0.6}
            isAnimationActive={false}
          />
        </Scatter>
      </ScatterChart>
    </ResponsiveContainer>
  )
}
