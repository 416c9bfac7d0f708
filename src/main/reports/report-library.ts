// A folder of reports: the user data directory by default, or any folder a team
// syncs (a share, a git checkout). Writes are atomic and never take another report's
// name; deletes go to .trash inside the folder, so they can be undone; a file that
// will not load stays listed with its reason. The folder may be shared with other
// machines and people, so nothing here follows a symbolic link, and a change made
// against a file someone else changed since is refused, not silently lost.

import { lstatSync, mkdirSync, writeFileSync, type Stats } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
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
import { loadIndex, saveIndex, type IndexedEntry } from './library-index'
import type { Report } from '../../shared/report'
import { folderProblem, type FolderUse } from '../storage/private-folder'
import { writeReport } from '../storage/atomic-file'
import { parseReport, parseReportInSteps, readInputFile, type LoadedReport } from './report-loader'
import { findReportId, numberedStem, REPORT_ID, reportIdOf } from './library-ids'
import { ensureTrashFolder, listTrash, moveToTrash, restoreFromTrash, TRASH_ID } from './library-trash'
import { JOURNAL_SUFFIX, recoverJournals } from './journal-recovery'
import { beginRunJournal, type RunJournal } from './run-journal'
import {
  badId,
  escapedName,
  linkProblem,
  looksLikeReport,
  oddNameProblem,
  problemEntry,
  problemOf,
  readNoFollow,
  readNoFollowAsync,
  revisionOf
} from './library-files'

export { escapedName } from './library-files'
export type { RunJournal } from './run-journal'

/** marks a folder as a zcprof library, so the app may be pointed at it again */
export const LIBRARY_MARKER = '.zcprof-library'

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

export class ReportLibrary {
  /** parsed entries by file, kept while the file's size and mtime do not change; first filled from the index */
  private readonly cache = new Map<string, IndexedEntry>()
  private indexRead = false

  constructor(readonly folder: string) {}

  private ensureFolder(): void {
    try {
      // 0755 whatever the umask says: a group-writable library would be refused below
      mkdirSync(this.folder, { recursive: true, mode: 0o755 })
      checkPrivateFolder(this.folder)
      ensureTrashFolder(this.folder)
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
    if (!REPORT_ID.test(id)) badId(id)
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
    const entries = await recoverJournals(
      { folder: this.folder, saveNew: (r, s) => this.saveNew(r, s), freeName: (s, x) => this.freeName(s, x) },
      names
    )
    if (names.some((n) => n.endsWith(JOURNAL_SUFFIX))) names = await readdir(this.folder)
    if (!this.indexRead) {
      this.indexRead = true
      for (const [id, hit] of loadIndex(this.folder)) this.cache.set(id, hit)
    }
    let read = 0
    for (const id of names.filter((n) => REPORT_ID.test(n) || looksLikeReport(n))) {
      const file = path.join(this.folder, id)
      let st: Stats
      try {
        st = await lstat(file)
      } catch {
        continue // removed while listing
      }
      if (!REPORT_ID.test(id)) {
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
      // ctime too: a chmod or a rename over it changes no size or mtime
      const key = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`
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
      read++
      entries.push(entry)
      // parsing is the one synchronous step: let other work in between files
      await new Promise((r) => setImmediate(r))
    }
    // files gone since are forgotten; what was read is kept for the next process
    const listed = new Set(entries.map((e) => e.id))
    let gone = 0
    for (const id of this.cache.keys()) if (!listed.has(id) && this.cache.delete(id)) gone++
    if (read || gone) saveIndex(this.folder, this.cache)
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
    return findReportId(this.folder, arg)
  }

  /** findId, where naming no report is an error */
  idOf(arg: string): string {
    return reportIdOf(this.folder, arg)
  }

  open(id: string): LoadedReport & { revision: string } {
    checkPrivateFolder(this.folder)
    const file = this.file(id)
    const text = readNoFollow(file)
    return { ...parseReport(text, file), revision: revisionOf(text) }
  }

  /** saves under name, or the next free name; never over another report, even one saved this moment elsewhere */
  private saveNew(report: Report, stem: string): LibraryEntry {
    for (let i = 1; i < 10_000; i++) {
      const id = `${numberedStem(stem, i)}.json`
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
    const entry = moveToTrash(this.folder, id)
    this.cache.delete(id)
    return entry
  }

  trash(): TrashEntry[] {
    return listTrash(this.folder)
  }

  restore(trashId: string): LibraryEntry {
    if (!TRASH_ID.test(trashId)) badId(trashId)
    this.ensureFolder()
    return restoreFromTrash(this.folder, trashId, (id) => {
      // a damaged file comes back as it went: listed, with its reason
      const file = path.join(this.folder, id)
      try {
        return this.entryFromText(id, readNoFollow(file), lstatSync(file).size)
      } catch (e) {
        return problemEntry(id, lstatSync(file), problemOf(file, e))
      }
    })
  }

  /**
   * Starts writing a run into the library (run-journal.ts): if the process dies, the
   * next listing turns the journal into an incomplete report.
   */
  beginRun(started: Report): RunJournal {
    this.ensureFolder()
    return beginRunJournal({ folder: this.folder, saveNew: (r, s) => this.saveNew(r, s) }, baseName(started), started)
  }

  /** a name for a file beside the reports that nothing has yet */
  private freeName(stem: string, suffix: string): string {
    for (let i = 1; i < 10_000; i++) {
      const name = `${numberedStem(stem, i)}${suffix}`
      try {
        lstatSync(path.join(this.folder, name))
      } catch {
        return name
      }
    }
    throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${this.folder}` })
  }
}
