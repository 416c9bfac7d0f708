// The receiving end: serves control connections, runs one native receiver per trial.
// Everything a client sends is untrusted: bounded, validated, and never written to disk.

import { createHash, timingSafeEqual } from 'node:crypto'
import { chmodSync, rmSync } from 'node:fs'
import net from 'node:net'
import * as native from '../../native'
import type { ErrorInfo } from '../../shared/errors'
import { RECEIVER_MODES, isReceiverMode } from '../../shared/methods'
import { PLAN_LIMITS, cpuForStream } from '../../shared/plan-rules'
import type { Environment } from '../../shared/report'
import { readHostSnapshot, type HostSnapshot } from '../host/system-cpu'
import {
  BadMessage,
  FrameDecoder,
  PRE_AUTH_MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  REQUEST_MAX_FRAME_BYTES,
  encodeFrame,
  type AgentLimits,
  type ControlAddress,
  type Prepare,
  type Reply,
  type Request,
  type StreamResult,
  type TrialResult
} from './protocol'
import { wireCounters, wireProgress, wireResult } from './wire'

export const DEFAULT_LIMITS: AgentLimits = {
  maxTrials: 4,
  maxClients: 16,
  maxTrialBytes: 64 * 1024 ** 3,
  maxTrialDurationMs: 10 * 60_000,
  maxBufferBytes: 64 * 1024 * 1024,
  maxTrialsPerClient: 2,
  idleTimeoutMs: 60_000
}

/**
 * Connections that have not said hello are strangers: they get their own small
 * allowance, per address and in all, apart from --max-clients, and a few seconds to
 * authenticate. A flood of half-open sockets cannot keep a real client out.
 */
export const PRE_AUTH_LIMITS = { perAddress: 4, total: 64, helloTimeoutMs: 3000 } as const
/** replies a client does not read: past this the agent stops reading its requests; past 8× it drops it */
const REPLY_BACKLOG_BYTES = 1024 * 1024

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
}

interface Trial {
  id: number
  /** one receiver per stream, each on its own listener */
  transfers: native.Transfer[]
}

/** a trial's listeners, stream i's at i, and how to close them all */
interface Listeners {
  all: { fd: number; port: number; path: string | null }[]
  close(): void
}

interface Client {
  sock: net.Socket
  /** on the agent's own unix socket: the same user, trusted with unix data sockets */
  local: boolean
  owned: Set<number>
  send(m: Reply | TrialResult): void
}

function errorInfo(e: unknown): ErrorInfo {
  const err = e as Partial<native.NativeError>
  return {
    code: typeof err.code === 'string' ? err.code : 'ZC_AGENT',
    message: err.message ?? String(e),
    errno: typeof err.errno === 'number' ? err.errno : undefined,
    syscall: err.syscall || undefined
  }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/** Constant time whatever the lengths: compare fixed-size digests. */
function tokenMatches(expected: string, given: unknown): boolean {
  const ok = timingSafeEqual(digest(expected), digest(typeof given === 'string' ? given : ''))
  return ok && typeof given === 'string'
}

/** ::ffff:10.0.0.1 → 10.0.0.1: the form the native peer check compares */
function plainIp(ip: string | undefined): string {
  if (!ip) return ''
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

export class AgentServer {
  private readonly server: net.Server
  private readonly limits: AgentLimits
  private nextTrial = 1
  private readonly trials = new Map<number, Trial>()
  /** clients that said hello (what --max-clients counts) */
  private clients = 0
  /** connections that have not said hello yet, by remote address */
  private readonly strangers = new Map<string, number>()
  private strangersTotal = 0
  /** every open control connection, so close() can end them */
  private readonly sockets = new Set<net.Socket>()

  constructor(private readonly opts: AgentOptions) {
    // undefined entries mean 'the default', not 'no limit'
    const given = Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined))
    this.limits = { ...DEFAULT_LIMITS, ...given }
    this.server = net.createServer((sock) => this.serve(sock))
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
    for (const t of this.trials.values()) for (const x of t.transfers) x.cancel()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const s of this.sockets) s.destroy()
    return closed
  }

  private serve(sock: net.Socket): void {
    this.sockets.add(sock)
    sock.once('close', () => this.sockets.delete(sock))
    const client: Client = {
      sock,
      local: 'path' in this.opts.address,
      owned: new Set(),
      send: (m) => {
        if (sock.destroyed || !sock.writable) return
        sock.write(encodeFrame(m))
        // a client that asks and never reads would grow our memory: stop reading it, then drop it
        if (sock.writableLength > 8 * REPLY_BACKLOG_BYTES) sock.destroy()
        else if (sock.writableLength > REPLY_BACKLOG_BYTES && !sock.isPaused()) {
          sock.pause()
          sock.once('drain', () => sock.resume())
        }
      }
    }
    sock.on('error', () => sock.destroy())
    const busy = (message: string) => {
      client.send({ type: 'error', re: 0, error: { code: 'ZC_BUSY', message } })
      sock.end()
    }
    const from = plainIp(sock.remoteAddress) || 'local'
    const known = this.admitStranger(from)
    if (!known) return busy(`too many connections from ${from} have not said hello yet; try again in a few seconds`)
    const decoder = new FrameDecoder(PRE_AUTH_MAX_FRAME_BYTES)
    let greeted = false
    const helloTimer = setTimeout(() => {
      if (!greeted) {
        client.send({ type: 'error', re: 0, error: { code: 'ETIMEDOUT', message: 'no hello in time' } })
        sock.destroy()
      }
    }, this.opts.helloTimeoutMs ?? PRE_AUTH_LIMITS.helloTimeoutMs)
    // a greeted client that holds no trial and says nothing is holding a slot for nothing
    let idleTimer: NodeJS.Timeout | null = null
    const stillHere = () => {
      if (idleTimer) clearTimeout(idleTimer)
      idleTimer = setTimeout(() => {
        if (client.owned.size > 0) return stillHere()
        client.send({
          type: 'error',
          re: 0,
          error: { code: 'ETIMEDOUT', message: `idle for ${this.limits.idleTimeoutMs} ms: disconnected` }
        })
        sock.end()
      }, this.limits.idleTimeoutMs)
    }
    const refuse = (re: number, code: string, message: string) => {
      client.send({ type: 'error', re, error: { code, message } })
      sock.end()
      sock.pause()
    }

    sock.on('data', (chunk) => {
      decoder.push(chunk)
      for (;;) {
        if (sock.destroyed || !sock.writable) return
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
          const refusal = this.helloRefusal(m)
          if (refusal) return refuse(re, refusal.code, refusal.message)
          clearTimeout(helloTimer)
          known()
          if (this.clients >= this.limits.maxClients)
            return refuse(
              re,
              'ZC_BUSY',
              `agent serves at most ${this.limits.maxClients} clients at once; try again later`
            )
          greeted = true
          this.clients++
          decoder.maxFrameBytes = REQUEST_MAX_FRAME_BYTES
          client.send(this.hello(re))
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
      for (const id of client.owned) for (const x of this.trials.get(id)?.transfers ?? []) x.cancel()
    })
  }

  /**
   * Counts a connection that has not said hello against PRE_AUTH_LIMITS: null when it
   * is one too many, else the call that stops counting it (once it is known, or gone).
   */
  private admitStranger(from: string): (() => void) | null {
    const here = this.strangers.get(from) ?? 0
    if (here >= PRE_AUTH_LIMITS.perAddress || this.strangersTotal >= PRE_AUTH_LIMITS.total) return null
    this.strangers.set(from, here + 1)
    this.strangersTotal++
    let stranger = true
    return () => {
      if (!stranger) return
      stranger = false
      this.strangersTotal--
      const n = (this.strangers.get(from) ?? 1) - 1
      if (n > 0) this.strangers.set(from, n)
      else this.strangers.delete(from)
    }
  }

  /** why a first message is not a hello this agent accepts; null when it is */
  private helloRefusal(m: Request): ErrorInfo | null {
    if (m.type !== 'hello') return { code: 'ZC_PROTOCOL', message: `'${String(m.type).slice(0, 40)}' before hello` }
    // the token first: nothing else about an unauthenticated client is looked at
    if (this.opts.token && !tokenMatches(this.opts.token, m.token))
      return { code: 'ZC_AUTH', message: m.token === undefined ? 'this agent requires a token' : 'wrong token' }
    if (m.version !== PROTOCOL_VERSION)
      return {
        code: 'ZC_VERSION',
        message: `agent speaks protocol ${PROTOCOL_VERSION}; the client sent version ${String(m.version).slice(0, 20)}`
      }
    return null
  }

  private handle(client: Client, m: Request, re: number): void {
    const trialOf = (id: unknown) =>
      isInt(id, 1, Number.MAX_SAFE_INTEGER) && client.owned.has(id) ? this.trials.get(id) : undefined
    switch (m.type) {
      case 'prepare':
        return client.send(this.prepare(client, m, re))
      case 'sample': {
        const t0 = native.threadCpuNs()
        const t = trialOf(m.trial)
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
          host: t && detail ? this.hostSnapshot('start') : null,
          busyNs: native.threadCpuNs() - t0
        })
      }
      case 'cancel':
        for (const x of trialOf(m.trial)?.transfers ?? []) x.cancel()
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

  private hello(re: number): Reply {
    return {
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

  /** What is wrong with a prepare request, or null. */
  private invalid(client: Client, m: Prepare): string | null {
    const L = this.limits
    if (!isReceiverMode(m.mode)) return `mode must be one of ${RECEIVER_MODES.join(', ')}`
    if (!isInt(m.bufferBytes, 1, L.maxBufferBytes))
      return `bufferBytes must be a whole number in 1..${L.maxBufferBytes}`
    if (typeof m.checksum !== 'boolean') return 'checksum must be true or false'
    if (!isInt(m.acceptTimeoutMs, 1, 120_000)) return 'acceptTimeoutMs must be a whole number in 1..120000'
    if (m.pmu !== 'auto' && m.pmu !== 'off') return "pmu must be 'auto' or 'off'"
    if (m.maxBytes !== undefined && !isInt(m.maxBytes, 1, Number.MAX_SAFE_INTEGER))
      return 'maxBytes must be a positive whole number'
    if (m.maxDurationMs !== undefined && !isInt(m.maxDurationMs, 1, Number.MAX_SAFE_INTEGER))
      return 'maxDurationMs must be a positive whole number'
    const S = PLAN_LIMITS.streams
    if (m.streams !== undefined && !isInt(m.streams, S.min, S.max))
      return `streams must be a whole number in ${S.min}..${S.max}`
    if (m.cpus !== undefined) {
      const allowed = native.allowedCpus()
      if (!Array.isArray(m.cpus) || m.cpus.length === 0 || m.cpus.length > PLAN_LIMITS.cpu.max + 1)
        return 'cpus must be a non-empty list of CPU numbers'
      const bad = m.cpus.filter((c) => !isInt(c, 0, PLAN_LIMITS.cpu.max) || !allowed.includes(c))
      if (bad.length)
        return `cpus ${bad.map((c) => String(c).slice(0, 12)).join(', ')} are not CPUs this agent may run on (it may use ${allowed.join(',')})`
    }
    if (m.uringDepth !== undefined && !isInt(m.uringDepth, PLAN_LIMITS.uringDepth.min, PLAN_LIMITS.uringDepth.max))
      return `uringDepth must be a whole number in ${PLAN_LIMITS.uringDepth.min}..${PLAN_LIMITS.uringDepth.max}`
    if (!client.local) return null // remote clients choose nothing about where we listen
    if (m.family === 'unix') {
      // stream i > 0 listens at PATH.i
      const longest = (m.streams ?? 1) > 1 ? `${m.path}.${(m.streams ?? 1) - 1}` : m.path
      if (typeof m.path !== 'string' || !m.path.startsWith('/') || Buffer.byteLength(String(longest)) > 107)
        return 'path must be an absolute unix socket path (with .N added for streams after the first: 107 bytes at most)'
      return null
    }
    if (m.family !== 'inet' && m.family !== 'inet6') return "family must be 'inet', 'inet6' or 'unix'"
    if (typeof m.host !== 'string' || net.isIP(m.host) !== (m.family === 'inet' ? 4 : 6))
      return `host must be a numeric ${m.family === 'inet' ? 'IPv4' : 'IPv6'} address`
    if (m.port !== undefined && !isInt(m.port, 0, 65535)) return 'port must be in 0..65535'
    if (m.port && m.port + (m.streams ?? 1) - 1 > 65535) return 'port + streams - 1 must be in 0..65535'
    return null
  }

  /** where stream i listens: a local client chooses (PATH.i, PORT + i); a remote one reaches us where it did */
  private streamAddress(client: Client, m: Prepare, i: number): native.NativeAddress {
    if (!client.local) {
      const local = plainIp(client.sock.localAddress)
      return { family: net.isIPv6(local) ? 'inet6' : 'inet', host: local, port: 0 }
    }
    if (m.family === 'unix') return { family: 'unix', path: i === 0 ? m.path : `${m.path}.${i}` }
    return { family: m.family, host: m.host, port: m.port ? m.port + i : 0 }
  }

  private prepare(client: Client, m: Prepare, re: number): Reply {
    const why = this.invalid(client, m)
    if (why) return { type: 'error', re, error: { code: 'ZC_BAD_ARGUMENT', message: `prepare: ${why}` } }
    if (client.owned.size >= this.limits.maxTrialsPerClient) {
      return {
        type: 'error',
        re,
        error: {
          code: 'ZC_BUSY',
          message: `one client may hold at most ${this.limits.maxTrialsPerClient} trials at once on this agent`
        }
      }
    }
    if (this.trials.size >= this.limits.maxTrials) {
      return {
        type: 'error',
        re,
        error: { code: 'ZC_BUSY', message: `agent runs at most ${this.limits.maxTrials} trials at once` }
      }
    }
    const maxBytes = Math.min(m.maxBytes ?? this.limits.maxTrialBytes, this.limits.maxTrialBytes)
    const maxDurationMs = Math.min(m.maxDurationMs ?? this.limits.maxTrialDurationMs, this.limits.maxTrialDurationMs)
    // every listener first: a port in use fails the trial before any receiver starts
    let listeners: Listeners
    try {
      listeners = this.listenAll(client, m)
    } catch (e) {
      return { type: 'error', re, error: errorInfo(e) }
    }
    const closeAll = () => listeners.close()
    const id = this.nextTrial++
    const hostStart = this.hostSnapshot('start')
    const transfers: native.Transfer[] = []
    try {
      for (const [i, l] of listeners.all.entries())
        transfers.push(
          native.startReceiver({
            mode: m.mode,
            listenFd: l.fd,
            bufferBytes: m.bufferBytes,
            checksum: m.checksum,
            acceptTimeoutMs: m.acceptTimeoutMs,
            pmu: m.pmu,
            maxBytes,
            expectedPeer: client.local ? undefined : plainIp(client.sock.remoteAddress),
            cpus: cpuForStream(m.cpus ?? null, i) ?? undefined,
            uringDepth: m.uringDepth
          })
        )
    } catch (e) {
      for (const x of transfers) x.cancel()
      // the listeners go once the receivers that use them have ended
      void Promise.allSettled(transfers.map((x) => x.done)).then(closeAll)
      return { type: 'error', re, error: errorInfo(e) }
    }
    this.trials.set(id, { id, transfers })
    client.owned.add(id)
    this.sendResultWhenDone(client, id, transfers, maxDurationMs, hostStart, closeAll)
    return { type: 'prepared', re, trial: id, streams: listeners.all.map((l) => ({ port: l.port, path: l.path })) }
  }

  /** stream i's listener for each stream; on failure the ones already open are closed */
  private listenAll(client: Client, m: Prepare): Listeners {
    const all: Listeners['all'] = []
    const close = () => {
      for (const l of all) {
        native.closeFd(l.fd)
        // the socket file is ours: bind() refuses a path that exists, so we made it
        if (l.path) rmSync(l.path, { force: true })
      }
    }
    try {
      for (let i = 0; i < (m.streams ?? 1); i++) {
        const address = this.streamAddress(client, m, i)
        const l = native.listen(address, 4)
        all.push({ fd: l.fd, port: l.port, path: address.family === 'unix' ? (address.path ?? null) : null })
      }
    } catch (e) {
      close()
      throw e
    }
    return { all, close }
  }

  /**
   * Once every receiver of the trial has ended (or the agent's time limit cancelled
   * them), the client gets the trial's result, unasked, and the trial is forgotten.
   */
  private sendResultWhenDone(
    client: Client,
    id: number,
    transfers: native.Transfer[],
    maxDurationMs: number,
    hostStart: HostSnapshot,
    closeListeners: () => void
  ): void {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      for (const x of transfers) x.cancel()
    }, maxDurationMs)
    const settle = (x: native.Transfer): Promise<StreamResult> =>
      x.done.then(
        (result) => ({ result: wireResult(result), error: null }),
        (e: native.NativeError) => {
          let error = errorInfo(e)
          if (timedOut && error.code === 'ZC_CANCELLED')
            error = { code: 'ZC_LIMIT', message: `the trial passed this agent's limit of ${maxDurationMs} ms` }
          return { result: e.partial ? wireResult(e.partial) : null, error }
        }
      )
    void Promise.all(transfers.map(settle)).then((streams) => {
      clearTimeout(timer)
      closeListeners()
      this.trials.delete(id)
      client.owned.delete(id)
      const result: TrialResult = { type: 'result', trial: id, streams, hostStart, hostEnd: this.hostSnapshot('end') }
      client.send(result)
    })
  }
}
