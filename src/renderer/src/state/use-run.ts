// The app's one run: its state built from the engine's events, the run id those
// events must carry, where its report was saved, and starting and cancelling it.

import { useEffect, useReducer, useRef, useState } from 'react'
import type { ZcprofApi } from '../../../shared/api'
import type { ErrorInfo } from '../../../shared/errors'
import type { LibraryEntry } from '../../../shared/library'
import type { Plan, ReportMeta } from '../../../shared/report'
import { initialRunState, runReducer, type RunState } from './run-state'

/** where the finished run's report went: null until the library answers */
export type Saved = { entry: LibraryEntry } | { error: ErrorInfo } | null

export interface RunHandle {
  run: RunState
  saved: Saved
  start(plan: Plan, token: string, meta: ReportMeta): Promise<void>
  cancel(): void
}

/**
 * `onFault` hears what the machine's environment could not say; `onSaved` hears
 * that the report reached the library (so its listing can be read again).
 */
export function useRun(api: ZcprofApi, onFault: (message: string) => void, onSaved: () => void): RunHandle {
  const [run, dispatch] = useReducer(runReducer, initialRunState)
  const runId = useRef<string | null>(null)
  const [saved, setSaved] = useState<Saved>(null)

  useEffect(() => {
    api.environment().then(
      (environment) => dispatch({ type: 'environment', environment }),
      (e: Error) => onFault(e.message)
    )
    return api.onEvent((e) => {
      // another window's run, or this window's last one
      if (e.runId !== runId.current) return
      if (e.event.type === 'report-saved') {
        setSaved({ entry: e.event.entry })
        onSaved()
      } else if (e.event.type === 'report-save-failed') setSaved({ error: e.event.error })
      else dispatch({ type: 'event', event: e.event, nowMs: performance.now() })
    })
  }, [api, onFault, onSaved])

  const start = async (plan: Plan, token: string, meta: ReportMeta) => {
    runId.current = null
    setSaved(null)
    dispatch({ type: 'starting', plan, nowMs: performance.now() })
    const r = await api.startRun(plan, token || undefined, meta)
    if (!r.ok) return dispatch({ type: 'start-failed', error: r.error })
    runId.current = r.runId
    dispatch({ type: 'started', runId: r.runId })
  }
  const cancel = () => void (run.runId && api.cancelRun(run.runId))
  return { run, saved, start, cancel }
}
