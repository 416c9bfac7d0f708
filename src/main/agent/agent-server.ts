// The receiving end: listens for control connections and answers each one's hello
// with what this agent is and allows. Everything a client sends is untrusted: bounded,
// validated, and never written to disk. The parts, each in its own file:
//   agent-auth.ts       the handshake: strangers' allowance, hello and token proof, back-off
//   agent-session.ts    one control connection: its deadlines and request dispatch
//   agent-receivers.ts  a trial's listeners and native receivers, and its result
//   agent-sender.ts     send jobs: this agent as a fleet pair's sender, against other agents
//   agent-limits.ts     the default limits, and the live trials and buffers they pin
//   agent-peer.ts       a connection as the agent keeps it, and who is on the other end

import { chmodSync } from 'node:fs'
import net from 'node:net'
import * as native from '../../native'
import { RECEIVER_MODES } from '../../shared/methods'
import type { Environment } from '../../shared/report'
import { readHostSnapshot, type HostSnapshot } from '../host/system-cpu'
import { AUTH_FAILURES, type Nonces } from './agent-auth'
import { DEFAULT_LIMITS, TrialBooks } from './agent-limits'
import { TrialReceivers } from './agent-receivers'
import { SendJobs, type SendRunner } from './agent-sender'
import { Sessions } from './agent-session'
import { PROTOCOL_VERSION, authProof, type AgentLimits, type ControlAddress, type Reply } from './protocol'

// what bench/agent-memory.ts reads from the agent's entry point
export { DEFAULT_LIMITS, pinnedBytesOf } from './agent-limits'

export interface AgentOptions {
  address: ControlAddress
  /** required to listen beyond loopback; compared in constant time before anything else */
  token?: string | null
  limits?: Partial<AgentLimits>
  /** a client that has not said hello by then is dropped */
  helloTimeoutMs?: number
  toolVersion?: string
  environment?: () => Promise<Environment | null>
  /**
   * read other processes' CPU into each host snapshot (the receiving host's whole-system
   * figure leaves it out); a local agent need not: its host is the sender's, read there
   */
  othersCpu?: boolean
  /** one line per failed proof and per trial (who, plan, result); `zcprof agent` writes them to stderr */
  log?: ((line: string) => void) | null
  /**
   * runs a send job's plan as the sender (`zcprof agent` hands the engine's run in: this
   * layer cannot import it); absent: send requests are refused
   */
  sender?: SendRunner | null
  /** test hook: shorter delays and log intervals than AUTH_FAILURES */
  authFailures?: Partial<typeof AUTH_FAILURES>
}

export class AgentServer {
  private readonly server: net.Server
  private readonly limits: AgentLimits
  private readonly books: TrialBooks
  private readonly sessions: Sessions

  constructor(private readonly opts: AgentOptions) {
    // undefined entries mean 'the default', not 'no limit'
    const given = Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined))
    this.limits = { ...DEFAULT_LIMITS, ...given }
    const log = opts.log ?? (() => undefined)
    const hostSnapshot = (edge: 'start' | 'end') => this.hostSnapshot(edge)
    this.books = new TrialBooks(this.limits)
    const receivers = new TrialReceivers(this.limits, this.books, hostSnapshot, log)
    const settings = {
      limits: this.limits,
      options: opts,
      authFailures: { ...AUTH_FAILURES, ...opts.authFailures },
      log,
      hostSnapshot,
      hello: (re: number, nonces: Nonces | null) => this.hello(re, nonces)
    }
    const senders = new SendJobs(this.limits, opts, opts.sender ?? null, log)
    this.sessions = new Sessions(settings, this.books, receivers, senders)
    this.server = net.createServer((sock) => this.sessions.serve(sock))
  }

  /** captured once before listening, so a hello is answered at once and in order */
  private environment: Environment | null = null

  /** this host now; with other processes' CPU unless this agent is a local one */
  private hostSnapshot(edge: 'start' | 'end'): HostSnapshot {
    return readHostSnapshot(this.opts.othersCpu === false ? undefined : { edge })
  }

  async listen(): Promise<ControlAddress> {
    this.environment = this.opts.environment ? await this.opts.environment().catch(() => null) : null
    const a = this.opts.address
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      const bound = () => {
        this.server.removeListener('error', reject)
        if ('path' in a) {
          chmodSync(a.path, 0o600) // the control socket is this user's alone
          return resolve(a)
        }
        const got = this.server.address() as net.AddressInfo
        resolve({ host: got.address, port: got.port })
      }
      if ('path' in a) this.server.listen(a.path, bound)
      else this.server.listen(a.port, a.host, bound)
    })
  }

  close(): Promise<void> {
    this.books.cancel()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.sessions.destroyAll()
    return closed
  }

  private hello(re: number, nonces: Nonces | null): Reply {
    return {
      // after a challenge the agent proves the token in turn: the client knows it reached its agent
      ...(nonces && this.opts.token ? { proof: authProof(this.opts.token, 'agent', nonces.client, nonces.agent) } : {}),
      type: 'hello',
      re,
      version: PROTOCOL_VERSION,
      tool: { name: 'zcprof', version: this.opts.toolVersion ?? 'unknown' },
      receiverModes: [...RECEIVER_MODES],
      families: 'path' in this.opts.address ? ['inet', 'inet6', 'unix'] : ['inet', 'inet6'],
      limits: this.limits,
      environment: this.environment,
      cpus: native.allowedCpus()
    }
  }
}
