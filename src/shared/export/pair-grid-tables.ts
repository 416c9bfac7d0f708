// The sender × receiver grid as text tables, for the terminal, Markdown and HTML: a
// row a sending method, a column a receiver mode, each cell the pair's whole-system
// cycles per bit (median [95% CI]). Where the columns do not fit a width, the
// receivers are split over several tables, each repeating the sender column.

import { pairText, type GridCell, type PairGrid } from '../pair-grid'
import { MIN_FINDING_REPETITIONS, type Stat } from '../statistics'
import { formatRatio } from '../units'

/** figures.ts's TextTable, by shape (figures.ts draws these among its own tables) */
interface TextTable {
  caption: string | null
  head: string[]
  rows: string[][]
}

/** the cheapest pair's mark in its cell (ASCII: one column in every terminal) */
export const CHEAPEST_MARK = '<'
export const NOT_RUN_TEXT = 'not run'
export const FAILED_TEXT = 'failed'
const GUTTER = 2

/** the interval a cell prints: none under the repetitions a finding needs (the rule every view keeps) */
export function gridInterval(s: Stat): [number, number] | null {
  return s.n >= MIN_FINDING_REPETITIONS && Number.isFinite(s.ci95Low) && Number.isFinite(s.ci95High)
    ? [s.ci95Low, s.ci95High]
    : null
}

/** a pair's cost: "1.52 [1.48, 1.57]"; with too few repetitions for an interval, "1.52, n = 2" */
export function gridStatText(s: Stat): string {
  const f = (v: number) => formatRatio(v, 3)
  const ci = gridInterval(s)
  return ci ? `${f(s.median)} [${f(ci[0])}, ${f(ci[1])}]` : `${f(s.median)}, n = ${s.n}`
}

export function gridCellText(c: GridCell): string {
  if (c.state === 'not-run') return NOT_RUN_TEXT
  if (c.state === 'failed') return FAILED_TEXT
  return c.cheapest ? `${gridStatText(c.stat)} ${CHEAPEST_MARK}` : gridStatText(c.stat)
}

/** what the grid is, over it: the figure, and the cheapest pair in words */
export function gridCaption(g: PairGrid, estimated: boolean): string {
  const cyc = estimated ? 'cyc/bit*' : 'cyc/bit'
  const best = g.cheapest
    ? `; ${CHEAPEST_MARK} cheapest: ${pairText(g.cheapest.method, g.cheapest.receiverMode)}`
    : '; no pair measured'
  return `sender × receiver, system ${cyc} by pair, median [95% CI]${best}`
}

/**
 * The grid as one table, or as several of at most `width` columns (the receivers
 * split between them, the senders repeated) where one would not fit.
 */
export function pairGridTables(g: PairGrid, estimated: boolean, width = Number.POSITIVE_INFINITY): TextTable[] {
  const head0 = 'sender'
  const rows = g.senders.map((s, i) => [s, ...g.cells[i].map(gridCellText)])
  const first = Math.max(head0.length, ...g.senders.map((s) => s.length))
  const colWidth = (j: number) => Math.max(g.receivers[j].length, ...rows.map((r) => r[j + 1].length))
  // receivers in runs that fit: always at least one a table
  const runs: number[][] = []
  let run: number[] = []
  let used = first
  for (let j = 0; j < g.receivers.length; j++) {
    const w = GUTTER + colWidth(j)
    if (run.length && used + w > width) {
      runs.push(run)
      run = []
      used = first
    }
    run.push(j)
    used += w
  }
  if (run.length) runs.push(run)
  const caption = gridCaption(g, estimated)
  return runs.map((cols, k) => ({
    caption: k === 0 ? caption : null,
    head: [head0, ...cols.map((j) => g.receivers[j])],
    rows: rows.map((r) => [r[0], ...cols.map((j) => r[j + 1])])
  }))
}
