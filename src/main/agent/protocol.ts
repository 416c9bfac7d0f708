// The agent control protocol: length-prefixed JSON frames (u32 big-endian + UTF-8),
// versioned, bounded in size. Data travels on its own connections.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { ReceiverMode } from '../../shared/methods'
import type { Environment, TcpInfo } from '../../shared/report'
import type { ErrorInfo } from '../../shared/errors'
import type { HostSnapshot } from '../host/system-cpu'
import type { NativeGpuResult } from '../../native'

/**
 * 4: send: a fleet runner asks the agent to run a plan as the sender against other
 * agents (agent-sender.ts), with its progress and report pushed back; maxSendJobs in
 * the limits. 3: the token never travels: a challenge–response at hello (HMAC-SHA256 of both
 * nonces, each side proving it holds the token). 2: several streams, receiver CPU
 * pinning, host snapshots. A peer on another version is refused at hello with both named.
 */
export const PROTOCOL_VERSION = 4
/** the longest an agent delays a refused proof: a client waits this much longer for the answer to its auth */
export const AUTH_DELAY_MAX_MS = 8000
/** what an agent reads before the client has proven itself: room for a hello, no more */
export const PRE_AUTH_MAX_FRAME_BYTES = 4096
/** requests after hello; replies (which carry environments) may use MAX_FRAME_BYTES */
export const REQUEST_MAX_FRAME_BYTES = 64 * 1024

/** Where a control connection goes: TCP for other hosts, a unix socket for a local agent. */
export type ControlAddress = { host: string; port: number } | { path: string }

export function describeAddress(a: ControlAddress): string {
  if ('path' in a) return `unix:${a.path}`
  return `${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`
}
export const MAX_FRAME_BYTES = 1 << 20

export interface Hello {
  type: 'hello'
  version: number
  /** the client's fresh random nonce (base64url); an agent with a token challenges it */
  nonce?: string
}
/** An agent with a token answers hello with its own nonce; the client proves itself with auth. */
export interface Challenge {
  type: 'challenge'
  version: number
  nonce: string
}
export interface Auth {
  type: 'auth'
  /** authProof(token, 'client', …): the token itself never travels */
  proof?: string
}
/** nonces are 32 random bytes as base64url; what an agent accepts of a client's */
export const NONCE_BYTES = 32
export const isNonce = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{22,86}$/.test(v)
export const newNonce = (): string => randomBytes(NONCE_BYTES).toString('base64url')

/**
 * What proves the token: HMAC-SHA256 keyed by it over a role label and both nonces.
 * The role labels differ, so an agent's proof can never be replayed as a client's.
 */
export function authProof(token: string, role: 'client' | 'agent', clientNonce: string, agentNonce: string): string {
  return createHmac('sha256', token)
    .update(`zcprof-v3-${role}\0${clientNonce}\0${agentNonce}`, 'utf8')
    .digest('base64url')
}

/** constant time whatever the lengths or types: compares fixed-size digests */
export function proofMatches(expected: string, given: unknown): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()
  const ok = timingSafeEqual(digest(expected), digest(typeof given === 'string' ? given : ''))
  return ok && typeof given === 'string'
}
export interface AgentLimits {
  maxTrials: number
  maxClients: number
  maxTrialBytes: number
  maxTrialDurationMs: number
  maxBufferBytes: number
  /** trials one client may hold at once, so one client cannot take every slot */
  maxTrialsPerClient: number
  /** a client with no trial that sends nothing this long is dropped */
  idleTimeoutMs: number
  /**
   * receive buffers one client's live trials may pin, all streams together: per stream
   * bufferBytes, × (1 + the ring's buffers, uringDepth rounded up to a power of two) for uring
   */
  maxSessionPinnedBytes: number
  /** the same, summed over every client of the agent */
  maxAgentPinnedBytes: number
  /** an accepted data connection that sends nothing this long ends its trial (ETIMEDOUT) */
  dataIdleTimeoutMs: number
  /** send jobs (this agent as the sender of a fleet pair) at once, all clients together; 0: none */
  maxSendJobs: number
  /**
   * the generated test files one send job may write, its plan's sizes together: they are
   * kept in the agent's cache, whose disk (a pod's emptyDir) may be far smaller than statfs says
   */
  maxSendFileBytes: number
}
export interface HelloReply {
  type: 'hello'
  version: number
  tool: { name: 'zcprof'; version: string }
  /** receiver modes and address families this agent's kernel and socket support */
  receiverModes: ReceiverMode[]
  families: string[]
  limits: AgentLimits
  environment: Environment | null
  /** the CPUs receiver threads may be pinned to (this agent's sched_getaffinity) */
  cpus: number[]
  /** after a challenge: authProof(token, 'agent', …), so the client knows it reached its agent */
  proof?: string
}
export interface Prepare {
  type: 'prepare'
  family: 'inet' | 'inet6' | 'unix'
  host?: string
  port?: number
  path?: string
  mode: ReceiverMode
  bufferBytes: number
  checksum: boolean
  acceptTimeoutMs: number
  pmu: 'auto' | 'off'
  /** per stream: it ends with ZC_LIMIT past these; the agent caps both with its own limits */
  maxBytes?: number
  maxDurationMs?: number
  /** data connections, each with its own listener and receiver thread (1 when absent) */
  streams?: number
  /** stream i's receiver thread is pinned to cpus[i mod length] */
  cpus?: number[]
  /** mode uring: provided buffers per stream */
  uringDepth?: number
  /** the gpu-* modes: the CUDA device whose memory receives (0 when absent) */
  gpuDevice?: number
}
/** Where each stream connects: stream i to streams[i]. */
export interface Prepared {
  type: 'prepared'
  trial: number
  streams: { port: number; path: string | null }[]
}
export interface SampleRequest {
  type: 'sample'
  trial: number
  /** also the agent host's snapshot (per-CPU times, its own CPU): for a trial's ramp mark */
  detail?: boolean
}
export interface StreamProgress {
  progress: WireProgress | null
  counters: WireCounters | null
}
export interface SampleReply {
  type: 'sample'
  trial: number
  streams: StreamProgress[]
  host: HostSnapshot | null
  /** CPU time the agent spent answering, so the sampler's cost counts both sides */
  busyNs: number
}
export interface Cancel {
  type: 'cancel'
  trial: number
}
export interface Ok {
  type: 'ok'
}
export interface StreamResult {
  result: WireResult | null
  error: ErrorInfo | null
}
/** Unsolicited, when every receiver of a trial has finished or failed. */
export interface TrialResult {
  type: 'result'
  trial: number
  streams: StreamResult[]
  /** the agent host at prepare and at the end: its CPUs, and the agent process's own CPU */
  hostStart: HostSnapshot
  hostEnd: HostSnapshot
}
/**
 * Run this plan with this agent as the sender (a fleet pair's sending side). Every
 * target must be agent://, reached with this agent's own token; the plan names no file
 * (the agent sends a generated one). The job ends with the connection that asked.
 */
export interface SendRequest {
  type: 'send'
  plan: unknown
  /** measure the machine reference at the run's ends (zcprof run's default) */
  reference?: boolean
}
export interface Sending {
  type: 'sending'
  /** the job's number, which its pushed messages carry */
  job: number
}
/** Unsolicited, after each trial of a send job: how far it is. */
export interface SendProgress {
  type: 'send-progress'
  job: number
  done: number
  total: number
  /** the trial that just ended, in a few words (method, round) */
  what: string
}
/**
 * Unsolicited: one piece of the finished report's JSON (UTF-8, base64), in order. A
 * report can be larger than a frame: it comes in SEND_REPORT_PART_BYTES pieces, at most
 * MAX_REPORT_BYTES in all.
 */
export interface SendReportPart {
  type: 'send-report'
  job: number
  part: number
  parts: number
  data: string
}
/** Unsolicited, last: the job is over; error when it ended without a report. */
export interface SendEnd {
  type: 'send-end'
  job: number
  error: ErrorInfo | null
}
/** the report's bytes per send-report frame: base64 of it (4/3) stays well under MAX_FRAME_BYTES */
export const SEND_REPORT_PART_BYTES = 512 * 1024
/** what an agent pushes without a request */
export type Push = TrialResult | SendProgress | SendReportPart | SendEnd

export interface ErrorReply {
  type: 'error'
  error: ErrorInfo
}

/**
 * Every call a client may make, and what answers it: the one table both ends are
 * typed from. A reply of another type than this (an error apart) is a protocol error.
 */
export interface Calls {
  hello: { request: Hello; reply: HelloReply | Challenge }
  auth: { request: Auth; reply: HelloReply }
  prepare: { request: Prepare; reply: Prepared }
  sample: { request: SampleRequest; reply: SampleReply }
  cancel: { request: Cancel; reply: Ok }
  send: { request: SendRequest; reply: Sending }
}
export type CallName = keyof Calls
export type CallRequest = Calls[CallName]['request']
/** the reply a request gets: hello → hello or challenge, auth → hello, prepare → prepared, … */
export type ReplyTo<R extends CallRequest> = Calls[R['type']]['reply']
/** the types of reply each call accepts, checked when the reply arrives */
export const REPLY_TYPE: { [K in CallName]: readonly Calls[K]['reply']['type'][] } = {
  hello: ['hello', 'challenge'],
  auth: ['hello'],
  prepare: ['prepared'],
  sample: ['sample'],
  cancel: ['ok'],
  send: ['sending']
}

export type Request = CallRequest & { seq: number }
export type Reply = (Calls[CallName]['reply'] | ErrorReply) & { re: number }
export type Message = Request | Reply | Push

// What a receiver reports, as it travels. These are the protocol's own shapes,
// written field by field from the addon's (agent/wire.ts): renaming a field in the
// addon cannot change the wire without a change here, and a version bump with it.

/** a receiver thread's counters; the splits are filled in a detailed sample and a result */
export interface WireCounters {
  /** only when the PMU counted them */
  cycles?: number
  instructions?: number
  taskClockNs: number
  contextSwitches: number
  contextSwitchesVoluntary: number
  contextSwitchesInvoluntary: number
  pageFaults: number
  pageFaultsMinor: number
  pageFaultsMajor: number
  tid: number
  /** where each figure came from (perf-software, procfs, …) */
  sources: { cycles: string; taskClock: string; contextSwitches: string; pageFaults: string; split: string }
  pmuReason?: string
  pmuErrno?: number
}

/** a receiver's progress now; times are the agent host's CLOCK_MONOTONIC ns */
export interface WireProgress {
  phase: 'starting' | 'connected' | 'moving' | 'done'
  bytes: number
  /** calls by name (read, splice, recvmsg, …) */
  syscalls: Record<string, number>
  syscallsTotal: number
  zeroCopySends: number
  zeroCopyCompleted: number
  zeroCopyCopied: number
  /** the mapped receiver: bytes the kernel mapped (TCP_ZEROCOPY_RECEIVE) and bytes read
   * with recv instead; absent for other modes (and from agents before it) */
  receiveMappedBytes?: number
  receiveCopiedBytes?: number
  /** SQEs handed to io_uring; absent from agents before io_uring */
  uringSqes?: number
  uringSqpollTid?: number
  /** CPU of io_uring's own threads so far (SQ poller, workers), live; only where a ring
   * was set up, and absent from agents before it */
  uringThreadsCpuNs?: number
  startNs: number
  firstByteNs: number
  lastByteNs: number
}

/** a receiver's totals at its end, also after a failure (what it received before it) */
export interface WireResult extends WireProgress {
  fileBytes: number
  confirmedNs: number
  peerConfirmed: boolean
  crc32c: number
  effectiveChunkBytes: number
  /** CPU of the ring's SQ polling thread (SQPOLL); absent from agents before io_uring */
  uringSqpollCpuNs?: number
  /** CPU of io_uring's worker threads for it; absent from agents before io_uring */
  uringWorkerCpuNs?: number
  localPort: number
  /** the port of the data connection it accepted: the sender's local port */
  peerPort: number
  cpusSeen: number[]
  cpuMigrations: number
  affinityEnd?: number[]
  pinnedCpus?: number[]
  counters: WireCounters
  tcpInfo?: TcpInfo
  /** the gpu-* modes: what landed in GPU memory; absent for other modes */
  gpu?: NativeGpuResult
}

export function encodeFrame(msg: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(msg), 'utf8')
  if (body.length > MAX_FRAME_BYTES)
    throw new RangeError(`control message of ${body.length} bytes exceeds ${MAX_FRAME_BYTES}`)
  const head = Buffer.allocUnsafe(4)
  head.writeUInt32BE(body.length, 0)
  return Buffer.concat([head, body])
}

export class FrameError extends Error {
  readonly code = 'ZC_PROTOCOL'
}

/** A frame that arrived whole but does not hold a message: the stream is still in step. */
export class BadMessage {
  constructor(readonly reason: string) {}
}

/**
 * Splits a byte stream into JSON messages, one at a time, so that the size limit
 * can change between frames (it grows after a hello). A body that is not a message
 * object comes out as a BadMessage (answer it, carry on); a length over the limit
 * throws FrameError, since the stream cannot be trusted after it.
 */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0)

  constructor(public maxFrameBytes = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk
  }

  /** the next whole frame, or null until more bytes arrive */
  next(): Record<string, unknown> | BadMessage | null {
    if (this.buf.length < 4) return null
    const len = this.buf.readUInt32BE(0)
    if (len > this.maxFrameBytes) {
      throw new FrameError(`frame of ${len} bytes exceeds the ${this.maxFrameBytes}-byte limit`)
    }
    if (this.buf.length < 4 + len) return null
    const body = this.buf.subarray(4, 4 + len).toString('utf8')
    this.buf = this.buf.subarray(4 + len)
    return parseMessage(body)
  }
}

function parseMessage(body: string): Record<string, unknown> | BadMessage {
  let msg: unknown
  try {
    msg = JSON.parse(body)
  } catch {
    return new BadMessage('frame is not valid JSON')
  }
  if (
    typeof msg !== 'object' ||
    msg === null ||
    Array.isArray(msg) ||
    typeof (msg as { type?: unknown }).type !== 'string'
  ) {
    return new BadMessage('frame is not a message object with a string type')
  }
  return msg as Record<string, unknown>
}
