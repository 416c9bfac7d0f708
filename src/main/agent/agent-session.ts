// One control connection from its first byte to its close: a stranger until its hello
// (and, with a token, its proof) is accepted, then a client whose requests are
// dispatched (prepare to the receiver side; sample and cancel on its own trials), with
// the hello, idle and refusal deadlines on the way. Its trials end with it.

import type net from 'node:net'
import * as native from '../../native'
import type { HostSnapshot } from '../host/system-cpu'
import {
  AuthFailures,
  PRE_AUTH_LIMITS,
  Strangers,
  authRefusal,
  helloRefusal,
  type AUTH_FAILURES,
  type Nonces
} from './agent-auth'
import { isInt, type TrialBooks } from './agent-limits'
import { clientOf, plainIp, whoIs, type Client } from './agent-peer'
import type { TrialReceivers } from './agent-receivers'
import type { SendJobs } from './agent-sender'
import {
  BadMessage,
  FrameDecoder,
  PRE_AUTH_MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  REQUEST_MAX_FRAME_BYTES,
  newNonce,
  type AgentLimits,
  type ControlAddress,
  type Reply,
  type Request
} from './protocol'
import { wireCounters, wireProgress } from './wire'

/** how long a refused connection may linger for its refusal to be read before it is cut */
export const REFUSED_LINGER_MS = 1000

/** what every session of one agent shares */
export interface SessionSettings {
  limits: AgentLimits
  /**
   * the agent's options (AgentOptions), read as each connection needs them: the CLI
   * sets a token once it knows where it is bound (agent-command.ts)
   */
  options: {
    readonly address: ControlAddress
    /** required of every client when set */
    readonly token?: string | null
    /** a client that has not said hello by then is dropped (PRE_AUTH_LIMITS' by default) */
    readonly helloTimeoutMs?: number
  }
  authFailures: typeof AUTH_FAILURES
  log: (line: string) => void
  hostSnapshot: (edge: 'start' | 'end') => HostSnapshot
  /** the hello this agent answers with */
  hello: (re: number, nonces: Nonces | null) => Reply
}

/** the agent's control connections: each one's session, and what they count together */
export class Sessions {
  /** clients that said hello (what --max-clients counts) */
  private clients = 0
  /** connections that have not said hello yet */
  private readonly strangers = new Strangers()
  /** every open control connection, so close() can end them */
  private readonly sockets = new Set<net.Socket>()
  /** failed proofs by remote address (AUTH_FAILURES) */
  private readonly failures: AuthFailures

  constructor(
    private readonly s: SessionSettings,
    private readonly books: TrialBooks,
    private readonly receivers: TrialReceivers,
    private readonly senders: SendJobs
  ) {
    this.failures = new AuthFailures(s.authFailures, s.log)
  }

  /** ends every open control connection */
  destroyAll(): void {
    for (const sock of this.sockets) sock.destroy()
  }

  serve(sock: net.Socket): void {
    this.sockets.add(sock)
    sock.once('close', () => this.sockets.delete(sock))
    const client = clientOf(sock, 'path' in this.s.options.address)
    sock.on('error', () => sock.destroy())
    const busy = (message: string) => {
      client.send({ type: 'error', re: 0, error: { code: 'ZC_BUSY', message } })
      sock.end()
    }
    const from = plainIp(sock.remoteAddress) || 'local'
    const known = this.strangers.admit(from)
    if (!known) return busy(`too many connections from ${from} have not said hello yet; try again in a few seconds`)
    const decoder = new FrameDecoder(PRE_AUTH_MAX_FRAME_BYTES)
    let greeted = false
    /** set once this agent (with a token) has challenged the hello */
    let nonces: Nonces | null = null
    /** a failed proof waits out its delay: nothing more is read */
    let refusing = false
    const helloTimer = setTimeout(() => {
      if (!greeted) {
        client.send({ type: 'error', re: 0, error: { code: 'ETIMEDOUT', message: 'no hello in time' } })
        sock.destroy()
      }
    }, this.s.options.helloTimeoutMs ?? PRE_AUTH_LIMITS.helloTimeoutMs)
    // a greeted client that holds no trial and says nothing is holding a slot for nothing
    let idleTimer: NodeJS.Timeout | null = null
    const stillHere = () => {
      if (idleTimer) clearTimeout(idleTimer)
      idleTimer = setTimeout(() => {
        if (client.owned.size > 0 || client.sending > 0) return stillHere()
        client.send({
          type: 'error',
          re: 0,
          error: { code: 'ETIMEDOUT', message: `idle for ${this.s.limits.idleTimeoutMs} ms: disconnected` }
        })
        sock.end()
      }, this.s.limits.idleTimeoutMs)
    }
    const refuse = (re: number, code: string, message: string) => {
      client.send({ type: 'error', re, error: { code, message } })
      sock.end()
      sock.pause()
      // a peer that never closes its side would keep its slot (and 'close' away) for good
      setTimeout(() => sock.destroy(), REFUSED_LINGER_MS).unref()
    }

    sock.on('data', (chunk) => {
      decoder.push(chunk)
      for (;;) {
        if (sock.destroyed || !sock.writable || refusing) return
        let raw: ReturnType<FrameDecoder['next']>
        try {
          raw = decoder.next()
        } catch (e) {
          return refuse(0, 'ZC_PROTOCOL', (e as Error).message)
        }
        if (raw === null) return
        if (raw instanceof BadMessage) {
          // before hello nothing is tolerated; after it, say what was wrong and go on
          if (!greeted) return refuse(0, 'ZC_PROTOCOL', raw.reason)
          client.send({ type: 'error', re: 0, error: { code: 'ZC_PROTOCOL', message: raw.reason } })
          continue
        }
        const m = raw as unknown as Request
        const re = isInt(m.seq, 0, Number.MAX_SAFE_INTEGER) ? m.seq : 0
        if (!greeted) {
          if (!nonces) {
            const refusal = helloRefusal(m, this.s.options.token)
            if (refusal) return refuse(re, refusal.code, refusal.message)
            if (this.s.options.token) {
              // the token never travels: the client proves it holds it over both nonces
              nonces = { client: (m as { nonce: string }).nonce, agent: newNonce() }
              client.send({ type: 'challenge', re, version: PROTOCOL_VERSION, nonce: nonces.agent })
              continue
            }
          } else {
            const refusal = authRefusal(m, nonces, this.s.options.token)
            if (refusal?.code === 'ZC_AUTH' && refusal.message === 'wrong token') {
              // a guess: it waits (holding its pre-auth slot), and is logged
              clearTimeout(helloTimer)
              refusing = true
              sock.pause()
              const wait = setTimeout(() => refuse(re, refusal.code, refusal.message), this.failures.failed(sock))
              sock.once('close', () => clearTimeout(wait))
              return
            }
            if (refusal) return refuse(re, refusal.code, refusal.message)
            this.failures.forget(from)
          }
          clearTimeout(helloTimer)
          known()
          if (this.clients >= this.s.limits.maxClients)
            return refuse(
              re,
              'ZC_BUSY',
              `agent serves at most ${this.s.limits.maxClients} clients at once; try again later`
            )
          greeted = true
          this.clients++
          decoder.maxFrameBytes = REQUEST_MAX_FRAME_BYTES
          client.send(this.s.hello(re, nonces))
          stillHere()
          continue
        }
        stillHere()
        this.handle(client, m, re)
      }
    })
    // a client that goes away takes its trials with it
    sock.on('close', () => {
      clearTimeout(helloTimer)
      if (idleTimer) clearTimeout(idleTimer)
      known()
      if (greeted) this.clients--
      this.books.cancel(client.owned)
      this.senders.cancel(client)
    })
  }

  private handle(client: Client, m: Request, re: number): void {
    switch (m.type) {
      case 'prepare': {
        const reply = this.receivers.prepare(client, m, re)
        if (reply.type === 'error')
          this.s.log(`session ${whoIs(client.sock)}: prepare refused: ${reply.error.code} ${reply.error.message}`)
        return client.send(reply)
      }
      case 'sample': {
        const t0 = native.threadCpuNs()
        const t = this.books.ownedBy(client, m.trial)
        // a detailed sample marks a ramp's end: the full counters (with their splits) and this host
        const detail = m.detail === true
        const streams = (t?.transfers ?? []).map((x) => {
          const counters = x.counters(detail)
          return { progress: wireProgress(x.progress()), counters: counters && wireCounters(counters) }
        })
        return client.send({
          type: 'sample',
          re,
          trial: m.trial,
          streams,
          host: t && detail ? this.s.hostSnapshot('start') : null,
          busyNs: native.threadCpuNs() - t0
        })
      }
      case 'send':
        return this.senders.start(client, m, re)
      case 'cancel':
        for (const x of this.books.ownedBy(client, m.trial)?.transfers ?? []) x.cancel()
        return client.send({ type: 'ok', re })
      default:
        return client.send({
          type: 'error',
          re,
          error: {
            code: 'ZC_PROTOCOL',
            message: `unknown message type '${String((m as { type: unknown }).type).slice(0, 40)}'`
          }
        })
    }
  }
}
