// Results relative to copy: how much faster, and how much CPU per bit, each method is.

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis
} from 'recharts'
import type { MethodAggregate } from '../../../shared/report'

interface Props {
  aggregates: MethodAggregate[]
}

function relative(a: MethodAggregate[], pick: (x: MethodAggregate) => number | undefined) {
  const base = a.find((x) => x.method === 'copy')
  const b = base ? pick(base) : undefined
  return (v: number | undefined) => (v === undefined || !b ? null : v / b)
}

export function ThroughputBars({ aggregates }: Props) {
  const rel = relative(aggregates, (x) => x.throughputBitsPerSec?.median)
  const data = aggregates.map((a) => ({ method: a.method, 'throughput vs copy': rel(a.throughputBitsPerSec?.median) }))
  return (
    <figure className="chart" data-testid="bars-throughput">
      <figcaption>
        Throughput relative to copy <span className="unit">(× copy's median)</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="method" />
          <YAxis width={48} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(2)}×` : '—')} />
          <ReferenceLine y={1} stroke="#999" />
          <Bar dataKey="throughput vs copy" fill="#00798c" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  )
}

export function CyclesBars({ aggregates }: Props) {
  const side = (pick: (x: MethodAggregate) => number | undefined) => relative(aggregates, pick)
  const s = side((x) => x.senderCyclesPerBit?.median)
  const r = side((x) => x.receiverCyclesPerBit?.median)
  const y = side((x) => x.systemCyclesPerBit?.median)
  const data = aggregates.map((a) => ({
    method: a.method,
    sender: s(a.senderCyclesPerBit?.median),
    receiver: r(a.receiverCyclesPerBit?.median),
    system: y(a.systemCyclesPerBit?.median)
  }))
  return (
    <figure className="chart" data-testid="bars-cycles">
      <figcaption>
        Cycles per bit relative to copy <span className="unit">(lower is cheaper)</span>
      </figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis dataKey="method" />
          <YAxis width={48} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(2)}×` : '—')} />
          <Legend />
          <ReferenceLine y={1} stroke="#999" />
          <Bar dataKey="sender" fill="#d1495b" isAnimationActive={false} />
          <Bar dataKey="receiver" fill="#edae49" isAnimationActive={false} />
          <Bar dataKey="system" fill="#30638e" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  )
}
