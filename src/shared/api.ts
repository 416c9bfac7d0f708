// The one typed contract between the renderer and whatever hosts it: Electron IPC
// (src/preload) or WebSocket in browser mode (src/main/web). One function per call.
// Failures a user can cause come back as data; a rejected promise is a bug or a lost host.

import type { ErrorInfo } from './errors'
import type { RunEvent } from './events'
import type { MethodInfo, ReceiverMode } from './methods'
import type { Environment, Plan } from './report'

export interface MethodCapability extends MethodInfo {
  supported: boolean
  /** why not, when it is not */
  reason?: string
}

export interface Capabilities {
  version: string
  methods: MethodCapability[]
  receiverModes: { name: ReceiverMode; description: string }[]
  defaults: Plan
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
   * token: for agent:// targets; it is not stored in the report. The answer comes
   * before any event of the run it starts, so listeners can match events by runId.
   */
  startRun(plan: Plan, token?: string): Promise<StartResult>
  cancelRun(runId: string): Promise<void>
  /** returns the unsubscribe function */
  onEvent(listener: (e: ApiEvent) => void): () => void
}

/** The request/response calls (everything but onEvent), as the transports carry them. */
export type ApiCall = Exclude<keyof ZcprofApi, 'onEvent'>
export const API_CALLS: readonly ApiCall[] = ['capabilities', 'environment', 'startRun', 'cancelRun']

export const IPC_PREFIX = 'zcprof:'
export const IPC_EVENT_CHANNEL = 'zcprof:event'
