// Who receives for each target: the local child agent (tcp://, unix://), a remote
// agent (agent://), or nobody of ours (raw://). Connections are made once per run.

import type { Environment } from '../../shared/report'
import type { Target } from '../../shared/targets'
import { AgentClient } from '../agent/agent-client'
import { acceptEnvironment } from '../reports/report-loader'
import { startLocalAgent, type LocalAgent } from './local-agent'

export interface Receiver {
  /** null for raw targets: sender-side figures only */
  agent: AgentClient | null
  /** the receiver shares this host's clock and CPUs */
  sameHost: boolean
  environment: Environment | null
}

export class Receivers {
  private local: Promise<LocalAgent> | null = null
  private readonly remote = new Map<string, Promise<AgentClient>>()

  constructor(private readonly opts: { token?: string; timeoutMs?: number } = {}) {}

  /**
   * Starts connecting to every receiver the plan needs, so the local agent's start-up
   * and a remote hello overlap the run's preparation. A failure is not lost: it
   * surfaces at that target's first trial, where `for` awaits the same promise.
   */
  prepare(targets: readonly Target[]): void {
    for (const t of targets) if (t.kind !== 'raw') void this.for(t).catch(() => undefined)
  }

  async for(t: Target): Promise<Receiver> {
    if (t.kind === 'raw') return { agent: null, sameHost: false, environment: null }
    if (t.kind === 'agent') {
      const key = `${t.host}|${t.port}`
      let p = this.remote.get(key)
      if (!p) {
        p = AgentClient.connect(
          { host: t.host, port: t.port },
          { token: this.opts.token, timeoutMs: this.opts.timeoutMs }
        )
        this.remote.set(key, p)
      }
      const agent = await p
      return { agent, sameHost: false, environment: acceptEnvironment(agent.hello?.environment) }
    }
    this.local ??= startLocalAgent()
    const { client } = await this.local
    return { agent: client, sameHost: true, environment: acceptEnvironment(client.hello?.environment) }
  }

  async close(): Promise<void> {
    const local = this.local
    this.local = null
    if (local) (await local.catch(() => null))?.stop()
    for (const p of this.remote.values()) (await p.catch(() => null))?.close()
    this.remote.clear()
  }
}
