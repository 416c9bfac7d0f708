// The agent control protocol: length-prefixed JSON frames (u32 big-endian + UTF-8),
// versioned, bounded in size. Data travels on its own connections.

import type { ReceiverMode } from '../../shared/methods'
import type { Environment } from '../../shared/report'
import type { ErrorInfo } from '../../shared/errors'
import type { NativeCounters, NativeProgress, NativeResult } from '../../native'
import type { HostSnapshot } from '../host/system-cpu'

/**
 * 2: trials with several streams (one listener and receiver thread each), receiver
 * CPU pinning, host snapshots (per-CPU busy and softirq time) in detailed samples
 * and results. A peer on another version is refused at hello with both named.
 */
export const PROTOCOL_VERSION = 2
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
  token?: string
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
  progress: NativeProgress | null
  counters: NativeCounters | null
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
export interface StreamResult {
  result: NativeResult | null
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
export interface ErrorReply {
  type: 'error'
  error: ErrorInfo
}

export type Request = (Hello | Prepare | SampleRequest | Cancel) & { seq: number }
export type Reply = (HelloReply | Prepared | SampleReply | ErrorReply | { type: 'ok' }) & { re: number }
export type Message = Request | Reply | TrialResult

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
