// Follows a run's events into the library: the run is journaled from its start, each
// finished trial reaching the disk before the next begins, and its report replaces the
// journal when it ends. The app and `zcprof run --save` both save this way. Whatever
// fails, a run leaves one entry in the library, never two: the journal goes only once
// the report that replaces it is saved.

import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { RunEvent } from '../../shared/events'
import type { Report, TrialRecord, Warning } from '../../shared/report'
import { incompleteReport } from '../../shared/run-journal'
import { errorWarning } from '../../shared/warnings'
import { zcprofReport } from '../model/report-build'
import type { ReportLibrary, RunJournal } from './report-library'

function errorInfo(e: unknown): ErrorInfo {
  return e instanceof ZcprofError
    ? e.toInfo()
    : { code: (e as NodeJS.ErrnoException).code ?? 'ZC_INTERNAL', message: (e as Error).message }
}

export class JournalWriter {
  private journal: RunJournal | null = null
  /** the run so far, kept here too: a run that fails becomes a report of it without reading the journal back */
  private started: Report | null = null
  private readonly trials: TrialRecord[] = []
  private readonly warnings: Warning[] = []
  /** a journal write that failed (a full disk): said once as a warning, and the run goes on */
  private failure: ErrorInfo | null = null

  constructor(private readonly library: ReportLibrary) {}

  /** feeds one event of the run; answers the event that says where its report was saved, when it was */
  on(event: RunEvent): RunEvent | null {
    switch (event.type) {
      case 'run-end':
        return this.end(event.report)
      case 'run-failed':
        return this.abandon()
      default:
        try {
          return this.follow(event)
        } catch (e) {
          return this.failed(e)
        }
    }
  }

  private follow(event: RunEvent): RunEvent | null {
    switch (event.type) {
      case 'run-start': {
        this.started = zcprofReport(
          {
            timestamp: new Date().toISOString(),
            plan: event.plan,
            environment: { sender: event.environment, receivers: [] }
          },
          [],
          { timestamp: '', durationMs: 0, incomplete: true, aggregates: [], warnings: [] }
        )
        this.journal = this.library.beginRun(this.started)
        return null
      }
      case 'trial-end':
        this.trials.push(event.trial)
        this.journal?.trial(event.trial)
        return null
      case 'warning':
        this.warnings.push(event.warning)
        this.journal?.warning(event.warning)
        return null
      default:
        return null
    }
  }

  /**
   * A journal write failed: the run goes on, and is saved whole when it ends; said once,
   * as a warning of the run. The journal stays held (it writes nothing more), so the
   * end's save replaces it rather than adding a second entry beside it.
   */
  private failed(e: unknown): RunEvent | null {
    if (this.failure) return null
    this.failure = errorInfo(e)
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

  /** the run ended: its report replaces its journal, or is saved the plain way when there is none */
  private end(report: Report): RunEvent {
    const journal = this.journal
    this.journal = null
    try {
      return { type: 'report-saved', entry: journal ? journal.finish(report) : this.library.save(report) }
    } catch (e) {
      const error = errorInfo(e)
      // no second try under another name: the journal that stays would make it two entries
      if (journal)
        error.message += `; the trials that finished stay in ${journal.file}, listed as an incomplete report once it can be saved`
      return { type: 'report-save-failed', error }
    }
  }

  /** the run failed without a report: the trials that finished still become one */
  private abandon(): RunEvent | null {
    const journal = this.journal
    this.journal = null
    if (!journal || !this.started) return null
    try {
      if (this.trials.length === 0) {
        journal.discard()
        return null
      }
      const report = incompleteReport(this.started, [...this.trials], this.warnings, Date.now())
      return { type: 'report-saved', entry: journal.finish(report) }
    } catch (e) {
      return { type: 'report-save-failed', error: errorInfo(e) }
    }
  }
}
