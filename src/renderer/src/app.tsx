// The app: a run (setup, live, results), the report library, one saved report, and
// a comparison of several. One API, two hosts (Electron or browser).

import { lazy, Suspense, useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'
import type { Capabilities, ZcprofApi } from '../../shared/api'
import type { ErrorInfo } from '../../shared/errors'
import type { LibraryEntry, LibraryListing } from '../../shared/library'
import { draftFromPlan, type PlanDraft } from '../../shared/plan-form'
import type { Plan, Report, ReportMeta } from '../../shared/report'
import { initialRunState, runReducer } from './state/run-state'
import { EnvironmentPanel, PmuBanner } from './views/environment-panel'
import { LiveView } from './views/live-view'
import { ResultsView } from './views/results-view'
import { ExportBar } from './views/export-bar'
import { SetupView } from './views/setup-view'
import { reportTitle } from '../../shared/report-title'
import { hasFigures, runOutcome } from './run-outcome'

type Saved = { entry: LibraryEntry } | { error: ErrorInfo } | null

/**
 * Where the finished run went, said as it is: saved as failed or incomplete where it
 * was, "saving" until the library answers (the line keeps its place, so nothing moves
 * when it does), and the export buttons only where there are figures to export.
 */
function SavedLine({ report, saved, onOpen }: { report: Report; saved: Saved; onOpen(id: string): void }) {
  const outcome = runOutcome(report)
  const marked =
    outcome.kind === 'failed' ? ', marked failed' : outcome.kind === 'cancelled' ? ', marked incomplete' : ''
  return (
    <div
      className="saved-line"
      data-testid="saved-line"
      data-saved={saved ? ('entry' in saved ? 'yes' : 'no') : 'pending'}
    >
      {/* one line, "saving" then "saved" (a long title cut short): the results below do not move when it answers */}
      {!saved && <span className="saved-text muted">Saving to the library…</span>}
      {saved && 'entry' in saved && (
        <>
          <span className="saved-text" title={`“${saved.entry.title}”`}>
            Saved to the library as “{saved.entry.title}”{marked}.
          </span>
          <button type="button" className="small" onClick={() => onOpen(saved.entry.id)}>
            Open it
          </button>
        </>
      )}
      {saved && 'error' in saved && (
        <span className="field-error" role="alert">
          Not saved to the library: {saved.error.message}.{hasFigures(outcome) && ' Export it below so it is not lost.'}
        </span>
      )}
      {hasFigures(outcome) && <ExportBar report={report} />}
    </div>
  )
}

// the library and compare views load when first opened: a run needs neither
const LibraryView = lazy(() => import('./views/library-view').then((m) => ({ default: m.LibraryView })))
const CompareView = lazy(() => import('./views/compare-view').then((m) => ({ default: m.CompareView })))
const loading = <p className="muted">Loading…</p>

type Tab = 'run' | 'library' | 'report' | 'compare'
interface Opened {
  id: string
  report: Report
}

export function App({ api }: { api: ZcprofApi }) {
  const [caps, setCaps] = useState<Capabilities | null>(null)
  const [draft, setDraft] = useState<PlanDraft | null>(null)
  const [run, dispatch] = useReducer(runReducer, initialRunState)
  const [fault, setFault] = useState<string | null>(null)
  const runId = useRef<string | null>(null)
  const [tab, setTab] = useState<Tab>('run')
  const [listing, setListing] = useState<LibraryListing | null>(null)
  const [opened, setOpened] = useState<Opened | null>(null)
  const [comparing, setComparing] = useState<Opened[] | null>(null)
  const [saved, setSaved] = useState<Saved>(null)

  const refreshLibrary = useCallback(
    (next?: LibraryListing) => {
      if (next) return setListing(next)
      api.library().then(
        (r) => (r.ok ? setListing(r.value) : setFault(r.error.message)),
        (e: Error) => setFault(e.message)
      )
    },
    [api]
  )

  /** loads reports by id; a report that fails shows why and changes nothing */
  const load = async (ids: string[]): Promise<Opened[] | null> => {
    const out: Opened[] = []
    for (const id of ids) {
      const r = await api.openReport(id)
      if (!r.ok) {
        setFault(`${r.error.message}${r.error.hint ? ` — ${r.error.hint}` : ''}`)
        return null
      }
      out.push({ id, report: r.value })
    }
    setFault(null)
    return out
  }
  const open = async (id: string) => {
    const r = await load([id])
    if (r) (setOpened(r[0]), setTab('report'))
  }
  const compare = async (ids: string[]) => {
    const r = await load(ids)
    if (r) (setComparing(r), setTab('compare'))
  }

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
    refreshLibrary()
    return api.onEvent((e) => {
      if (e.runId !== runId.current) return
      if (e.event.type === 'report-saved') {
        setSaved({ entry: e.event.entry })
        refreshLibrary()
      } else if (e.event.type === 'report-save-failed') setSaved({ error: e.event.error })
      else dispatch({ type: 'event', event: e.event, nowMs: performance.now() })
    })
  }, [api, refreshLibrary])

  const start = async (plan: Plan, token: string, meta: ReportMeta) => {
    runId.current = null
    setSaved(null)
    dispatch({ type: 'starting', plan, nowMs: performance.now() })
    const r = await api.startRun(plan, token || undefined, meta)
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
  const setupForm = (capabilities: Capabilities, current: PlanDraft) => (
    <SetupView
      capabilities={capabilities}
      draft={current}
      onDraftChange={setDraft}
      busy={run.status === 'running' || run.status === 'starting'}
      onStart={start}
    />
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
      <nav className="tabs" aria-label="views">
        {(
          [
            ['run', 'Run'],
            ['library', `Library${listing ? ` (${listing.entries.length})` : ''}`],
            ...(opened ? [['report', `Report: ${reportTitle(opened.report)}`]] : []),
            ...(comparing ? [['compare', `Compare (${comparing.length})`]] : [])
          ] as [Tab, string][]
        ).map(([t, label]) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={tab === t ? 'tab active' : 'tab'}
            onClick={() => (t === 'library' && refreshLibrary(), setTab(t))}
          >
            {label}
          </button>
        ))}
      </nav>
      {/* the error first; the PMU note after it, the same one line in every state of a run, so nothing moves */}
      {tab === 'run' && run.status === 'failed' && run.error && (
        <p className="banner error" role="alert" data-testid="run-error">
          <b>The run failed:</b> {run.error.message}
          {run.error.hint && <span className="hint"> — {run.error.hint}</span>}
        </p>
      )}
      {tab === 'run' && env && <PmuBanner env={env} />}
      {tab === 'run' && (
        <main>
          <div className="primary">
            {caps && draft && view === 'setup' && setupForm(caps, draft)}
            {view === 'results' && run.report && (
              <ResultsView
                report={run.report}
                actions={<SavedLine report={run.report} saved={saved} onOpen={(id) => void open(id)} />}
              />
            )}
            {/* after a run its results come first; the setup waits, folded, below them */}
            {caps && draft && view === 'results' && (
              <details className="setup-again" data-testid="setup-again">
                <summary>Change the setup and run again</summary>
                {setupForm(caps, draft)}
              </details>
            )}
            {view === 'live' && <LiveView run={run} onCancel={() => run.runId && void api.cancelRun(run.runId)} />}
          </div>
          {env && <EnvironmentPanel env={env} gpus={run.report?.start.environment.gpus ?? run.gpus} />}
        </main>
      )}
      {tab === 'library' && (
        <main className="wide">
          <Suspense fallback={loading}>
            <LibraryView
              api={api}
              listing={listing}
              onChanged={refreshLibrary}
              onOpen={(id) => void open(id)}
              onCompare={(ids) => void compare(ids)}
            />
          </Suspense>
        </main>
      )}
      {tab === 'report' && opened && (
        <main>
          <div className="primary">
            <h2 data-testid="report-title">{reportTitle(opened.report)}</h2>
            {opened.report.foreign && (
              <p className="banner warn">
                Imported from {opened.report.foreign.format}: {opened.report.foreign.notes.join(' ')}
              </p>
            )}
            <ResultsView
              report={opened.report}
              actions={hasFigures(runOutcome(opened.report)) && <ExportBar report={opened.report} />}
            />
          </div>
          <EnvironmentPanel env={opened.report.start.environment.sender} gpus={opened.report.start.environment.gpus} />
        </main>
      )}
      {tab === 'compare' && comparing && (
        <main className="wide">
          <Suspense fallback={loading}>
            <CompareView reports={comparing} onClose={() => setTab('library')} />
          </Suspense>
        </main>
      )}
    </div>
  )
}
