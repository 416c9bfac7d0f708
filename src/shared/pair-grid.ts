// The sender × receiver grid: a run with several receiver modes measures every pair (a
// sending method with a receiver mode); the grid lays the whole system's CPU per bit of
// each pair out by sender and receiver, per condition (target, size, chunk, bound,
// streams), so the cheapest pair end to end can be read at a glance. Pure data: the
// CLI, the exports and the app each draw it (export/pair-grid-tables.ts, the app's
// pair-grid view).

import { rowKey } from './aggregate'
import { METHOD_INFO, type MethodName, type ReceiverMode } from './methods'
import type { MethodAggregate } from './report'
import type { Stat } from './statistics'

/** a pair as every view writes it: the sender's method, then the receiver mode */
export const pairText = (method: string, receiverMode: string) => `${method} → ${receiverMode}`

/** a row's name in a run's lines and tables: the pair where the run has several receiver modes, else the method */
export const rowLabel = (r: { method: string; receiverMode: string }, receiverModes: readonly string[]) =>
  receiverModes.length > 1 ? pairText(r.method, r.receiverMode) : r.method

/**
 * One cell. measured: its whole-system CPU per bit (every host measured), median with
 * the interval of its trials. failed: the pair ran but no trial gave a figure. not-run:
 * the plan had the pair, and no trial of it ran here (skipped, or never reached).
 */
export type GridCell =
  | { state: 'measured'; stat: Stat; cheapest: boolean; row: MethodAggregate }
  | { state: 'failed'; row: MethodAggregate }
  | { state: 'not-run' }

export interface PairGrid {
  /** what the cells were measured over, as groupAggregates names it without the receiver */
  condition: string
  senders: MethodName[]
  receivers: ReceiverMode[]
  /** cells[sender][receiver], in the senders' and receivers' order */
  cells: GridCell[][]
  /** the cheapest measured pair, or null where none was measured */
  cheapest: { method: MethodName; receiverMode: ReceiverMode; stat: Stat } | null
}

/** a row's condition without its pair: rows of one grid share it */
const conditionKey = (a: MethodAggregate) => rowKey({ ...a, method: 'copy', receiverMode: 'read' })

/**
 * The grids of a run's rows: one per condition that ran more than one receiver mode
 * (none for a one-receiver run, which looks as it always has). Senders and receivers
 * in the plan's order where given, else as the rows come.
 */
export function pairGrids(
  aggregates: readonly MethodAggregate[],
  order: { methods?: readonly MethodName[]; receiverModes?: readonly ReceiverMode[] } = {},
  conditionText: (a: MethodAggregate) => string = (a) => a.target
): PairGrid[] {
  const byCondition = new Map<string, MethodAggregate[]>()
  for (const a of aggregates) {
    const k = conditionKey(a)
    byCondition.set(k, [...(byCondition.get(k) ?? []), a])
  }
  const grids: PairGrid[] = []
  for (const rows of byCondition.values()) {
    // every pair the plan has, so one that did not run shows as such
    // a GPU target has no socket receiver: its rows are not pairs
    const gpu = METHOD_INFO[rows[0].method]?.gpu === true
    const receivers = ordered(
      rows.map((a) => a.receiverMode),
      order.receiverModes
    )
    if (gpu || receivers.length < 2) continue
    const senders = ordered(
      rows.map((a) => a.method),
      order.methods?.filter((m) => (METHOD_INFO[m]?.gpu === true) === gpu)
    )
    let cheapest: PairGrid['cheapest'] = null
    const cells = senders.map((method) =>
      receivers.map((receiverMode): GridCell => {
        const row = rows.find((a) => a.method === method && a.receiverMode === receiverMode)
        if (!row) return { state: 'not-run' }
        const stat = row.allHostsCyclesPerBit
        if (!stat) return { state: 'failed', row }
        if (!cheapest || stat.median < cheapest.stat.median) cheapest = { method, receiverMode, stat }
        return { state: 'measured', stat, cheapest: false, row }
      })
    )
    const best = cheapest as PairGrid['cheapest']
    if (best)
      for (const [i, line] of cells.entries())
        for (const [j, cell] of line.entries())
          if (cell.state === 'measured' && senders[i] === best.method && receivers[j] === best.receiverMode)
            cell.cheapest = true
    grids.push({ condition: conditionText(rows[0]), senders, receivers, cells, cheapest: best })
  }
  return grids
}

/** each name once: those in `order` (the plan's) first, in its order, then any others as met */
function ordered<T>(names: readonly T[], order: readonly T[] = []): T[] {
  return [...new Set([...order, ...names])]
}
