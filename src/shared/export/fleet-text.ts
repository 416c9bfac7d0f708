// A fleet matrix in words, for `zcprof fleet show` and the app's Fleet view alike: the
// figure's name, a cell's text, and why a node is marked, said the same in both.

import { type FleetCell, type FleetFigure, type NodeJudgement } from '../fleet-matrix'
import { printable } from '../printable'
import { formatRatio } from '../units'

export const FLEET_FIGURE_INFO: Record<FleetFigure, { label: string; unit: string; better: 'lower' | 'higher' }> = {
  cpu: { label: 'whole-system CPU per bit', unit: 'cycles/bit', better: 'lower' },
  gbps: { label: 'throughput', unit: 'Gbit/s', better: 'higher' }
}

/** a figure's value as a cell says it: cycles/bit to 3 figures, Gbit/s to 2 decimals */
export function fleetValueText(figure: FleetFigure, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—'
  return figure === 'gbps' ? (value / 1e9).toFixed(2) : formatRatio(value, 3)
}

/** what a cell shows when it has no figure */
export const CELL_STATUS_TEXT = { failed: 'failed', missing: 'missing', self: '·' } as const

/** a cell in a few characters: its mean, or what it lacks */
export function fleetCellText(cell: FleetCell, figure: FleetFigure): string {
  if (cell.status !== 'ok') return CELL_STATUS_TEXT[cell.status]
  return fleetValueText(figure, cell[figure]?.mean ?? null)
}

/** the mean with its 95% interval, as a cell's tooltip and --json readers see it */
export function fleetCellDetail(cell: FleetCell, figure: FleetFigure): string {
  const s = cell[figure]
  if (cell.status !== 'ok' || !s) return CELL_STATUS_TEXT[cell.status === 'ok' ? 'missing' : cell.status]
  const unit = FLEET_FIGURE_INFO[figure].unit
  const interval =
    s.n >= 2 ? `, 95% [${fleetValueText(figure, s.ci95Low)}, ${fleetValueText(figure, s.ci95High)}]` : ', one run'
  return `${fleetValueText(figure, s.mean)} ${unit}${interval} (n ${s.n})`
}

/** "n4 as sender: 0.350 cycles/bit, 37.3% above pool rack-1's median …" */
export function outlierLine(j: NodeJudgement, figure: FleetFigure): string {
  const unit = FLEET_FIGURE_INFO[figure].unit
  return printable(
    `${j.node} as ${j.role}: ${fleetValueText(figure, j.median)} ${unit} against ` +
      `${fleetValueText(figure, j.groupMedian)}: ${j.reason}`
  )
}
