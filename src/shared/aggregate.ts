// Per-method figures over repetitions, and what each method costs against copy (for a
// GPU target, against gpu-copy: read() into a pageable buffer, then the driver's copy).

import {
  DEFAULT_PRECISION,
  halfWidthShare,
  intervalStatus,
  pairedRatio,
  pairsFor,
  ratio,
  ratioOfMeans,
  ratioSide,
  repetitionsPerSideFor,
  summarize,
  type RatioEstimate,
  type Stat
} from './statistics'
import { baselineMethod, isBaselineMethod } from './methods'
import { summarizeSlices } from './series-stat'
import type { CostVerdict, Headline, MethodAggregate, Plan, Report, TrialRecord, TrialSummary, VsCopy } from './report'

type GroupKey = Pick<
  TrialRecord,
  'method' | 'receiverMode' | 'target' | 'fileBytes' | 'chunkBytes' | 'durationMs' | 'trialBytes' | 'streams'
>

/** a row of results: one pair (a method with a receiver mode) on one condition */
export function rowKey(t: GroupKey): string {
  return `${t.method}|${t.receiverMode}|${t.target}|${t.fileBytes}|${t.chunkBytes}|${t.durationMs}|${t.trialBytes}|${t.streams}`
}
const key = rowKey

/** the same measurement as another method's: everything but the method (the receiver mode included: like with like) */
function sameConditions(a: GroupKey, b: GroupKey): boolean {
  return key({ ...a, method: 'copy' }) === key({ ...b, method: 'copy' })
}

/** what every host we measured pays per bit: the sending host, plus the receiving host when it is another */
export function allHostsCyclesPerBit(s: TrialSummary): number | null {
  const own = s.system?.cyclesPerBit
  if (own === null || own === undefined || !Number.isFinite(own)) return null
  const other = s.receiverSystem?.cyclesPerBit
  return other !== null && other !== undefined && Number.isFinite(other) ? own + other : own
}

/** a share of sends the kernel copied at or above this makes a zero-copy method's saving no zero-copy win */
export const KERNEL_COPIED_SHARE = 0.5

/**
 * The verdict on a method's cost against copy, from the intervals of its ratios.
 * A sender saving that the receiver or the whole system pays back is "cost moved",
 * never a saving; a zero-copy path the kernel copied anyway is never a win. An
 * interval that is not a finding (too few repetitions behind it, or so wide it
 * includes no change and large ones alike) decides nothing: "undecided".
 */
export function costVerdict(
  method: MethodAggregate['method'],
  fallbackShare: number | null,
  r: Pick<VsCopy, 'senderCyclesPerBit' | 'receiverCyclesPerBit' | 'systemCyclesPerBit'>,
  n = Number.POSITIVE_INFINITY
): CostVerdict {
  if (isBaselineMethod(method)) return 'baseline'
  if (fallbackShare !== null && fallbackShare >= KERNEL_COPIED_SHARE) return 'kernel-copied'
  if (!r.systemCyclesPerBit) return 'unknown'
  const system = ratioSide(r.systemCyclesPerBit)
  if (system === null) return 'unrepeated'
  const status = intervalStatus(r.systemCyclesPerBit, n)
  // too few to read at all; or too wide to tell a change from none (a wide interval
  // wholly on one side still tells the direction)
  if (status === 'too-few' || (status === 'too-wide' && system === 'includes')) return 'undecided'
  const sender = ratioSide(r.senderCyclesPerBit)
  const receiver = ratioSide(r.receiverCyclesPerBit)
  if (sender === 'below' && system !== 'below') return 'cost-moved'
  if (system === 'below') return receiver === 'above' ? 'partly-moved' : 'saves'
  return system === 'above' ? 'costs-more' : 'no-clear-change'
}

function ratioOf(a: Stat | null, base: Stat | null): RatioEstimate | null {
  return a && base ? ratioOfMeans(base, a) : null
}

/** How a run's rows are analysed against their baseline: what the plan says it ran. */
export interface Analysis {
  /** pair each method with its baseline round by round: rounds ran in a shuffled order */
  paired: boolean
  /** the half-width the run aimed at; "about N more" is figured for it (else DEFAULT_PRECISION) */
  precision: number
  /** the run repeated rounds until that precision */
  precisionAsked: boolean
  /** rows in this order of methods (the plan's), whatever order the rounds ran them in */
  methodOrder?: readonly MethodAggregate['method'][]
  /** and within a condition, the receiver modes in this order (the plan's) */
  receiverOrder?: readonly MethodAggregate['receiverMode'][]
}

/**
 * What a plan's rounds support: reports from before 0.4 ran a fixed order and are read
 * as they were (ratios of means), so a report's figures never change on reload.
 */
export function analysisOf(
  plan: (Pick<Plan, 'order' | 'precision' | 'methods'> & Partial<Pick<Plan, 'receiverModes'>>) | null | undefined
): Analysis {
  return {
    paired: plan?.order === 'shuffled',
    precision: plan?.precision ?? DEFAULT_PRECISION,
    precisionAsked: typeof plan?.precision === 'number',
    methodOrder: plan?.methods,
    receiverOrder: plan?.receiverModes
  }
}

type Figure = (s: TrialSummary) => number | null | undefined

/**
 * A figure against the baseline: paired round by round (each round's two trials), or
 * the ratio of the means over all repetitions. Returns the estimate and its n.
 */
function against(
  analysis: Analysis,
  a: { stat: Stat | null; trials: Map<number, TrialSummary> },
  base: { stat: Stat | null; trials: Map<number, TrialSummary> },
  figure: Figure
): { r: RatioEstimate | null; n: number; paired: ReturnType<typeof pairedRatio> } {
  if (!analysis.paired) {
    const r = ratioOf(a.stat, base.stat)
    return { r, n: Math.min(a.stat?.n ?? 0, base.stat?.n ?? 0), paired: null }
  }
  const pairs: [number, number][] = []
  for (const [round, s] of a.trials) {
    const b = base.trials.get(round)
    const x = figure(s)
    const y = b ? figure(b) : null
    if (typeof x === 'number' && typeof y === 'number') pairs.push([y, x])
  }
  const p = pairedRatio(pairs)
  return { r: p ? { ratio: p.ratio, ci95Low: p.ci95Low, ci95High: p.ci95High } : null, n: p?.n ?? 0, paired: p }
}

/** one condition's row of figures from its trials, and its measured trials by round */
function rowOf(group: readonly TrialRecord[]): { row: MethodAggregate; rounds: Map<number, TrialSummary> } {
  const first = group[0]
  // a failed or cancelled trial keeps its partial figures in the report, not in the statistics
  const ok = group
    .filter((t) => t.error === null)
    .map((t) => t.summary)
    .filter((s): s is TrialSummary => s !== null && s.bytes > 0)
  const pick = (f: (s: TrialSummary) => number | null | undefined) =>
    summarize(ok.map(f).filter((v): v is number => typeof v === 'number'))
  const zc = ok.map((s) => s.zeroCopy).filter((z) => z !== null)
  const zcSends = zc.reduce((a, z) => a + z.completed, 0)
  // the mapped receiver's share of all its trials' bytes, as the row says it ("of bytes")
  const mapped = ok.map((s) => s.receiveMapping).filter((x) => x != null)
  const mappedBytes = mapped.reduce((a, x) => a + x.mappedBytes, 0)
  const receivedBytes = mapped.reduce((a, x) => a + x.mappedBytes + x.copiedBytes, 0)
  // each warning a trial carries (its failure included), on how many trials
  const noteCount = new Map<string, number>()
  for (const t of group) {
    const codes = new Set((t.summary?.notes ?? []).map((n) => n.code))
    if (t.error) codes.add(t.error.code)
    for (const c of codes) noteCount.set(c, (noteCount.get(c) ?? 0) + 1)
  }
  const sources = new Set(ok.map((s) => s.sender.cyclesSource))
  // one imported run with its intervals: those, as slices of it (series-stat.ts), stand in for repetitions
  const slices = ok.length === 1 ? summarizeSlices(ok[0].throughputSlicesBitsPerSec ?? []) : null
  const rounds = new Map<number, TrialSummary>()
  for (const t of group) if (t.error === null && t.summary && t.summary.bytes > 0) rounds.set(t.repetition, t.summary)
  const row: MethodAggregate = {
    method: first.method,
    receiverMode: first.receiverMode,
    target: first.target,
    fileBytes: first.fileBytes,
    chunkBytes: first.chunkBytes,
    durationMs: first.durationMs,
    trialBytes: first.trialBytes,
    streams: first.streams,
    trials: group.length,
    failed: group.length - ok.length,
    throughputBitsPerSec: slices?.stat ?? pick((s) => s.throughputBitsPerSec),
    senderCyclesPerBit: pick((s) => s.sender.cyclesPerBit),
    receiverCyclesPerBit: pick((s) => s.receiver?.cyclesPerBit),
    systemCyclesPerBit: pick((s) => s.system?.cyclesPerBit),
    receiverSystemCyclesPerBit: pick((s) => s.receiverSystem?.cyclesPerBit),
    allHostsCyclesPerBit: pick(allHostsCyclesPerBit),
    contextSwitchesPerGiB: pick((s) => s.sender.contextSwitchesPerGiB),
    syscallsPerGiB: pick((s) => s.sender.syscallsPerGiB),
    pageFaultsPerGiB: pick((s) => s.sender.pageFaultsPerGiB),
    uringEntersPerGiB: pick((s) => s.uring?.entersPerGiB),
    uringSqesPerGiB: pick((s) => s.uring?.sqesPerGiB),
    ...(ok.some((s) => s.gpu) && {
      gpuBitsPerSec: pick((s) => s.gpu?.gpuBitsPerSec),
      gpuPinMs: pick((s) => s.gpu?.pinMs)
    }),
    cyclesSource: sources.size === 1 ? [...sources][0] : ok.length === 0 ? 'none' : 'cpu-time-estimate',
    speedupVsCopy: null,
    vsCopy: null,
    zeroCopyFallbackShare: zcSends > 0 ? zc.reduce((a, z) => a + z.copied, 0) / zcSends : null,
    ...(mapped.length && { receiveMappedShare: receivedBytes > 0 ? mappedBytes / receivedBytes : null }),
    notes: [...noteCount].map(([code, n]) => ({ code, trials: n }))
  }
  return { row, rounds }
}

export function aggregateTrials(
  trials: readonly TrialRecord[],
  analysis: Analysis = analysisOf(null)
): MethodAggregate[] {
  const groups = new Map<string, TrialRecord[]>()
  for (const t of trials) {
    if (t.warmup) continue
    const k = key(t)
    const g = groups.get(k)
    if (g) g.push(t)
    else groups.set(k, [t])
  }
  const out: MethodAggregate[] = []
  // each row's measured trials by round: what pairing reads
  const byRound = new Map<MethodAggregate, Map<number, TrialSummary>>()
  for (const group of groups.values()) {
    const { row, rounds } = rowOf(group)
    out.push(row)
    byRound.set(row, rounds)
  }
  // the plan's method order within each condition (shuffled rounds meet them in any order)
  const order = analysis.methodOrder
  if (order) {
    // a condition apart from its pair: the receiver modes then sort by the plan's order too
    const bare = (a: MethodAggregate) => key({ ...a, method: 'copy', receiverMode: 'read' })
    const cond = [...new Set(out.map(bare))]
    const receivers = analysis.receiverOrder ?? []
    const rank = (a: MethodAggregate) => {
      const i = order.indexOf(a.method)
      const r = receivers.indexOf(a.receiverMode)
      return (cond.indexOf(bare(a)) * 1000 + (r < 0 ? 999 : r)) * 1000 + (i < 0 ? 999 : i)
    }
    out.sort((a, b) => rank(a) - rank(b))
  }
  // against copy on the same target, size, chunk, bound and streams
  for (const a of out) {
    const base = out.find((b) => b.method === baselineMethod(a.method) && sameConditions(a, b))
    if (!base) continue
    a.speedupVsCopy = ratio(a.throughputBitsPerSec?.median, base.throughputBitsPerSec?.median)
    if (a === base) {
      a.headline = baselineHeadline(a, analysis)
      continue
    }
    const side = (x: MethodAggregate, stat: Stat | null) => ({ stat, trials: byRound.get(x)! })
    const vs = (pick: (x: MethodAggregate) => Stat | null, figure: Figure) =>
      against(analysis, side(a, pick(a)), side(base, pick(base)), figure)
    const system = vs((x) => x.allHostsCyclesPerBit, allHostsCyclesPerBit)
    const r = {
      throughput: vs(
        (x) => x.throughputBitsPerSec,
        (s) => s.throughputBitsPerSec
      ).r,
      senderCyclesPerBit: vs(
        (x) => x.senderCyclesPerBit,
        (s) => s.sender.cyclesPerBit
      ).r,
      receiverCyclesPerBit: vs(
        (x) => x.receiverCyclesPerBit,
        (s) => s.receiver?.cyclesPerBit
      ).r,
      systemCyclesPerBit: system.r
    }
    a.vsCopy = { ...r, verdict: costVerdict(a.method, a.zeroCopyFallbackShare, r, system.n) }
    const needed = system.paired
      ? pairsFor(system.paired, analysis.precision)
      : a.allHostsCyclesPerBit && base.allHostsCyclesPerBit
        ? repetitionsPerSideFor(base.allHostsCyclesPerBit, a.allHostsCyclesPerBit, analysis.precision)
        : null
    a.headline = {
      baseline: base.method,
      ratio: system.r,
      design: analysis.paired ? 'paired' : 'unpaired',
      n: system.n,
      halfWidth: halfWidthShare(system.r),
      target: analysis.precision,
      precisionAsked: analysis.precisionAsked,
      status: intervalStatus(system.r, system.n),
      repetitionsNeeded: needed,
      verdict: a.vsCopy.verdict
    }
    if (a.vsCopy.verdict === 'cost-moved' || a.vsCopy.verdict === 'partly-moved')
      a.notes.push({ code: 'COST_MOVED', trials: a.trials - a.failed })
  }
  return out
}

/** the baseline's own headline: nothing to compare, but said in the same record */
function baselineHeadline(a: MethodAggregate, analysis: Analysis): Headline {
  return {
    baseline: a.method,
    ratio: null,
    design: analysis.paired ? 'paired' : 'unpaired',
    n: a.allHostsCyclesPerBit?.n ?? 0,
    halfWidth: null,
    target: analysis.precision,
    precisionAsked: analysis.precisionAsked,
    status: 'baseline',
    repetitionsNeeded: null,
    verdict: 'baseline'
  }
}

/**
 * A report from before the headline field, given its rows' headlines as today's rules
 * read its trials: every view reads one field. Nothing else in it changes; a report
 * that has them is returned as it is.
 */
export function withHeadlines(report: Report): Report {
  const aggs = report.end.aggregates
  if (aggs.every((a) => a.headline !== undefined)) return report
  const fresh = aggregateTrials(report.trials, analysisOf(report.start.plan))
  const same = (a: MethodAggregate, b: MethodAggregate) => key(a) === key(b)
  return {
    ...report,
    end: {
      ...report.end,
      aggregates: aggs.map((a) =>
        a.headline !== undefined ? a : { ...a, headline: fresh.find((f) => same(f, a))?.headline ?? null }
      )
    }
  }
}
