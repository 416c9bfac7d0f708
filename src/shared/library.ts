// The report library as the app and the CLI see it: entries with what a person
// scans a list for (host, date, methods, headline), and a trash for undo.

import type { ErrorInfo } from './errors'
import type { MethodName } from './methods'
import type { FleetPair, MachineReference } from './report'
import type { Stat } from './statistics'

export interface LibraryEntry {
  /** the file name inside the library folder */
  id: string
  title: string
  tags: string[]
  host: string
  timestamp: string
  tool: string
  foreign: boolean
  methods: string[]
  /** one line of the figures that matter: best zero-copy method against copy, or the best throughput */
  headline: string
  bytes: number
  /** the schema the file is written in (0: an import kept as written) */
  schemaVersion: number
  /** set when the file could not be read: it stays listed, with why */
  problem: ErrorInfo | null
  /** the run stopped before it ended (cancelled, failed, or the process was killed): these are the trials that finished */
  incomplete: boolean
  /** a digest of the file as listed: a change made against an older revision is refused (someone else changed it) */
  revision: string | null
  /** what a trend needs of the report (trend.entryTrend), so a trend reads the listing; absent for a file that will not load */
  trend?: EntryTrend
  /** the fleet run and node pair the report is one of (report start.fleet); absent for every other run */
  fleet?: FleetPair
}

/** a report's machine, label and each row's figures, as a trend follows them */
export interface EntryTrend {
  cpuModel: string
  kernel: string
  label: string | null
  rows: EntryRow[]
  /** the machine reference as the run started (shared/machine-reference.ts); absent in older reports */
  reference?: MachineReference
}

export interface EntryRow {
  /** the row and the plan facts that make two runs the same experiment (compare's rule), less the machine */
  series: string
  /** those plan facts, in words */
  facts: string
  method: MethodName
  /** the port left out, as compare aligns rows */
  target: string
  chunkBytes: number
  streams: number
  /** the size condition: the file, the bytes a trial, how long a timed trial runs (a plan with two sizes has a row each) */
  fileBytes: number
  trialBytes: number | null
  durationMs: number | null
  /** the runs its figures rest on: repetitions that finished */
  runs: number
  allHostsCyclesPerBit: Stat | null
  throughputBitsPerSec: Stat | null
}

export interface TrashEntry {
  trashId: string
  /** the name it had, and will have again when restored */
  id: string
  title: string
  deletedAt: string
}

export interface LibraryListing {
  folder: string
  entries: LibraryEntry[]
  trash: TrashEntry[]
}

export interface ReportChanges {
  title?: string | null
  tags?: string[]
  /** the revision the change was made against (from the listing): refused if the file changed since */
  revision?: string | null
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }

export { MAX_TAGS, MAX_TAG_LENGTH, MAX_TITLE_LENGTH } from './report'

export type LibrarySort = 'newest' | 'oldest' | 'title' | 'host'

/** what the library view is narrowed to: empty text and null filters keep everything */
export interface LibraryQuery {
  /** matched, case-insensitive, against the title, host, tags, methods, headline and file name */
  text: string
  tag: string | null
  host: string | null
  method: string | null
  /** kept when the report started at or after this instant (ISO 8601); absent or null: no bound */
  since?: string | null
  /** kept when the report started before this instant (ISO 8601); absent or null: no bound */
  until?: string | null
  sort: LibrarySort
}

export const ALL_ENTRIES: LibraryQuery = { text: '', tag: null, host: null, method: null, sort: 'newest' }

/**
 * The entries a query keeps, in its order. An unreadable file has no tags, host or
 * methods: it stays listed while no filter asks for one (its name still matches
 * text), and sorts last, so a damaged file is never hidden by default.
 */
export function queryLibrary(entries: readonly LibraryEntry[], q: LibraryQuery): LibraryEntry[] {
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean)
  const kept = entries.filter((e) => {
    const haystack = [e.id, e.title, e.host, e.headline, ...e.tags, ...e.methods].join(' ').toLowerCase()
    if (!words.every((w) => haystack.includes(w))) return false
    if (q.tag !== null && !e.tags.includes(q.tag)) return false
    if (q.host !== null && e.host !== q.host) return false
    if (q.method !== null && !e.methods.includes(q.method)) return false
    // compared as instants: a timestamp written with another offset still sorts right
    const at = Date.parse(e.timestamp)
    if (q.since != null && !(at >= Date.parse(q.since))) return false
    if (q.until != null && !(at < Date.parse(q.until))) return false
    return true
  })
  const key: Record<LibrarySort, (a: LibraryEntry, b: LibraryEntry) => number> = {
    newest: (a, b) => b.timestamp.localeCompare(a.timestamp),
    oldest: (a, b) => a.timestamp.localeCompare(b.timestamp),
    title: (a, b) => a.title.localeCompare(b.title),
    host: (a, b) => a.host.localeCompare(b.host) || b.timestamp.localeCompare(a.timestamp)
  }
  return kept.sort((a, b) => Number(a.problem !== null) - Number(b.problem !== null) || key[q.sort](a, b))
}

/** every tag, host and method in the library, for the filters' choices */
export function libraryFacets(entries: readonly LibraryEntry[]): {
  tags: string[]
  hosts: string[]
  methods: string[]
} {
  const sorted = (xs: Iterable<string>) => [...new Set(xs)].filter(Boolean).sort()
  return {
    tags: sorted(entries.flatMap((e) => e.tags)),
    hosts: sorted(entries.map((e) => e.host)),
    methods: sorted(entries.flatMap((e) => e.methods))
  }
}
