// The Run tab: the setup, then the run live, then its results with the setup folded
// below them; the machine's environment beside.

import { useMemo } from 'react'
import type { Capabilities } from '../../../shared/api'
import type { PlanDraft } from '../../../shared/plan-form'
import type { RunHandle } from '../state/use-run'
import { EnvironmentPanel, PmuBanner } from './environment-panel'
import { LiveView } from './live-view'
import { ResultsView } from './results-view'
import { SavedLine } from './saved-line'
import { SetupView } from './setup-view'

interface Props {
  caps: Capabilities | null
  draft: PlanDraft | null
  onDraftChange(d: PlanDraft): void
  runHandle: RunHandle
  onOpen(id: string): void
}

export function RunTab({ caps, draft, onDraftChange, runHandle, onOpen }: Props) {
  const { run, saved, start, cancel } = runHandle
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
  const setupForm = (capabilities: Capabilities, current: PlanDraft) => (
    <SetupView
      capabilities={capabilities}
      draft={current}
      onDraftChange={onDraftChange}
      busy={run.status === 'running' || run.status === 'starting'}
      onStart={start}
    />
  )
  return (
    <>
      {/* the error first; the PMU note after it, the same one line in every state of a run, so nothing moves */}
      {run.status === 'failed' && run.error && (
        <p className="banner error" role="alert" data-testid="run-error">
          <b>The run failed:</b> {run.error.message}
          {run.error.hint && <span className="hint"> — {run.error.hint}</span>}
        </p>
      )}
      {env && <PmuBanner env={env} />}
      <main>
        <div className="primary">
          {caps && draft && view === 'setup' && setupForm(caps, draft)}
          {view === 'results' && run.report && (
            <ResultsView
              report={run.report}
              actions={<SavedLine report={run.report} saved={saved} onOpen={onOpen} />}
            />
          )}
          {/* after a run its results come first; the setup waits, folded, below them */}
          {caps && draft && view === 'results' && (
            <details className="setup-again" data-testid="setup-again">
              <summary>Change the setup and run again</summary>
              {setupForm(caps, draft)}
            </details>
          )}
          {view === 'live' && <LiveView run={run} onCancel={cancel} />}
        </div>
        {env && <EnvironmentPanel env={env} gpus={run.report?.start.environment.gpus ?? run.gpus} />}
      </main>
    </>
  )
}
