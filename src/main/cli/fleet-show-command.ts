// `zcprof fleet show [FLEET]` and `zcprof fleet list`: a fleet run's reports in the
// library as a sender × receiver matrix a method (shared/fleet-matrix.ts), fitted to the
// terminal: node names give way to keys listed below when they do not fit, and a fleet
// too wide for one block of columns is drawn in several.

import { existsSync } from 'node:fs'
import { ZcprofError } from '../../shared/errors'
import { CELL_STATUS_TEXT, FLEET_FIGURE_INFO, fleetCellText, outlierLine } from '../../shared/export/fleet-text'
import {
  buildFleetView,
  FLEET_FIGURES,
  listFleets,
  type FleetFigure,
  type FleetMatrix,
  type FleetView
} from '../../shared/fleet-matrix'
import type { LibraryEntry } from '../../shared/library'
import { ALL_METHODS, isMethod } from '../../shared/methods'
import { printable } from '../../shared/printable'
import { minuteText } from '../../shared/units'
import { defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { checkOutput, writeFileAtomic } from '../storage/atomic-file'
import { bold, colorFor, cyan, dim, widthFor } from './terminal'
import { drawTable, paragraph } from './text-table'

export interface FleetShowFlags {
  library?: string
  method?: string
  figure?: string
  json?: string
}

const MIN_WIDTH = 80
/** a node name longer than this gives way to a key (A, B, …) listed under the matrix */
const MAX_NAME_COLUMNS = 10
/** the mark beside an outlier's name: as sender on its row, as receiver on its column */
const OUTLIER_MARK = '!'

function bad(message: string, hint: string): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

function figureOf(text: string | undefined): FleetFigure {
  if (text === undefined) return 'cpu'
  if (!FLEET_FIGURES.includes(text as FleetFigure))
    bad(`--figure '${text}' is not a figure the matrix shows`, 'cpu (whole-system CPU per bit) or gbps (Gbit/s)')
  return text as FleetFigure
}

/** the library's entries; a library named and not there is a mistyped path, not an empty one */
async function entriesOf(folder: string | undefined): Promise<LibraryEntry[]> {
  if (folder !== undefined && !existsSync(folder))
    bad(`--library ${folder} does not exist`, 'give the folder `zcprof fleet run` wrote its reports into')
  return (await new ReportLibrary(folder ?? defaultLibraryFolder()).list()).entries
}

/** A, B, … Z, AA, AB, …: a key for the i-th node */
function keyOf(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : keyOf(Math.floor(i / 26) - 1) + keyOf(i % 26)
}

/** each node's name as the matrix shows it: its own, or a key where any name is too long */
function shortNames(view: FleetView): { short: string[]; keyed: boolean } {
  const names = view.nodes.map((n) => printable(n.name))
  const keyed = names.some((n) => [...n].length > MAX_NAME_COLUMNS)
  return { short: keyed ? names.map((_, i) => keyOf(i)) : names, keyed }
}

/** the matrix of one method as lines: blocks of receivers that fit the width, then its outliers */
export function matrixLines(view: FleetView, m: FleetMatrix, figure: FleetFigure, width: number, color: boolean) {
  const { short } = shortNames(view)
  const judged = m.judgements[figure]
  const rowLabel = (i: number) => `${short[i]}${judged.sender[i].outlier ? ` ${OUTLIER_MARK}` : ''}`
  const colHead = (j: number) => `${judged.receiver[j].outlier ? OUTLIER_MARK : ''}${short[j]}`
  const texts = m.cells.map((row) => row.map((c) => fleetCellText(c, figure)))
  const corner = 'send\\recv'
  const labelWidth = Math.max(corner.length, ...short.map((_, i) => rowLabel(i).length))
  const cellWidth = Math.max(...texts.flat().map((t) => t.length), ...short.map((_, j) => colHead(j).length))
  // columns of cellWidth, two spaces between: as many receivers a block as the width takes
  const perBlock = Math.max(1, Math.floor((width - labelWidth) / (cellWidth + 2)))
  const line = (label: string, cells: string[]) =>
    [label.padEnd(labelWidth), ...cells.map((c) => c.padStart(cellWidth))].join('  ')
  const out: string[] = []
  for (let from = 0; from < short.length; from += perBlock) {
    const cols = short.map((_, j) => j).slice(from, from + perBlock)
    if (from > 0) out.push('')
    out.push(
      cyan(line(corner, cols.map(colHead)), color),
      dim(
        line(
          '─'.repeat(labelWidth),
          cols.map(() => '─'.repeat(cellWidth))
        ),
        color
      ),
      ...short.map((_, i) =>
        line(
          rowLabel(i),
          cols.map((j) => texts[i][j])
        )
      )
    )
  }
  const outliers = [...judged.sender, ...judged.receiver].filter((j) => j.outlier)
  for (const j of outliers) out.push(...paragraph(outlierLine(j, figure), width, `${OUTLIER_MARK} `, '  '))
  return out
}

/** the key under the matrices: a line a node, where names gave way to keys */
function keyLines(view: FleetView, width: number): string[] {
  const { short, keyed } = shortNames(view)
  if (!keyed) return []
  return view.nodes.flatMap((n, i) =>
    paragraph(
      `${printable(n.name)}${n.pool ? ` (pool ${printable(n.pool)})` : ''}`,
      width,
      `${short[i]}  `.padEnd(5),
      '     '
    )
  )
}

/** the fleet's line, then each method's matrix with its legend */
export function renderFleet(
  view: FleetView,
  figure: FleetFigure,
  method: string | null,
  width: number,
  color: boolean
) {
  const f = view.fleet
  const pools = f.pools.length ? ` in pool${f.pools.length > 1 ? 's' : ''} ${f.pools.map(printable).join(', ')}` : ''
  const info = FLEET_FIGURE_INFO[figure]
  const out = [
    ...paragraph(
      `fleet ${printable(f.fleetId)}: ${f.nodes} nodes${pools}, ${f.reports} reports, ` +
        `${minuteText(f.firstTimestamp)} to ${minuteText(f.timestamp)} UTC`,
      width
    )
  ]
  const shown = view.matrices.filter((m) => method === null || m.method === method)
  if (!shown.length)
    bad(
      `the fleet ${printable(f.fleetId).slice(0, 60)} ran no ${method}`,
      `its methods: ${view.matrices.map((m) => m.label).join(', ')}`
    )
  for (const m of shown) {
    out.push(
      '',
      ...paragraph(`${m.label}: ${info.label} (${info.unit}), ${info.better} is better`, width).map((l) =>
        bold(l, color)
      )
    )
    out.push(...matrixLines(view, m, figure, width, color))
  }
  const key = keyLines(view, width)
  if (key.length) out.push('', 'key:', ...key)
  out.push(
    '',
    ...paragraph(
      `Rows send, columns receive; a cell is its pair's mean over the run's repetitions (95% intervals: --json, ` +
        `or the pair's report). ${CELL_STATUS_TEXT.self} the node itself; failed: the pair's report has no finished ` +
        `row (\`zcprof report\` on it says why); missing: no report of the pair. ${OUTLIER_MARK} an outlier: a node ` +
        `far from its pool's median as sender (its row) or receiver (its column), by the rule in docs/statistics.md.`,
      width
    ).map((l) => dim(l, color))
  )
  return out.join('\n') + '\n'
}

export async function fleetShowCommand(fleet: string | undefined, flags: FleetShowFlags): Promise<number> {
  const figure = figureOf(flags.figure)
  if (flags.method !== undefined && !isMethod(flags.method))
    bad(`--method '${flags.method}' is not a method`, `methods are: ${ALL_METHODS.join(', ')}`)
  if (flags.json && flags.json !== '-') checkOutput(flags.json, '--json')
  const view = buildFleetView(await entriesOf(flags.library), fleet ?? null)
  const out = flags.json === '-' ? process.stderr : process.stdout
  const width = Math.max(MIN_WIDTH, widthFor(out))
  out.write(renderFleet(view, figure, flags.method ?? null, width, colorFor(out)))
  // --method narrows the JSON as it narrows the text
  const kept = flags.method ? { ...view, matrices: view.matrices.filter((m) => m.method === flags.method) } : view
  const json = JSON.stringify(kept, null, 1) + '\n'
  if (flags.json === '-') process.stdout.write(json)
  else if (flags.json) writeFileAtomic(flags.json, json)
  return 0
}

/** `zcprof fleet list`: the fleet runs in the library, newest first */
export async function fleetListCommand(flags: Pick<FleetShowFlags, 'library'>): Promise<number> {
  const fleets = listFleets(await entriesOf(flags.library))
  const out = process.stdout
  if (!fleets.length) {
    out.write('no fleet run in the library: `zcprof fleet run` writes one report a node pair into it\n')
    return 0
  }
  const rows = fleets.map((f) => [
    printable(f.fleetId),
    minuteText(f.timestamp),
    String(f.nodes),
    String(f.reports),
    f.pools.map(printable).join(', ') || '—'
  ])
  out.write(
    drawTable(['fleet', 'newest (UTC)', 'nodes', 'reports', 'pools'], rows, {
      color: colorFor(out),
      width: Math.max(MIN_WIDTH, widthFor(out))
    }) + '\n'
  )
  return 0
}
