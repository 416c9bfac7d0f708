// A run's journal: one JSON line per event worth keeping, appended as it happens, so
// a process killed mid-run leaves every finished trial on disk. The first line holds
// the report as it stood at the start (plan, environment); each later line a trial or
// a warning. A journal whose run never ended becomes an incomplete report.

import { aggregateTrials, analysisOf } from './aggregate'
import type { Report, TrialRecord, Warning } from './report'
import { mergeWarning, warning } from './warnings'

export type JournalLine =
  | { kind: 'start'; pid: number; host: string; report: Report }
  | { kind: 'trial'; trial: TrialRecord }
  | { kind: 'warning'; warning: Warning }

export class JournalError extends Error {}

/**
 * The report a journal holds: the start's report with the trials and warnings that
 * were written, marked incomplete. A last line cut short by the kill is left out.
 */
export function reportFromJournal(
  text: string,
  /** when the journal was last written (its mtime): as near to the end as can be known */
  lastWrittenMs: number
): { report: Report; pid: number; host: string } {
  const lines = text.split('\n')
  let start: Extract<JournalLine, { kind: 'start' }> | null = null
  const trials: TrialRecord[] = []
  const warnings: Warning[] = []
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue
    let parsed: JournalLine
    try {
      parsed = JSON.parse(line) as JournalLine
    } catch {
      if (i >= lines.length - 2) break // the line being written when the process died
      throw new JournalError(`line ${i + 1} is not JSON`)
    }
    if (i === 0) {
      if (parsed?.kind !== 'start' || typeof parsed.report !== 'object' || parsed.report === null)
        throw new JournalError('its first line is not the start of a run')
      start = parsed
    } else if (parsed?.kind === 'trial') trials.push(parsed.trial)
    else if (parsed?.kind === 'warning') mergeWarning(warnings, parsed.warning)
  }
  if (!start) throw new JournalError('it is empty')
  const begun = start.report
  const measured = trials.filter((t) => !t.warmup).length
  mergeWarning(
    warnings,
    warning(
      'RUN_INTERRUPTED',
      `the run did not end: this report holds the ${trials.length} trial${trials.length === 1 ? '' : 's'} that finished (${measured} measured)`,
      { scope: 'run' }
    )
  )
  const startMs = Date.parse(begun.start.timestamp)
  return {
    pid: start.pid,
    host: start.host,
    report: {
      ...begun,
      trials,
      end: {
        timestamp: new Date(lastWrittenMs).toISOString(),
        durationMs: Number.isFinite(startMs) ? Math.max(0, lastWrittenMs - startMs) : 0,
        incomplete: true,
        aggregates: aggregateTrials(trials, analysisOf(begun.start.plan)),
        warnings: [...begun.end.warnings, ...warnings]
      }
    }
  }
}
