// The receiving end: serves control connections, runs one native receiver per trial.
// Everything a client sends is untrusted: bounded, validated, and never written to disk.

import { chmodSync, rmSync } from 'node:fs'
import net from 'node:net'
import * as native from '../../native'
import type { ErrorInfo } from '../../shared/errors'
import { RECEIVER_MODES, isReceiverMode } from '../../shared/methods'
import { PLAN_LIMITS, cpuForStream } from '../../shared/plan-rules'
import { inLimits, rangeText } from '../../shared/plan-text'
import type { Environment } from '../../shared/report'
import { readHostSnapshot, type HostSnapshot } from '../host/system-cpu'
import {
  AUTH_DELAY_MAX_MS,
  BadMessage,
  FrameDecoder,
  PRE_AUTH_MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  REQUEST_MAX_FRAME_BYTES,
  authProof,
  encodeFrame,
  isNonce,
  newNonce,
  proofMatches,
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
  idleTimeoutMs: 60_000,
  // 2 trials of 8 streams × 32 × 1 MiB fit one client; 4 clients' worth fit the agent
  maxSessionPinnedBytes: 512 * 1024 ** 2,
  maxAgentPinnedBytes: 1024 ** 3,
  dataIdleTimeoutMs: 30_000
}

/** the receive ring's buffers per stream in mode uring when the plan names no depth (zc.h) */
export const URING_DEFAULT_DEPTH = 32

/**
 * The receive buffers a prepare asks the agent to hold: bufferBytes per stream, and
 * in mode uring one more per ring entry (the depth rounded up to a power of two, as
 * zc-recv-uring.c sizes its buffer ring).
 */
export function pinnedBytesOf(m: Pick<Prepare, 'mode' | 'bufferBytes' | 'streams' | 'uringDepth'>): number {
  let ring = 1
  if (m.mode === 'uring') while (ring < (m.uringDepth ?? URING_DEFAULT_DEPTH)) ring *= 2
  // uring's ring comes on top of the one read buffer every receiver holds (zc-recv.c)
  const perStream = m.mode === 'uring' ? ring + 1 : 1
  return perStream * m.bufferBytes * (m.streams ?? 1)
}

/**
 * Connections that have not said hello are strangers: they get their own small
 * allowance, per address and in all, apart from --max-clients, and a few seconds to
 * authenticate. A flood of half-open sockets cannot keep a real client out.
 */
export const PRE_AUTH_LIMITS = { perAddress: 4, total: 64, helloTimeoutMs: 3000 } as const
/** how long a refused connection may linger for its refusal to be read before it is cut */
export const REFUSED_LINGER_MS = 1000
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
  /** one line per failed proof and per trial (who, plan, result); `zcprof agent` writes them to stderr */
  log?: ((line: string) => void) | null
  /** test hook: shorter delays and log intervals than AUTH_FAILURES */
  authFailures?: Partial<typeof AUTH_FAILURES>
}

interface Trial {
  id: number
  /** one receiver per stream, each on its own listener */
  transfers: native.Transfer[]
  /** receive buffers it holds (pinnedBytesOf) */
  pinnedBytes: number
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
  /** receive buffers its live trials hold, against maxSessionPinnedBytes */
  pinnedBytes: number
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

/**
 * Failed proofs, per address: each refusal waits base × 2^(failures−1) ms (up to max),
 * holding its pre-auth slot meanwhile, so one address guesses a few times a second at
 * first and one every few seconds soon after. Logged at most once per logIntervalMs
 * per address; an address is forgotten forgetMs after its last failure.
 */
export const AUTH_FAILURES = {
  delayBaseMs: 250,
  delayMaxMs: AUTH_DELAY_MAX_MS,
  logIntervalMs: 10_000,
  forgetMs: 15 * 60_000,
  /** addresses remembered at once: a spray from many addresses cannot grow memory */
  maxAddresses: 4096
}

interface Failures {
  count: number
  lastMs: number
  loggedMs: number
  /** failures since the last line that said so */
  unlogged: number
}

/** ::ffff:10.0.0.1 → 10.0.0.1: the form the native peer check compares */
function plainIp(ip: string | undefined): string {
  if (!ip) return ''
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip
}

/** who a log line names: ADDRESS:PORT, or the local socket */
function whoIs(sock: net.Socket): string {
  const ip = plainIp(sock.remoteAddress)
  if (!ip) return 'local (unix socket)'
  return `${ip.includes(':') ? `[${ip}]` : ip}:${sock.remotePort}`
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

export class AgentServer {
  private readonly server: net.Server
  private readonly limits: AgentLimits
  private nextTrial = 1
  private readonly trials = new Map<number, Trial>()
  /** receive buffers every live trial holds, against maxAgentPinnedBytes */
  private pinnedBytes = 0
  /** clients that said hello (what --max-clients counts) */
  private clients = 0
  /** connections that have not said hello yet, by remote address */
  private readonly strangers = new Map<string, number>()
  private strangersTotal = 0
  /** every open control connection, so close() can end them */
  private readonly sockets = new Set<net.Socket>()
  /** failed proofs by remote address (AUTH_FAILURES) */
  private readonly failures = new Map<string, Failures>()
  private readonly auth: typeof AUTH_FAILURES
  private readonly log: (line: string) => void

  constructor(private readonly opts: AgentOptions) {
    // undefined entries mean 'the default', not 'no limit'
    const given = Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined))
    this.limits = { ...DEFAULT_LIMITS, ...given }
    this.auth = { ...AUTH_FAILURES, ...opts.authFailures }
    this.log = opts.log ?? (() => undefined)
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

  /** a connection as the agent keeps it: what it owns, and a send that bounds its replies */
  private clientOf(sock: net.Socket): Client {
    return {
      sock,
      local: 'path' in this.opts.address,
      owned: new Set(),
      pinnedBytes: 0,
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
  }

  private serve(sock: net.Socket): void {
    this.sockets.add(sock)
    sock.once('close', () => this.sockets.delete(sock))
    const client = this.clientOf(sock)
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
    /** set once this agent (with a token) has challenged the hello */
    let nonces: { client: string; agent: string } | null = null
    /** a failed proof waits out its delay: nothing more is read */
    let refusing = false
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
            const refusal = this.helloRefusal(m)
            if (refusal) return refuse(re, refusal.code, refusal.message)
            if (this.opts.token) {
              // the token never travels: the client proves it holds it over both nonces
              nonces = { client: (m as { nonce: string }).nonce, agent: newNonce() }
              client.send({ type: 'challenge', re, version: PROTOCOL_VERSION, nonce: nonces.agent })
              continue
            }
          } else {
            const refusal = this.authRefusal(m, nonces)
            if (refusal?.code === 'ZC_AUTH' && refusal.message === 'wrong token') {
              // a guess: it waits (holding its pre-auth slot), and is logged
              clearTimeout(helloTimer)
              refusing = true
              sock.pause()
              const wait = setTimeout(() => refuse(re, refusal.code, refusal.message), this.authFailed(sock))
              sock.once('close', () => clearTimeout(wait))
              return
            }
            if (refusal) return refuse(re, refusal.code, refusal.message)
            this.failures.delete(from)
          }
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
          client.send(this.hello(re, nonces))
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
    // the version first: a hello holds nothing secret, and an old client must hear why
    if (m.version !== PROTOCOL_VERSION)
      return {
        code: 'ZC_VERSION',
        message: `agent speaks protocol ${PROTOCOL_VERSION}; the client sent version ${String(m.version).slice(0, 20)}`
      }
    if (this.opts.token && !isNonce(m.nonce))
      return { code: 'ZC_AUTH', message: 'this agent requires a token: send a nonce in hello and prove the token' }
    return null
  }

  /** why the message after a challenge does not prove the token; null when it does */
  private authRefusal(m: Request, nonces: { client: string; agent: string }): ErrorInfo | null {
    if (m.type !== 'auth') return { code: 'ZC_PROTOCOL', message: `'${String(m.type).slice(0, 40)}' before auth` }
    if (m.proof === undefined) return { code: 'ZC_AUTH', message: 'this agent requires a token' }
    const expected = authProof(this.opts.token ?? '', 'client', nonces.client, nonces.agent)
    return proofMatches(expected, m.proof) ? null : { code: 'ZC_AUTH', message: 'wrong token' }
  }

  /** counts a wrong proof from sock's address, logs it (rate-limited); how long its refusal waits */
  private authFailed(sock: net.Socket): number {
    const from = plainIp(sock.remoteAddress) || 'local'
    const A = this.auth
    const now = Date.now()
    let f = this.failures.get(from)
    if (!f || now - f.lastMs > A.forgetMs) f = { count: 0, lastMs: now, loggedMs: -Infinity, unlogged: 0 }
    // most recent last, so the oldest goes when too many addresses are remembered
    this.failures.delete(from)
    this.failures.set(from, f)
    if (this.failures.size > A.maxAddresses) this.failures.delete(this.failures.keys().next().value as string)
    f.count++
    f.unlogged++
    f.lastMs = now
    const delayMs = Math.min(A.delayBaseMs * 2 ** (f.count - 1), A.delayMaxMs)
    if (now - f.loggedMs >= A.logIntervalMs) {
      this.log(
        `auth failed from ${whoIs(sock)}: wrong token (${f.count} in a row from ${from}, ${f.unlogged} since the last line; its refusals now wait ${delayMs} ms)`
      )
      f.loggedMs = now
      f.unlogged = 0
    }
    return delayMs
  }

  private handle(client: Client, m: Request, re: number): void {
    const trialOf = (id: unknown) =>
      isInt(id, 1, Number.MAX_SAFE_INTEGER) && client.owned.has(id) ? this.trials.get(id) : undefined
    switch (m.type) {
      case 'prepare': {
        const reply = this.prepare(client, m, re)
        if (reply.type === 'error')
          this.log(`session ${whoIs(client.sock)}: prepare refused: ${reply.error.code} ${reply.error.message}`)
        return client.send(reply)
      }
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

  private hello(re: number, nonces: { client: string; agent: string } | null): Reply {
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
    // the plan's own limits (plan-text.ts), as the CLI and the form check them
    if (m.streams !== undefined && !inLimits(m.streams, 'streams'))
      return `streams must be a whole number in ${rangeText('streams')}`
    if (m.cpus !== undefined) {
      const allowed = native.allowedCpus()
      if (!Array.isArray(m.cpus) || m.cpus.length === 0 || m.cpus.length > PLAN_LIMITS.cpu.max + 1)
        return 'cpus must be a non-empty list of CPU numbers'
      const bad = m.cpus.filter((c) => !inLimits(c, 'cpu') || !allowed.includes(c))
      if (bad.length)
        return `cpus ${bad.map((c) => String(c).slice(0, 12)).join(', ')} are not CPUs this agent may run on (it may use ${allowed.join(',')})`
    }
    if (m.uringDepth !== undefined && !inLimits(m.uringDepth, 'uringDepth'))
      return `uringDepth must be a whole number in ${rangeText('uringDepth')}`
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
    const pinned = this.pinRefusal(client, m, re)
    if (typeof pinned !== 'number') return pinned
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
    this.trials.set(id, { id, transfers, pinnedBytes: pinned })
    client.owned.add(id)
    client.pinnedBytes += pinned
    this.pinnedBytes += pinned
    const plan =
      `mode ${m.mode}, ${transfers.length} stream${transfers.length === 1 ? '' : 's'}, buffer ${m.bufferBytes} B` +
      `${m.uringDepth ? `, depth ${m.uringDepth}` : ''}, caps ${maxBytes} B / ${maxDurationMs} ms`
    this.sendResultWhenDone(client, id, transfers, maxDurationMs, hostStart, closeAll, plan)
    return { type: 'prepared', re, trial: id, streams: listeners.all.map((l) => ({ port: l.port, path: l.path })) }
  }

  /** the bytes the trial pins, or the refusal when the client's or the agent's bound would pass */
  private pinRefusal(client: Client, m: Prepare, re: number): number | Reply {
    const L = this.limits
    const pinned = pinnedBytesOf(m)
    const shape =
      m.mode === 'uring'
        ? `${m.streams ?? 1} streams × (1 read buffer + a ring of ${m.uringDepth ?? URING_DEFAULT_DEPTH}, rounded up to a power of two) × ${m.bufferBytes} bytes`
        : `${m.streams ?? 1} streams × ${m.bufferBytes} bytes`
    const fix = 'use fewer streams, a smaller uringDepth or a smaller buffer'
    if (client.pinnedBytes + pinned > L.maxSessionPinnedBytes)
      return {
        type: 'error',
        re,
        error: {
          code: 'ZC_LIMIT',
          message: `prepare: this trial would pin ${pinned} bytes of receive buffers (${shape}) and this client's trials already pin ${client.pinnedBytes}; one client may pin at most ${L.maxSessionPinnedBytes} (maxSessionPinnedBytes): ${fix}`
        }
      }
    if (this.pinnedBytes + pinned > L.maxAgentPinnedBytes)
      return {
        type: 'error',
        re,
        error: {
          // others' trials hold the rest: later it may fit
          code: pinned > L.maxAgentPinnedBytes ? 'ZC_LIMIT' : 'ZC_BUSY',
          message: `prepare: this trial would pin ${pinned} bytes of receive buffers (${shape}) and the agent's trials already pin ${this.pinnedBytes}; the agent pins at most ${L.maxAgentPinnedBytes} in all (maxAgentPinnedBytes): ${fix}, or try again when other trials end`
        }
      }
    return pinned
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
    closeListeners: () => void,
    plan: string
  ): void {
    const startMs = Date.now()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      for (const x of transfers) x.cancel()
    }, maxDurationMs)
    // an accepted data connection that sends nothing holds its buffers and the client's
    // slots: past dataIdleTimeoutMs without a byte the trial ends, not at maxDurationMs
    const idleMs = this.limits.dataIdleTimeoutMs
    let idled = false
    const seen = transfers.map(() => ({ bytes: -1, sinceMs: 0 }))
    const idleCheck = setInterval(
      () => {
        const now = Date.now()
        for (const [i, x] of transfers.entries()) {
          const p = x.progress()
          if (p.phase !== 'connected' && p.phase !== 'moving') continue
          if (p.bytes !== seen[i].bytes) seen[i] = { bytes: p.bytes, sinceMs: now }
          else if (now - seen[i].sinceMs >= idleMs && !idled) {
            idled = true
            for (const y of transfers) y.cancel()
          }
        }
      },
      Math.max(10, Math.min(1000, idleMs / 4))
    )
    const settle = (x: native.Transfer): Promise<StreamResult> =>
      x.done.then(
        (result) => ({ result: wireResult(result), error: null }),
        (e: native.NativeError) => {
          let error = errorInfo(e)
          if (timedOut && error.code === 'ZC_CANCELLED')
            error = { code: 'ZC_LIMIT', message: `the trial passed this agent's limit of ${maxDurationMs} ms` }
          else if (idled && error.code === 'ZC_CANCELLED')
            error = {
              code: 'ETIMEDOUT',
              message: `a data connection of this trial sent nothing for ${idleMs} ms (the agent's dataIdleTimeoutMs): the trial was ended`
            }
          return { result: e.partial ? wireResult(e.partial) : null, error }
        }
      )
    void Promise.all(transfers.map(settle)).then((streams) => {
      clearTimeout(timer)
      clearInterval(idleCheck)
      closeListeners()
      const pinned = this.trials.get(id)?.pinnedBytes ?? 0
      client.pinnedBytes -= pinned
      this.pinnedBytes -= pinned
      this.trials.delete(id)
      client.owned.delete(id)
      const codes = [...new Set(streams.flatMap((s) => (s.error ? [s.error.code] : [])))]
      const bytes = streams.reduce((sum, s) => sum + (s.result?.bytes ?? 0), 0)
      this.log(
        `session ${whoIs(client.sock)}: trial ${id}, ${plan} → ${codes.length ? codes.join('+') : 'ok'}, ${bytes} bytes in ${Date.now() - startMs} ms`
      )
      const result: TrialResult = { type: 'result', trial: id, streams, hostStart, hostEnd: this.hostSnapshot('end') }
      client.send(result)
    })
  }
}
