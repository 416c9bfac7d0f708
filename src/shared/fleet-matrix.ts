// A fleet run (`zcprof fleet run`: one report a node pair, each naming the pair in
// start.fleet) as a sender × receiver matrix per method, for the CLI and the app alike.
// Each cell is its report's own row figure, as the library's listing keeps it (the
// Stat of report.end.aggregates, trend.entryTrend): what every host measured pays per
// bit, and the throughput, each a mean with its 95% interval. Nothing is recomputed
// from trials. Nodes far from their pool are marked by the rule in judgeNode
// (docs/statistics.md, "Fleet outliers").

import { ZcprofError } from './errors'
import type { EntryRow, LibraryEntry } from './library'
import type { MethodName } from './methods'
import type { FleetMember } from './report'
import { median, type Stat } from './statistics'
import { formatBytes, formatDurationMs } from './units'

/** the figures a matrix shows: whole-system CPU per bit, or throughput */
export const FLEET_FIGURES = ['cpu', 'gbps'] as const
export type FleetFigure = (typeof FLEET_FIGURES)[number]
/** the row field each figure reads */
export const FLEET_FIGURE_FIELD = {
  cpu: 'allHostsCyclesPerBit',
  gbps: 'throughputBitsPerSec'
} as const satisfies Record<FleetFigure, keyof EntryRow>

/** a node is an outlier beyond this many (scaled) MADs of its group's node medians */
export const OUTLIER_MADS = 3
/** MAD × this estimates a normal spread's standard deviation */
export const MAD_TO_SD = 1.4826
/** a group with fewer nodes that have a figure cannot tell an outlier from its spread */
export const MIN_POOL_NODES = 3
/**
 * a node is judged on this many finished pairs in a role at least: the median of three
 * holds against one partner that is itself far off (an outlier's row shifts the columns
 * it crosses)
 */
export const MIN_NODE_PAIRS = 3
/** a node within this share of its group's median is never an outlier, however tight the group */
export const MIN_OUTLIER_CHANGE = 0.05

/** one fleet run in the library */
export interface FleetSummary {
  fleetId: string
  /** the newest of its reports' start: the fleets are listed newest first by it */
  timestamp: string
  /** the oldest of its reports' start */
  firstTimestamp: string
  reports: number
  nodes: number
  /** its nodes' pools, without the nodes that have none */
  pools: string[]
  methods: string[]
}

/**
 * ok: the pair's report has the row. failed: the pair has a report but no finished row
 * (its trials failed, or the run stopped before the method ran). missing: no report of
 * the pair. self: a node and itself, which a fleet does not run.
 */
export type FleetCellStatus = 'ok' | 'failed' | 'missing' | 'self'

export interface FleetCell {
  status: FleetCellStatus
  /** the report the cell shows (the newest of the pair's with the row, else the newest); null when missing */
  reportId: string | null
  /** the pair's reports in this fleet: a pair run again has several */
  reports: number
  /** the report shown stopped before its end: its rows are the trials that finished */
  incomplete: boolean
  /** cycles per bit, every host measured: the row's allHostsCyclesPerBit */
  cpu: Stat | null
  /** bits per second: the row's throughputBitsPerSec */
  gbps: Stat | null
}

/** a node in one role (its row as sender, its column as receiver) against its group */
export interface NodeJudgement {
  node: string
  role: 'sender' | 'receiver'
  /** the median of its finished pairs' means in that role; null with none */
  median: number | null
  pairs: number
  /** the median of its pairs' interval bounds (pairs with an interval only); null with none */
  interval: [number, number] | null
  /** what it was held against: its pool, or the whole fleet (null) for a node without one */
  group: string | null
  /** nodes of the group with a figure, itself included */
  groupNodes: number
  groupMedian: number | null
  /** the median absolute deviation of the group's node medians from groupMedian */
  groupMad: number | null
  /** the median of the interval bounds of the rest of the group's pairs in that role */
  groupInterval: [number, number] | null
  /** median / groupMedian − 1 */
  change: number | null
  outlier: boolean
  /** why it is, or is not, an outlier, in words */
  reason: string
}

export type FleetJudgements = Record<'sender' | 'receiver', NodeJudgement[]>

export interface FleetMatrix {
  /** method, chunk, streams and size: a fleet's plan with two chunk sizes (or two --size) has two matrices a method */
  key: string
  method: MethodName
  /** the method, and the condition when the method has several: the size when the fleet has several */
  label: string
  chunkBytes: number
  streams: number
  fileBytes: number
  trialBytes: number | null
  durationMs: number | null
  /** cells[i][j]: the view's nodes[i] sending to nodes[j] */
  cells: FleetCell[][]
  /** each figure's outliers, as sender and as receiver, a judgement for every node in order */
  judgements: Record<FleetFigure, FleetJudgements>
}

export interface FleetView {
  fleet: FleetSummary
  /** every fleet in the library, newest first: what a picker offers */
  fleets: FleetSummary[]
  /** by pool (nodes without one last), then name */
  nodes: FleetMember[]
  matrices: FleetMatrix[]
}

/** what a front end asks fleet() for: a fleet id or its unique beginning; none: the newest */
export interface FleetOptions {
  fleet?: string | null
}

const at = (e: LibraryEntry) => Date.parse(e.timestamp) || 0

function bad(message: string, hint: string): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

/** the library's fleet runs, newest first */
export function listFleets(entries: readonly LibraryEntry[]): FleetSummary[] {
  const byId = new Map<string, LibraryEntry[]>()
  for (const e of entries) {
    if (!e.fleet || e.problem) continue
    const list = byId.get(e.fleet.fleetId) ?? []
    list.push(e)
    byId.set(e.fleet.fleetId, list)
  }
  const out = [...byId].map(([fleetId, list]) => {
    const sorted = [...list].sort((a, b) => at(a) - at(b))
    const nodes = nodesOf(list)
    return {
      fleetId,
      timestamp: sorted.at(-1)!.timestamp,
      firstTimestamp: sorted[0].timestamp,
      reports: list.length,
      nodes: nodes.length,
      pools: [...new Set(nodes.map((n) => n.pool).filter((p): p is string => p !== null))].sort(),
      methods: [...new Set(list.flatMap((e) => e.methods))]
    }
  })
  return out.sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp) || a.fleetId.localeCompare(b.fleetId))
}

/** the fleet asked for: the newest without a name, else its id or the one fleet whose id starts so */
export function pickFleet(fleets: readonly FleetSummary[], wanted?: string | null): FleetSummary {
  const some = fleets
    .slice(0, 5)
    .map((f) => f.fleetId)
    .join(', ')
  if (!fleets.length)
    bad('the library holds no fleet run', 'run `zcprof fleet run` into it, or name the library with --library')
  if (!wanted) return fleets[0]
  const exact = fleets.find((f) => f.fleetId === wanted)
  if (exact) return exact
  const starts = fleets.filter((f) => f.fleetId.startsWith(wanted))
  if (starts.length === 1) return starts[0]
  if (starts.length > 1)
    bad(
      `'${wanted.slice(0, 60)}' begins ${starts.length} fleet ids`,
      `give more of it: ${starts
        .slice(0, 5)
        .map((f) => f.fleetId)
        .join(', ')}`
    )
  return bad(`no fleet run '${wanted.slice(0, 60)}' in the library`, `\`zcprof fleet list\` lists them: ${some}`)
}

/** every node the reports name, with its pool as the newest report names it */
function nodesOf(entries: readonly LibraryEntry[]): FleetMember[] {
  const pools = new Map<string, string | null>()
  for (const e of [...entries].sort((a, b) => at(a) - at(b)))
    for (const m of [e.fleet!.sender, e.fleet!.receiver]) pools.set(m.name, m.pool)
  return [...pools]
    .map(([name, pool]) => ({ name, pool }))
    .sort(
      (a, b) =>
        Number(a.pool === null) - Number(b.pool === null) ||
        (a.pool ?? '').localeCompare(b.pool ?? '') ||
        a.name.localeCompare(b.name, undefined, { numeric: true })
    )
}

type RowCondition = Pick<EntryRow, 'method' | 'chunkBytes' | 'streams' | 'fileBytes' | 'trialBytes' | 'durationMs'>
/** the size condition: a report's rows are split by file size, bytes a trial and duration too */
const sizeKey = (r: RowCondition) => `${r.fileBytes}|${r.trialBytes}|${r.durationMs}`
const rowKey = (r: RowCondition) => `${r.method}|${r.chunkBytes}|${r.streams}|${sizeKey(r)}`

/** the size condition in words: "1MiB file", "1MiB file, 4GiB a trial", "1MiB file, 10.0 s" */
function sizeText(r: RowCondition): string {
  const parts = [`${formatBytes(r.fileBytes)} file`]
  if (r.trialBytes !== null) parts.push(`${formatBytes(r.trialBytes)} a trial`)
  if (r.durationMs !== null) parts.push(formatDurationMs(r.durationMs))
  return parts.join(', ')
}

/** a matrix's name: its method, its chunk and streams when the method has several rows, its size when the fleet has several */
function matrixLabel(row: RowCondition, keys: readonly RowCondition[]): string {
  const several = keys.filter((k) => k.method === row.method).length > 1
  const sizes = new Set(keys.map(sizeKey)).size > 1
  return [
    row.method,
    ...(sizes ? [sizeText(row)] : []),
    ...(several
      ? [`${formatBytes(row.chunkBytes)} chunks`, `${row.streams} stream${row.streams === 1 ? '' : 's'}`]
      : [])
  ].join(' · ')
}

/** the matrices' rows: one a method and condition, in the order the reports list them */
function matrixKeys(entries: readonly LibraryEntry[]): EntryRow[] {
  const keys = new Map<string, EntryRow>()
  for (const e of entries) for (const r of e.trend?.rows ?? []) if (!keys.has(rowKey(r))) keys.set(rowKey(r), r)
  return [...keys.values()]
}

function cellOf(pair: readonly LibraryEntry[], key: string, self: boolean): FleetCell {
  const none = { reports: pair.length, cpu: null, gbps: null }
  if (!pair.length) return { ...none, status: self ? 'self' : 'missing', reportId: null, incomplete: false }
  for (const e of pair) {
    const row = e.trend?.rows.find((r) => rowKey(r) === key)
    if (row)
      return {
        status: 'ok',
        reportId: e.id,
        reports: pair.length,
        incomplete: e.incomplete,
        cpu: row.allHostsCyclesPerBit,
        gbps: row.throughputBitsPerSec
      }
  }
  return { ...none, status: 'failed', reportId: pair[0].id, incomplete: pair[0].incomplete }
}

/** the matrix of one fleet, a method (and condition) each */
export function buildFleetView(entries: readonly LibraryEntry[], wanted?: string | null): FleetView {
  const fleets = listFleets(entries)
  const fleet = pickFleet(fleets, wanted)
  const mine = entries.filter((e) => e.fleet?.fleetId === fleet.fleetId && !e.problem)
  const nodes = nodesOf(mine)
  // each pair's reports, newest first
  const byPair = new Map<string, LibraryEntry[]>()
  for (const e of [...mine].sort((a, b) => at(b) - at(a))) {
    const k = `${e.fleet!.sender.name}\u0000${e.fleet!.receiver.name}`
    byPair.set(k, [...(byPair.get(k) ?? []), e])
  }
  const keys = matrixKeys(mine)
  const matrices = keys.map((row): FleetMatrix => {
    const key = rowKey(row)
    const cells = nodes.map((s) =>
      nodes.map((r) => cellOf(byPair.get(`${s.name}\u0000${r.name}`) ?? [], key, s.name === r.name))
    )
    return {
      key,
      method: row.method,
      label: matrixLabel(row, keys),
      chunkBytes: row.chunkBytes,
      streams: row.streams,
      fileBytes: row.fileBytes,
      trialBytes: row.trialBytes,
      durationMs: row.durationMs,
      cells,
      judgements: {
        cpu: judgeFleet(nodes, cells, 'cpu'),
        gbps: judgeFleet(nodes, cells, 'gbps')
      }
    }
  })
  return { fleet, fleets, nodes, matrices }
}

interface NodeFigure {
  median: number | null
  stats: Stat[]
  /** the interval bounds of its pairs that have one (n ≥ 2), each sorted */
  lows: number[]
  highs: number[]
}

/** a role's group: its members (node indexes with a figure) and their pairs' bounds, sorted */
interface Group {
  members: number[]
  lows: number[]
  highs: number[]
}

const ascending = (a: number, b: number) => a - b

function medianOfSorted(s: readonly number[]): number {
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** a sorted list with one of each of `remove`'s values taken out: the rest of a group's bounds */
function withoutSorted(sorted: readonly number[], remove: readonly number[]): number[] {
  const left = new Map<number, number>()
  for (const v of remove) left.set(v, (left.get(v) ?? 0) + 1)
  return sorted.filter((v) => {
    const c = left.get(v)
    if (!c) return true
    left.set(v, c - 1)
    return false
  })
}

/** [median of the lows, median of the highs]; null with none */
function typicalInterval(lows: readonly number[], highs: readonly number[]): [number, number] | null {
  return lows.length ? [medianOfSorted(lows), medianOfSorted(highs)] : null
}

function nodeFigure(stats: Stat[]): NodeFigure {
  const with95 = stats.filter((s) => s.n >= 2 && Number.isFinite(s.ci95Low) && Number.isFinite(s.ci95High))
  return {
    median: stats.length ? median(stats.map((s) => s.mean)) : null,
    stats,
    lows: with95.map((s) => s.ci95Low).sort(ascending),
    highs: with95.map((s) => s.ci95High).sort(ascending)
  }
}

/** every node's figure as sender (its row) and as receiver (its column), judged against its group */
export function judgeFleet(
  nodes: readonly FleetMember[],
  cells: readonly (readonly FleetCell[])[],
  figure: FleetFigure
): FleetJudgements {
  const role = (r: 'sender' | 'receiver') => {
    const figures = nodes.map((_, i) => {
      const line = r === 'sender' ? cells[i] : cells.map((row) => row[i])
      return nodeFigure(
        line
          .filter((c) => c.status === 'ok')
          .map((c) => c[figure])
          .filter((s): s is Stat => s !== null && Number.isFinite(s.mean))
      )
    })
    // each pool's group (and the whole fleet's, for nodes without one), made once
    const groups = new Map<string | null, Group>()
    const groupOf = (pool: string | null): Group => {
      let g = groups.get(pool)
      if (!g) {
        const members = nodes
          .map((_, j) => j)
          .filter((j) => (pool === null || nodes[j].pool === pool) && figures[j].median !== null)
        g = {
          members,
          lows: members.flatMap((j) => figures[j].lows).sort(ascending),
          highs: members.flatMap((j) => figures[j].highs).sort(ascending)
        }
        groups.set(pool, g)
      }
      return g
    }
    return nodes.map((n, i) => judgeNode(n, figures, i, groupOf(n.pool), r))
  }
  return { sender: role('sender'), receiver: role('receiver') }
}

/**
 * The outlier rule. A node's figure in a role is the median of its pairs' means; its
 * group is the nodes of its pool (every node of the fleet for one without a pool) that
 * have a figure, itself included. It is an outlier when all of these hold: it has at
 * least MIN_NODE_PAIRS finished pairs in the role; the group has at least
 * MIN_POOL_NODES nodes; its figure lies more than OUTLIER_MADS × MAD_TO_SD ×
 * MAD from the group's median (the median and MAD of the group's node figures); it
 * differs from that median by more than MIN_OUTLIER_CHANGE of it; and its typical
 * interval (the medians of its pairs' interval bounds) does not overlap the rest of the
 * group's (the same over the other nodes' pairs in that role).
 */
function judgeNode(
  me: FleetMember,
  figures: readonly NodeFigure[],
  i: number,
  g: Group,
  role: 'sender' | 'receiver'
): NodeJudgement {
  const group = me.pool
  const members = g.members
  const values = members.map((j) => figures[j].median!)
  // the rest of the group: its own pairs' bounds taken out (it is in the group when it has a figure)
  const mine = figures[i]
  const inGroup = mine.median !== null
  const m = figures[i].median
  const base = {
    node: me.name,
    role,
    median: m,
    pairs: figures[i].stats.length,
    interval: typicalInterval(mine.lows, mine.highs),
    group,
    groupNodes: members.length,
    groupMedian: values.length ? median(values) : null,
    groupMad: null,
    groupInterval: inGroup
      ? typicalInterval(withoutSorted(g.lows, mine.lows), withoutSorted(g.highs, mine.highs))
      : typicalInterval(g.lows, g.highs),
    change: null,
    outlier: false
  }
  const groupName = group === null ? 'the whole fleet' : `pool ${group}`
  if (m === null) return { ...base, reason: 'no finished pair in this role' }
  if (base.pairs < MIN_NODE_PAIRS)
    return {
      ...base,
      reason: `${base.pairs} finished pair${base.pairs === 1 ? '' : 's'}: ${MIN_NODE_PAIRS} are needed to judge`
    }
  if (members.length < MIN_POOL_NODES)
    return {
      ...base,
      reason: `${groupName} has ${members.length} node${members.length === 1 ? '' : 's'} with figures: ${MIN_POOL_NODES} are needed to judge`
    }
  const center = base.groupMedian!
  const mad = median(values.map((v) => Math.abs(v - center)))
  const change = center !== 0 ? m / center - 1 : null
  const far = Math.abs(m - center) > OUTLIER_MADS * MAD_TO_SD * mad
  const big = change !== null && Math.abs(change) > MIN_OUTLIER_CHANGE
  const [own, rest] = [base.interval, base.groupInterval]
  const apart = own !== null && rest !== null && (own[0] > rest[1] || own[1] < rest[0])
  const outlier = far && big && apart
  const reason = outlier
    ? `${change! > 0 ? 'above' : 'below'} ${groupName}'s median by ${Math.abs(change! * 100).toFixed(1)}%, beyond ${OUTLIER_MADS} MADs, and its interval clear of the rest's`
    : !far
      ? `within ${OUTLIER_MADS} MADs of ${groupName}'s median`
      : !big
        ? `within ${MIN_OUTLIER_CHANGE * 100}% of ${groupName}'s median`
        : own === null || rest === null
          ? 'no interval to tell it from the noise (pairs of one repetition)'
          : `its interval overlaps the rest of ${groupName}'s`
  return { ...base, groupMad: mad, change, outlier, reason }
}
