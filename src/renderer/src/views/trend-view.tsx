// The library's history (`zcprof trend` in a window): a chart per series over time,
// its change points marked and said in words, the newest run against its level, and
// a click on a run opening its report. Main builds the trend (api.trend): the listing
// the page holds carries no trend rows.

import { useEffect, useMemo, useRef, useState } from 'react'
import type { ZcprofApi } from '../../../shared/api'
import { libraryFacets, type LibraryListing } from '../../../shared/library'
import type { Trend, TrendMetric, TrendOptions, TrendSeries } from '../../../shared/trend'
import { changeLine, newestLine, trendSeriesTitle } from '../../../shared/export/trend-text'
import { TrendChart, trendUnit } from '../charts/trend-charts'

interface Props {
  api: ZcprofApi
  /** the library as listed: its hosts and methods fill the filters; a new listing asks again */
  listing: LibraryListing | null
  onOpen: (id: string) => void
}

/** what the filters hold: the form's own values ('' for any) */
interface Filters {
  metric: TrendMetric
  by: 'host' | 'cpu'
  host: string
  method: string
  label: string
  /** YYYY-MM-DD, as a date field gives it; '' for no bound */
  since: string
  until: string
}

const ALL: Filters = {
  metric: 'allHostsCyclesPerBit',
  by: 'host',
  host: '',
  method: '',
  label: '',
  since: '',
  until: ''
}
/** typing a label asks main once the typing stops, not at every key */
const ASK_AFTER_MS = 250
/** change points said in words per series (the CLI's CHANGES_SAID) */
const CHANGES_SAID = 3
const DAY_MS = 86_400_000

/** the filters as trend's options: dates as UTC instants, until taking in its whole day (as the CLI's --until) */
export function trendOptions(f: Filters): TrendOptions {
  return {
    metric: f.metric,
    by: f.by,
    host: f.host || null,
    method: f.method || null,
    label: f.label.trim() || null,
    since: f.since ? `${f.since}T00:00:00.000Z` : null,
    until: f.until ? new Date(Date.parse(`${f.until}T00:00:00.000Z`) + DAY_MS).toISOString() : null
  }
}

function TrendFilters({
  filters,
  facets,
  onChange
}: {
  filters: Filters
  facets: { hosts: string[]; methods: string[] }
  onChange: (f: Filters) => void
}) {
  const set = (patch: Partial<Filters>) => onChange({ ...filters, ...patch })
  const pick = (label: string, key: 'host' | 'method', options: string[]) => (
    <label>
      {label}{' '}
      <select data-testid={`trend-${key}`} value={filters[key]} onChange={(e) => set({ [key]: e.target.value })}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <div className="trend-filters" role="search" aria-label="choose the series">
      <label>
        Figure{' '}
        <select
          data-testid="trend-metric"
          value={filters.metric}
          onChange={(e) => set({ metric: e.target.value as TrendMetric })}
        >
          <option value="allHostsCyclesPerBit">cost (cycles/bit)</option>
          <option value="throughputBitsPerSec">throughput</option>
        </select>
      </label>
      <label>
        Series by{' '}
        <select
          data-testid="trend-by"
          value={filters.by}
          onChange={(e) => set({ by: e.target.value as 'host' | 'cpu' })}
        >
          <option value="host">host</option>
          <option value="cpu">CPU model</option>
        </select>
      </label>
      {pick('Host', 'host', facets.hosts)}
      {pick('Method', 'method', facets.methods)}
      <label>
        Label{' '}
        <input
          type="search"
          data-testid="trend-label"
          value={filters.label}
          placeholder="run label…"
          onChange={(e) => set({ label: e.target.value })}
        />
      </label>
      <label>
        Since{' '}
        <input
          type="date"
          data-testid="trend-since"
          value={filters.since}
          onChange={(e) => set({ since: e.target.value })}
        />
      </label>
      <label>
        Until{' '}
        <input
          type="date"
          data-testid="trend-until"
          value={filters.until}
          onChange={(e) => set({ until: e.target.value })}
        />
      </label>
      {JSON.stringify(filters) !== JSON.stringify(ALL) && (
        <button type="button" className="small" onClick={() => onChange(ALL)}>
          Show all
        </button>
      )}
    </div>
  )
}

function SeriesFigure({ s, metric, onOpen }: { s: TrendSeries; metric: TrendMetric; onOpen: (id: string) => void }) {
  const runs = `${s.points.length} run${s.points.length === 1 ? '' : 's'}`
  return (
    <figure className="chart trend-series" data-testid="trend-series" data-method={s.method} data-series={s.id}>
      <figcaption>
        {trendSeriesTitle(s)}{' '}
        <span className="unit">
          ({trendUnit(metric)}; mean and 95% interval; {runs})
        </span>
      </figcaption>
      <TrendChart series={s} metric={metric} onOpen={onOpen} />
      {s.changes.length > 0 && (
        <ul className="trend-changes">
          {s.changes.slice(-CHANGES_SAID).map((c) => (
            <li key={c.id} data-testid="trend-change" className={c.worse ? 'worse' : 'better'}>
              {changeLine(c, metric)}
            </li>
          ))}
          {s.changes.length > CHANGES_SAID && (
            <li className="muted">
              {s.changes.length - CHANGES_SAID} earlier changes: `zcprof trend --json` lists them
            </li>
          )}
        </ul>
      )}
      <p className="trend-newest" data-testid="trend-newest">
        {newestLine(s, metric)}
      </p>
    </figure>
  )
}

function Empty({ libraryEmpty, onReset }: { libraryEmpty: boolean; onReset: () => void }) {
  return libraryEmpty ? (
    <p className="muted" data-testid="trend-empty">
      No reports in the library yet, so no history to draw. Runs started here are saved when they end; from a terminal,
      run with <code>zcprof run --save</code>, or bring earlier reports in with <code>zcprof library import</code>.
    </p>
  ) : (
    <p className="muted" data-testid="trend-empty">
      No series: no report the filters keep has a finished row.{' '}
      <button type="button" className="small" onClick={onReset}>
        Show all
      </button>
    </p>
  )
}

/**
 * counts the library's changes since the view opened: the trend is asked again when the
 * library changed, not each time the same listing is read again (opening the tab reads
 * it, and the first listing may come after the first trend), so hundreds of runs are
 * not redrawn for nothing
 */
export function useLibraryVersion(listing: LibraryListing | null): number {
  const [version, setVersion] = useState(0)
  const seen = useRef<string | null>(null)
  const key = useMemo(
    () => (listing ? `${listing.folder}\n${listing.entries.map((e) => `${e.id} ${e.revision}`).join('\n')}` : null),
    [listing]
  )
  useEffect(() => {
    if (key === null) return
    if (seen.current !== null && seen.current !== key) setVersion((v) => v + 1)
    seen.current = key
  }, [key])
  return version
}

export function TrendView({ api, listing, onOpen }: Props) {
  const [filters, setFilters] = useState<Filters>(ALL)
  const [trend, setTrend] = useState<Trend | null>(null)
  const [error, setError] = useState<string | null>(null)
  // only the newest question's answer is shown: an older one may come back later
  const asked = useRef(0)
  const facets = useMemo(() => libraryFacets(listing?.entries ?? []), [listing])
  const version = useLibraryVersion(listing)
  useEffect(() => {
    const n = ++asked.current
    const timer = setTimeout(() => {
      api.trend(trendOptions(filters)).then(
        (r) => {
          if (n !== asked.current) return
          if (r.ok) (setTrend(r.value), setError(null))
          else setError(r.error.hint ? `${r.error.message} — ${r.error.hint}` : r.error.message)
        },
        (e: Error) => n === asked.current && setError(e.message)
      )
    }, ASK_AFTER_MS)
    return () => clearTimeout(timer)
  }, [api, filters, version])

  const better = trend?.metric.better === 'lower' ? 'lower is better' : 'higher is better'
  return (
    <section className="trend" aria-label="trend">
      <h2>Trend</h2>
      <TrendFilters filters={filters} facets={facets} onChange={setFilters} />
      {error && (
        <p className="banner error" role="alert" data-testid="trend-error">
          {error}
        </p>
      )}
      {!trend ? (
        <p className="muted">Loading…</p>
      ) : trend.series.length === 0 ? (
        <Empty libraryEmpty={(listing?.entries.length ?? 0) === 0} onReset={() => setFilters(ALL)} />
      ) : (
        <>
          <p className="muted" data-testid="trend-summary">
            {trend.series.length} series of {trend.metric.label} ({better}), oldest to newest; change points by
            E-divisive means, p ≤ 0.05. Click a run to open its report.
          </p>
          {trend.series.map((s) => (
            <SeriesFigure key={s.id} s={s} metric={trend.metric.key as TrendMetric} onOpen={onOpen} />
          ))}
        </>
      )}
    </section>
  )
}
