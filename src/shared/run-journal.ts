// A run's journal: one JSON line per event worth keeping, appended as it happens, so
// a process killed mid-run leaves every finished trial on disk. The first line holds
// the report as it stood at the start (plan, environment); each later line a trial or
// a warning. A journal whose run never ended becomes an incomplete report.

import { finishReport } from './finish-report'
import type { Report, TrialRecord, Warning } from './report'
import { withReceiverModes } from './report-migrate'
import { errorWarning, mergeWarning, warning } from './warnings'

export type JournalLine =
  | {
      kind: 'start'
      /** for a person reading the file: recovery never trusts it (the lock decides, see report-library) */
      pid: number
      host: string
      /** the writer's network namespace, where its lock lives (null where none could be read) */
      netns?: string | null
      report: Report
    }
  | { kind: 'trial'; trial: TrialRecord }
  | { kind: 'warning'; warning: Warning }

/** no line a writer makes is near this; a longer one is damage, skipped unread */
export const MAX_JOURNAL_LINE_BYTES = 16 * 1024 * 1024

export class JournalError extends Error {}

/** the report of a run that did not end: what it began as, with the trials and warnings that were written */
export function incompleteReport(
  begun: Report,
  trials: TrialRecord[],
  written: Warning[],
  /** when the journal was last written (its mtime): as near to the end as can be known */
  lastWrittenMs: number,
  /** what could not be read back, said in the report */
  damage: Warning[] = []
): Report {
  const warnings: Warning[] = []
  for (const w of [...begun.end.warnings, ...written, ...damage]) mergeWarning(warnings, w)
  const measured = trials.filter((t) => !t.warmup).length
  mergeWarning(
    warnings,
    warning(
      'RUN_INTERRUPTED',
      `the run did not end: this report holds the ${trials.length} trial${trials.length === 1 ? '' : 's'} that finished (${measured} measured)`,
      { scope: 'run' }
    )
  )
  // finished as a live run is: its failed trials and moved costs are said here too
  return finishReport(begun, trials, warnings, { endMs: lastWrittenMs, incomplete: true, fatal: null })
}

/**
 * Reads a journal a line at a time (the caller splits the bytes, so no line need be
 * held whole): a line that is not JSON, or is over the limit, is damage, counted and
 * said in the report, and the lines after it are still read. Only the last bytes,
 * with no newline after them, may be cut short: that is the line being written when
 * the process died, and it is left out without a word.
 */
export class JournalReader {
  private start: Extract<JournalLine, { kind: 'start' }> | null = null
  private readonly trials: TrialRecord[] = []
  private readonly warnings: Warning[] = []
  /** what could not be read, by line */
  readonly damage: string[] = []
  private n = 0

  /** a whole line: its newline was written */
  line(text: string): void {
    this.n++
    if (!text.trim()) return
    let parsed: JournalLine
    try {
      parsed = JSON.parse(text) as JournalLine
    } catch {
      return this.damaged('is not JSON')
    }
    this.take(parsed)
  }

  /** a line over MAX_JOURNAL_LINE_BYTES, skipped without being read */
  tooLong(bytes: number): void {
    this.n++
    this.damaged(`is ${bytes} bytes, over the ${MAX_JOURNAL_LINE_BYTES} a journal line may be: it was not read`)
  }

  /** the last bytes, with no newline after them */
  torn(text: string): void {
    if (!text.trim()) return
    try {
      this.n++
      this.take(JSON.parse(text) as JournalLine) // whole but for its newline
    } catch {
      // the line being written when the process died: it never was a trial
    }
  }

  /** bytes past what a report may hold were left unread */
  cut(readBytes: number, size: number): void {
    this.damage.push(`only its first ${readBytes} of ${size} bytes were read: a report may be no larger`)
  }

  private damaged(why: string): void {
    if (!this.start) throw new JournalError(`its first line ${why}`)
    this.damage.push(`line ${this.n} ${why}`)
  }

  private take(parsed: JournalLine): void {
    if (!this.start) {
      if (parsed?.kind !== 'start' || typeof parsed.report !== 'object' || parsed.report === null)
        throw new JournalError('its first line is not the start of a run')
      // a journal an older zcprof left (a run it was killed in) names one receiverMode
      this.start = {
        ...parsed,
        report: withReceiverModes(parsed.report as unknown as Record<string, unknown>) as unknown as Report
      }
    } else if (parsed?.kind === 'trial' && typeof parsed.trial === 'object' && parsed.trial !== null)
      this.trials.push(parsed.trial)
    else if (parsed?.kind === 'warning' && typeof parsed.warning === 'object' && parsed.warning !== null)
      mergeWarning(this.warnings, parsed.warning)
    else this.damage.push(`line ${this.n} is not a trial or a warning`)
  }

  /** the report the journal holds, and where its writer was */
  result(
    lastWrittenMs: number,
    /** where what could not be read was kept, for the report to say */
    keptAs?: string
  ): { report: Report; host: string; netns: string | null | undefined; damaged: boolean } {
    const start = this.start
    if (!start) throw new JournalError('it is empty')
    const damage = this.damage.length
      ? [
          errorWarning(
            {
              code: 'ZC_JOURNAL_DAMAGED',
              message: `the run's journal was damaged: ${this.damage.slice(0, 5).join('; ')}${this.damage.length > 5 ? `; and ${this.damage.length - 5} more` : ''}`,
              hint: keptAs
                ? `the journal was kept as ${keptAs} in the library folder: what it holds past the damage is there`
                : 'the trials around the damage were kept'
            },
            { scope: 'run' }
          )
        ]
      : []
    return {
      report: incompleteReport(start.report, this.trials, this.warnings, lastWrittenMs, damage),
      host: typeof start.host === 'string' ? start.host : '',
      netns: typeof start.netns === 'string' || start.netns === null ? start.netns : undefined,
      damaged: this.damage.length > 0
    }
  }
}

/** The report a journal's whole text holds (see JournalReader). */
export function reportFromJournal(
  text: string,
  lastWrittenMs: number
): { report: Report; host: string; netns: string | null | undefined; damaged: boolean } {
  const reader = new JournalReader()
  const lines = text.split('\n')
  const last = lines.pop()!
  // a character is a byte or more: a line over the limit in characters is over it in bytes
  for (const line of lines)
    if (line.length > MAX_JOURNAL_LINE_BYTES) reader.tooLong(line.length)
    else reader.line(line)
  reader.torn(last)
  return reader.result(lastWrittenMs)
}
