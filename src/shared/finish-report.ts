// One way to finish a report: for a run that ends, and for one recovered from the
// journal of a run that did not. Both add the same warnings (the failure that ended
// the run, each failed trial, each method whose saving the receiver paid back) and
// the same aggregates, so a recovered report reads like the live one would have.

import { aggregateTrials, analysisOf } from './aggregate'
import type { ErrorInfo } from './errors'
import type { MethodAggregate, Report, TrialRecord, Warning } from './report'
import type { RatioEstimate } from './statistics'
import { errorWarning, mergeWarning, warning } from './warnings'

export interface RunEnding {
  /** when the run ended, or, recovered, when its journal was last written */
  endMs: number
  incomplete: boolean
  /** what stopped the run, if anything did */
  fatal: ErrorInfo | null
  /** the measured rounds and why they ended: a live run's only */
  rounds?: NonNullable<Report['end']['rounds']>
}

/**
 * The report `begun` (its start and labels) with these trials and an end. `warnings`
 * is the run's list so far: the end's own warnings are merged into it, and each that
 * is new is handed to `onAdded` (a live run streams them as events).
 */
export function finishReport(
  begun: Report,
  trials: TrialRecord[],
  warnings: Warning[],
  ending: RunEnding,
  onAdded?: (w: Warning) => void
): Report {
  const aggregates = aggregateTrials(trials, analysisOf(begun.start.plan))
  for (const w of endWarnings(trials, aggregates, ending.fatal)) {
    const { warning: merged, added } = mergeWarning(warnings, w)
    if (added) onAdded?.(merged)
  }
  const startMs = Date.parse(begun.start.timestamp)
  return {
    ...begun,
    trials,
    end: {
      timestamp: new Date(ending.endMs).toISOString(),
      durationMs: Number.isFinite(startMs) ? Math.max(0, ending.endMs - startMs) : 0,
      incomplete: ending.incomplete,
      aggregates,
      warnings,
      ...(ending.rounds ? { rounds: ending.rounds } : {})
    }
  }
}

/** what the end adds: the fatal error, each failed trial (a cancelled one is no failure), cost moved */
export function endWarnings(
  trials: readonly TrialRecord[],
  aggregates: readonly MethodAggregate[],
  fatal: ErrorInfo | null
): Warning[] {
  const out: Warning[] = []
  if (fatal) out.push(errorWarning(fatal, { scope: 'run' }))
  for (const t of trials)
    if (t.error && t.error.code !== 'ZC_CANCELLED')
      out.push(
        errorWarning(
          { ...t.error, message: `${t.method}: ${t.error.message}` },
          { scope: 'trial', method: t.method, trial: t.index }
        )
      )
  out.push(...costMovedWarnings(aggregates))
  return out
}

/** a sender's saving the receiver pays back is not a saving: each such method, said once */
function costMovedWarnings(aggregates: readonly MethodAggregate[]): Warning[] {
  const out: Warning[] = []
  for (const a of aggregates) {
    const v = a.vsCopy
    if (v?.verdict !== 'cost-moved' && v?.verdict !== 'partly-moved') continue
    const pct = (r: RatioEstimate | null) => (r ? `${Math.abs((r.ratio - 1) * 100).toFixed(0)}%` : '?')
    const receiver =
      v.receiverCyclesPerBit && v.receiverCyclesPerBit.ratio > 1
        ? `the receiver pays ${pct(v.receiverCyclesPerBit)} more`
        : 'the rest of the system pays it back'
    out.push(
      warning(
        'COST_MOVED',
        v.verdict === 'cost-moved'
          ? `${a.method}: the sender saves ${pct(v.senderCyclesPerBit)} CPU per bit against copy, but ${receiver}: the whole system saves nothing clear. The cost moved; it was not saved`
          : `${a.method}: the sender saves ${pct(v.senderCyclesPerBit)} CPU per bit against copy, but ${receiver}: the whole system saves ${pct(v.systemCyclesPerBit)}`,
        { scope: 'method', method: a.method }
      )
    )
  }
  return out
}
