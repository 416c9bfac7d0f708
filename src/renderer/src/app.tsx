// The app: a run (setup, live, results), the report library, its history as a trend,
// one saved report, and a comparison of several. One API, two hosts (Electron or browser).

import { lazy, Suspense, useEffect, useState } from 'react'
import type { Capabilities, ZcprofApi } from '../../shared/api'
import { draftFromPlan, type PlanDraft } from '../../shared/plan-form'
import { reportTitle } from '../../shared/report-title'
import { useReports } from './state/use-reports'
import { useRun } from './state/use-run'
import { TabBar, type Tab } from './tab-bar'
import { ReportTab } from './views/report-tab'
import { RunTab } from './views/run-tab'

// the library, trend and compare views load when first opened: a run needs none of them
// (compare and trend in one chunk: history-views.ts says why)
const LibraryView = lazy(() => import('./views/library-view').then((m) => ({ default: m.LibraryView })))
const CompareView = lazy(() => import('./views/history-views').then((m) => ({ default: m.CompareView })))
const TrendView = lazy(() => import('./views/history-views').then((m) => ({ default: m.TrendView })))
const FleetView = lazy(() => import('./views/history-views').then((m) => ({ default: m.FleetView })))
const loading = <p className="muted">Loading…</p>

export function App({ api }: { api: ZcprofApi }) {
  const [caps, setCaps] = useState<Capabilities | null>(null)
  const [draft, setDraft] = useState<PlanDraft | null>(null)
  const [fault, setFault] = useState<string | null>(null)
  const [tab, setTab] = useState<Tab>('run')
  const reports = useReports(api, setFault, setTab)
  const { listing, refreshLibrary, opened, comparing } = reports
  const runHandle = useRun(api, setFault, refreshLibrary)

  useEffect(() => {
    api.capabilities().then(
      (c) => {
        setCaps(c)
        setDraft((d) => d ?? draftFromPlan(c.defaults))
      },
      (e: Error) => setFault(e.message)
    )
    refreshLibrary()
  }, [api, refreshLibrary])

  const open = (id: string) => void reports.open(id)
  const tabs: [Tab, string][] = [
    ['run', 'Run'],
    ['library', `Library${listing ? ` (${listing.entries.length})` : ''}`],
    ['trend', 'Trend'],
    ['fleet', 'Fleet'],
    ...(opened ? [['report', `Report: ${reportTitle(opened.report)}`] as [Tab, string]] : []),
    ...(comparing ? [['compare', `Compare (${comparing.length})`] as [Tab, string]] : [])
  ]
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
      <TabBar
        tab={tab}
        tabs={tabs}
        onPick={(t) => ((t === 'library' || t === 'trend' || t === 'fleet') && refreshLibrary(), setTab(t))}
      />
      {tab === 'run' && (
        <RunTab caps={caps} draft={draft} onDraftChange={setDraft} runHandle={runHandle} onOpen={open} />
      )}
      {tab === 'library' && (
        <main className="wide">
          <Suspense fallback={loading}>
            <LibraryView
              api={api}
              listing={listing}
              onChanged={refreshLibrary}
              onOpen={open}
              onCompare={(ids) => void reports.compare(ids)}
            />
          </Suspense>
        </main>
      )}
      {tab === 'trend' && (
        <main className="wide">
          <Suspense fallback={loading}>
            <TrendView api={api} listing={listing} onOpen={open} />
          </Suspense>
        </main>
      )}
      {tab === 'fleet' && (
        <main className="wide">
          <Suspense fallback={loading}>
            <FleetView api={api} listing={listing} onOpen={open} />
          </Suspense>
        </main>
      )}
      {tab === 'report' && opened && <ReportTab opened={opened} />}
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
