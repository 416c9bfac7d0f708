// ZcprofApi implemented over the engine, once, for every transport (Electron IPC,
// browser-mode WebSocket). One run at a time: trials compete for the same cores.

import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ApiEvent, Capabilities, StartResult, ZcprofApi } from '../../shared/api'
import { ZcprofError } from '../../shared/errors'
import type { LibraryEntry, LibraryListing, ReportChanges, Result, TrashEntry } from '../../shared/library'
import { METHOD_INFO } from '../../shared/methods'
import type { Environment, Plan, Report, ReportMeta } from '../../shared/report'
import { buildTrend, type Trend, type TrendOptions } from '../../shared/trend'
import * as native from '../../native'
import { DEFAULT_PLAN, runPlan, validatePlan } from '../engine/run'
import { TOOL_VERSION } from '../model/report-build'
import { captureEnvironment } from '../host/environment'
import { receiverModeLists } from './receiver-capabilities'
import { prewarmLocalAgent } from '../engine/local-agent'
import { cleanChanges, defaultLibraryFolder, privateFolderProblem, ReportLibrary } from '../reports/report-library'
import { JournalWriter } from '../reports/journal-writer'
import { CLOSED_POLICY, libraryFolderProblem, runPolicyProblem, type UiPolicy } from './ui-policy'
import { defaultSettingsFile, readSettings, writeSettings } from '../settings'
import { checkTrendOptions } from './trend-options'
import { buildFleetView, type FleetOptions, type FleetView } from '../../shared/fleet-matrix'
import { checkFleetOptions } from './fleet-options'

export interface EngineApiOptions {
  /** where the chosen library folder is remembered */
  settingsFile?: string
  /** the library folder when none was chosen */
  defaultLibraryFolder?: string
  /** a folder asked for at launch (zcprof ui --library): wins over the remembered one */
  libraryFolder?: string
  /** what the front end may make main do (see ui-policy.ts); closed unless the launch opened it */
  policy?: UiPolicy
}

/** a user's mistake as data; anything else stays a bug and rejects */
async function attempt<T>(f: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await f() }
  } catch (e) {
    if (e instanceof ZcprofError) return { ok: false, error: e.toInfo() }
    const code = (e as NodeJS.ErrnoException).code
    // file system trouble (a share gone away, permissions) is the user's to fix, not a bug
    if (typeof code === 'string' && code.startsWith('E'))
      return {
        ok: false,
        error: { code, message: (e as Error).message, hint: 'check the library folder and its permissions' }
      }
    throw e
  }
}

/**
 * an entry as a front end gets it: without its trend rows, which only trend() reads
 * (in main); at thousands of reports they would make every listing message large
 */
export function entryForFrontEnd(e: LibraryEntry): LibraryEntry {
  if (!e.trend) return e
  const out = { ...e }
  delete out.trend
  return out
}

const listingForFrontEnd = (l: LibraryListing): LibraryListing => ({ ...l, entries: l.entries.map(entryForFrontEnd) })

/** a listing or an entry, once it is known to be one, as a front end gets it */
async function slim<T, U>(p: Promise<Result<T>>, f: (v: T) => U): Promise<Result<U>> {
  const r = await p
  return r.ok ? { ok: true, value: f(r.value) } : r
}

export class EngineApi implements ZcprofApi {
  private readonly listeners = new Set<(e: ApiEvent) => void>()
  private current: { runId: string; abort: AbortController } | null = null
  /** the file being imported: one import at a time, so all of them together hold one file's parse */
  private importing: string | null = null
  private readonly settingsFile: string
  private reports: ReportLibrary
  private readonly policy: UiPolicy

  constructor(options: EngineApiOptions = {}) {
    this.policy = options.policy ?? CLOSED_POLICY
    this.settingsFile = options.settingsFile ?? defaultSettingsFile()
    const chosen = readSettings(this.settingsFile).libraryFolder
    this.reports = new ReportLibrary(
      options.libraryFolder ?? chosen ?? options.defaultLibraryFolder ?? defaultLibraryFolder()
    )
  }

  async capabilities(): Promise<Capabilities> {
    // a front end is open: have a receiver ready before Run is pressed
    if (os.platform() === 'linux') prewarmLocalAgent()
    const linux = os.platform() === 'linux'
    const noGpu = linux ? gpuAbsence() : null
    return {
      version: TOOL_VERSION,
      methods: Object.values(METHOD_INFO).map((m) => ({
        ...m,
        supported: linux && !(m.gpu && noGpu),
        reason: !linux
          ? 'zcprof measures Linux kernels'
          : m.gpu
            ? (noGpu ?? 'gpu:// targets only')
            : m.tcpOnly
              ? 'TCP targets only'
              : undefined
      })),
      // zcrx, devmem and (without CUDA) the gpu-* modes: listed with why not
      ...receiverModeLists(linux, noGpu),
      defaults: DEFAULT_PLAN,
      allowedCpus: native.allowedCpus()
    }
  }

  environment(): Promise<Environment> {
    return captureEnvironment()
  }

  async startRun(plan: Plan, token?: string, meta?: ReportMeta): Promise<StartResult> {
    if (this.current) {
      return {
        ok: false,
        error: { code: 'ZC_BUSY', message: 'a run is in progress', hint: 'cancel it or wait for it to end' }
      }
    }
    let labels: ReportMeta
    try {
      validatePlan(plan)
      // the same limits as the library's rename and tag
      const clean = cleanChanges({ title: meta?.title ?? null, tags: meta?.tags ?? [] })
      labels = { title: clean.title ?? null, tags: clean.tags ?? [] }
    } catch (e) {
      if (e instanceof ZcprofError) return { ok: false, error: e.toInfo() }
      throw e
    }
    // hold the slot while the policy asks (a dialog may wait on a person)
    const runId = randomUUID()
    const abort = new AbortController()
    this.current = { runId, abort }
    let refused
    try {
      refused = await runPolicyProblem(plan, this.policy)
    } finally {
      if (refused !== null) this.current = null // refused, or the question itself failed
    }
    if (refused) return { ok: false, error: refused }
    const library = this.reports
    const journal = new JournalWriter(library)
    const emit = (event: ApiEvent['event']) => {
      // every run the app makes lands in the library trial by trial, so neither a closed
      // window nor a killed process loses a finished trial
      const saved = slimSaved(journal.on(event))
      // the run is over once its report is out: free the slot before anyone hears of it
      if ((event.type === 'run-end' || event.type === 'run-failed') && this.current?.runId === runId)
        this.current = null
      for (const l of this.listeners) l({ runId, event })
      if (saved) for (const l of this.listeners) l({ runId, event: saved })
    }
    // the run goes on in the background; its events (errors included) are the answer.
    // It starts after this call has answered, so a front end knows its run's id
    // before the first event arrives (the contract in shared/api.ts)
    setImmediate(() => this.run(plan, token, labels, abort.signal, emit, runId))
    return { ok: true, runId }
  }

  private run(
    plan: Plan,
    token: string | undefined,
    meta: ReportMeta,
    signal: AbortSignal,
    emit: (e: ApiEvent['event']) => void,
    runId: string
  ): void {
    runPlan({ plan, signal, token: token || undefined, meta, onEvent: emit })
      .catch((e: unknown) => {
        const error =
          e instanceof ZcprofError ? e.toInfo() : { code: 'ZC_INTERNAL', message: String((e as Error).stack ?? e) }
        emit({ type: 'error', error })
        emit({ type: 'run-failed', error })
      })
      .finally(() => {
        if (this.current?.runId === runId) this.current = null
        // the next run's receiver, started while the person reads this one's results
        prewarmLocalAgent()
      })
  }

  async cancelRun(runId: string): Promise<void> {
    if (this.current?.runId === runId) this.current.abort.abort()
  }

  library(): Promise<Result<LibraryListing>> {
    return slim(
      attempt(() => this.reports.list()),
      listingForFrontEnd
    )
  }

  trend(options: TrendOptions): Promise<Result<Trend>> {
    return attempt(async () => {
      // checked before the folder is read: a wrong option costs main nothing
      const checked = checkTrendOptions(options)
      return buildTrend((await this.reports.list()).entries, checked)
    })
  }

  fleet(options: FleetOptions): Promise<Result<FleetView>> {
    return attempt(async () => {
      const checked = checkFleetOptions(options)
      return buildFleetView((await this.reports.list()).entries, checked.fleet)
    })
  }

  async openReport(id: string): Promise<Result<Report>> {
    return attempt(() => this.reports.open(String(id)).report)
  }

  async importReport(fileName: string, text: string, method?: 'copy' | 'sendfile'): Promise<Result<LibraryEntry>> {
    const m = method === 'sendfile' || method === 'copy' ? method : undefined
    const name = String(fileName)
    if (this.importing !== null)
      return {
        ok: false,
        error: {
          code: 'ZC_BUSY',
          message: `${name.slice(0, 200)}: not imported, ${this.importing.slice(0, 200)} is being imported`,
          hint: 'import one file at a time: try again when that import ends'
        }
      }
    this.importing = name
    try {
      return await slim(
        attempt(() => this.reports.importTextInSteps(name, String(text), { method: m })),
        entryForFrontEnd
      )
    } finally {
      this.importing = null
    }
  }

  async updateReport(id: string, changes: ReportChanges): Promise<Result<LibraryEntry>> {
    return slim(
      attempt(() => this.reports.update(String(id), changes ?? {})),
      entryForFrontEnd
    )
  }

  async deleteReport(id: string): Promise<Result<TrashEntry>> {
    return attempt(() => this.reports.remove(String(id)))
  }

  async restoreReport(trashId: string): Promise<Result<LibraryEntry>> {
    return slim(
      attempt(() => this.reports.restore(String(trashId))),
      entryForFrontEnd
    )
  }

  async setLibraryFolder(folder: string): Promise<Result<LibraryListing>> {
    return slim(this.useLibraryFolder(folder), listingForFrontEnd)
  }

  private useLibraryFolder(folder: string): Promise<Result<LibraryListing>> {
    return attempt(async () => {
      const f = String(folder).trim()
      if (!path.isAbsolute(f))
        throw new ZcprofError({
          code: 'ZC_LIBRARY_FOLDER',
          message: `"${f.slice(0, 200)}" is not an absolute path`,
          hint: 'give the whole path, e.g. /home/me/team-reports'
        })
      const refused = (await libraryFolderProblem(f, this.policy)) ?? privateFolderProblem(f)
      if (refused) throw new ZcprofError(refused)
      try {
        mkdirSync(f, { recursive: true })
      } catch (e) {
        throw new ZcprofError({
          code: 'ZC_LIBRARY_FOLDER',
          message: `cannot use ${f} as the report library: ${(e as Error).message}`,
          hint: 'choose a folder you can write to'
        })
      }
      const lib = new ReportLibrary(f)
      const listing = await lib.list()
      this.reports = lib
      writeSettings(this.settingsFile, { libraryFolder: f })
      return listing
    })
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** a saved report's entry, as the front end hears of it */
function slimSaved(e: ApiEvent['event'] | null): ApiEvent['event'] | null {
  return e?.type === 'report-saved' ? { ...e, entry: entryForFrontEnd(e.entry) } : e
}

/** why this machine has no GPU for the gpu-* methods (no driver, no device), or null when it has one */
function gpuAbsence(): string | null {
  try {
    native.gpuProbe(0)
    return null
  } catch (e) {
    return (e as Error).message
  }
}
