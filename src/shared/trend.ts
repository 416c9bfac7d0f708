// A library's history as series: every report's rows grouped by what makes two runs the
// same experiment (compare's rule, less the machine, which is the series' host), each
// point a run's figure with its interval, the levels it moved between (change-points.ts)
// and a gate on the newest run against the level before it (compare's rule and exits).
//
// Trend reads library entries, not reports: entryTrend() keeps what it needs of each
// report in the listing (and so in the library's index), so 5,000 reports draw fast.

import { findChangePoints, type ChangePointOptions } from './change-points'
import { COMPARE_METRICS, compareMetric, rowId, rowKeyOf, type MetricComparison, type MetricInfo } from './compare'
import type { EntryRow, EntryTrend, LibraryEntry } from './library'
import { machineChanged } from './machine-reference'
import type { MethodName } from './methods'
import { planFacts } from './plan-differences'
import type { MachineReference, MethodAggregate, Report } from './report'
import { halfWidthShare, MIN_FINDING_REPETITIONS, summarize, tQuantile95, type Stat } from './statistics'

/** the figures a trend can follow: the headline (what every host measured pays per bit) and throughput */
export const TREND_METRICS = ['allHostsCyclesPerBit', 'throughputBitsPerSec'] as const
export type TrendMetric = (typeof TREND_METRICS)[number]

/** the newest points of a series that change points are looked for in (E-divisive is O(n²) a scan) */
export const DEFAULT_TREND_WINDOW = 200
export const DEFAULT_TREND_THRESHOLD = 0.05

// the plan's facts that are the row's own (chunk, streams) or the machine's (the series' host)
const NOT_SERIES_FACTS = new Set(['cpu', 'kernel', 'chunk', 'streams'])

/** what a trend keeps of a report: its machine, label and each row's figures */
export function entryTrend(report: Report): EntryTrend {
  const kept = report.foreign ? [] : planFacts(report).filter((f) => !NOT_SERIES_FACTS.has(f.key))
  // a row's facts: io_uring's settings are an io_uring method's, not copy's beside it; the
  // receiver mode is the row's own (its pair's), so a pair's series goes on whatever else the run paired
  const factsOf = (a: MethodAggregate) =>
    report.foreign
      ? `imported ${report.foreign.format}`
      : kept
          .filter((f) => f.key !== 'uring' || a.method.startsWith('uring-'))
          .map((f) => `${f.label} ${f.key === 'receiver' ? a.receiverMode : f.value}`)
          .join(', ')
  const env = report.start.environment.sender
  return {
    cpuModel: env.cpuModel,
    kernel: env.kernel,
    label: report.meta.label ?? null,
    ...(report.start.reference ? { reference: report.start.reference } : {}),
    rows: report.end.aggregates
      .filter((a) => a.trials > a.failed)
      .map((a) => ({
        series: `${rowId(rowKeyOf(a))}|${factsOf(a)}`,
        facts: factsOf(a),
        method: a.method,
        target: rowKeyOf(a).target,
        chunkBytes: a.chunkBytes,
        streams: a.streams,
        fileBytes: a.fileBytes,
        trialBytes: a.trialBytes ?? null,
        durationMs: a.durationMs ?? null,
        runs: a.trials - a.failed,
        allHostsCyclesPerBit: a.allHostsCyclesPerBit,
        throughputBitsPerSec: a.throughputBitsPerSec
      }))
  }
}

export interface TrendFilter {
  host?: string | null
  method?: string | null
  /** points whose label contains this (case-insensitive) */
  label?: string | null
  /** ISO 8601 instants: kept when at or after since, before until */
  since?: string | null
  until?: string | null
}

export interface TrendOptions extends TrendFilter {
  metric?: TrendMetric
  /** a series per host name (default), or per CPU model: runs on like machines in one series */
  by?: 'host' | 'cpu'
  /** a change smaller than this is never a regression (compare's threshold) */
  thresholdFraction?: number
  /** the newest points of each series in which change points are looked for */
  window?: number
  changePoints?: ChangePointOptions
}

export interface TrendPoint {
  id: string
  timestamp: string
  label: string | null
  host: string
  kernel: string
  incomplete: boolean
  stat: Stat
  runs: number
  /** the machine reference as the run started; absent where the report has none */
  reference?: MachineReference
}

/** a level the series moved to, from the first point of the new level */
export interface TrendChange {
  /** the point (in the series' points) where the new level starts */
  index: number
  id: string
  timestamp: string
  label: string | null
  /** the means of the levels before and after */
  before: number
  after: number
  /** after / before − 1; null when before is 0 */
  change: number | null
  /** worse for this figure (up for a cost, down for throughput) */
  worse: boolean
  pValue: number
  /** the machine's kernel changed between the two points: said beside the change */
  kernelChanged: boolean
  /** the machine reference stepped between the two points too (the drift rule): the host changed as well */
  machineChanged: boolean
}

/** the newest run against the level it follows (the points since the last change) */
export interface SeriesGate {
  comparison: MetricComparison
  /** how many earlier points the level rests on */
  levelRuns: number
  /**
   * a worse change young enough to be still gated (WORSE_CHANGE_HELD_RUNS): the index of its
   * first run; the comparison is then its new level against the level before it
   */
  heldChange?: number
}

/**
 * A worse change is held against the newest run until its new level has this many runs:
 * a regression keeps failing the gate for the runs that follow it, not only the first,
 * and then becomes the level (accepted by being left in place)
 */
export const WORSE_CHANGE_HELD_RUNS = 5

export interface TrendSeries {
  id: string
  method: MethodName
  target: string
  chunkBytes: number
  streams: number
  /** the host name, or the CPU model where grouped by CPU */
  machine: string
  /** the plan facts every point shares */
  facts: string
  /** oldest first */
  points: TrendPoint[]
  changes: TrendChange[]
  /** the points change points were looked for in: the newest `window` */
  analysedFrom: number
  /** the series' newest run against its level; null with no earlier point (the gate judges only series ending with the newest report) */
  gate: SeriesGate | null
}

export type TrendGate = 'pass' | 'regression' | 'inconclusive'

export interface Trend {
  metric: MetricInfo
  thresholdFraction: number
  series: TrendSeries[]
  /** the newest report among those kept: the one the gate judges */
  newest: { id: string; timestamp: string } | null
  gate: TrendGate
  /** why the gate says what it says, a line each: the series that decided it */
  gateReasons: string[]
}

const metricInfo = (m: TrendMetric): MetricInfo => COMPARE_METRICS.find((x) => x.key === m)!

function kept(e: LibraryEntry, f: TrendFilter): boolean {
  if (!e.trend || e.problem) return false
  if (f.host && e.host !== f.host) return false
  const at = Date.parse(e.timestamp)
  // a report whose date is no date has no place on a time axis (nor in a level)
  if (!Number.isFinite(at)) return false
  if (f.since && !(at >= Date.parse(f.since))) return false
  if (f.until && !(at < Date.parse(f.until))) return false
  if (f.label && !(e.trend.label ?? '').toLowerCase().includes(f.label.toLowerCase())) return false
  return true
}

/** each series' points, oldest first, from the entries a filter keeps */
function groupSeries(entries: readonly LibraryEntry[], o: TrendOptions, metric: TrendMetric) {
  const groups = new Map<string, { machine: string; row: EntryRow; points: TrendPoint[] }>()
  const sorted = entries.filter((e) => kept(e, o)).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp))
  // the newest report that gave a point: one the filters left no row of is not the run judged
  let newest: LibraryEntry | null = null
  for (const e of sorted) {
    const machine = o.by === 'cpu' ? e.trend!.cpuModel : e.host
    for (const row of e.trend!.rows) {
      const stat = row[metric]
      if (!stat || !Number.isFinite(stat.mean) || (o.method && row.method !== o.method)) continue
      newest = e
      const id = `${machine}|${row.series}`
      if (!groups.has(id)) groups.set(id, { machine, row, points: [] })
      groups.get(id)!.points.push({
        id: e.id,
        timestamp: e.timestamp,
        label: e.trend!.label,
        host: e.host,
        kernel: e.trend!.kernel,
        incomplete: e.incomplete,
        stat,
        runs: row.runs,
        ...(e.trend!.reference ? { reference: e.trend!.reference } : {})
      })
    }
  }
  return { groups, newest }
}

/** both points have a reference and it moved between them by the drift rule */
const referenceStepped = (before?: MachineReference, after?: MachineReference) =>
  before !== undefined && after !== undefined && machineChanged(before, after)

function changesOf(points: readonly TrendPoint[], from: number, info: MetricInfo, o: TrendOptions): TrendChange[] {
  const found = findChangePoints(
    points.slice(from).map((p) => p.stat.mean),
    o.changePoints
  )
  return found.changePoints.map((c) => {
    const i = from + c.index
    const up = c.after.mean > c.before.mean
    return {
      index: i,
      id: points[i].id,
      timestamp: points[i].timestamp,
      label: points[i].label,
      before: c.before.mean,
      after: c.after.mean,
      change: c.relativeChange,
      worse: c.after.mean !== c.before.mean && up === (info.better === 'lower'),
      pValue: c.pValue,
      kernelChanged: points[i].kernel !== points[i - 1].kernel,
      machineChanged: referenceStepped(points[i - 1].reference, points[i].reference)
    }
  })
}

/**
 * The newest point against the level before it: the runs since the last change (the
 * newest left out, and never past the window searched for changes), each run's mean a
 * draw of the level. The newest run is one more draw, so its distance from the level is
 * judged by a 95 % prediction interval on the log scale, mean ± t(k−1)·s·√(1 + 1/k),
 * with s the spread of the level's run means: the run-to-run spread, which one run's own
 * repetitions cannot show. Then compare's rule: a regression is worse by more than the
 * threshold with the interval wholly on the worse side; under three level runs, or with
 * an interval wider than the threshold, it cannot tell.
 */
function gateOf(s: TrendSeries, info: MetricInfo, thresholdFraction: number): SeriesGate | null {
  const last = s.points.length - 1
  if (last < 1) return null
  const held = heldChangeGate(s, info, thresholdFraction)
  if (held) return held
  const start = Math.min(s.changes.at(-1)?.index ?? s.analysedFrom, last - 1)
  const level = s.points.slice(start, last)
  const comparison = predictionComparison(
    info,
    level.map((p) => p.stat.mean),
    s.points[last].stat.mean,
    thresholdFraction
  )
  return { comparison, levelRuns: level.length }
}

/**
 * The series' last change when it is worse and its new level is still young: the new
 * level's runs (the newest among them) against the level's before it, both samples of
 * whole runs, by compare's rule (Welch's interval on the ratio of their means)
 */
function heldChangeGate(s: TrendSeries, info: MetricInfo, thresholdFraction: number): SeriesGate | null {
  const last = s.points.length - 1
  const c = s.changes.at(-1)
  if (!c || !c.worse || last - c.index + 1 > WORSE_CHANGE_HELD_RUNS) return null
  const from = s.changes.at(-2)?.index ?? s.analysedFrom
  const means = (a: number, b: number) => s.points.slice(a, b).map((p) => p.stat.mean)
  const before = means(from, c.index)
  const comparison = compareMetric(info, summarize(before), summarize(means(c.index, last + 1)), thresholdFraction)
  return { comparison, levelRuns: before.length, heldChange: c.index }
}

/** one new value against a sample of k earlier ones, as compare's record of a comparison */
export function predictionComparison(
  info: MetricInfo,
  levelValues: readonly number[],
  value: number,
  thresholdFraction: number
): MetricComparison {
  const logs = levelValues.filter((v) => v > 0).map(Math.log)
  const base = summarize(logs)
  const k = logs.length
  const none = { metric: info.key, regression: false, n: k, inconclusive: true, repetitionsNeeded: null }
  if (!base || !(value > 0)) return { ...none, ratio: null, verdict: 'missing' }
  const centre = Math.log(value) - base.mean
  if (k < 2) return { ...none, ratio: { ratio: Math.exp(centre), ci95Low: NaN, ci95High: NaN }, verdict: 'no-spread' }
  const half = tQuantile95(k - 1) * base.stddev * Math.sqrt(1 + 1 / k)
  const ratio = { ratio: Math.exp(centre), ci95Low: Math.exp(centre - half), ci95High: Math.exp(centre + half) }
  const inside = ratio.ci95Low <= 1 && ratio.ci95High >= 1
  const up = ratio.ratio > 1
  const verdict = inside ? 'within-noise' : up === (info.better === 'higher') ? 'better' : 'worse'
  const regression =
    verdict === 'worse' && Math.abs(ratio.ratio - 1) > thresholdFraction && k >= MIN_FINDING_REPETITIONS
  const blind = k < MIN_FINDING_REPETITIONS || (halfWidthShare(ratio) ?? Infinity) > thresholdFraction
  return {
    metric: info.key,
    ratio,
    verdict,
    regression,
    n: k,
    inconclusive: !regression && blind,
    repetitionsNeeded: null
  }
}

const seriesName = (s: TrendSeries) => `${s.method} ${s.target} on ${s.machine}`

function gateVerdict(series: readonly TrendSeries[], newestId: string | null): Pick<Trend, 'gate' | 'gateReasons'> {
  if (newestId === null)
    return { gate: 'inconclusive', gateReasons: ['no report the filters keep has a finished row: nothing to judge'] }
  const judged = series.filter((s) => s.gate && s.points.at(-1)!.id === newestId)
  const worse = judged.filter((s) => s.gate!.comparison.regression)
  if (worse.length) return { gate: 'regression', gateReasons: worse.map((s) => `worse: ${seriesName(s)}`) }
  const blind = judged.filter((s) => s.gate!.comparison.inconclusive)
  if (blind.length || !judged.length)
    return {
      gate: 'inconclusive',
      gateReasons: judged.length
        ? blind.map((s) => `cannot tell: ${seriesName(s)} (${s.gate!.levelRuns} earlier runs at its level)`)
        : ['the newest report has no earlier run of the same experiment to be held against']
    }
  return { gate: 'pass', gateReasons: [] }
}

/** the library's series, their change points, and the gate on the newest report */
export function buildTrend(entries: readonly LibraryEntry[], options: TrendOptions = {}): Trend {
  const metric = options.metric ?? 'allHostsCyclesPerBit'
  const info = metricInfo(metric)
  const thresholdFraction = options.thresholdFraction ?? DEFAULT_TREND_THRESHOLD
  const window = options.window ?? DEFAULT_TREND_WINDOW
  const { groups, newest } = groupSeries(entries, options, metric)
  const series: TrendSeries[] = []
  for (const [id, g] of groups) {
    const analysedFrom = Math.max(0, g.points.length - window)
    const s: TrendSeries = {
      id,
      method: g.row.method,
      target: g.row.target,
      chunkBytes: g.row.chunkBytes,
      streams: g.row.streams,
      machine: g.machine,
      facts: g.row.facts,
      points: g.points,
      changes: changesOf(g.points, analysedFrom, info, options),
      analysedFrom,
      gate: null
    }
    s.gate = gateOf(s, info, thresholdFraction)
    series.push(s)
  }
  series.sort((a, b) => a.machine.localeCompare(b.machine) || a.id.localeCompare(b.id))
  const newestId = newest?.id ?? null
  return {
    metric: info,
    thresholdFraction,
    series,
    newest: newest ? { id: newest.id, timestamp: newest.timestamp } : null,
    ...gateVerdict(series, newestId)
  }
}
