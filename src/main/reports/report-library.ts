// A folder of reports: the user data directory by default, or any folder a team
// syncs (a share, a git checkout). Writes are atomic and never take another report's
// name; deletes go to .trash inside the folder, so they can be undone; a file that
// will not load stays listed with its reason. The folder may be shared with other
// machines and people, so nothing here follows a symbolic link, and a change made
// against a file someone else changed since is refused, not silently lost.

import { createHash } from 'node:crypto'
import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
  type Stats
} from 'node:fs'
import { lstat, open as openAsync, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { Iperf3ImportOptions } from '../../shared/iperf3-import'
import {
  entryFor,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TITLE_LENGTH,
  type LibraryEntry,
  type LibraryListing,
  type ReportChanges,
  type TrashEntry
} from '../../shared/library'
import { safeFileStem } from '../../shared/export/report-title'
import { MAX_REPORT_BYTES, type Report } from '../../shared/report'
import { reportFromJournal, type JournalLine } from '../../shared/run-journal'
import { moveNoReplace, writeReport } from '../storage/atomic-file'
import { parseReport, type LoadedReport } from './report-loader'

const TRASH = '.trash'
/** marks a folder as a zcprof library, so the app may be pointed at it again */
export const LIBRARY_MARKER = '.zcprof-library'
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/
const TRASH_ID = /^\d{13}-[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/
const JOURNAL_SUFFIX = '.journal.ndjson'
const { O_RDONLY, O_NOFOLLOW, O_WRONLY, O_CREAT, O_EXCL, O_APPEND } = constants

/** $ZCPROF_LIBRARY, else the XDG data directory: ~/.local/share/zcprof/reports */
export function defaultLibraryFolder(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ZCPROF_LIBRARY) return path.resolve(env.ZCPROF_LIBRARY)
  const data = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share')
  return path.join(data, 'zcprof', 'reports')
}

function badId(id: string): never {
  throw new ZcprofError({
    code: 'ZC_LIBRARY_BAD_ID',
    message: `"${id.slice(0, 60)}" is not a report in the library`,
    hint: 'pick a report from the list'
  })
}

function linkProblem(file: string): ErrorInfo {
  return {
    code: 'ZC_LIBRARY_LINK',
    message: `${file} is a symbolic link: zcprof follows no links in a report library`,
    hint: 'copy the report into the library instead of linking it'
  }
}

function linkRefused(file: string): never {
  throw new ZcprofError(linkProblem(file))
}

/** date-host, or an imported file's own name, made safe as a file name */
function baseName(report: Report, hint?: string): string {
  const raw = hint
    ? path.basename(hint).replace(/\.json$/i, '')
    : `${report.start.timestamp.slice(0, 19)}-${report.start.environment.sender.hostname}`
  return safeFileStem(raw)
}

function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** the entry of a report just written as text: no need to read back what was written */
function written(id: string, report: Report, text: string): LibraryEntry {
  return entryFor(id, report, Buffer.byteLength(text), report.schemaVersion, revisionOf(text))
}

/** what an opened file must be: a regular file no larger than a report may be */
function checkOpened(file: string, st: { isFile(): boolean; size: number }): void {
  if (!st.isFile()) throw new Error('not a regular file')
  if (st.size > MAX_REPORT_BYTES) tooLarge(file, st.size)
}

/** a failure to open or read a library file, in words that say what to do */
function readFailure(file: string, e: unknown): ZcprofError {
  if (e instanceof ZcprofError) return e
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return new ZcprofError(linkProblem(file))
  if (code === 'ENOENT')
    return new ZcprofError({
      code: 'ZC_LIBRARY_MISSING',
      message: `${path.basename(file)} is no longer in ${path.dirname(file)}`,
      hint: 'refresh the list: another program moved or deleted it'
    })
  return new ZcprofError({
    code: 'ZC_REPORT_UNREADABLE',
    message: `cannot read ${file}: ${(e as Error).message}`,
    hint: 'check its permissions'
  })
}

/** a file's text, read through a descriptor opened without following a link */
function readNoFollow(file: string): string {
  let fd = -1
  try {
    fd = openSync(file, O_RDONLY | O_NOFOLLOW)
    checkOpened(file, fstatSync(fd))
    return readFileSync(fd, 'utf8')
  } catch (e) {
    throw readFailure(file, e)
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}

/** the same, without holding the thread while the disk reads */
async function readNoFollowAsync(file: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof openAsync>> | null = null
  try {
    handle = await openAsync(file, O_RDONLY | O_NOFOLLOW)
    checkOpened(file, await handle.stat())
    return await handle.readFile('utf8')
  } catch (e) {
    throw readFailure(file, e)
  } finally {
    await handle?.close()
  }
}

function tooLarge(file: string, size: number): never {
  throw new ZcprofError({
    code: 'ZC_REPORT_TOO_LARGE',
    message: `${file} is ${size} bytes, over the ${MAX_REPORT_BYTES} a report may be`,
    hint: 'no report is that big: it is not one, or it was damaged'
  })
}

/** any failure to read or load a file, as the problem its list entry shows */
function problemOf(file: string, e: unknown): ErrorInfo {
  if (e instanceof ZcprofError) return e.toInfo()
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return linkProblem(file)
  return {
    code: 'ZC_REPORT_UNREADABLE',
    message: `${file} cannot be read as a report: ${(e as Error).message}`,
    hint: 'open it in an editor, or move it out of the library'
  }
}

function problemEntry(id: string, st: Stats, problem: ErrorInfo): LibraryEntry {
  return {
    id,
    title: id,
    tags: [],
    host: '',
    timestamp: st.mtime.toISOString(),
    tool: '',
    foreign: false,
    methods: [],
    headline: '',
    bytes: st.size,
    schemaVersion: 0,
    problem,
    incomplete: false,
    revision: null
  }
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

/** whether a process on this host that wrote a journal is still running it */
function stillRunning(pid: number, host: string): boolean {
  if (host !== os.hostname()) return false // another host's run: judged by the journal's age instead
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
/** journals this process is writing now: never recovered, never read while listing */
const activeJournals = new Set<string>()
/** another host's journal untouched this long is taken as abandoned */
const FOREIGN_JOURNAL_STALE_MS = 6 * 3600_000

/** A run being written into the library: each finished trial is on disk before the next starts. */
export interface RunJournal {
  readonly file: string
  trial(trial: Report['trials'][number]): void
  warning(w: Report['end']['warnings'][number]): void
  /** the run ended: its report replaces the journal */
  finish(report: Report): LibraryEntry
}

export class ReportLibrary {
  /** parsed entries by file, kept while the file's size and mtime do not change */
  private readonly cache = new Map<string, { key: string; entry: LibraryEntry }>()

  constructor(readonly folder: string) {}

  private ensureFolder(): void {
    try {
      mkdirSync(this.folder, { recursive: true })
      const trash = path.join(this.folder, TRASH)
      let st: Stats | null = null
      try {
        st = lstatSync(trash)
      } catch {
        mkdirSync(trash)
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
    let names: string[]
    try {
      names = await readdir(this.folder)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') names = []
      else throw e
    }
    await this.recoverJournals(names)
    if (names.some((n) => n.endsWith(JOURNAL_SUFFIX))) names = await readdir(this.folder)
    const entries: LibraryEntry[] = []
    for (const id of names.filter((n) => ID.test(n))) {
      const file = path.join(this.folder, id)
      let st: Stats
      try {
        st = await lstat(file)
      } catch {
        continue // removed while listing
      }
      if (st.isSymbolicLink()) {
        entries.push(problemEntry(id, st, linkProblem(file)))
        continue
      }
      if (!st.isFile()) continue
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

  open(id: string): LoadedReport & { revision: string } {
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
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (e) {
      throw new ZcprofError({
        code: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'ZC_REPORT_NOT_FOUND' : 'ZC_REPORT_UNREADABLE',
        message: `cannot read ${file}: ${(e as Error).message}`,
        hint: 'check the path and its permissions'
      })
    }
    return this.importText(file, text, options)
  }

  /** the same from text (the app reads the file in the renderer: browser mode has no paths) */
  importText(name: string, text: string, options: Iperf3ImportOptions = {}): LibraryEntry {
    return this.save(parseReport(text, name, options).report, name)
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
      }
    }
    const append = (line: JournalLine) => {
      const buf = Buffer.from(JSON.stringify(line) + '\n')
      for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off)
      fdatasyncSync(fd)
    }
    activeJournals.add(file)
    append({ kind: 'start', pid: process.pid, host: os.hostname(), report: started })
    const name = path.basename(file).slice(0, -JOURNAL_SUFFIX.length)
    return {
      file,
      trial: (trial) => append({ kind: 'trial', trial }),
      warning: (w) => append({ kind: 'warning', warning: w }),
      finish: (report) => {
        activeJournals.delete(file)
        closeSync(fd)
        const entry = this.saveNew(report, name)
        rmSync(file, { force: true })
        return entry
      }
    }
  }

  /** journals whose run is over but never finished (the process was killed) become incomplete reports */
  private async recoverJournals(names: string[]): Promise<void> {
    for (const name of names.filter((n) => n.endsWith(JOURNAL_SUFFIX))) {
      const file = path.join(this.folder, name)
      if (activeJournals.has(file)) continue
      try {
        const st = await lstat(file)
        if (!st.isFile()) continue
        const text = await readNoFollowAsync(file)
        const { report, pid, host } = reportFromJournal(text, st.mtimeMs)
        const foreignAndFresh = host !== os.hostname() && Date.now() - st.mtimeMs < FOREIGN_JOURNAL_STALE_MS
        if (stillRunning(pid, host) || foreignAndFresh) continue
        this.saveNew(report, name.slice(0, -JOURNAL_SUFFIX.length))
        rmSync(file, { force: true })
      } catch {
        // unreadable or half-written at its first line: nothing to recover, and the file stays for a person to see
      }
    }
  }
}
