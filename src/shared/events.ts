// What a run tells its front ends while it goes: the CLI's NDJSON, the UI's live charts.
// Order: file-progress* (while a test file is generated), run-start, then per trial
// trial-start, sample*, trial-end, and round-end after each measured round; warnings
// and a fatal error any time; run-end last
// (or run-failed, when no report could be made). In the app, report-saved or
// report-save-failed follows run-end: the report's place in the library.

import type { ErrorInfo } from './errors'
import type { LibraryEntry } from './library'
import type {
  Environment,
  GpuEnvironment,
  Headline,
  HeadlineStatus,
  Plan,
  Report,
  Sample,
  StopReason,
  TrialParams,
  TrialRecord,
  Warning
} from './report'

export interface TrialRef
  extends Pick<
    TrialParams,
    | 'index'
    | 'method'
    | 'receiverMode'
    | 'target'
    | 'fileBytes'
    | 'chunkBytes'
    | 'durationMs'
    | 'streams'
    | 'repetition'
    | 'warmup'
  > {
  total: number
  /** this trial's place in its round: 0-based, of `inRound` trials */
  inRoundIndex: number
  inRound: number
  /**
   * the run's time left as this trial starts, this trial included: the trials still to
   * run at their measured pace, and with a precision, the rounds its widest row still
   * needs, within the time budget. Front ends count down from it and never up.
   */
  leftMs: number
}

/** where one row stands after a round: its headline's precision, and whether it runs again */
export interface RoundRow extends Pick<TrialParams, 'method' | 'receiverMode' | 'target' | 'fileBytes' | 'chunkBytes'> {
  /** repetitions its headline rests on */
  n: number
  /** the headline's half-width, a share of the larger cost; null without an interval */
  halfWidth: number | null
  status: HeadlineStatus
  /** the headline so far; null where there is none yet */
  headline: Headline | null
  /** it runs in the next round */
  active: boolean
}

export { STOP_REASONS, type StopReason } from './report'

export type RunEvent =
  | {
      type: 'run-start'
      plan: Plan
      environment: Environment
      trials: number
      /** each gpu:// target's GPU, probed before the first trial; absent without one */
      gpus?: GpuEnvironment[]
    }
  | { type: 'file-progress'; file: string; doneBytes: number; totalBytes: number }
  | { type: 'trial-start'; trial: TrialRef }
  | { type: 'sample'; trial: number; sample: Sample }
  | { type: 'trial-end'; trial: TrialRecord }
  /**
   * after each measured round: each row's headline precision so far; stop says why the
   * run ends here (null: another round follows)
   */
  | { type: 'round-end'; round: number; rows: RoundRow[]; stop: StopReason | null; leftMs: number }
  | { type: 'warning'; warning: Warning }
  | { type: 'error'; error: ErrorInfo }
  | { type: 'run-end'; report: Report }
  /** the run could not start or went wrong before producing a report (bad file, …) */
  | { type: 'run-failed'; error: ErrorInfo }
  | { type: 'report-saved'; entry: LibraryEntry }
  /** the report is still in the run-end event: the app offers to export it */
  | { type: 'report-save-failed'; error: ErrorInfo }
