// Results relative to copy: how much faster, and how much CPU per bit, each method is.

import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  LabelList,
  Legend,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis
} from 'recharts'
import { headroomOf, ruleOfThumbCores } from '../../../shared/headroom'
import { baselineMethod, isBaselineMethod } from '../../../shared/methods'
import { METHOD_COLORS, SIDE_COLORS } from '../../../shared/method-colors'
import type { MethodAggregate } from '../../../shared/report'
import type { Stat } from '../../../shared/statistics'
import { formatLineRate, niceTicks } from '../../../shared/units'
import { ChartFigure } from '../components/chart-figure'
import { inDrawOrder } from './legend-order'

interface Props {
  aggregates: MethodAggregate[]
}

type Pick = (x: MethodAggregate) => Stat | null | undefined

/** one point a method: each bar's value against copy (1 = copy) and its whisker, `${name}-spread` */
type RatioPoint = Record<string, unknown> & { method: MethodAggregate['method'] }

interface RatioBarsProps {
  data: RatioPoint[]
  testId: string
  title: string
  /** the unit, and what the whisker is */
  unit: string
  /** the y axis's label */
  axis: string
  /** with one bar, each in its method's colour (color null) */
  bars: { name: string; color: string | null }[]
  /** what a point with no value says in the tooltip */
  missing?: string
}

/** bars against copy's level at 1×, each with its whisker: what the results' relative charts share */
function RatioBars({ data, testId, title, unit, axis, bars, missing = '—' }: RatioBarsProps) {
  const top = Math.max(
    1,
    ...data.flatMap((d) =>
      bars.map((b) => {
        const v = d[b.name] as number | undefined
        const e = d[`${b.name}-spread`] as number[] | undefined
        return v === undefined ? 0 : v + (e?.[1] ?? 0)
      })
    )
  )
  const ticks = niceTicks(top, 4)
  return (
    <ChartFigure testId={testId} title={title} unit={unit} heightPx={240}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis dataKey="method" />
        <YAxis
          width={56}
          ticks={ticks}
          domain={[0, ticks.at(-1)!]}
          label={{ value: axis, angle: -90, position: 'insideLeft', fontSize: 11 }}
        />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toFixed(2)}×` : missing)} />
        {bars.length > 1 && <Legend itemSorter={inDrawOrder(bars.map((b) => b.name))} />}
        <ReferenceLine y={1} stroke="#999" />
        {bars.map((b) => (
          <Bar key={b.name} dataKey={b.name} fill={b.color ?? '#888'} isAnimationActive={false}>
            {b.color === null && data.map((d) => <Cell key={String(d.method)} fill={METHOD_COLORS[d.method]} />)}
            <ErrorBar dataKey={`${b.name}-spread`} width={4} stroke="#222" />
          </Bar>
        ))}
      </BarChart>
    </ChartFigure>
  )
}

interface RelativeBarsProps extends Props {
  testId: string
  title: string
  unit: string
  axis: string
  /** one bar per method and figure; with one figure, each bar in its method's colour */
  bars: { name: string; pick: Pick; color: string | null }[]
}

/**
 * One bar group per method, each bar its median relative to copy's median, with the
 * min–max over repetitions as a whisker, and copy's level marked at 1×.
 */
function RelativeBars({ aggregates, unit, bars, ...chart }: RelativeBarsProps) {
  const data = aggregates.map((a) => {
    // against copy on its target: gpu-copy for a GPU's methods
    const copy = aggregates.find((x) => x.method === baselineMethod(a.method) && x.target === a.target)
    const point: RatioPoint = { method: a.method }
    for (const b of bars) {
      const s = b.pick(a)
      const base = copy ? b.pick(copy)?.median : undefined
      if (!s || !base) continue
      point[b.name] = s.median / base
      point[`${b.name}-spread`] = [(s.median - s.min) / base, (s.max - s.median) / base]
    }
    return point
  })
  return <RatioBars {...chart} data={data} bars={bars} unit={`${unit}; median, min–max`} />
}

/**
 * The headline as bars: what the whole system pays per bit for each method relative to
 * copy, the whisker its 95% interval. A method whose interval is no finding (too few
 * repetitions, too wide) gets no bar: the chart says which, as the table does.
 */
export function HeadlineBars({ aggregates }: Props) {
  const finding = (a: MethodAggregate) => Boolean(a.headline?.ratio) && a.headline!.status === 'finding'
  const data = aggregates.map((a): RatioPoint => {
    if (isBaselineMethod(a.method)) return { method: a.method, headline: 1, 'headline-spread': [0, 0] }
    if (!finding(a)) return { method: a.method }
    const r = a.headline!.ratio!
    return { method: a.method, headline: r.ratio, 'headline-spread': [r.ratio - r.ci95Low, r.ci95High - r.ratio] }
  })
  const missing = aggregates.filter((a) => !isBaselineMethod(a.method) && !finding(a))
  return (
    <div className="chart-with-note">
      <RatioBars
        data={data}
        testId="bars-headline"
        title="Whole-system CPU per bit relative to copy"
        unit="95% interval; lower is cheaper"
        axis="× copy"
        bars={[{ name: 'headline', color: null }]}
        missing="too little data"
      />
      {missing.length > 0 && (
        <p className="muted" data-testid="headline-missing">
          No bar, too little data: {missing.map((a) => a.method).join(', ')}
        </p>
      )}
    </div>
  )
}

export function ThroughputBars({ aggregates }: Props) {
  return (
    <RelativeBars
      aggregates={aggregates}
      testId="bars-throughput"
      title="Throughput relative to copy"
      unit="× copy's median"
      axis="× copy"
      bars={[{ name: 'throughput vs copy', pick: (x) => x.throughputBitsPerSec, color: null }]}
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
      axis="× copy"
      bars={[
        { name: 'system', pick: (x) => x.systemCyclesPerBit, color: SIDE_COLORS.system },
        { name: 'sender', pick: (x) => x.senderCyclesPerBit, color: SIDE_COLORS.sender },
        { name: 'receiver', pick: (x) => x.receiverCyclesPerBit, color: SIDE_COLORS.receiver }
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

/**
 * A log axis's ticks: each power of ten from the one under the smallest value to the
 * one at or over the largest (0.1, 1, 10, 100), at least two of them.
 */
export function decadeTicks(values: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v))
  if (!positive.length) return [0.1, 1]
  // strictly under the smallest value: a bar at the axis's floor would have no height
  const lo = Math.ceil(Math.log10(Math.min(...positive))) - 1
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...positive))))
  const ticks: number[] = []
  for (let e = lo; e <= hi; e++) ticks.push(Number((10 ** e).toPrecision(1)))
  return ticks
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
  const values = data.flatMap((d) => Object.values(d).filter((v): v is number => typeof v === 'number' && v > 0))
  const ticks = decadeTicks(values)
  return (
    <ChartFigure
      testId="bars-headroom"
      title="Cores needed at line rate"
      unit="whole system, cores; log scale"
      heightPx={260}
    >
      <BarChart data={data}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis dataKey="rate" />
        {/* a 400G link needs 40× the cores of a 10G one: on a log axis the 10G bars stay readable */}
        <YAxis
          width={60}
          scale="log"
          ticks={ticks}
          domain={[ticks[0], ticks.at(-1)!]}
          allowDataOverflow
          tickFormatter={(v: number) => String(Number(v.toPrecision(3)))}
          label={{ value: 'cores', angle: -90, position: 'insideLeft', fontSize: 11 }}
        />
        <Tooltip formatter={(v) => (typeof v === 'number' ? `${v.toPrecision(3)} cores` : '—')} />
        <Legend
          itemSorter={inDrawOrder([...per.map(({ a }) => a.method), '1 cycle/bit rule'])}
          // the rule's bar is near white: its name in the text colour, so it can be read
          formatter={(v) => <span style={{ color: '#333' }}>{v}</span>}
        />
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
