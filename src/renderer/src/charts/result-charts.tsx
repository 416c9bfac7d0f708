// Results relative to copy: how much faster, and how much CPU per bit, each method is.

import { Bar, BarChart, CartesianGrid, LabelList, Legend, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts'
import { headroomOf, ruleOfThumbCores } from '../../../shared/headroom'
import { METHOD_COLORS } from '../../../shared/method-colors'
import type { MethodAggregate } from '../../../shared/report'
import { formatLineRate } from '../../../shared/units'
import { ChartFigure } from '../components/chart-figure'

interface Props {
  aggregates: MethodAggregate[]
}

type Pick = (x: MethodAggregate) => number | undefined

/** value / copy's value for the same figure; null where either is missing */
function relativeToCopy(aggregates: MethodAggregate[], pick: Pick) {
  const base = aggregates.find((x) => x.method === 'copy')
  const b = base ? pick(base) : undefined
  return (a: MethodAggregate) => {
    const v = pick(a)
    return v === undefined || !b ? null : v / b
  }
}

interface RelativeBarsProps extends Props {
  testId: string
  title: string
  unit: string
  bars: { name: string; pick: Pick; color: string }[]
}

/** one bar group per method, each bar relative to copy, with copy's level marked at 1× */
function RelativeBars({ aggregates, testId, title, unit, bars }: RelativeBarsProps) {
  const rel = bars.map((b) => ({ ...b, of: relativeToCopy(aggregates, b.pick) }))
  const data = aggregates.map((a) => Object.fromEntries([['method', a.method], ...rel.map((b) => [b.name, b.of(a)])]))
  return (
    <ChartFigure testId={testId} title={title} unit={unit} heightPx={240}>
      <BarChart data={data}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis dataKey="method" />
        <YAxis width={48} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(2)}×` : '—')} />
        {bars.length > 1 && <Legend />}
        <ReferenceLine y={1} stroke="#999" />
        {bars.map((b) => (
          <Bar key={b.name} dataKey={b.name} fill={b.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFigure>
  )
}

export function ThroughputBars({ aggregates }: Props) {
  return (
    <RelativeBars
      aggregates={aggregates}
      testId="bars-throughput"
      title="Throughput relative to copy"
      unit="× copy's median"
      bars={[{ name: 'throughput vs copy', pick: (x) => x.throughputBitsPerSec?.median, color: '#00798c' }]}
    />
  )
}

export function CyclesBars({ aggregates }: Props) {
  return (
    <RelativeBars
      aggregates={aggregates}
      testId="bars-cycles"
      title="Cycles per bit relative to copy"
      unit="lower is cheaper"
      bars={[
        { name: 'sender', pick: (x) => x.senderCyclesPerBit?.median, color: '#d1495b' },
        { name: 'receiver', pick: (x) => x.receiverCyclesPerBit?.median, color: '#edae49' },
        { name: 'system', pick: (x) => x.systemCyclesPerBit?.median, color: '#30638e' }
      ]}
    />
  )
}

interface HeadroomProps {
  aggregates: MethodAggregate[]
  lineRates: number[]
  senderClockHz: number | null
  receiverClockHz: number | null
}

/** cores the whole system needs to keep each link full, per method, beside the 1 cycle/bit rule */
export function HeadroomChart({ aggregates, lineRates, senderClockHz, receiverClockHz }: HeadroomProps) {
  const per = aggregates.map((a) => ({ a, h: headroomOf(a, senderClockHz, receiverClockHz, lineRates) }))
  const data = lineRates.map((rate, i) => ({
    rate: `${formatLineRate(rate)}bit/s`,
    ...Object.fromEntries(per.map(({ a, h }) => [a.method, h.coresAt[i].system])),
    ruleOfThumb: ruleOfThumbCores(senderClockHz, rate)
  }))
  // small counts matter most (a fraction of a core at 10G): each bar says its value
  const label = (v: unknown) => (typeof v === 'number' ? (v >= 10 ? v.toFixed(0) : v.toPrecision(2)) : '')
  return (
    <ChartFigure testId="bars-headroom" title="Cores needed at line rate" unit="whole system, cores" heightPx={260}>
      <BarChart data={data}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis dataKey="rate" />
        <YAxis width={48} label={{ value: 'cores', angle: -90, position: 'insideLeft', fontSize: 11 }} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toPrecision(3)} cores` : '—')} />
        <Legend />
        {per.map(({ a }) => (
          <Bar key={a.method} dataKey={a.method} fill={METHOD_COLORS[a.method]} isAnimationActive={false}>
            <LabelList dataKey={a.method} position="top" fontSize={10} formatter={label} />
          </Bar>
        ))}
        <Bar
          dataKey="ruleOfThumb"
          name="1 cycle/bit rule"
          fill="#f4f4f4"
          stroke="#888"
          strokeDasharray="3 2"
          isAnimationActive={false}
        >
          <LabelList dataKey="ruleOfThumb" position="top" fontSize={10} formatter={label} />
        </Bar>
      </BarChart>
    </ChartFigure>
  )
}
