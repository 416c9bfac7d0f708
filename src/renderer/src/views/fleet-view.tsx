// A fleet run (`zcprof fleet show` in a window): a sender × receiver heat map a method,
// each cell its pair's mean with its interval in the tooltip, nodes far from their pool
// marked, and a click on a cell opening that pair's report. Main builds the matrices
// (api.fleet, shared/fleet-matrix.ts); the table scrolls in its own box when the fleet
// is wider than the window.

import { useEffect, useState } from 'react'
import type { ZcprofApi } from '../../../shared/api'
import {
  CELL_STATUS_TEXT,
  FLEET_FIGURE_INFO,
  fleetCellDetail,
  fleetCellText,
  fleetValueText,
  outlierLine
} from '../../../shared/export/fleet-text'
import { FLEET_FIGURES, type FleetFigure, type FleetMatrix, type FleetView as View } from '../../../shared/fleet-matrix'
import type { LibraryListing } from '../../../shared/library'
import { minuteText } from '../../../shared/units'
import { useLibraryVersion } from './trend-view'

interface Props {
  api: ZcprofApi
  /** the library as listed: a new listing asks main again */
  listing: LibraryListing | null
  onOpen: (id: string) => void
}

/** the scale's ends: the best cell pale green, the worst pale red, text dark on both */
const GOOD_HUE = 130
const BAD_HUE = 0

/** a cell's colour: where its value lies between the matrix's best and worst */
export function heatColour(value: number, low: number, high: number, better: 'lower' | 'higher'): string {
  const t = high > low ? (value - low) / (high - low) : 0
  const badness = better === 'lower' ? t : 1 - t
  return `hsl(${Math.round(GOOD_HUE + (BAD_HUE - GOOD_HUE) * badness)} 70% 82%)`
}

function Legend({ low, high, figure }: { low: number; high: number; figure: FleetFigure }) {
  const info = FLEET_FIGURE_INFO[figure]
  const [left, right] = info.better === 'lower' ? [low, high] : [high, low]
  return (
    <div className="fleet-legend" data-testid="fleet-legend">
      <span>{fleetValueText(figure, left)}</span>
      <span
        className="fleet-scale"
        style={{
          background: `linear-gradient(to right, ${heatColour(left, low, high, info.better)}, ${heatColour(right, low, high, info.better)})`
        }}
      />
      <span>{fleetValueText(figure, right)}</span>
      <span className="muted">
        {info.unit}, {info.better} is better (left) · <span className="fleet-mark">!</span> outlier ·{' '}
        {CELL_STATUS_TEXT.self} the node itself
      </span>
    </div>
  )
}

function MatrixTable({
  view,
  m,
  figure,
  onOpen
}: {
  view: View
  m: FleetMatrix
  figure: FleetFigure
  onOpen: (id: string) => void
}) {
  const info = FLEET_FIGURE_INFO[figure]
  const values = m.cells.flat().flatMap((c) => (c.status === 'ok' && c[figure] ? [c[figure]!.mean] : []))
  const [low, high] = [Math.min(...values), Math.max(...values)]
  const judged = m.judgements[figure]
  return (
    <>
      {values.length > 0 && <Legend low={low} high={high} figure={figure} />}
      <div className="fleet-box" data-testid="fleet-box">
        <table className="fleet-matrix" data-testid="fleet-matrix" data-method={m.method}>
          <thead>
            <tr>
              <th className="fleet-corner">send ╲ receive</th>
              {view.nodes.map((n, j) => (
                <th
                  key={n.name}
                  scope="col"
                  title={`${n.name}${n.pool ? ` (pool ${n.pool})` : ''}`}
                  className={judged.receiver[j].outlier ? 'outlier' : undefined}
                  data-testid="fleet-receiver"
                >
                  {judged.receiver[j].outlier && <span className="fleet-mark">! </span>}
                  {n.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.nodes.map((s, i) => (
              <tr key={s.name}>
                <th
                  scope="row"
                  title={`${s.name}${s.pool ? ` (pool ${s.pool})` : ''}`}
                  className={judged.sender[i].outlier ? 'outlier' : undefined}
                  data-testid="fleet-sender"
                >
                  {judged.sender[i].outlier && <span className="fleet-mark">! </span>}
                  {s.name}
                </th>
                {m.cells[i].map((c, j) => {
                  const stat = c[figure]
                  const pair = `${s.name} → ${view.nodes[j].name}`
                  const colour = c.status === 'ok' && stat ? heatColour(stat.mean, low, high, info.better) : undefined
                  return (
                    <td
                      key={view.nodes[j].name}
                      className={`fleet-cell ${c.status}`}
                      style={colour ? { background: colour } : undefined}
                      data-testid="fleet-cell"
                      data-pair={`${s.name}>${view.nodes[j].name}`}
                      data-status={c.status}
                    >
                      {c.reportId ? (
                        <button
                          type="button"
                          title={`${pair}: ${fleetCellDetail(c, figure)}. Click to open its report.`}
                          onClick={() => onOpen(c.reportId!)}
                        >
                          {fleetCellText(c, figure)}
                        </button>
                      ) : (
                        <span title={`${pair}: ${c.status}`}>{fleetCellText(c, figure)}</span>
                      )}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="fleet-outliers" data-testid="fleet-outliers">
        {[...judged.sender, ...judged.receiver]
          .filter((j) => j.outlier)
          .map((j) => (
            <li key={`${j.role}-${j.node}`} data-testid="fleet-outlier">
              <span className="fleet-mark">!</span> {outlierLine(j, figure)}
            </li>
          ))}
      </ul>
    </>
  )
}

export function FleetView({ api, listing, onOpen }: Props) {
  const [wanted, setWanted] = useState<string | null>(null)
  const [figure, setFigure] = useState<FleetFigure>('cpu')
  const [key, setKey] = useState<string | null>(null)
  const [view, setView] = useState<View | null>(null)
  const [error, setError] = useState<{ message: string; hint?: string } | null>(null)
  const version = useLibraryVersion(listing)
  useEffect(() => {
    let current = true
    api.fleet({ fleet: wanted }).then(
      (r) => {
        if (!current) return
        if (r.ok) (setView(r.value), setError(null))
        else (setView(null), setError(r.error))
      },
      (e: Error) => current && setError({ message: e.message })
    )
    return () => {
      current = false
    }
  }, [api, wanted, version])

  const matrix = view?.matrices.find((m) => m.key === key) ?? view?.matrices[0] ?? null
  return (
    <section className="fleet" aria-label="fleet">
      <h2>Fleet</h2>
      {error && (
        <p className="muted" role="status" data-testid="fleet-empty">
          {error.message}
          {error.hint ? ` — ${error.hint}` : ''}
        </p>
      )}
      {!view && !error && <p className="muted">Loading…</p>}
      {view && matrix && (
        <>
          <div className="trend-filters" role="search" aria-label="choose the matrix">
            <label>
              Fleet{' '}
              <select
                data-testid="fleet-pick"
                value={view.fleet.fleetId}
                onChange={(e) => (setWanted(e.target.value), setKey(null))}
              >
                {view.fleets.map((f) => (
                  <option key={f.fleetId} value={f.fleetId}>
                    {f.fleetId} · {minuteText(f.timestamp)} · {f.nodes} nodes
                  </option>
                ))}
              </select>
            </label>
            <label>
              Method{' '}
              <select data-testid="fleet-method" value={matrix.key} onChange={(e) => setKey(e.target.value)}>
                {view.matrices.map((m) => (
                  <option key={m.key} value={m.key}>
                    {m.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Figure{' '}
              <select
                data-testid="fleet-figure"
                value={figure}
                onChange={(e) => setFigure(e.target.value as FleetFigure)}
              >
                {FLEET_FIGURES.map((f) => (
                  <option key={f} value={f}>
                    {FLEET_FIGURE_INFO[f].label} ({FLEET_FIGURE_INFO[f].unit})
                  </option>
                ))}
              </select>
            </label>
          </div>
          <p className="muted" data-testid="fleet-summary">
            {view.fleet.nodes} nodes
            {view.fleet.pools.length
              ? ` in pool${view.fleet.pools.length > 1 ? 's' : ''} ${view.fleet.pools.join(', ')}`
              : ''}
            , {view.fleet.reports} reports, {minuteText(view.fleet.firstTimestamp)} to{' '}
            {minuteText(view.fleet.timestamp)} UTC. Rows send, columns receive; each cell is its pair&apos;s mean (its
            95% interval in the tooltip). Click a cell to open the pair&apos;s report.
          </p>
          <MatrixTable view={view} m={matrix} figure={figure} onOpen={onOpen} />
        </>
      )}
    </section>
  )
}
