// A run with several receiver modes: the sender × receiver grid, a table a condition,
// each cell a pair's whole-system cycles per bit (median over the interval under it),
// the cheapest pair marked, a pair that did not run said so. Each cell keeps its
// median and interval on two short lines, so five receivers fit a window of 800 px.

import { conditionText, cyclesEstimated } from '../../../shared/export/figures'
import { FAILED_TEXT, gridCaption, gridInterval, NOT_RUN_TEXT } from '../../../shared/export/pair-grid-tables'
import { pairGrids, pairText, type GridCell, type PairGrid } from '../../../shared/pair-grid'
import type { Report } from '../../../shared/report'
import { formatRatio } from '../../../shared/units'

function Cell({ cell, pair }: { cell: GridCell; pair: string }) {
  if (cell.state !== 'measured')
    return (
      <td className="muted" data-pair={pair} data-state={cell.state}>
        {cell.state === 'failed' ? FAILED_TEXT : NOT_RUN_TEXT}
      </td>
    )
  const s = cell.stat
  const f = (v: number) => formatRatio(v, 3)
  const interval = gridInterval(s)
  return (
    <td
      data-pair={pair}
      data-state="measured"
      className={cell.cheapest ? 'cheapest' : undefined}
      aria-label={cell.cheapest ? `${pair}: the cheapest pair` : undefined}
    >
      <b>{f(s.median)}</b>
      {cell.cheapest && <span className="badge">cheapest</span>}
      <br />
      <span className="muted">{interval ? `[${f(interval[0])}, ${f(interval[1])}]` : `n = ${s.n}`}</span>
    </td>
  )
}

function GridTable({ grid, estimated }: { grid: PairGrid; estimated: boolean }) {
  return (
    <div className="pair-grid" data-testid="pair-grid">
      <h3>{grid.condition}</h3>
      <table>
        <caption>{gridCaption(grid, estimated)}</caption>
        <thead>
          <tr>
            <th scope="col">sender</th>
            {grid.receivers.map((r) => (
              <th key={r} scope="col">
                {r}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {grid.senders.map((s, i) => (
            <tr key={s}>
              <th scope="row">{s}</th>
              {grid.cells[i].map((c, j) => (
                <Cell key={grid.receivers[j]} cell={c} pair={pairText(s, grid.receivers[j])} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** nothing for a one-receiver run: it looks as it always has */
export function PairGridView({ report }: { report: Report }) {
  const plan = report.start.plan
  const aggs = report.end.aggregates
  const grids = pairGrids(aggs, { methods: plan.methods, receiverModes: plan.receiverModes }, (a) => conditionText(a))
  if (!grids.length) return null
  const estimated = cyclesEstimated(aggs)
  return (
    <section aria-label="sender × receiver">
      {grids.map((g, i) => (
        <GridTable key={`${g.condition}-${i}`} grid={g} estimated={estimated} />
      ))}
    </section>
  )
}
