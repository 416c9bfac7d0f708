// Journals whose writer died: a run killed before it ended left its journal in the
// library, and a listing turns it into an incomplete report once nobody holds its lock.

import { lstatSync, rmSync, constants, type Stats } from 'node:fs'
import { lstat, open as openAsync, type FileHandle } from 'node:fs/promises'
import type net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import type { ErrorInfo } from '../../shared/errors'
import type { LibraryEntry } from '../../shared/library'
import { safeFileStem } from '../../shared/report-title'
import { MAX_REPORT_BYTES, type Report } from '../../shared/report'
import { JournalError, JournalReader, MAX_JOURNAL_LINE_BYTES } from '../../shared/run-journal'
import { moveNoReplace } from '../storage/atomic-file'
import { ownNetns, tryLock } from './journal-lock'
import { escapedName, linkProblem, problemEntry, problemOf } from './library-files'

/** a run's journal is a file beside the reports named for the report it will be */
export const JOURNAL_SUFFIX = '.journal.ndjson'
/** where a journal that could not all be read is kept, once what could be was recovered */
const DAMAGED_SUFFIX = '.damaged-journal.ndjson'
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = constants

/** what recovering a journal needs of the library it is in */
export interface RecoveringLibrary {
  readonly folder: string
  /** saves under stem, or the next free name; never over another report */
  saveNew(report: Report, stem: string): LibraryEntry
  /** a name for a file beside the reports that nothing has yet */
  freeName(stem: string, suffix: string): string
}

/** journals this process is writing now: never recovered, never read while listing */
export const activeJournals = new Set<string>()
/** another host's journal untouched this long is taken as abandoned */
const FOREIGN_JOURNAL_STALE_MS = 6 * 3600_000
/** a journal is read this much at a time: no line over the limit is ever held whole */
const JOURNAL_CHUNK = 64 * 1024

/**
 * What a journal holds, read a chunk at a time: a line over MAX_JOURNAL_LINE_BYTES is
 * skipped as damage without being held, and no more than a report may be is read.
 */
async function readJournal(handle: FileHandle, size: number): Promise<JournalReader> {
  const reader = new JournalReader()
  const limit = Math.min(size, MAX_REPORT_BYTES)
  const chunk = Buffer.allocUnsafe(JOURNAL_CHUNK)
  let parts: Buffer[] = []
  let held = 0
  let skipped = 0 // bytes of an over-long line, counted, not kept
  let pos = 0
  while (pos < limit) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(JOURNAL_CHUNK, limit - pos), pos)
    if (bytesRead === 0) break
    pos += bytesRead
    for (let from = 0; ; ) {
      const nl = chunk.subarray(0, bytesRead).indexOf(10, from)
      const end = nl < 0 ? bytesRead : nl
      const piece = end - from
      if (skipped) skipped += piece
      else if (held + piece > MAX_JOURNAL_LINE_BYTES) {
        skipped = held + piece
        parts = []
        held = 0
      } else if (piece) {
        parts.push(Buffer.from(chunk.subarray(from, end)))
        held += piece
      }
      if (nl < 0) break
      if (skipped) reader.tooLong(skipped)
      else reader.line(Buffer.concat(parts).toString('utf8'))
      parts = []
      held = 0
      skipped = 0
      from = nl + 1
    }
  }
  if (pos < size) reader.cut(pos, size)
  else if (skipped) reader.tooLong(skipped)
  else reader.torn(Buffer.concat(parts).toString('utf8'))
  return reader
}

function journalProblem(name: string, why: string): ErrorInfo {
  return {
    code: 'ZC_JOURNAL_UNREADABLE',
    message: `${escapedName(name)} is a run's journal that cannot be recovered: ${why}`,
    hint: 'it stays in the library folder: open it in an editor, or delete it by hand if it holds nothing you need'
  }
}

/**
 * Journals whose run is over but never finished (the process was killed) become
 * incomplete reports; a journal that cannot be is listed with why, and nothing that
 * could not be read is deleted. Answers the entries for those it could not recover.
 */
export async function recoverJournals(library: RecoveringLibrary, names: string[]): Promise<LibraryEntry[]> {
  const problems: LibraryEntry[] = []
  for (const name of names.filter((n) => n.endsWith(JOURNAL_SUFFIX))) {
    const file = path.join(library.folder, name)
    if (activeJournals.has(file)) continue
    let st: Stats
    try {
      st = await lstat(file)
    } catch {
      continue // finished meanwhile
    }
    if (!st.isFile()) {
      const why = st.isSymbolicLink() ? linkProblem(file) : journalProblem(name, 'it is not a regular file')
      problems.push(problemEntry(escapedName(name), st, why))
      continue
    }
    const problem = await recoverJournal(library, name, file)
    if (problem) problems.push(problemEntry(escapedName(name), st, problem))
  }
  return problems
}

/** one journal recovered, left to its running writer, or the problem that stops it */
async function recoverJournal(library: RecoveringLibrary, name: string, file: string): Promise<ErrorInfo | null> {
  let handle: FileHandle | null = null
  let lock: net.Server | null = null
  try {
    // O_NONBLOCK: a FIFO swapped in since the lstat must not hang the listing
    handle = await openAsync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    const st = await handle.stat()
    if (!st.isFile()) return journalProblem(name, 'it is not a regular file')
    const got = await tryLock(st)
    if (got === 'held') return null // its run is still going (here, or being recovered by another listing)
    lock = got === 'none' ? null : got
    const lockable = lock !== null
    if (st.size === 0) {
      // its writer died before its first line: it holds nothing
      if (lock) rmSync(file, { force: true })
      return null
    }
    const reader = await readJournal(handle, st.size)
    const { host, netns } = reader.result(st.mtimeMs)
    const here = lockable && host === os.hostname() && (netns === undefined || netns === ownNetns())
    // written where this lock cannot be seen: another host's run is taken as over once its journal goes stale
    if (!here && Date.now() - st.mtimeMs < FOREIGN_JOURNAL_STALE_MS) return null
    const stem = safeFileStem(name.slice(0, -JOURNAL_SUFFIX.length))
    const keptAs = reader.damage.length ? library.freeName(stem, DAMAGED_SUFFIX) : undefined
    const { report } = reader.result(st.mtimeMs, keptAs)
    library.saveNew(report, stem)
    // the journal goes only when all of it was read, and it is still the file that was
    const now = lstatSync(file)
    if (now.ino !== st.ino || now.dev !== st.dev) return null
    if (keptAs) moveNoReplace(file, path.join(library.folder, keptAs))
    else rmSync(file, { force: true })
    return null
  } catch (e) {
    if (e instanceof JournalError) return journalProblem(name, e.message)
    const p = problemOf(file, e)
    return journalProblem(name, `${p.message}${p.hint ? ` (${p.hint})` : ''}`)
  } finally {
    lock?.close()
    await handle?.close()
  }
}
