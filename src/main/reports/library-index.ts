// The library's listing kept between processes: what list() made of each report, keyed
// by the file's size, mtime and inode, so a CLI run over 5,000 reports reads only the
// files that changed. It lives in this user's cache folder, never in the library: a
// shared library (a git checkout, a network share) holds reports and nothing a machine
// made for itself. It is never the only copy of anything: deleted, damaged, or written by
// another version, it is ignored and the next listing reads every report again.

import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, readFileSync, realpathSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LibraryEntry } from '../../shared/library'
import { TOOL_VERSION } from '../model/report-build'
import { writeFileAtomic } from '../storage/atomic-file'

/** what list() keeps of a file: the file's size:mtime:inode when read, and its entry */
export interface IndexedEntry {
  key: string
  entry: LibraryEntry
}

/** the entry's shape: raised when LibraryEntry changes, so an older index is read as none */
const INDEX_FORMAT = 4

interface IndexFile {
  format: number
  /** the version that wrote it: an entry's shape may change with the version */
  tool: string
  folder: string
  entries: [id: string, key: string, entry: LibraryEntry][]
}

/** a folder as one name however it is reached (a symlinked parent, a relative path) */
function realFolder(folder: string): string {
  try {
    return realpathSync(folder)
  } catch {
    return path.resolve(folder) // not there yet: its name as given
  }
}

/** where a library's index is: the cache folder, one file per library folder (by its real path) */
export function indexFileFor(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const digest = createHash('sha256').update(realFolder(folder)).digest('hex').slice(0, 24)
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'zcprof', 'library-index', `${digest}.json`)
}

/** a file or folder of this user's (or root's, for root), not a link, that no one else may write */
function ownedPrivately(file: string): boolean {
  const st = lstatSync(file)
  const uid = process.getuid?.() ?? 0
  return !st.isSymbolicLink() && st.uid === uid && (st.mode & 0o022) === 0
}

/** the index of a folder as the last listing left it; empty where there is none that fits */
export function loadIndex(folder: string, env: NodeJS.ProcessEnv = process.env): Map<string, IndexedEntry> {
  const out = new Map<string, IndexedEntry>()
  try {
    const file = indexFileFor(folder, env)
    // entries are believed without reading the reports: only an index this user alone can
    // have written (a cache folder shared through sudo -E or /tmp must not plant them)
    if (!ownedPrivately(file) || !ownedPrivately(path.dirname(file))) return out
    const index = JSON.parse(readFileSync(file, 'utf8')) as IndexFile
    if (
      index.format !== INDEX_FORMAT ||
      index.tool !== TOOL_VERSION ||
      index.folder !== realFolder(folder) ||
      !Array.isArray(index.entries)
    )
      return out
    for (const [id, key, entry] of index.entries)
      if (typeof id === 'string' && typeof key === 'string' && entry?.id === id) out.set(id, { key, entry })
  } catch {
    // none yet, unreadable, or damaged: the listing reads the reports
  }
  return out
}

/** the listing's entries kept for the next process; a cache that cannot be written is no error */
export function saveIndex(folder: string, entries: ReadonlyMap<string, IndexedEntry>, env = process.env): void {
  const file = indexFileFor(folder, env)
  const index: IndexFile = {
    format: INDEX_FORMAT,
    tool: TOOL_VERSION,
    folder: realFolder(folder),
    entries: [...entries].map(([id, { key, entry }]) => [id, key, entry])
  }
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    writeFileAtomic(file, JSON.stringify(index))
  } catch {
    // a full or read-only cache: the next listing reads the reports, as the first did
  }
}
