// Follows a run's events into the library: the run is journaled from its start, each
// finished trial reaching the disk before the next begins, and its report replaces the
// journal when it ends. The app and `zcprof run --save` both save this way.

import { readFileSync, rmSync, statSync } from 'node:fs'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { RunEvent } from '../../shared/events'
import { reportFromJournal } from '../../shared/run-journal'
import { errorWarning } from '../../shared/warnings'
import { zcprofReport } from '../engine/version'
import type { ReportLibrary, RunJournal } from './report-library'

function errorInfo(e: unknown): ErrorInfo {
  return e instanceof ZcprofError
    ? e.toInfo()
    : { code: (e as NodeJS.ErrnoException).code ?? 'ZC_INTERNAL', message: (e as Error).message }
}

export class JournalWriter {
  private journal: RunJournal | null = null
  private trials = 0
  /** a journal write that failed (a full disk): said once as a warning, and the run goes on */
  private failure: ErrorInfo | null = null

  constructor(private readonly library: ReportLibrary) {}

  /** feeds one event of the run; answers the event that says where its report was saved, when it was */
  on(event: RunEvent): RunEvent | null {
    try {
      switch (event.type) {
        case 'run-start': {
          const started = zcprofReport(
            {
              timestamp: new Date().toISOString(),
              plan: event.plan,
              environment: { sender: event.environment, receivers: [] }
            },
            [],
            { timestamp: '', durationMs: 0, incomplete: true, aggregates: [], warnings: [] }
          )
          this.journal = this.library.beginRun(started)
          return null
        }
        case 'trial-end':
          this.trials++
          this.journal?.trial(event.trial)
          return null
        case 'warning':
          this.journal?.warning(event.warning)
          return null
        case 'run-end': {
          const journal = this.journal
          this.journal = null
          const entry = journal ? journal.finish(event.report) : this.library.save(event.report)
          return { type: 'report-saved', entry }
        }
        case 'run-failed':
          return this.abandon()
        default:
          return null
      }
    } catch (e) {
      if (event.type === 'run-end') {
        // the journal went wrong: the report is still whole in memory, so save it the plain way
        try {
          return { type: 'report-saved', entry: this.library.save(event.report) }
        } catch (again) {
          return { type: 'report-save-failed', error: errorInfo(again) }
        }
      }
      // the run goes on, and is saved whole when it ends; said once, as a warning of the run
      if (this.failure) return null
      this.failure = errorInfo(e)
      this.journal = null
      return {
        type: 'warning',
        warning: errorWarning(
          {
            ...this.failure,
            message: `the run is not being journaled (${this.failure.message}): a crash now would lose it`
          },
          { scope: 'run' }
        )
      }
    }
  }

  /** the run failed without a report: the trials that finished still become one */
  private abandon(): RunEvent | null {
    const journal = this.journal
    this.journal = null
    if (!journal) return null
    if (this.trials === 0) {
      rmSync(journal.file, { force: true })
      return null
    }
    const { report } = reportFromJournal(readFileSync(journal.file, 'utf8'), statSync(journal.file).mtimeMs)
    return { type: 'report-saved', entry: journal.finish(report) }
  }
}
