// A folder of reports: the user data directory by default, or any folder a team
// syncs (a share, a git checkout). Writes are atomic and never take another report's
// name; deletes go to .trash inside the folder, so they can be undone; a file that
// will not load stays listed with its reason. The folder may be shared with other
// machines and people, so nothing here follows a symbolic link, and a change made
// against a file someone else changed since is refused, not silently lost.

import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  writeSync,
  type Stats
} from 'node:fs'
import { lstat, open as openAsync, readdir, type FileHandle } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { Iperf3ImportOptions } from '../../shared/iperf3-import'
import {
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TITLE_LENGTH,
  type LibraryEntry,
  type LibraryListing,
  type ReportChanges,
  type TrashEntry
} from '../../shared/library'
import { safeFileStem } from '../../shared/report-title'
import { entryFor } from '../../shared/export/library-entry'
import { MAX_REPORT_BYTES, type Report } from '../../shared/report'
import { JournalError, JournalReader, MAX_JOURNAL_LINE_BYTES, type JournalLine } from '../../shared/run-journal'
import { folderProblem, type FolderUse } from '../storage/private-folder'
import { moveNoReplace, writeReport } from '../storage/atomic-file'
import { parseReport, parseReportInSteps, readInputFile, type LoadedReport } from './report-loader'
import {
  badId,
  escapedName,
  linkProblem,
  linkRefused,
  looksLikeReport,
  oddNameProblem,
  problemEntry,
  problemOf,
  readFailure,
  readNoFollow,
  readNoFollowAsync,
  revisionOf
} from './library-files'

export { escapedName } from './library-files'

const TRASH = '.trash'
/** marks a folder as a zcprof library, so the app may be pointed at it again */
export const LIBRARY_MARKER = '.zcprof-library'
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/
const TRASH_ID = /^\d{13}-[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/
const JOURNAL_SUFFIX = '.journal.ndjson'
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK, O_WRONLY, O_CREAT, O_EXCL, O_APPEND } = constants
/** the candidates an ambiguous id prefix names in its error */
const AMBIGUOUS_SHOWN = 8
/** where a journal that could not all be read is kept, once what could be was recovered */
const DAMAGED_SUFFIX = '.damaged-journal.ndjson'

/** why another user could tamper with a library in folder, or null (storage/private-folder.ts) */
export function privateFolderProblem(folder: string): ErrorInfo | null {
  return folderProblem(folder, LIBRARY_FOLDER)
}

const LIBRARY_FOLDER: FolderUse = {
  what: 'the report library',
  harm: 'they could replace or plant reports',
  stickyOk: true
}

/** throws ZC_UNSAFE_FOLDER when another user could tamper with a library in folder (see privateFolderProblem) */
export function checkPrivateFolder(folder: string): void {
  const problem = privateFolderProblem(folder)
  if (problem) throw new ZcprofError(problem)
}

/** $ZCPROF_LIBRARY, else the XDG data directory: ~/.local/share/zcprof/reports */
export function defaultLibraryFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZCPROF_LIBRARY) return path.resolve(env.ZCPROF_LIBRARY)
  const data = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share')
  return path.join(data, 'zcprof', 'reports')
}

/** date-host, or an imported file's own name, made safe as a file name */
function baseName(report: Report, hint?: string): string {
  const raw = hint
    ? path.basename(hint).replace(/\.json$/i, '')
    : `${report.start.timestamp.slice(0, 19)}-${report.start.environment.sender.hostname}`
  return safeFileStem(raw)
}

/** the entry of a report just written as text: no need to read back what was written */
function written(id: string, report: Report, text: string): LibraryEntry {
  return entryFor(id, report, Buffer.byteLength(text), report.schemaVersion, revisionOf(text))
}

/** a title and tags as the library and `zcprof run --title/--tag` accept them: trimmed, within the limits */
export function cleanChanges(changes: ReportChanges): ReportChanges {
  const out: ReportChanges = {}
  if (changes.title !== undefined) {
    const t = changes.title === null ? null : String(changes.title).trim()
    if (t !== null && t.length > MAX_TITLE_LENGTH)
      throw new ZcprofError({
        code: 'ZC_LIBRARY_BAD_TITLE',
        message: `a title may be ${MAX_TITLE_LENGTH} characters at most`,
        hint: 'shorten it'
      })
    out.title = t || null
  }
  if (changes.tags !== undefined) {
    if (!Array.isArray(changes.tags))
      throw new ZcprofError({ code: 'ZC_LIBRARY_BAD_TAGS', message: 'tags must be a list' })
    const tags = [...new Set(changes.tags.map((t) => String(t).trim()).filter(Boolean))]
    const long = tags.find((t) => t.length > MAX_TAG_LENGTH)
    if (tags.length > MAX_TAGS || long)
      throw new ZcprofError({
        code: 'ZC_LIBRARY_BAD_TAGS',
        message: long
          ? `the tag "${long.slice(0, 50)}…" is over ${MAX_TAG_LENGTH} characters`
          : `${tags.length} tags: ${MAX_TAGS} at most`,
        hint: 'use fewer, shorter tags'
      })
    out.tags = tags
  }
  return out
}

/**
 * A run's journal is locked while its run goes on, and a listing recovers it only when
 * it can take the lock. The lock is a Unix socket bound to an abstract name made of the
 * journal's device and inode: the kernel holds the name while the process lives and
 * frees it the moment the process ends, however it ends (SIGKILL, a crash), so no pid
 * is trusted (a journal saying pid 1 or -1 cannot hold its run open), no pid reused by
 * another program can, and a dead run leaves no lock file behind. Binding is atomic, and
 * a listing holds the lock while it recovers, so two listings never recover one journal
 * twice. Abstract names are per host and network namespace: the journal records its
 * writer's, and one written elsewhere is judged by its age instead. The name fills the
 * whole of sun_path (108 bytes): Node 20's libuv binds an abstract name padded to that
 * length, newer ones (Electron's) bind it as long as it is, and only a full-length name
 * is the same address to both.
 */
function lockServer(st: { dev: number; ino: number }): { server: net.Server; error: Promise<string | null> } | null {
  if (process.platform !== 'linux') return null
  const server = net.createServer((c) => c.destroy())
  const error = new Promise<string | null>((resolve) => {
    server.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'EIO'))
    server.on('listening', () => resolve(null))
  })
  server.listen(`\0zcprof-journal-${st.dev}-${st.ino}-`.padEnd(108, '.')) // binds now, not later
  server.unref()
  return { server, error }
}

/** the journal's lock, taken; null when it could not be (held by a running writer, most likely) */
function takeLock(st: { dev: number; ino: number }): net.Server | null {
  const lock = lockServer(st)
  return lock?.server.listening ? lock.server : null
}

/** the lock, taken; or 'held' by a writer; or 'none' where no lock can be had (judge by age) */
async function tryLock(st: { dev: number; ino: number }): Promise<net.Server | 'held' | 'none'> {
  const lock = lockServer(st)
  if (!lock) return 'none'
  if (lock.server.listening) return lock.server
  return (await lock.error) === 'EADDRINUSE' ? 'held' : 'none'
}

/** this process's network namespace: where its locks can be seen */
function ownNetns(): string | null {
  try {
    return readlinkSync('/proc/self/ns/net')
  } catch {
    return null
  }
}

/** journals this process is writing now: never recovered, never read while listing */
const activeJournals = new Set<string>()
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

/** A run being written into the library: each finished trial is on disk before the next starts. */
export interface RunJournal {
  readonly file: string
  /** appends and syncs; after a write fails (a full disk) it writes nothing more, so the journal stays whole up to there */
  trial(trial: Report['trials'][number]): void
  warning(w: Report['end']['warnings'][number]): void
  /**
   * the run ended: its report replaces the journal. The journal goes only once the
   * report is saved; if the save fails it stays, unlocked, and the next listing makes
   * it the run's one entry (so never two)
   */
  finish(report: Report): LibraryEntry
  /** the run left nothing worth keeping */
  discard(): void
}

export class ReportLibrary {
  /** parsed entries by file, kept while the file's size and mtime do not change */
  private readonly cache = new Map<string, { key: string; entry: LibraryEntry }>()

  constructor(readonly folder: string) {}

  private ensureFolder(): void {
    try {
      // 0755 whatever the umask says: a group-writable library would be refused below
      mkdirSync(this.folder, { recursive: true, mode: 0o755 })
      checkPrivateFolder(this.folder)
      const trash = path.join(this.folder, TRASH)
      let st: Stats | null = null
      try {
        st = lstatSync(trash)
      } catch {
        mkdirSync(trash, { mode: 0o755 })
      }
      if (st && (st.isSymbolicLink() || !st.isDirectory()))
        throw new ZcprofError({
          code: 'ZC_LIBRARY_TRASH',
          message: `${trash} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: deleted reports would leave the library`,
          hint: `remove ${trash}; zcprof makes a new one`
        })
      try {
        writeFileSync(path.join(this.folder, LIBRARY_MARKER), 'a zcprof report library\n', { flag: 'wx' })
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      }
    } catch (e) {
      if (e instanceof ZcprofError) throw e
      throw new ZcprofError({
        code: 'ZC_LIBRARY_FOLDER',
        message: `cannot use ${this.folder} as the report library: ${(e as Error).message}`,
        hint: 'choose a folder you can write to'
      })
    }
  }

  private file(id: string): string {
    if (!ID.test(id)) badId(id)
    return path.join(this.folder, id)
  }

  /**
   * Every report in the folder, newest first. Reads files without holding the thread
   * (a library of thousands, or a few huge files, must not freeze the app); a file
   * that will not load, or is a link, is listed with its problem.
   */
  async list(): Promise<LibraryListing> {
    checkPrivateFolder(this.folder)
    let names: string[]
    try {
      names = await readdir(this.folder)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') names = []
      else throw e
    }
    const entries = await this.recoverJournals(names)
    if (names.some((n) => n.endsWith(JOURNAL_SUFFIX))) names = await readdir(this.folder)
    for (const id of names.filter((n) => ID.test(n) || looksLikeReport(n))) {
      const file = path.join(this.folder, id)
      let st: Stats
      try {
        st = await lstat(file)
      } catch {
        continue // removed while listing
      }
      if (!ID.test(id)) {
        // listed, escaped, never hidden: a name with a newline, a control character or a leading dot
        entries.push(problemEntry(escapedName(id), st, oddNameProblem(id)))
        continue
      }
      if (st.isSymbolicLink()) {
        entries.push(problemEntry(id, st, linkProblem(file)))
        continue
      }
      if (!st.isFile()) {
        entries.push(
          problemEntry(id, st, {
            code: 'ZC_REPORT_UNREADABLE',
            message: `${file} is not a regular file`,
            hint: 'move it out of the library'
          })
        )
        continue
      }
      const key = `${st.size}:${st.mtimeMs}:${st.ino}`
      const hit = this.cache.get(id)
      if (hit?.key === key) {
        entries.push(hit.entry)
        continue
      }
      let entry: LibraryEntry
      try {
        entry = this.entryFromText(id, await readNoFollowAsync(file), st.size)
      } catch (e) {
        entry = problemEntry(id, st, problemOf(file, e))
      }
      this.cache.set(id, { key, entry })
      entries.push(entry)
      // parsing is the one synchronous step: let other work in between files
      await new Promise((r) => setImmediate(r))
    }
    entries.sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    return { folder: this.folder, entries, trash: this.trash() }
  }

  /** what the list shows for a file's text: its figures, or why it cannot be read */
  private entryFromText(id: string, text: string, bytes: number): LibraryEntry {
    const loaded = parseReport(text, path.join(this.folder, id))
    return entryFor(id, loaded.report, bytes, loaded.fromVersion, revisionOf(text))
  }

  /**
   * The report an argument names: its id, its id less ".json", or the one id it begins
   * (a prefix); null when none does. A prefix several ids begin is an error naming them.
   */
  findId(arg: string): string | null {
    let names: string[]
    try {
      names = readdirSync(this.folder)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') return null
      throw readFailure(this.folder, e)
    }
    const ids = names.filter((n) => ID.test(n))
    for (const exact of [arg, `${arg}.json`]) if (ids.includes(exact)) return exact
    const hits = arg ? ids.filter((id) => id.startsWith(arg)).sort() : []
    if (hits.length > 1) {
      const shown = hits.slice(0, AMBIGUOUS_SHOWN)
      throw new ZcprofError({
        code: 'ZC_LIBRARY_AMBIGUOUS',
        message:
          `"${escapedName(arg.slice(0, 60))}" begins ${hits.length} reports in ${this.folder}:\n` +
          shown.map((id) => `  ${escapedName(id)}`).join('\n') +
          (hits.length > shown.length ? `\n  and ${hits.length - shown.length} more` : ''),
        hint: 'give more of the id, or all of it'
      })
    }
    return hits[0] ?? null
  }

  /** findId, where naming no report is an error */
  idOf(arg: string): string {
    const id = this.findId(arg)
    if (id === null)
      throw new ZcprofError({
        code: 'ZC_LIBRARY_MISSING',
        message: `no report in ${this.folder} has an id beginning "${escapedName(arg.slice(0, 60))}"`,
        hint: 'zcprof library list shows the ids'
      })
    return id
  }

  open(id: string): LoadedReport & { revision: string } {
    checkPrivateFolder(this.folder)
    const file = this.file(id)
    const text = readNoFollow(file)
    return { ...parseReport(text, file), revision: revisionOf(text) }
  }

  private taken(stem: string, i: number): string {
    return `${stem}${i === 1 ? '' : `-${i}`}`
  }

  /** saves under name, or the next free name; never over another report, even one saved this moment elsewhere */
  private saveNew(report: Report, stem: string): LibraryEntry {
    for (let i = 1; i < 10_000; i++) {
      const id = `${this.taken(stem, i)}.json`
      try {
        return written(id, report, writeReport(path.join(this.folder, id), report, { exclusive: true }))
      } catch (e) {
        if ((e as ZcprofError).code !== 'EEXIST') throw e
      }
    }
    throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${this.folder}` })
  }

  /** saves a report under a new name (never over another); returns its entry */
  save(report: Report, nameHint?: string): LibraryEntry {
    this.ensureFolder()
    return this.saveNew(report, baseName(report, nameHint))
  }

  /** a file from elsewhere (zcprof report of any readable schema, or iperf3 -J), saved as the current schema */
  importFile(file: string, options: Iperf3ImportOptions = {}): LibraryEntry {
    // only a regular file, and no more of it than a report may be: a FIFO or /dev/zero is refused unread
    return this.importText(file, readInputFile(file), options)
  }

  /** the same from text (the app reads the file in the renderer: browser mode has no paths) */
  importText(name: string, text: string, options: Iperf3ImportOptions = {}): LibraryEntry {
    return this.save(parseReport(text, name, options).report, name)
  }

  /** importText, letting the event loop run between its steps (the app's imports: a window stays live) */
  async importTextInSteps(name: string, text: string, options: Iperf3ImportOptions = {}): Promise<LibraryEntry> {
    const { report } = await parseReportInSteps(text, name, options)
    return this.save(report, name)
  }

  /** a new title or tags; refused when the file changed since the revision the change was made against */
  update(id: string, changes: ReportChanges): LibraryEntry {
    const clean = cleanChanges(changes)
    const { report, revision } = this.open(id)
    const conflict = () =>
      new ZcprofError({
        code: 'ZC_LIBRARY_CONFLICT',
        message: `${id} was changed by someone else since it was listed; your change was not saved`,
        hint: 'refresh the list, then make the change again'
      })
    if (changes.revision && changes.revision !== revision) throw conflict()
    report.meta = {
      title: clean.title !== undefined ? clean.title : report.meta.title,
      tags: clean.tags ?? report.meta.tags
    }
    const file = this.file(id)
    // the last moment to notice a change made in between (another machine on a share)
    if (revisionOf(readNoFollow(file)) !== revision) throw conflict()
    return written(id, report, writeReport(file, report))
  }

  /** moves a report into .trash: restore brings it back. Only reports: other files are not zcprof's to move */
  remove(id: string): TrashEntry {
    checkPrivateFolder(this.folder)
    const file = this.file(id)
    let isReport = true
    try {
      this.open(id)
    } catch (e) {
      const code = (e as ZcprofError).code
      if (code === 'ZC_LIBRARY_MISSING' || code === 'ZC_LIBRARY_LINK') throw e
      // a zcprof report that no longer loads (damaged, or from a newer zcprof) may go; anything else stays
      isReport = /"schemaVersion"\s*:/.test(readNoFollow(file).slice(0, 4096))
    }
    if (!isReport)
      throw new ZcprofError({
        code: 'ZC_LIBRARY_NOT_REPORT',
        message: `${id} is not a zcprof report, so zcprof will not move it`,
        hint: `move it out of ${this.folder} by hand if it does not belong there`
      })
    this.ensureFolder()
    const trashId = `${Date.now()}-${id}`
    moveNoReplace(file, path.join(this.folder, TRASH, trashId))
    this.cache.delete(id)
    return { trashId, id, title: id, deletedAt: new Date().toISOString() }
  }

  trash(): TrashEntry[] {
    const dir = path.join(this.folder, TRASH)
    try {
      if (!lstatSync(dir).isDirectory()) return []
    } catch {
      return []
    }
    return readdirSync(dir)
      .filter((n) => TRASH_ID.test(n))
      .map((trashId) => {
        const id = trashId.slice(14)
        return { trashId, id, title: id, deletedAt: new Date(Number(trashId.slice(0, 13))).toISOString() }
      })
      .sort((a, b) => b.deletedAt.localeCompare(a.deletedAt))
  }

  restore(trashId: string): LibraryEntry {
    if (!TRASH_ID.test(trashId)) badId(trashId)
    this.ensureFolder()
    const from = path.join(this.folder, TRASH, trashId)
    let st: Stats
    try {
      st = lstatSync(from)
    } catch {
      throw new ZcprofError({
        code: 'ZC_LIBRARY_MISSING',
        message: `${trashId} is not in the trash`,
        hint: 'refresh the list'
      })
    }
    if (st.isSymbolicLink()) linkRefused(from)
    const stem = trashId.slice(14).replace(/\.json$/, '')
    for (let i = 1; i < 10_000; i++) {
      const id = `${this.taken(stem, i)}.json`
      try {
        moveNoReplace(from, path.join(this.folder, id))
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue
        throw e
      }
      // a damaged file comes back as it went: listed, with its reason
      const file = path.join(this.folder, id)
      try {
        return this.entryFromText(id, readNoFollow(file), lstatSync(file).size)
      } catch (e) {
        return problemEntry(id, lstatSync(file), problemOf(file, e))
      }
    }
    throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${this.folder}` })
  }

  /**
   * Starts writing a run into the library: the report as it stands at the start, then
   * each trial and warning as it comes, appended and synced. If the process dies, the
   * next listing turns the journal into an incomplete report.
   */
  beginRun(started: Report): RunJournal {
    this.ensureFolder()
    const stem = baseName(started)
    let fd = -1
    let file = ''
    let lock: net.Server | null = null
    let unlocked = 0
    for (let i = 1; fd < 0 && i < 10_000; i++) {
      const name = this.taken(stem, i)
      file = path.join(this.folder, name + JOURNAL_SUFFIX)
      try {
        lstatSync(path.join(this.folder, `${name}.json`))
        continue // a report has this name
      } catch {
        // free
      }
      try {
        fd = openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND, 0o644)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
        continue
      }
      // locked before its first line: a listing meanwhile finds it empty and locked, and leaves it
      lock = takeLock(fstatSync(fd))
      if (!lock && process.platform === 'linux') {
        // someone holds this inode's name already: a journal nobody can tell is running is no journal
        closeSync(fd)
        rmSync(file, { force: true })
        fd = -1
        if (++unlocked === 3)
          throw new ZcprofError({
            code: 'ZC_JOURNAL_LOCK',
            message: `cannot lock a journal in ${this.folder}: another program holds zcprof's lock names`,
            hint: 'the run is saved when it ends; a crash before then would lose it'
          })
      }
    }
    if (fd < 0)
      throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${this.folder}` })
    let broken = false
    const append = (line: JournalLine) => {
      if (broken) return
      broken = true // until the whole line is down: what follows a torn line is never written
      const buf = Buffer.from(JSON.stringify(line) + '\n')
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off)
      fdatasyncSync(fd)
      broken = false
    }
    const release = () => {
      try {
        closeSync(fd)
      } catch {
        // every line was synced as it was written
      }
      lock?.close()
      activeJournals.delete(file)
    }
    activeJournals.add(file)
    try {
      append({ kind: 'start', pid: process.pid, host: os.hostname(), netns: ownNetns(), report: started })
    } catch (e) {
      release()
      rmSync(file, { force: true })
      throw e
    }
    const name = path.basename(file).slice(0, -JOURNAL_SUFFIX.length)
    return {
      file,
      trial: (trial) => append({ kind: 'trial', trial }),
      warning: (w) => append({ kind: 'warning', warning: w }),
      finish: (report) => {
        try {
          const entry = this.saveNew(report, name)
          rmSync(file, { force: true })
          return entry
        } finally {
          // unlocked after the journal is gone; or, when the save failed, left for the next listing
          release()
        }
      },
      discard: () => {
        rmSync(file, { force: true })
        release()
      }
    }
  }

  /**
   * Journals whose run is over but never finished (the process was killed) become
   * incomplete reports; a journal that cannot be is listed with why, and nothing that
   * could not be read is deleted. Answers the entries for those it could not recover.
   */
  private async recoverJournals(names: string[]): Promise<LibraryEntry[]> {
    const problems: LibraryEntry[] = []
    for (const name of names.filter((n) => n.endsWith(JOURNAL_SUFFIX))) {
      const file = path.join(this.folder, name)
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
      const problem = await this.recoverJournal(name, file)
      if (problem) problems.push(problemEntry(escapedName(name), st, problem))
    }
    return problems
  }

  /** one journal recovered, left to its running writer, or the problem that stops it */
  private async recoverJournal(name: string, file: string): Promise<ErrorInfo | null> {
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
      const keptAs = reader.damage.length ? this.freeName(stem, DAMAGED_SUFFIX) : undefined
      const { report } = reader.result(st.mtimeMs, keptAs)
      this.saveNew(report, stem)
      // the journal goes only when all of it was read, and it is still the file that was
      const now = lstatSync(file)
      if (now.ino !== st.ino || now.dev !== st.dev) return null
      if (keptAs) moveNoReplace(file, path.join(this.folder, keptAs))
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

  /** a name for a file beside the reports that nothing has yet */
  private freeName(stem: string, suffix: string): string {
    for (let i = 1; i < 10_000; i++) {
      const name = `${this.taken(stem, i)}${suffix}`
      try {
        lstatSync(path.join(this.folder, name))
      } catch {
        return name
      }
    }
    throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${this.folder}` })
  }
}
