// How a run ended, read off its report: whole, cancelled, or failed (every measured
// trial failed, or an error stopped it). Every view that shows a run says this first,
// with the error that decided it, so a failed run never reads as a finished one.

import type { LibraryEntry } from '../../shared/library'
import type { Report } from '../../shared/report'
import { warningInfo } from '../../shared/warnings'

export type RunOutcome =
  | { kind: 'complete' }
  | { kind: 'cancelled'; finished: number }
  | {
      kind: 'failed'
      /** the measured trials that finished (0: every one failed, or none ran) */
      finished: number
      /** measured trials that ran and failed */
      failed: number
      /** what decided it: the error that stopped the run, else the first trial's */
      error: { message: string; hint: string | null }
    }

export function runOutcome(report: Report): RunOutcome {
  if (report.foreign) return { kind: 'complete' }
  const measured = report.trials.filter((t) => !t.warmup)
  const finished = measured.filter((t) => t.error === null && t.summary !== null).length
  const failed = measured.filter((t) => t.error !== null && t.error.code !== 'ZC_CANCELLED').length
  const errors = report.end.warnings.filter((w) => warningInfo(w.code).severity === 'error')
  // an error that stopped the run (the agent gone, the process killed) is said at its end, for the run
  const stopper = report.end.incomplete ? errors.filter((w) => w.scope === 'run').at(-1) : undefined
  if (stopper) return { kind: 'failed', finished, failed, error: { message: stopper.message, hint: stopper.hint } }
  if (report.end.incomplete) return { kind: 'cancelled', finished }
  if (finished > 0) return { kind: 'complete' }
  // nothing finished: the first trial's error, else the first warning that explains it (every method skipped)
  const first = measured.find((t) => t.error !== null)?.error
  const why = first
    ? { message: `${measured.find((t) => t.error === first)!.method}: ${first.message}`, hint: first.hint ?? null }
    : (errors[0] ?? report.end.warnings[0] ?? { message: 'no trial ran', hint: null })
  return { kind: 'failed', finished, failed, error: { message: why.message, hint: why.hint ?? null } }
}

/**
 * The outcome as the library lists it. An entry holds no trials: a run none of whose
 * trials finished has the headline a report with no figures gets (library.ts's
 * headline() in shared/export/library-entry.ts; a test holds the two together); an incomplete one stopped early
 * (cancelled, failed, or killed), and says only that.
 */
export function entryOutcome(
  e: Pick<LibraryEntry, 'incomplete' | 'headline' | 'foreign'>
): 'complete' | 'incomplete' | 'failed' {
  if (e.incomplete) return 'incomplete'
  return !e.foreign && e.headline === NO_FIGURES_HEADLINE ? 'failed' : 'complete'
}

/** what export/library-entry.ts's headline() says of a report with no finished trial */
export const NO_FIGURES_HEADLINE = 'no completed trials'

/** whether exporting says anything: a run with no finished trial has no figures to export */
export function hasFigures(o: RunOutcome): boolean {
  return o.kind !== 'failed' || o.finished > 0
}
