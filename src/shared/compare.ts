// N reports side by side: rows aligned by method, target, size and chunk; each
// figure as a ratio to a baseline report with a 95% interval, so a difference
// inside the noise reads as noise. The CI gate (zcprof compare) and the app's
// compare view both read this one record.

import { aggregateTrials, analysisOf } from './aggregate'
import { environmentFacts } from './environment-facts'
import { reportTitle } from './report-title'
import type { MethodAggregate, Report } from './report'
import {
  halfWidthShare,
  MIN_FINDING_REPETITIONS,
  ratioOfMeans,
  repetitionsPerSideFor,
  type RatioEstimate,
  type Stat
} from './statistics'
import { parseShare } from './units'
import { pairText } from './pair-grid'
import { planDifferences, type PlanDifference } from './plan-differences'
import type { MethodName } from './methods'
import { driftedText, referenceDrift } from './machine-reference'

export { ratioOfMeans, type RatioEstimate }
/** a regression threshold: a share, as units.parseShare reads it */
export const parseThresholdFraction = parseShare

export type StatMetric = {
  [K in keyof MethodAggregate]-?: MethodAggregate[K] extends Stat | null | undefined ? K : never
}[keyof MethodAggregate]

export interface MetricInfo {
  key: StatMetric
  label: string
  better: 'higher' | 'lower'
}

/** in the order tables show them: the headline (every host measured) first */
export const COMPARE_METRICS: readonly MetricInfo[] = [
  { key: 'allHostsCyclesPerBit', label: 'all hosts cycles/bit', better: 'lower' },
  { key: 'throughputBitsPerSec', label: 'throughput', better: 'higher' },
  { key: 'senderCyclesPerBit', label: 'sender cycles/bit', better: 'lower' },
  { key: 'receiverCyclesPerBit', label: 'receiver cycles/bit', better: 'lower' },
  { key: 'systemCyclesPerBit', label: 'system cycles/bit', better: 'lower' },
  { key: 'contextSwitchesPerGiB', label: 'context switches/GiB', better: 'lower' },
  { key: 'syscallsPerGiB', label: 'syscalls/GiB', better: 'lower' },
  { key: 'pageFaultsPerGiB', label: 'page faults/GiB', better: 'lower' }
]

/**
 * What a CI gate judges unless told otherwise: the headline (what every host measured
 * pays per bit: the whole system) and throughput. The sender's figure is detail.
 */
export const DEFAULT_GATE_METRICS: readonly StatMetric[] = ['allHostsCyclesPerBit', 'throughputBitsPerSec']

/**
 * better / worse: the 95% interval of the ratio excludes 1.
 * within-noise: it includes 1, whatever the point estimate says.
 * no-spread: neither side repeated, so the noise is unknown.
 */
export type Verdict = 'better' | 'worse' | 'within-noise' | 'no-spread' | 'missing'

export interface MetricComparison {
  metric: StatMetric
  ratio: RatioEstimate | null
  verdict: Verdict
  /** worse by more than the threshold, and beyond the noise */
  regression: boolean
  /** the fewer repetitions of the two sides */
  n: number
  /**
   * it could not have shown a change of the threshold's size: under
   * MIN_FINDING_REPETITIONS a side, no interval, or an interval whose half-width
   * (detectableChange) exceeds the threshold. A regression is never inconclusive.
   */
  inconclusive: boolean
  /** repetitions a side that would make it conclusive, if the spreads hold; null: cannot tell yet */
  repetitionsNeeded: number | null
  /**
   * both sides have the figure, yet no finite ratio can be made of them (a baseline mean
   * of 0, a ratio past what a number holds): why, in words. Inconclusive, never a pass.
   */
  uncomparable?: string
}

/** a figure's ratio or interval as no view can print it (Infinity), or not at all (a 0 baseline) */
function uncomparableWhy(base: Stat, other: Stat, ratio: RatioEstimate | null): string | null {
  if (!Number.isFinite(base.mean) || !Number.isFinite(other.mean)) return 'a mean is not a finite number'
  if (!ratio) return other.mean === 0 ? null : "the baseline's mean is 0, so no ratio to it exists"
  const noSpread = Number.isNaN(ratio.ci95Low) && Number.isNaN(ratio.ci95High)
  if (
    !Number.isFinite(ratio.ratio) ||
    (!noSpread && !(Number.isFinite(ratio.ci95Low) && Number.isFinite(ratio.ci95High)))
  )
    return 'the ratio of the means is too large to be a number'
  return null
}

/**
 * The smallest change this comparison could tell from noise: the half-width of the
 * ratio's 95% interval (statistics.halfWidthShare: a share of the baseline, or of the
 * other side where that is larger). A cell "within noise" whose detectable change
 * exceeds the threshold says too little was measured to judge, not that nothing
 * changed. null where there is no interval (unrepeated sides).
 */
export function detectableChange(c: Pick<MetricComparison, 'ratio'>): number | null {
  return c.ratio && c.ratio.ratio > 0 ? halfWidthShare(c.ratio) : null
}

export interface RowKey {
  method: MethodAggregate['method']
  /** rows match by pair: the same method with the same receiver mode */
  receiverMode: MethodAggregate['receiverMode']
  target: string
  /** 0 for timed rows: they align whatever file they looped over */
  fileBytes: number
  chunkBytes: number
  /** timed rows align whatever their duration: true, not the duration */
  timed: boolean
  trialBytes: number | null
  streams: number
}

export interface CompareRow {
  key: RowKey
  /** one per report, in the order given; null where a report has no such row */
  aggregates: (MethodAggregate | null)[]
  /** one per report: each against the baseline (the baseline's own entry is null) */
  comparisons: (MetricComparison[] | null)[]
}

export interface EnvironmentDiffRow {
  label: string
  values: string[]
  differs: boolean
}

export interface ReportColumn {
  label: string
  host: string
  timestamp: string
  tool: string
  foreign: boolean
}

export interface Regression {
  report: number
  key: RowKey
  metric: StatMetric
  /** signed: -0.2 is 20% less */
  change: number
  ci95: [number, number]
}

/** a gated figure that could not have shown a change of the threshold's size */
export interface Inconclusive {
  report: number
  key: RowKey
  metric: StatMetric
  /** the fewer repetitions of the two sides */
  n: number
  /** the smallest change it could have told from noise; null without an interval */
  detectable: number | null
  /** repetitions a side that would decide, if the spreads hold; null: cannot tell yet */
  repetitionsNeeded: number | null
  /** no finite ratio could be made (MetricComparison.uncomparable): why */
  uncomparable?: string
}

/**
 * The gate's answer, the same in the CLI's exit status and the app's banner:
 * pass: every gated figure could have shown a change of the threshold's size, and none did.
 * regression: one got worse by more than the threshold, beyond the noise.
 * inconclusive: no regression, but some gated figure could not have shown one.
 * not-comparable: the plans or machines differ (planDifferences) and nobody said to compare anyway.
 */
export type GateVerdict = 'pass' | 'regression' | 'inconclusive' | 'not-comparable'

export interface Comparison {
  baseline: number
  thresholdFraction: number
  columns: ReportColumn[]
  rows: CompareRow[]
  environment: EnvironmentDiffRow[]
  /** how the reports' plans and machines differ: each makes a regression not the same experiment's */
  planDifferences: PlanDifference[]
  /** the differences were allowed: regressions are called across them */
  allowPlanDiff: boolean
  regressions: Regression[]
  inconclusive: Inconclusive[]
  gate: GateVerdict
  notes: string[]
}

export interface CompareOptions {
  baseline?: number
  /** a change smaller than this is never a regression; 0.05 = 5% */
  thresholdFraction?: number
  gateMetrics?: readonly StatMetric[]
  labels?: string[]
  /** call regressions across plan and machine differences */
  allowPlanDiff?: boolean
  /** compare (and gate on) only these methods' rows; all when absent */
  methods?: readonly MethodName[]
}

/** the port is the machine's business, not the measurement's: tcp://h:5201 aligns with tcp://h */
function normalTarget(target: string): string {
  return target.replace(/^(tcp|agent|raw):\/\/(\[[^\]]+\]|[^/:]+)(:\d+)?/, '$1://$2')
}

/**
 * What makes two rows the same measurement. A timed row is a stream held for a while:
 * it aligns with any other timed row of its method, target, chunk and streams, whatever
 * file it looped over or how long it ran (an iperf3 -t import with a zcprof timed run).
 */
export function rowKeyOf(a: MethodAggregate): RowKey {
  const timed = a.durationMs !== null
  return {
    method: a.method,
    receiverMode: a.receiverMode,
    target: normalTarget(a.target),
    fileBytes: timed ? 0 : a.fileBytes,
    chunkBytes: a.chunkBytes,
    timed,
    trialBytes: timed ? null : a.trialBytes,
    streams: a.streams
  }
}

/** "A" for the first report: as the tables name them (compare-export's reportLetter) */
const reportLetterOf = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1))
const rowText = (k: RowKey) => `${pairName(k)} ${k.target}`

/** a row's pair as tables name it: the method alone with the read receiver (as before receiver lists), else the pair */
export const pairName = (k: Pick<RowKey, 'method' | 'receiverMode'>) =>
  k.receiverMode === 'read' ? k.method : pairText(k.method, k.receiverMode)

export const rowId = (k: RowKey) =>
  `${k.method}|${k.receiverMode}|${k.target}|${k.timed}|${k.fileBytes}|${k.chunkBytes}|${k.trialBytes}|${k.streams}`

/** how many measured runs each side's figures rest on, the fewer of the two */
function independentRuns(a: MethodAggregate | null, b: MethodAggregate | null): number {
  const runs = (x: MethodAggregate) => x.trials - x.failed
  return a && b ? Math.min(runs(a), runs(b)) : Infinity
}

export function compareMetric(
  metric: MetricInfo,
  base: Stat | null,
  other: Stat | null,
  thresholdFraction: number,
  /**
   * the fewer independent runs of the two sides: a row imported from one iperf3 run has
   * an interval over its intervals (slices of one connection), which says how steady
   * that run was, not how another would come out, so it never gates
   */
  runs = Infinity
): MetricComparison {
  const none = { metric: metric.key, regression: false, n: 0, inconclusive: true, repetitionsNeeded: null }
  if (!base || !other) return { ...none, ratio: null, verdict: 'missing' }
  const ratio = ratioOfMeans(base, other)
  const n = Math.min(base.n, other.n, runs)
  const why = uncomparableWhy(base, other, ratio)
  if (why !== null) return { ...none, n, ratio: null, verdict: 'missing', uncomparable: why }
  if (!ratio) return { ...none, ratio: null, verdict: 'missing' }
  const needed = repetitionsPerSideFor(base, other, thresholdFraction)
  if (Number.isNaN(ratio.ci95Low)) return { ...none, ratio, verdict: 'no-spread', n, repetitionsNeeded: needed }
  const inside = ratio.ci95Low <= 1 && ratio.ci95High >= 1
  const up = ratio.ratio > 1
  const verdict: Verdict = inside ? 'within-noise' : up === (metric.better === 'higher') ? 'better' : 'worse'
  // too few repetitions to read are no finding: never a regression. A wide interval wholly
  // on the worse side still tells the direction, though not the size
  const regression =
    verdict === 'worse' && Math.abs(ratio.ratio - 1) > thresholdFraction && n >= MIN_FINDING_REPETITIONS
  const c = { metric: metric.key, ratio, verdict, regression, n }
  const blind = n < MIN_FINDING_REPETITIONS || (detectableChange(c) ?? Infinity) > thresholdFraction
  return { ...c, inconclusive: !regression && blind, repetitionsNeeded: needed }
}

/**
 * whether stored aggregates hold the figures recomputed from the trials (JSON turns NaN
 * into null); a report from before the headline field is held to the rest
 */
function sameFigures(stored: readonly MethodAggregate[], recomputed: readonly MethodAggregate[]): boolean {
  const norm = (a: readonly MethodAggregate[]) => JSON.stringify(JSON.parse(JSON.stringify(a)))
  const asStored = recomputed.map((a, i) => {
    if (stored[i] && !('headline' in stored[i])) {
      const { headline: _, ...rest } = a
      return rest
    }
    return a
  })
  return norm(stored) === norm(asStored as MethodAggregate[])
}

/** the rows' ids in the baseline's order, then those only other reports have, and each id's key */
function rowOrder(
  aggregates: readonly (readonly MethodAggregate[])[],
  baseline: number
): { order: string[]; keys: Map<string, RowKey> } {
  const order: string[] = []
  const keys = new Map<string, RowKey>()
  for (const i of [baseline, ...aggregates.keys()]) {
    for (const a of aggregates[i]) {
      const id = rowId(rowKeyOf(a))
      if (keys.has(id)) continue
      keys.set(id, rowKeyOf(a))
      order.push(id)
    }
  }
  return { order, keys }
}

/**
 * each report whose machine reference (taken as its run started) moved from the
 * baseline's by the drift rule (machine-reference.ts): its figures moved with the host
 */
function referenceNotes(reports: readonly Report[], baseline: number): string[] {
  const base = reports[baseline].start.reference
  if (!base) return []
  return reports.flatMap((r, i) => {
    const moved = i === baseline || !r.start.reference ? '' : driftedText(referenceDrift(base, r.start.reference))
    return moved
      ? [`the machine changed as well: ${reportLetterOf(i)} against ${reportLetterOf(baseline)}, ${moved}`]
      : []
  })
}

/** what a reader of the comparison should know before trusting it, in a fixed order */
function compareNotes(
  reports: readonly Report[],
  rows: readonly CompareRow[],
  uncomparable: readonly string[],
  edited: readonly number[],
  baseline: number
): string[] {
  const notes: string[] = []
  for (const u of uncomparable) notes.push(`cannot compare ${u}`)
  for (const i of edited)
    notes.push(
      `${reportTitle(reports[i])}: its stored summary disagrees with its trials (the file was edited or damaged); compared from its trials`
    )
  if (reports.some((r) => r.foreign))
    notes.push('imported reports (iperf3) carry throughput and process CPU only; their other figures are missing')
  const sources = new Set(reports.map((r) => r.end.aggregates[0]?.cyclesSource).filter(Boolean))
  if (sources.has('process-cpu-estimate'))
    notes.push(
      "iperf3 imports' cycles/bit are process-level estimates (the whole process's CPU × a clock): they compare loosely with a thread's"
    )
  if (sources.has('pmu') && sources.has('cpu-time-estimate'))
    notes.push(
      'some reports count cycles with the PMU and others estimate them from CPU time: cycles/bit compare loosely'
    )
  if (rows.some((r) => r.comparisons.some((c) => c?.some((m) => m.verdict === 'no-spread'))))
    notes.push(
      'rows run once on both sides have no spread, so their noise is unknown: repeat them (--repeat 3 or more)'
    )
  notes.push(...referenceNotes(reports, baseline))
  return notes
}

export function compareReports(reports: readonly Report[], options: CompareOptions = {}): Comparison {
  const baseline = options.baseline ?? 0
  if (reports.length < 2) throw new RangeError('compare needs at least two reports')
  if (baseline < 0 || baseline >= reports.length) throw new RangeError(`no report ${baseline} to use as the baseline`)
  const thresholdFraction = options.thresholdFraction ?? 0.05
  const gate = new Set(options.gateMetrics ?? DEFAULT_GATE_METRICS)

  // The trials are the data; a report's stored aggregates are a cache of them that an
  // edit (or a bug) can make disagree. Every figure compared is recomputed from trials.
  const aggregates = reports.map((r) => aggregateTrials(r.trials, analysisOf(r.start.plan)))
  const edited = reports.flatMap((r, i) => (sameFigures(r.end.aggregates, aggregates[i]) ? [] : [i]))
  // --method: the other methods' rows are neither shown nor gated
  if (options.methods) {
    const only = new Set<string>(options.methods)
    for (const [i, aggs] of aggregates.entries()) aggregates[i] = aggs.filter((a) => only.has(a.method))
  }

  const { order, keys } = rowOrder(aggregates, baseline)
  const byReport = aggregates.map((aggs) => {
    const m = new Map<string, MethodAggregate>()
    for (const a of aggs) m.set(rowId(rowKeyOf(a)), a)
    return m
  })

  const regressions: Regression[] = []
  const inconclusive: Inconclusive[] = []
  const uncomparable: string[] = []
  const rows: CompareRow[] = order.map((id) => {
    const aggregates = byReport.map((m) => m.get(id) ?? null)
    const base = aggregates[baseline]
    const comparisons = aggregates.map((other, i) => {
      if (i === baseline) return null
      return COMPARE_METRICS.map((metric) => {
        const c = compareMetric(
          metric,
          base?.[metric.key] ?? null,
          other?.[metric.key] ?? null,
          thresholdFraction,
          independentRuns(base, other)
        )
        if (c.regression && gate.has(metric.key) && c.ratio)
          regressions.push({
            report: i,
            key: keys.get(id)!,
            metric: metric.key,
            change: c.ratio.ratio - 1,
            ci95: [c.ratio.ci95Low - 1, c.ratio.ci95High - 1]
          })
        // a row one side lacks is no figure to judge; the rest must have been able to see a change
        if (c.uncomparable)
          uncomparable.push(`${reportLetterOf(i)}: ${rowText(keys.get(id)!)} ${metric.label}: ${c.uncomparable}`)
        if (c.inconclusive && (c.verdict !== 'missing' || c.uncomparable) && gate.has(metric.key))
          inconclusive.push({
            report: i,
            key: keys.get(id)!,
            metric: metric.key,
            n: c.n,
            detectable: detectableChange(c),
            repetitionsNeeded: c.repetitionsNeeded,
            ...(c.uncomparable && { uncomparable: c.uncomparable })
          })
        return c
      })
    })
    return { key: keys.get(id)!, aggregates, comparisons }
  })

  const facts = reports.map((r) => environmentFacts(r.start.environment.sender))
  const environment: EnvironmentDiffRow[] = facts[0].map((f, k) => {
    const values = facts.map((list) => list[k].value)
    return { label: f.label, values, differs: values.some((v) => v !== values[0]) }
  })

  const notes = compareNotes(reports, rows, uncomparable, edited, baseline)

  const planDiffs = planDifferences(reports)
  const allowPlanDiff = options.allowPlanDiff ?? false
  const gateVerdict: GateVerdict =
    planDiffs.length && !allowPlanDiff
      ? 'not-comparable'
      : regressions.length
        ? 'regression'
        : inconclusive.length
          ? 'inconclusive'
          : 'pass'
  // two reports may read alike (the same plan in the same minute): their order tells them apart
  const titles = reports.map((r, i) => options.labels?.[i] ?? reportTitle(r))
  const labels = titles.map((t, i) => (titles.indexOf(t) !== titles.lastIndexOf(t) ? `${t} #${i + 1}` : t))
  return {
    baseline,
    thresholdFraction,
    columns: reports.map((r, i) => ({
      label: labels[i],
      host: r.start.environment.sender.hostname,
      timestamp: r.start.timestamp,
      tool: `${r.tool.name} ${r.tool.version}`,
      foreign: r.foreign !== null
    })),
    rows,
    environment,
    planDifferences: planDiffs,
    allowPlanDiff,
    regressions,
    inconclusive,
    gate: gateVerdict,
    notes
  }
}
