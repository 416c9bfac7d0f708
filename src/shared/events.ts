// What a run tells its front ends while it goes: the CLI's NDJSON, the UI's live charts.
// Order: file-progress* (while a test file is generated), run-start, then per trial
// trial-start, sample*, trial-end; warnings and a fatal error any time; run-end last
// (or run-failed, when no report could be made). In the app, report-saved or
// report-save-failed follows run-end: the report's place in the library.

import type { ErrorInfo } from './errors'
import type { LibraryEntry } from './library'
import type { Environment, GpuEnvironment, Plan, Report, Sample, TrialRecord, Warning } from './report'

export interface TrialRef {
  index: number
  total: number
  method: TrialRecord['method']
  target: string
  fileBytes: number
  chunkBytes: number
  /** timed trials: how long; null when bounded by bytes or one pass */
  durationMs: number | null
  streams: number
  repetition: number
  warmup: boolean
}

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
  | { type: 'warning'; warning: Warning }
  | { type: 'error'; error: ErrorInfo }
  | { type: 'run-end'; report: Report }
  /** the run could not start or went wrong before producing a report (bad file, …) */
  | { type: 'run-failed'; error: ErrorInfo }
  | { type: 'report-saved'; entry: LibraryEntry }
  /** the report is still in the run-end event: the app offers to export it */
  | { type: 'report-save-failed'; error: ErrorInfo }
