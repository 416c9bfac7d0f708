// The app: setup, then the live run, then its results. One API, two hosts (Electron or browser).

import { useEffect, useMemo, useReducer, useRef, useState } from 'react'
import type { Capabilities, ZcprofApi } from '../../shared/api'
import { draftFromPlan, type PlanDraft } from '../../shared/plan-form'
import type { Plan } from '../../shared/report'
import { initialRunState, runReducer } from './state/run-state'
import { EnvironmentPanel, PmuBanner } from './views/environment-panel'
import { LiveView } from './views/live-view'
import { ResultsView } from './views/results-view'
import { SetupView } from './views/setup-view'

export function App({ api }: { api: ZcprofApi }) {
  const [caps, setCaps] = useState<Capabilities | null>(null)
  const [draft, setDraft] = useState<PlanDraft | null>(null)
  const [run, dispatch] = useReducer(runReducer, initialRunState)
  const [fault, setFault] = useState<string | null>(null)
  const runId = useRef<string | null>(null)

  useEffect(() => {
    api.capabilities().then(
      (c) => {
        setCaps(c)
        setDraft((d) => d ?? draftFromPlan(c.defaults))
      },
      (e: Error) => setFault(e.message)
    )
    api.environment().then(
      (environment) => dispatch({ type: 'environment', environment }),
      (e: Error) => setFault(e.message)
    )
    return api.onEvent((e) => {
      if (e.runId === runId.current) dispatch({ type: 'event', event: e.event, nowMs: performance.now() })
    })
  }, [api])

  const start = async (plan: Plan, token: string) => {
    runId.current = null
    dispatch({ type: 'starting', plan, nowMs: performance.now() })
    const r = await api.startRun(plan, token || undefined)
    if (!r.ok) return dispatch({ type: 'start-failed', error: r.error })
    runId.current = r.runId
    dispatch({ type: 'started', runId: r.runId })
  }

  const env = run.environment
  const view = useMemo(
    () =>
      run.status === 'done' && run.report
        ? 'results'
        : run.status === 'running' || run.status === 'starting'
          ? 'live'
          : 'setup',
    [run.status, run.report]
  )
  return (
    <div className="app">
      <header>
        <h1>zcprof</h1>
        <span className="muted">what moving data costs, and what zero-copy saves · {caps?.version}</span>
      </header>
      {fault && (
        <p className="banner error" role="alert">
          {fault}
        </p>
      )}
      {env && <PmuBanner env={env} />}
      {run.status === 'failed' && run.error && (
        <p className="banner error" role="alert" data-testid="run-error">
          {run.error.message}
          {run.error.hint && <span className="hint"> — {run.error.hint}</span>}
        </p>
      )}
      <main>
        <div className="primary">
          {caps && draft && (view === 'setup' || view === 'results') && (
            <SetupView
              capabilities={caps}
              draft={draft}
              onDraftChange={setDraft}
              busy={run.status === 'running' || run.status === 'starting'}
              onStart={start}
            />
          )}
          {view === 'results' && run.report && <ResultsView report={run.report} />}
          {(view === 'live' || (view === 'results' && Object.keys(run.series).length > 0)) && (
            <LiveView run={run} onCancel={() => run.runId && void api.cancelRun(run.runId)} />
          )}
        </div>
        {env && <EnvironmentPanel env={env} />}
      </main>
    </div>
  )
}
