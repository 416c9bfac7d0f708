// The one typed contract between the renderer and whatever hosts it: Electron IPC
// (src/preload) or WebSocket in browser mode (src/main/web). One function per call.
// Failures a user can cause come back as data; a rejected promise is a bug or a lost host.

import type { ErrorInfo } from './errors'
import type { RunEvent } from './events'
import type { MethodInfo, ReceiverMode } from './methods'
import type { LibraryEntry, LibraryListing, ReportChanges, Result, TrashEntry } from './library'
import type { Environment, Plan, Report, ReportMeta } from './report'
import type { Trend, TrendOptions } from './trend'
import type { FleetOptions, FleetView } from './fleet-matrix'

export interface MethodCapability extends MethodInfo {
  supported: boolean
  /** why not, when it is not */
  reason?: string
}

export interface Capabilities {
  version: string
  methods: MethodCapability[]
  receiverModes: { name: ReceiverMode; description: string }[]
  /**
   * receiver modes zcprof knows of that cannot run here, each with why (the rule's
   * reasons) and what a user must set up for it: zcrx (src/shared/zcrx.ts), devmem
   * (src/shared/devmem.ts), and the gpu-* modes on a machine without CUDA
   */
  unavailableReceiverModes?: { name: string; description: string; reason: string; needs: string[] }[]
  defaults: Plan
  /** the CPUs this host lets zcprof pin threads to */
  allowedCpus: number[]
}

export type StartResult = { ok: true; runId: string } | { ok: false; error: ErrorInfo }

/** every event of a run, tagged with the run it belongs to */
export interface ApiEvent {
  runId: string
  event: RunEvent
}

export interface ZcprofApi {
  capabilities(): Promise<Capabilities>
  environment(): Promise<Environment>
  /**
   * token: for agent:// targets; it is not stored in the report. meta: the report's
   * title and tags. The answer comes before any event of the run it starts, so
   * listeners can match events by runId.
   */
  startRun(plan: Plan, token?: string, meta?: ReportMeta): Promise<StartResult>
  cancelRun(runId: string): Promise<void>
  /** returns the unsubscribe function */
  onEvent(listener: (e: ApiEvent) => void): () => void

  // The report library. Runs the app starts are saved into it when they end
  // (a report-saved or report-save-failed event follows run-end).
  library(): Promise<Result<LibraryListing>>
  openReport(id: string): Promise<Result<Report>>
  /** text: the file's contents (browser mode has no paths); method: for iperf3 output, the method it ran */
  importReport(fileName: string, text: string, method?: 'copy' | 'sendfile'): Promise<Result<LibraryEntry>>
  updateReport(id: string, changes: ReportChanges): Promise<Result<LibraryEntry>>
  /** to the trash: restoreReport undoes it */
  deleteReport(id: string): Promise<Result<TrashEntry>>
  restoreReport(trashId: string): Promise<Result<LibraryEntry>>
  /** point the library at another folder (a share, a synced checkout); remembered */
  setLibraryFolder(folder: string): Promise<Result<LibraryListing>>
  /**
   * the library's history as series with their change points (shared/trend.ts); main
   * checks the options and refuses a wrong one as data. The listing's entries come
   * without their `trend` rows: only this call reads them, in main.
   */
  trend(options: TrendOptions): Promise<Result<Trend>>
  /**
   * a fleet run's pairs as a node × node matrix a method (shared/fleet-matrix.ts), with
   * every fleet in the library to pick from; main checks the options and refuses a wrong
   * one as data, as it says a library without a fleet run
   */
  fleet(options: FleetOptions): Promise<Result<FleetView>>
}

/** The request/response calls (everything but onEvent), as the transports carry them. */
export type ApiCall = Exclude<keyof ZcprofApi, 'onEvent'>
/**
 * The one list of calls: the preload, the renderer's WebSocket bridge, the IPC
 * handlers and the UI server all derive theirs from it. A Record, so adding a call to
 * ZcprofApi without adding it here does not compile.
 */
const CALLS: Record<ApiCall, true> = {
  capabilities: true,
  environment: true,
  startRun: true,
  cancelRun: true,
  library: true,
  openReport: true,
  importReport: true,
  updateReport: true,
  deleteReport: true,
  restoreReport: true,
  setLibraryFolder: true,
  trend: true,
  fleet: true
}
export const API_CALLS = Object.keys(CALLS) as readonly ApiCall[]

export const IPC_PREFIX = 'zcprof:'
export const IPC_EVENT_CHANNEL = 'zcprof:event'
