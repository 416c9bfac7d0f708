// A folder of reports: the user data directory by default, or any folder a team
// syncs (a share, a git checkout). Writes are atomic; deletes go to .trash inside
// the folder, so they can be undone, and a file that will not load stays listed
// with its reason instead of vanishing from the list.

import { existsSync, mkdirSync, readdirSync, renameSync, statSync, type Stats } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
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
import type { Report } from '../../shared/report'
import { writeReport } from '../engine/report-store'
import { loadReportFile, parseReport, type LoadedReport } from './report-loader'

const TRASH = '.trash'
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/
const TRASH_ID = /^\d{13}-[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/

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

/** date-host, or an imported file's own name, made safe as a file name */
function baseName(report: Report, hint?: string): string {
  const raw = hint
    ? path.basename(hint).replace(/\.json$/i, '')
    : `${report.start.timestamp.slice(0, 19)}-${report.start.environment.sender.hostname}`
  return safeFileStem(raw)
}

function cleanChanges(changes: ReportChanges): ReportChanges {
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
  /** parsed entries by file, kept while the file's size and mtime do not change */
  private readonly cache = new Map<string, { key: string; entry: LibraryEntry }>()

  constructor(readonly folder: string) {}

  private ensureFolder(): void {
    try {
      mkdirSync(path.join(this.folder, TRASH), { recursive: true })
    } catch (e) {
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

  list(): LibraryListing {
    const entries: LibraryEntry[] = []
    const names = existsSync(this.folder) ? readdirSync(this.folder).filter((n) => ID.test(n)) : []
    for (const id of names) {
      const file = path.join(this.folder, id)
      let st
      try {
        st = statSync(file)
      } catch {
        continue // removed while listing
      }
      if (!st.isFile()) continue
      const key = `${st.size}:${st.mtimeMs}`
      const hit = this.cache.get(id)
      if (hit?.key === key) {
        entries.push(hit.entry)
        continue
      }
      const entry = this.entry(id, st)
      this.cache.set(id, { key, entry })
      entries.push(entry)
    }
    entries.sort((a, b) => b.timestamp.localeCompare(a.timestamp))
    return { folder: this.folder, entries, trash: this.trash() }
  }

  /** what the list shows for a file: its figures, or why it cannot be read */
  private entry(id: string, st: Stats): LibraryEntry {
    try {
      const loaded = loadReportFile(path.join(this.folder, id))
      return entryFor(id, loaded.report, st.size, loaded.fromVersion)
    } catch (e) {
      if (!(e instanceof ZcprofError)) throw e
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
        problem: e.toInfo()
      }
    }
  }

  open(id: string): LoadedReport {
    const file = this.file(id)
    if (!existsSync(file))
      throw new ZcprofError({
        code: 'ZC_LIBRARY_MISSING',
        message: `${id} is no longer in ${this.folder}`,
        hint: 'refresh the list: another program moved or deleted it'
      })
    return loadReportFile(file)
  }

  private freeId(base: string): string {
    for (let i = 1; ; i++) {
      const id = `${base}${i === 1 ? '' : `-${i}`}.json`
      if (!existsSync(path.join(this.folder, id))) return id
    }
  }

  /** saves a report under a new name (never over another); returns its entry */
  save(report: Report, nameHint?: string): LibraryEntry {
    this.ensureFolder()
    const id = this.freeId(baseName(report, nameHint))
    writeReport(path.join(this.folder, id), report)
    return entryFor(id, report, statSync(path.join(this.folder, id)).size, report.schemaVersion)
  }

  /** a file from elsewhere (zcprof report of any readable schema, or iperf3 -J), saved as the current schema */
  importFile(file: string, options: Iperf3ImportOptions = {}): LibraryEntry {
    return this.save(loadReportFile(file, options).report, path.basename(file))
  }

  /** the same from text (the app reads the file in the renderer: browser mode has no paths) */
  importText(name: string, text: string, options: Iperf3ImportOptions = {}): LibraryEntry {
    return this.save(parseReport(text, name, options).report, name)
  }

  update(id: string, changes: ReportChanges): LibraryEntry {
    const clean = cleanChanges(changes)
    const { report } = this.open(id)
    report.meta = {
      title: clean.title !== undefined ? clean.title : report.meta.title,
      tags: clean.tags ?? report.meta.tags
    }
    const file = this.file(id)
    writeReport(file, report)
    return entryFor(id, report, statSync(file).size, report.schemaVersion)
  }

  /** moves the file into .trash: restore brings it back */
  remove(id: string): TrashEntry {
    const file = this.file(id)
    if (!existsSync(file)) this.open(id) // throws the "no longer there" error
    this.ensureFolder()
    const trashId = `${Date.now()}-${id}`
    renameSync(file, path.join(this.folder, TRASH, trashId))
    this.cache.delete(id)
    return { trashId, id, title: id, deletedAt: new Date().toISOString() }
  }

  trash(): TrashEntry[] {
    const dir = path.join(this.folder, TRASH)
    if (!existsSync(dir)) return []
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
    const from = path.join(this.folder, TRASH, trashId)
    if (!existsSync(from))
      throw new ZcprofError({
        code: 'ZC_LIBRARY_MISSING',
        message: `${trashId} is not in the trash`,
        hint: 'refresh the list'
      })
    const wanted = trashId.slice(14)
    const id = existsSync(path.join(this.folder, wanted)) ? this.freeId(wanted.replace(/\.json$/, '')) : wanted
    renameSync(from, path.join(this.folder, id))
    // a damaged file comes back as it went: listed, with its reason
    return this.entry(id, statSync(path.join(this.folder, id)))
  }
}
