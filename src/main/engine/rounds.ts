// A run's rounds. Each round runs every row (a pair, a method with a receiver mode, on a
// target, size and chunk) once,
// in a shuffled order (a randomized block: what drifts over a minute cancels inside a
// round) or in the plan's order; warm-up rounds come first. A plan without a precision
// runs exactly `repeat` measured rounds. A plan with one goes on while any row's
// headline is wider than the precision, at least `repeat` rounds, starting no round it
// cannot finish within its time budget; a row that is tight leaves the later rounds,
// and its baseline stays while any row measured against it does.

import type { RoundRow, StopReason } from '../../shared/events'
import type { MethodAggregate, Plan } from '../../shared/report'
import { baselineMethod, isBaselineMethod, type MethodName, type ReceiverMode } from '../../shared/methods'
import { ESTIMATE, omitMsOf, PLAN_LIMITS, receiverModesOn, runsOn } from '../../shared/plan-rules'
import { DEFAULT_URING_DEPTH } from '../../shared/plan-rules'
import { shuffled } from '../../shared/random'
import { isTight } from '../../shared/statistics'
import type { Target } from '../../shared/targets'
import type { TrialSpec } from './trial'

/** one row of the results: a pair (a method with a receiver mode) on one target, size and chunk */
export interface Row {
  method: MethodName
  receiverMode: ReceiverMode
  target: Target
  fileBytes: number
  chunkBytes: number
}

export const rowId = (r: {
  method: string
  receiverMode: string
  target: Target | string
  fileBytes: number
  chunkBytes: number
}) =>
  `${r.method}|${r.receiverMode}|${typeof r.target === 'string' ? r.target : r.target.text}|${r.fileBytes}|${r.chunkBytes}`

/**
 * every row the plan measures, in the plan's order: each target runs the methods of its
 * kind, with each receiver mode (a pair each); a gpu:// target has no socket receiver,
 * so it runs its methods once, with the plan's first mode on the record
 */
export function planRows(plan: Plan, targets: readonly Target[], sizes: readonly number[]): Row[] {
  const out: Row[] = []
  for (const target of targets)
    for (const fileBytes of sizes)
      for (const chunkBytes of plan.chunkBytes)
        for (const receiverMode of receiverModesOn(plan, target))
          for (const method of plan.methods)
            if (runsOn(method, target)) out.push({ method, receiverMode, target, fileBytes, chunkBytes })
  return out
}

/** round `round`'s trials (warm-ups are the first plan.warmup rounds), over the rows given */
export function roundSpecs(
  plan: Plan,
  rows: readonly Row[],
  round: number,
  random: () => number
): Omit<TrialSpec, 'index'>[] {
  const warmup = round < plan.warmup
  const order = plan.order === 'shuffled' ? shuffled(rows, random) : rows
  return order.map((r) => ({
    method: r.method,
    target: r.target,
    fileBytes: r.fileBytes,
    chunkBytes: r.chunkBytes,
    durationMs: plan.durationMs,
    omitMs: plan.durationMs === null ? null : omitMsOf(plan),
    trialBytes: plan.trialBytes,
    streams: plan.streams,
    senderCpus: plan.senderCpus,
    receiverCpus: plan.receiverCpus,
    uringDepth: plan.uringDepth ?? DEFAULT_URING_DEPTH,
    uringSqpoll: plan.uringSqpoll ?? false,
    gpuSpin: plan.gpuSpin ?? false,
    ...(plan.receiverGpu !== undefined ? { receiverGpu: plan.receiverGpu } : {}),
    repetition: warmup ? round : round - plan.warmup,
    warmup,
    cache: plan.cache,
    receiverMode: r.receiverMode
  }))
}

export interface RoundDecision {
  rows: RoundRow[]
  /** null: another round */
  stop: StopReason | null
}

/**
 * After measured round `measuredRounds` (1-based): which rows the next round runs, or why
 * the run stops. `nextRoundMs` is what the next round of the active rows would take,
 * `elapsedMs` the run's time so far (its start included).
 */
export function afterRound(
  plan: Plan,
  rows: readonly Row[],
  aggregates: readonly MethodAggregate[],
  measuredRounds: number,
  timing: { elapsedMs: number; nextRoundMs: (active: readonly Row[]) => number }
): RoundDecision {
  const byId = new Map(aggregates.map((a) => [rowId(a), a]))
  const precision = plan.precision ?? null
  const enough = measuredRounds >= plan.repeat
  const own = rows.map((r) => {
    const a = byId.get(rowId(r))
    const h = a?.headline ?? null
    const isBase = isBaselineMethod(r.method)
    // a row is done when it is tight, or when the minimum rounds gave it nothing to tighten
    const tight = isTight(h?.halfWidth, precision)
    const hopeless = enough && (!h || h.ratio === null)
    return {
      row: r,
      isBase,
      progress: {
        method: r.method,
        receiverMode: r.receiverMode,
        target: r.target.text,
        fileBytes: r.fileBytes,
        chunkBytes: r.chunkBytes,
        n: h?.n ?? a?.allHostsCyclesPerBit?.n ?? 0,
        halfWidth: h?.halfWidth ?? null,
        status: h?.status ?? 'none',
        headline: h,
        active: precision !== null && !isBase && !(enough && (tight || hopeless))
      }
    }
  })
  // a baseline runs while anything is measured against it (its own receiver mode: like with like)
  const same = (a: Row, b: Row) =>
    a.target.text === b.target.text &&
    a.receiverMode === b.receiverMode &&
    a.fileBytes === b.fileBytes &&
    a.chunkBytes === b.chunkBytes
  for (const o of own)
    if (o.isBase)
      o.progress.active = own.some(
        (x) => !x.isBase && x.progress.active && same(x.row, o.row) && baselineMethod(x.row.method) === o.row.method
      )
  const progress = own.map((o) => o.progress)
  if (precision === null || !enough) {
    // every row in each round: the plan's count of them, or the fewest a precision needs
    for (const p of progress) p.active = true
    return { rows: progress, stop: precision === null && enough ? 'rounds' : null }
  }
  const active = own.filter((o) => o.progress.active).map((o) => o.row)
  if (active.length === 0) return { rows: progress, stop: 'tight' }
  const perRound = rows.length
  if (
    (plan.warmup + measuredRounds + 1) * perRound > PLAN_LIMITS.totalTrials ||
    measuredRounds >= PLAN_LIMITS.repeat.max
  )
    return { rows: progress, stop: 'limit' }
  const budget = plan.maxTimeMs ?? null
  if (budget !== null && timing.elapsedMs + timing.nextRoundMs(active) > budget)
    return { rows: progress, stop: 'budget' }
  return { rows: progress, stop: null }
}

/**
 * What a trial of a row takes, wall clock: the last one measured, else its duration (or
 * the plan's estimate of a byte-bounded trial) and the overhead trials have had so far.
 */
export class TrialClock {
  private last = new Map<string, number>()
  private overheadMs: number[] = []

  record(row: Row, plan: Plan, wallMs: number): void {
    this.last.set(rowId(row), wallMs)
    if (plan.durationMs !== null) this.overheadMs.push(Math.max(0, wallMs - plan.durationMs))
  }

  /** the mean overhead so far, or the plan estimate's before any trial */
  overhead(): number {
    const o = this.overheadMs
    return o.length ? o.reduce((a, b) => a + b, 0) / o.length : ESTIMATE.trialOverheadMs
  }

  expectedMs(row: Row, plan: Plan): number {
    const known = this.last.get(rowId(row))
    if (known !== undefined) return known
    if (plan.durationMs !== null) return plan.durationMs + this.overhead()
    const bytes = plan.trialBytes ?? row.fileBytes * plan.streams
    return (bytes * 8 * 1000) / ESTIMATE.bitsPerSec + this.overhead()
  }

  roundMs(rows: readonly Row[], plan: Plan): number {
    return rows.reduce((t, r) => t + this.expectedMs(r, plan), 0)
  }
}
