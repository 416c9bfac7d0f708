// ZcprofApi implemented over the engine, once, for every transport (Electron IPC,
// browser-mode WebSocket). One run at a time: trials compete for the same cores.

import { randomUUID } from 'node:crypto'
import os from 'node:os'
import type { ApiEvent, Capabilities, StartResult, ZcprofApi } from '../../shared/api'
import { ZcprofError } from '../../shared/errors'
import { METHOD_INFO, RECEIVER_MODES, RECEIVER_MODE_INFO } from '../../shared/methods'
import type { Environment, Plan } from '../../shared/report'
import { DEFAULT_PLAN, runPlan, validatePlan } from '../engine/run'
import { TOOL_VERSION } from '../engine/version'
import { captureEnvironment } from '../host/environment'

export class EngineApi implements ZcprofApi {
  private readonly listeners = new Set<(e: ApiEvent) => void>()
  private current: { runId: string; abort: AbortController } | null = null

  async capabilities(): Promise<Capabilities> {
    const linux = os.platform() === 'linux'
    return {
      version: TOOL_VERSION,
      methods: Object.values(METHOD_INFO).map((m) => ({
        ...m,
        supported: linux,
        reason: linux ? (m.name === 'msg-zerocopy' ? 'TCP targets only' : undefined) : 'zcprof measures Linux kernels'
      })),
      receiverModes: RECEIVER_MODES.map((name) => ({ name, description: RECEIVER_MODE_INFO[name] })),
      defaults: DEFAULT_PLAN
    }
  }

  environment(): Promise<Environment> {
    return captureEnvironment()
  }

  async startRun(plan: Plan, token?: string): Promise<StartResult> {
    if (this.current) {
      return {
        ok: false,
        error: { code: 'ZC_BUSY', message: 'a run is in progress', hint: 'cancel it or wait for it to end' }
      }
    }
    try {
      validatePlan(plan)
    } catch (e) {
      if (e instanceof ZcprofError) return { ok: false, error: e.toInfo() }
      throw e
    }
    const runId = randomUUID()
    const abort = new AbortController()
    this.current = { runId, abort }
    const emit = (event: ApiEvent['event']) => {
      // the run is over once its report is out: free the slot before anyone hears of it
      if ((event.type === 'run-end' || event.type === 'run-failed') && this.current?.runId === runId)
        this.current = null
      for (const l of this.listeners) l({ runId, event })
    }
    // the run goes on in the background; its events (errors included) are the answer.
    // It starts after this call has answered, so a front end knows its run's id
    // before the first event arrives (the contract in shared/api.ts)
    setImmediate(() => this.run(plan, token, abort.signal, emit, runId))
    return { ok: true, runId }
  }

  private run(
    plan: Plan,
    token: string | undefined,
    signal: AbortSignal,
    emit: (e: ApiEvent['event']) => void,
    runId: string
  ): void {
    runPlan({ plan, signal, token: token || undefined, onEvent: emit })
      .catch((e: unknown) => {
        const error =
          e instanceof ZcprofError ? e.toInfo() : { code: 'ZC_INTERNAL', message: String((e as Error).stack ?? e) }
        emit({ type: 'error', error })
        emit({ type: 'run-failed', error })
      })
      .finally(() => {
        if (this.current?.runId === runId) this.current = null
      })
  }

  async cancelRun(runId: string): Promise<void> {
    if (this.current?.runId === runId) this.current.abort.abort()
  }

  onEvent(listener: (e: ApiEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
