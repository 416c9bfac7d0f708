// How a figure is written for people, in every format (terminal table, Markdown,
// HTML, the app): one place, so a number reads the same everywhere.

import { pairName, type RowKey, type StatMetric } from '../compare'
import { headroomOf, lineRatesFor, ruleOfThumbCores } from '../headroom'
import { isBaselineMethod } from '../methods'
import type { CostVerdict, Headline, MethodAggregate, Report, StopReason } from '../report'
import {
  halfWidthShare,
  intervalStatus,
  isTight,
  MIN_FINDING_REPETITIONS,
  type RatioEstimate,
  type Stat
} from '../statistics'
import { formatBytes, formatDurationMs, formatLineRate, formatRatio } from '../units'
import { marksText } from '../warnings'
import { VERDICT_TEXT } from '../verdict-text'
import { type GlossaryTerm, termsUsed } from '../glossary'
import { pairGrids, pairText } from '../pair-grid'
import { pairGridTables } from './pair-grid-tables'

export const DASH = '—'

/** a trial's size: a file's bytes, or a timed stream (imports from iperf3 send for a duration) */
export function sizeText(fileBytes: number): string {
  return fileBytes === 0 ? 'timed stream' : formatBytes(fileBytes)
}

/** what bounded a row's trials: "timed 2.0 s", "1GiB", "file 256MiB" (one pass) */
export function boundText(a: Pick<MethodAggregate, 'durationMs' | 'trialBytes' | 'fileBytes'>): string {
  if (a.durationMs !== null) return `timed ${formatDurationMs(a.durationMs)}`
  if (a.trialBytes !== null) return `${formatBytes(a.trialBytes)} per trial`
  return `file ${sizeText(a.fileBytes)}`
}

export function gbitsRange(s: Stat | null): string {
  if (!s) return DASH
  const g = (v: number) => (v / 1e9).toFixed(2)
  return `${g(s.median)} (${g(s.min)}–${g(s.max)})`
}

export function medianText(s: Stat | null, digits = 3): string {
  return s ? formatRatio(s.median, digits) : DASH
}

export function percentText(v: number | null): string {
  return v === null ? DASH : `${v >= 0 ? '' : '−'}${Math.abs(v * 100).toFixed(0)}%`
}

/** ±4.6, ±12: an interval's half-width (a share) in points */
export function pointsText(halfWidth: number): string {
  const p = halfWidth * 100
  return `±${p < 10 ? p.toFixed(1) : p.toFixed(0)}`
}

/**
 * A change against a baseline with its 95% interval, at the precision the interval
 * supports: "−35% [−41, −28]", "+1.2% [+0.4, +2.0]". One definition and one sign
 * everywhere: negative is less than the baseline. With `n`, the repetitions behind it,
 * an interval that is not a finding (statistics.intervalStatus: too few repetitions,
 * or wider than the rule allows) is never printed: the cell says what is missing.
 */
export function changeWithInterval(r: RatioEstimate | null, n?: number): string {
  if (!r) return DASH
  const c = (r.ratio - 1) * 100
  const sign = (v: number) => (v >= 0 ? '+' : '−')
  const status = intervalStatus(r, n ?? Number.POSITIVE_INFINITY)
  if (status === 'too-few' || !Number.isFinite(r.ci95Low) || !Number.isFinite(r.ci95High))
    return `n = ${n ?? 1}: too few to tell`
  if (status === 'too-wide') return `${pointsText(halfWidthShare(r)!)}: too noisy to tell`
  const lo = (r.ci95Low - 1) * 100
  const hi = (r.ci95High - 1) * 100
  // a digit only where the interval is narrow enough for it to mean something
  const digits = hi - lo < 4 ? 1 : 0
  const f = (v: number) => `${sign(v)}${Math.abs(v).toFixed(digits)}`
  return `${f(c)}% [${f(lo)}, ${f(hi)}]`
}

/** the share a headline aims at, "5%" or "2.5%" */
export function shareText(share: number): string {
  const p = share * 100
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toPrecision(2)}%`
}

/** what more data would settle a headline: "about 9 more repetitions would resolve ±5%" */
export function moreRepetitionsText(h: Headline): string {
  const target = `±${shareText(h.target)}`
  if (h.repetitionsNeeded === null)
    return h.n < 2
      ? `repeat it ${MIN_FINDING_REPETITIONS} or more times to tell`
      : `over 1000 repetitions would be needed for ${target}`
  const more = Math.max(1, h.repetitionsNeeded - h.n)
  return `about ${more} more repetition${more === 1 ? '' : 's'} would resolve ${target}`
}

/** verdicts that are facts whatever the interval's width: said even when the size is unclear */
const DIRECTION: readonly CostVerdict[] = ['saves', 'costs-more', 'cost-moved', 'partly-moved', 'kernel-copied']

const STOP_TEXT: Record<StopReason, string> = {
  rounds: 'the plan fixed its rounds',
  tight: 'not tight',
  budget: 'budget spent',
  limit: 'trial limit reached'
}

/**
 * The headline cell of a row, the one answer every view gives: what the whole system
 * pays per bit against the baseline, with its 95% interval and verdict, when that is a
 * finding; else what is missing and what would settle it ("n = 2: too few to tell;
 * about 4 more repetitions would resolve ±5%"). A run that aimed at a precision and
 * stopped short says so ("±9 after 12: budget spent").
 */
export function headlineText(a: MethodAggregate, stop?: StopReason): string {
  if (isBaselineMethod(a.method)) return a.throughputBitsPerSec ? 'baseline' : DASH
  return a.headline ? headlineWords(a.headline, stop) : DASH
}

/** a headline record in words: headlineText's cell, for views that hold the record alone (the live rounds) */
export function headlineWords(h: Headline, stop?: StopReason): string {
  const { change, verdict } = headlineParts(h, stop)
  return verdict ? `${change} · ${verdict}` : change
}

/**
 * The headline in two parts, for tables that give each a column: the change with its
 * interval (or what is missing), and the verdict (or what would settle it).
 */
export function headlineParts(h: Headline, stop?: StopReason): { change: string; verdict: string } {
  if (!h.ratio) return { change: h.status === 'baseline' ? 'baseline' : DASH, verdict: '' }
  const direction = DIRECTION.includes(h.verdict) ? `${VERDICT_TEXT[h.verdict]}; ` : ''
  switch (h.status) {
    case 'baseline':
      return { change: 'baseline', verdict: '' }
    case 'finding': {
      const verdict = VERDICT_TEXT[h.verdict]
      const change = changeWithInterval(h.ratio)
      if (!h.precisionAsked || h.halfWidth === null || isTight(h.halfWidth, h.target)) return { change, verdict }
      return { change, verdict: `${verdict} · ${pointsText(h.halfWidth)} after ${h.n}: ${STOP_TEXT[stop ?? 'tight']}` }
    }
    case 'too-wide':
      return {
        change: `${pointsText(h.halfWidth!)}, n = ${h.n}: too noisy to tell`,
        verdict: `${direction}${moreRepetitionsText(h)}`
      }
    default:
      // too few (n < 3), or no interval at all (n = 1)
      return { change: `n = ${h.n}: too few to tell`, verdict: `${direction}${moreRepetitionsText(h)}` }
  }
}

export function timesText(v: number | null): string {
  return v === null ? DASH : `${v.toFixed(2)}×`
}

/** a signed change, e.g. −20.0% */
export function changeText(ratio: number): string {
  // a report from outside (or a bug) never prints Infinity or NaN: no figure instead
  if (!Number.isFinite(ratio)) return DASH
  const c = (ratio - 1) * 100
  return `${c >= 0 ? '+' : '−'}${Math.abs(c).toFixed(1)}%`
}

/** the row's marks: each warning its trials carry (on how many), and what the figures are */
export function aggregateNotes(a: MethodAggregate): string {
  const n: string[] = []
  const measured = a.trials
  // the kernel's copying carries its share: one mark, not two
  const copied = a.zeroCopyFallbackShare !== null && a.zeroCopyFallbackShare > 0
  // the mapped receiver's share stands in for its low-share mark, likewise
  const mappedShare = a.receiveMappedShare ?? null
  const marks = marksText(
    a.notes.filter(
      (x) => !(copied && x.code === 'ZC_COPIED') && !(mappedShare !== null && x.code === 'RECV_MAPPED_LOW')
    ),
    measured
  )
  if (copied) n.push(`kernel copied ${(a.zeroCopyFallbackShare! * 100).toFixed(0)}% of sends`)
  if (mappedShare !== null) n.push(`receiver mapped ${(mappedShare * 100).toFixed(0)}% of bytes`)
  if (marks) n.push(marks)
  if (a.method === 'node-stream') n.push('process-level')
  if (a.target.startsWith('raw://')) n.push('sender only')
  if (a.streams > 1) n.push(`${a.streams} streams`)
  if (a.cyclesSource === 'none' && a.trials > a.failed) n.push('no cycles (import)')
  if (a.cyclesSource === 'process-cpu-estimate') n.push('cycles: process-level estimate')
  return n.join('; ')
}

export interface Column {
  head: string
  cell: (a: MethodAggregate) => string
}

/** the per-method figures, shared by the CLI, Markdown and HTML */
export function aggregateColumns(estimated: boolean): Column[] {
  const cyc = estimated ? 'cyc/bit*' : 'cyc/bit'
  return [
    { head: 'method', cell: (a) => a.method },
    { head: 'Gbit/s median (min–max)', cell: (a) => gbitsRange(a.throughputBitsPerSec) },
    { head: `${cyc} send`, cell: (a) => medianText(a.senderCyclesPerBit) },
    { head: `${cyc} recv`, cell: (a) => medianText(a.receiverCyclesPerBit) },
    {
      head: `${cyc} system`,
      // across hosts: sending host / receiving host
      cell: (a) =>
        a.receiverSystemCyclesPerBit
          ? `${medianText(a.systemCyclesPerBit)} / ${medianText(a.receiverSystemCyclesPerBit)}`
          : medianText(a.systemCyclesPerBit)
    },
    { head: 'ctxsw/GiB', cell: (a) => medianText(a.contextSwitchesPerGiB, 3) },
    { head: 'syscalls/GiB', cell: (a) => medianText(a.syscallsPerGiB, 4) },
    // io_uring: what is left of the system calls, and the work handed over instead
    { head: 'enters/GiB', cell: (a) => medianText(a.uringEntersPerGiB ?? null, 4) },
    { head: 'SQEs/GiB', cell: (a) => medianText(a.uringSqesPerGiB ?? null, 4) },
    { head: 'notes', cell: aggregateNotes }
  ]
}

/** median ± standard deviation over repetitions, in Gbit/s; the median alone for one */
export function gbitsSpread(s: Stat | null): string {
  if (!s) return DASH
  const g = (v: number) => (v / 1e9).toFixed(2)
  return s.n > 1 && Number.isFinite(s.stddev) ? `${g(s.median)} ±${g(s.stddev)}` : g(s.median)
}

/** the headline column's head, the same in every table that leads with it */
export const HEADLINE_HEAD = 'system CPU/bit vs copy [95% CI]'

/**
 * The terminal's default table: the headline first (what the whole system pays per
 * bit against copy, with its interval and verdict, or what is missing), then what the
 * whole system pays per bit and the throughput. Notes are added only where a row has any.
 */
export function compactColumns(estimated: boolean, withNotes: boolean, stop?: StopReason): Column[] {
  const cyc = estimated ? 'cyc/bit*' : 'cyc/bit'
  const all = aggregateColumns(estimated)
  const system = all.find((c) => c.head === `${cyc} system`)!
  const parts = (a: MethodAggregate) =>
    isBaselineMethod(a.method)
      ? { change: headlineText(a), verdict: '' }
      : a.headline
        ? headlineParts(a.headline, stop)
        : { change: DASH, verdict: '' }
  // the verdict last: on a narrow terminal the last column is the one that wraps
  return [
    { head: 'method', cell: (a) => a.method },
    { head: HEADLINE_HEAD, cell: (a) => parts(a).change },
    { head: `system ${cyc}`, cell: system.cell },
    { head: 'Gbit/s ±σ', cell: (a) => gbitsSpread(a.throughputBitsPerSec) },
    { head: 'verdict', cell: (a) => parts(a).verdict },
    ...(withNotes ? [{ head: 'notes', cell: aggregateNotes }] : [])
  ]
}

/** the repetitions a row's ratios against its baseline rest on: the headline's, else the fewer of the two sides' */
function repetitionsOf(a: MethodAggregate): number {
  return a.headline?.n ?? a.allHostsCyclesPerBit?.n ?? 0
}

/**
 * Against copy, from the same run: each figure's change with its 95% interval, and
 * the verdict, which reads the whole system (every host measured).
 */
export const VS_COPY_COLUMNS: readonly Column[] = [
  { head: 'method', cell: (a) => a.method },
  {
    head: 'throughput',
    cell: (a) =>
      isBaselineMethod(a.method) ? 'baseline' : changeWithInterval(a.vsCopy?.throughput ?? null, repetitionsOf(a))
  },
  {
    head: 'sender CPU/bit',
    cell: (a) =>
      isBaselineMethod(a.method) ? '' : changeWithInterval(a.vsCopy?.senderCyclesPerBit ?? null, repetitionsOf(a))
  },
  {
    head: 'receiver CPU/bit',
    cell: (a) =>
      isBaselineMethod(a.method) ? '' : changeWithInterval(a.vsCopy?.receiverCyclesPerBit ?? null, repetitionsOf(a))
  },
  {
    head: 'system CPU/bit',
    cell: (a) =>
      isBaselineMethod(a.method) ? '' : changeWithInterval(a.vsCopy?.systemCyclesPerBit ?? null, repetitionsOf(a))
  },
  {
    head: 'verdict',
    cell: (a) => (isBaselineMethod(a.method) ? 'baseline' : a.vsCopy ? VERDICT_TEXT[a.vsCopy.verdict] : DASH)
  }
]

/** how a report's changes against copy were read, in words under its tables */
export function vsCopyFootnote(report: Report): string {
  const how =
    report.start.plan.order === 'shuffled'
      ? 'each method against copy in the same round, [95% interval] over the rounds'
      : 'change in mean, [95% interval] over repetitions'
  return `against copy in this run: ${how}; negative is cheaper. The verdict reads the whole system; an interval under 3 repetitions or wider than ±25 points is not printed.`
}

function coresText(v: number | null): string {
  if (v === null) return DASH
  return v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toPrecision(2)
}

function perCoreText(bitsPerSec: number | null): string {
  return bitsPerSec === null ? DASH : (bitsPerSec / 1e9).toPrecision(3)
}

/**
 * Headroom: Gbit/s one core sustains (sender / receiver / system) and the cores the
 * whole system needs to fill each line rate, from the medians and the hosts' clocks.
 */
export function headroomColumns(
  lineRates: readonly number[],
  senderClockHz: number | null,
  receiverClockHz: number | null,
  pairs = false
): Column[] {
  const h = (a: MethodAggregate) => headroomOf(a, senderClockHz, receiverClockHz, lineRates)
  return [
    // several receiver modes: a row a pair, named as one
    pairs
      ? { head: 'pair', cell: (a) => pairText(a.method, a.receiverMode) }
      : { head: 'method', cell: (a) => a.method },
    {
      head: 'Gbit/s per core send / recv / system',
      cell: (a) => {
        const p = h(a).perCoreBitsPerSec
        return `${perCoreText(p.sender)} / ${perCoreText(p.receiver)} / ${perCoreText(p.system)}`
      }
    },
    ...lineRates.map((rate, i) => ({
      head: `cores @ ${formatLineRate(rate)}`,
      cell: (a: MethodAggregate) => coresText(h(a).coresAt[i].system)
    }))
  ]
}

/** the rule-of-thumb row beside them: one cycle per bit */
export function ruleOfThumbRow(lineRates: readonly number[], clockHz: number | null): string[] {
  const perCore = clockHz ? (clockHz / 1e9).toPrecision(3) : DASH
  return ['1 cycle/bit rule', `${perCore} (any side)`, ...lineRates.map((r) => coresText(ruleOfThumbCores(clockHz, r)))]
}

export const HEADROOM_FOOTNOTE =
  'cores needed = line rate × system cycles per bit / clock (every host measured); per-core rates from the median cost'

export const ESTIMATE_FOOTNOTE = '* cycles estimated from CPU time × clock rate (no PMU count); see warnings'

/** true when any figure's cycles are estimates (or missing), so tables carry the footnote */
export function cyclesEstimated(aggregates: readonly MethodAggregate[]): boolean {
  return aggregates.some((a) => a.cyclesSource !== 'pmu')
}

/**
 * Aggregates grouped by what they were measured over, keyed by a title naming it:
 * `target · file 256MiB · chunk 128KiB` (the terminal table spaces instead of dots).
 */
export function groupAggregates(
  aggregates: readonly MethodAggregate[],
  separator = ' · '
): Map<string, MethodAggregate[]> {
  const groups = new Map<string, MethodAggregate[]>()
  // several receiver modes: each is a condition of its own (each method against copy with it)
  const receivers = new Set(aggregates.map((a) => a.receiverMode)).size > 1
  for (const a of aggregates) {
    const k = conditionText(a, separator) + (receivers ? `${separator}receiver ${a.receiverMode}` : '')
    groups.set(k, [...(groups.get(k) ?? []), a])
  }
  return groups
}

/** what a row was measured over, its pair apart: `target · file 256MiB · chunk 128KiB` */
export function conditionText(a: MethodAggregate, separator = ' · '): string {
  const parts = [a.target, boundText(a), `chunk ${formatBytes(a.chunkBytes)}`]
  if (a.durationMs !== null || a.trialBytes !== null) parts.splice(2, 0, `file ${sizeText(a.fileBytes)}`)
  if (a.streams > 1) parts.push(`${a.streams} streams`)
  return parts.join(separator)
}

/** a comparison row's name: method · target · size · chunk */
export function rowKeyText(k: RowKey): string {
  const bound = k.timed
    ? 'timed'
    : k.trialBytes !== null
      ? `${formatBytes(k.trialBytes)} per trial`
      : sizeText(k.fileBytes)
  return `${pairName(k)} · ${k.target} · ${bound} · ${formatBytes(k.chunkBytes)}${k.streams > 1 ? ` · ${k.streams} streams` : ''}`
}

/** a compared figure's mean, in the unit people read it in */
export function meanText(metric: StatMetric, s: Stat | null): string {
  return s ? figureText(metric, s.mean) : DASH
}

/** a compared figure's value, in the unit people read it in */
export function figureText(metric: StatMetric, value: number): string {
  if (!Number.isFinite(value)) return DASH
  return metric === 'throughputBitsPerSec' ? `${(value / 1e9).toFixed(2)} Gbit/s` : formatRatio(value, 3)
}

/** ' [−21.8%, −18.2%]', or nothing when no interval could be had */
export function intervalText(r: RatioEstimate): string {
  return !Number.isFinite(r.ci95Low) ? '' : ` [${changeText(r.ci95Low)}, ${changeText(r.ci95High)}]`
}

/** A table as text, for any format to draw. */
export interface TextTable {
  /** what the table is, over its rows; null for a group's main table */
  caption: string | null
  head: string[]
  rows: string[][]
}

export interface SummaryGroup {
  /** what the rows were measured over: target · bound · chunk · streams */
  title: string
  aggregates: MethodAggregate[]
  tables: TextTable[]
  /** the sender × receiver grid of a run with several receiver modes: tables, no per-method charts */
  grid?: true
}

/** the clocks and links a report's headroom is figured with */
export function headroomInputs(report: Report) {
  const env = report.start.environment
  const senderClockHz = env.sender.cpuClockHz
  const receiverClockHz = env.receivers.find((r) => r.environment)?.environment?.cpuClockHz ?? senderClockHz
  return { senderClockHz, receiverClockHz, lineRates: lineRatesFor(report.start.plan, env.sender) }
}

/**
 * A report's results as tables, one group per measured condition: the figures, each
 * method against copy, and the headroom. The terminal, Markdown and HTML draw these
 * same tables, so a figure reads the same in each.
 */
/**
 * A GPU target's own table: GB/s beside Gbit/s, the GPU's clock, the share of its PCIe
 * link (the reference line, as 1 cycle/bit is for sockets) and pinning, paid apart.
 */
export function gpuTable(report: Report, rows: MethodAggregate[]): TextTable | null {
  const env = report.start.environment.gpus?.find((g) => g.target === rows[0]?.target)
  if (!rows.length || !rows.every((a) => a.gpuBitsPerSec !== undefined)) return null
  const link = env?.pcie ?? null
  const gb = (bits: number | null | undefined) => (bits ? (bits / 8e9).toFixed(2) : '—')
  const share = (bits: number | null | undefined) =>
    bits && link ? `${((bits / 8 / link.maxBytesPerSec) * 100).toFixed(0)}%` : '—'
  const linkText = link
    ? `PCIe gen${link.gen} x${link.width} (max gen${link.maxGen} x${link.maxWidth}: ${(link.maxBytesPerSec / 1e9).toFixed(1)} GB/s)`
    : 'PCIe link unknown (no NVML)'
  return {
    caption: `into ${env?.name ?? 'the GPU'}, ${linkText}, CUDA ${env?.cudaVersion ?? '?'}`,
    head: ['method', 'GB/s', 'GPU-clock GB/s', 'of PCIe max', 'pinning ms'],
    rows: [
      ...rows.map((a) => [
        a.method,
        gb(a.throughputBitsPerSec?.median),
        gb(a.gpuBitsPerSec?.median),
        share(a.throughputBitsPerSec?.median),
        a.gpuPinMs ? a.gpuPinMs.median.toFixed(1) : '—'
      ]),
      ...(link ? [['PCIe link', (link.maxBytesPerSec / 1e9).toFixed(2), '', '100%', '']] : [])
    ]
  }
}

export function summaryTables(
  report: Report,
  separator = ' · ',
  layout: 'wide' | 'compact' = 'wide',
  width = Number.POSITIVE_INFINITY
): { groups: SummaryGroup[]; footnotes: string[]; legend: GlossaryTerm[] } {
  const aggs = report.end.aggregates
  const est = cyclesEstimated(aggs)
  const { senderClockHz, receiverClockHz, lineRates } = headroomInputs(report)
  const pairs = new Set(aggs.map((a) => a.receiverMode)).size > 1
  const table = (
    caption: string | null,
    columns: readonly Column[],
    rows: MethodAggregate[],
    extra: string[][] = []
  ) => ({
    caption,
    head: columns.map((c) => c.head),
    rows: [...rows.map((a) => columns.map((c) => c.cell(a))), ...extra]
  })
  const groups = [...groupAggregates(aggs, separator)].map(([title, rows]) => {
    const headroom = headroomColumns(lineRates, senderClockHz, receiverClockHz, pairs)
    const rule = ruleOfThumbRow(lineRates, senderClockHz)
    const gpu = gpuTable(report, rows)
    if (layout === 'compact') {
      // the cores each method needs, without the per-core rates (--wide has them)
      const withNotes = rows.some((a) => aggregateNotes(a) !== '')
      const tables: TextTable[] = [
        table(null, compactColumns(est, withNotes, report.end.rounds?.stop), rows),
        ...(gpu ? [gpu] : []),
        table(
          'cores needed',
          // a pair's name is long (uring-send → gpu-pageable): the caption says cores, so the heads need not
          [headroom[0], ...headroom.slice(2).map((c) => (pairs ? { ...c, head: c.head.replace(/^cores /, '') } : c))],
          rows,
          [[rule[0], ...rule.slice(2)]]
        )
      ]
      return { title, aggregates: rows, tables }
    }
    // the headline first, as in every view; each side's figures after it
    const tables: TextTable[] = [
      table(null, compactColumns(est, false, report.end.rounds?.stop), rows),
      table('each side', aggregateColumns(est), rows),
      ...(gpu ? [gpu] : [])
    ]
    if (rows.some((a) => a.vsCopy)) tables.push(table('against copy', VS_COPY_COLUMNS, rows))
    tables.push(table('headroom', headroom, rows, [rule]))
    return { title, aggregates: rows, tables }
  })
  const footnotes: string[] = []
  // several receiver modes: the grid of every pair first, the answer across them
  groups.unshift(...gridGroups(report, est, width, separator))
  if (aggs.some((a) => a.vsCopy)) footnotes.push(vsCopyFootnote(report))
  if (aggs.length) footnotes.push(HEADROOM_FOOTNOTE)
  if (est) footnotes.push(ESTIMATE_FOOTNOTE)
  return { groups, footnotes, legend: tablesLegend(groups) }
}

/** a group a condition that ran several receiver modes: its sender × receiver grid */
function gridGroups(report: Report, estimated: boolean, width: number, separator: string): SummaryGroup[] {
  const plan = report.start.plan
  const aggs = report.end.aggregates
  return pairGrids(aggs, { methods: plan.methods, receiverModes: plan.receiverModes }, (a) =>
    conditionText(a, separator)
  ).map((g) => ({
    title: g.condition,
    aggregates: aggs.filter((a) => conditionText(a, separator) === g.condition),
    tables: pairGridTables(g, estimated, width),
    grid: true as const
  }))
}

/** each glossary term the tables show, in the glossary's order */
export function tablesLegend(groups: readonly SummaryGroup[]): GlossaryTerm[] {
  return termsUsed(groups.flatMap((g) => g.tables.flatMap((t) => [...t.head, ...t.rows.flat()])))
}
