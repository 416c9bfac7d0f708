// A transport with no addon, no sockets and no agents: each method moves bytes at
// the rate its table row says, costing the CPU its row says, on a clock the test
// drives (vitest's fake timers). What the engine makes of it can be worked out by
// hand from the table, so the engine's rules are checked against arithmetic.

import { statSync } from 'node:fs'
import { ZcprofError, type ErrorInfo } from '../../src/shared/errors'
import type { MethodName } from '../../src/shared/methods'
import type { MeasuredEnvironment } from '../../src/shared/report'
import type { Target } from '../../src/shared/targets'
import type { SideTotals } from '../../src/shared/trial-summary'
import type { WireResult } from '../../src/main/agent/protocol'
import type { HostSnapshot } from '../../src/main/host/system-cpu'
import type { SenderRun, SenderSpec, StreamOutcome } from '../../src/main/engine/sender'
import type { ReceiverSnapshot } from '../../src/main/engine/trial-figures'
import type { Receiver, ReceiverSet, ReceiverTrial, Transport } from '../../src/main/engine/transport'

/** one method's behaviour */
export interface FakeMethod {
  /** each stream's steady rate */
  bytesPerSec: number
  /** CPU time per byte, each side */
  senderNsPerByte: number
  receiverNsPerByte: number
  /** io_uring's own threads (its SQ poller, its workers) per byte */
  threadNsPerByte?: number
  /** snapshots read those threads live, as this addon does; else only the end has them, as older agents' did */
  threadsLive?: boolean
  /** the most one call may move, whatever the chunk (a splice's pipe size) */
  maxCallBytes?: number
  /** a timed trial's first rampMs go at rampShare of the steady rate (a TCP slow start) */
  rampMs?: number
  rampShare?: number
  /** the sender's CPU per byte of this method's k-th trial is senderNsPerByte × jitter[k mod length]: planted noise */
  jitter?: number[]
}

/** what happens to one trial, by its index in the plan */
export interface TrialFault {
  /** cores of other processes busy during the trial */
  otherCores?: number
  /** the sender fails when this share of the trial has been sent */
  senderFails?: { atShare: number; error: ErrorInfo }
  /** the agent goes away: the trial's result never comes */
  agentGone?: boolean
  /** the receiver's checksum differs from the file's */
  corrupt?: boolean
}

export interface FakeOptions {
  methods: Partial<Record<MethodName, FakeMethod>>
  faults?: Record<number, TrialFault>
  /** a method the kernel refuses, at its first trial */
  unsupported?: MethodName[]
  clockHz?: number
  cores?: number
  /** the host snapshots do not read other processes' CPU (an agent before 0.4) */
  othersUnread?: boolean
  /** each started trial, in order (what the engine asked for) */
  log?: { method: MethodName; streams: number; bound: SenderSpec['bound']['kind']; file: string }[]
}

export const FAKE_CLOCK_HZ = 2e9
export const FAKE_FILE_CRC = 0x1234abcd

type Shape = { startNs: number; bytesPerSec: number; rampShare: number; rampNs: number }

function environment(o: FakeOptions): MeasuredEnvironment {
  return {
    hostname: 'fake-host',
    cpuModel: 'fake CPU',
    cpuCores: o.cores ?? 16,
    cpuPhysicalCores: o.cores ?? 16,
    cpuClockHz: o.clockHz ?? FAKE_CLOCK_HZ,
    memoryBytes: 16 * 1024 ** 3,
    os: 'fake',
    kernel: '6.0.0-fake',
    arch: 'x64',
    nodeVersion: process.version,
    virtualized: false,
    pmu: { available: false, reason: 'a fake transport counts nothing', perfEventParanoid: null },
    nics: []
  }
}

function totals(cpuNs: number, uringThreadsNs: number | null = null): SideTotals {
  const t: SideTotals = {
    scope: 'thread',
    cpuNs: cpuNs + (uringThreadsNs ?? 0),
    cycles: null,
    instructions: null,
    contextSwitches: 0,
    contextSwitchesVoluntary: 0,
    contextSwitchesInvoluntary: 0,
    pageFaults: 0,
    syscalls: { write: 0 },
    sources: { taskClock: 'fake', contextSwitches: 'fake', pageFaults: 'fake', syscalls: 'fake' }
  }
  if (uringThreadsNs !== null) t.sources.uringThreads = 'fake'
  return t
}

/** one stream's bytes by a time: ramp share of the rate until the ramp's end, then all of it */
function bytesAt(t: number, s: Shape): number {
  const dt = Math.max(0, t - s.startNs)
  const ramp = Math.min(dt, s.rampNs)
  return Math.floor(((ramp * s.rampShare + (dt - ramp)) * s.bytesPerSec) / 1e9)
}

/** when a stream of `bytes` ends */
function endAt(bytes: number, s: Shape): number {
  const rampBytes = (s.rampNs * s.rampShare * s.bytesPerSec) / 1e9
  if (bytes <= rampBytes) return s.startNs + Math.ceil((bytes * 1e9) / (s.bytesPerSec * s.rampShare))
  return s.startNs + s.rampNs + Math.ceil(((bytes - rampBytes) * 1e9) / s.bytesPerSec)
}

/** the trial now running: what its receiver has, at any time */
interface Running {
  fault: TrialFault
  /** each stream's bytes delivered by time t (null until the sender starts) */
  bytesAt: ((t: number) => number[]) | null
  /** when the sending stopped: its end, its failure or its cancel */
  stoppedNs: () => number
  lastByteNs: (i: number) => number
  row: FakeMethod | null
}

export function fakeTransport(o: FakeOptions): Transport {
  // CLOCK_MONOTONIC counts from boot: small enough for whole nanoseconds in a double
  const epochMs = Date.now()
  const nowNs = () => (Date.now() - epochMs) * 1e6 + 1e9
  const cores = o.cores ?? 16
  // the host's CPU: ours (the sender), the agent's, and other processes', integrated over time
  let lastNs = nowNs()
  const cpu = { own: 0, agent: 0, other: 0 }
  let rates = { own: 0, agent: 0 }
  /** other processes' load: the whole of a trial, set when its receivers are prepared */
  let otherCores = 0
  /** the sending's CPU stops when the sending does, not when a timer notices */
  let busyUntil = () => Number.POSITIVE_INFINITY
  const advance = () => {
    const now = nowNs()
    const busyEnd = Math.max(lastNs, Math.min(now, busyUntil()))
    cpu.own += (busyEnd - lastNs) * rates.own
    cpu.agent += (busyEnd - lastNs) * rates.agent
    cpu.other += (now - lastNs) * otherCores
    if (now >= busyUntil()) {
      rates = { own: 0, agent: 0 }
      busyUntil = () => Number.POSITIVE_INFINITY
    }
    lastNs = now
  }
  const host = (whose: 'own' | 'agent'): HostSnapshot => {
    advance()
    return {
      atNs: nowNs(),
      busyNs: cpu.own + cpu.agent + cpu.other,
      totalNs: nowNs() * cores,
      processCpuNs: cpu[whose],
      // the planted load is other processes': what /proc/PID/stat would show of them
      ...(o.othersUnread ? {} : { othersCpuNs: cpu.other }),
      perCpu: [],
      netRx: {},
      netTx: {}
    }
  }
  let current: Running | null = null
  /** trials each method has started: which of its jitter applies next */
  const trialsOf: Partial<Record<MethodName, number>> = {}

  const transport: Transport = {
    nowNs,
    threadCpuNs: () => 0,
    allowedCpus: () => Array.from({ length: cores }, (_, i) => i),
    cpuCores: () => Array.from({ length: cores }, (_, i) => ({ cpu: i, packageId: 0, coreId: i })),
    hostSnapshot: (_edge, _ours) => host('own'),
    systemCpu: () => {
      advance()
      return { busyNs: cpu.own + cpu.agent + cpu.other, totalNs: nowNs() * cores }
    },
    environment: async () => environment(o),
    setPageCache: async () => undefined,
    fileCrc32c: async () => FAKE_FILE_CRC,

    startSender(spec: SenderSpec): SenderRun {
      const planted = o.methods[spec.method]
      if (!planted) throw new Error(`fake transport: no row for ${spec.method}`)
      // this method's k-th trial costs its row's CPU × jitter[k]: noise the test knows
      const k = (trialsOf[spec.method] = (trialsOf[spec.method] ?? -1) + 1)
      const row = planted.jitter
        ? { ...planted, senderNsPerByte: planted.senderNsPerByte * planted.jitter[k % planted.jitter.length] }
        : planted
      const run = current!
      o.log?.push({ method: spec.method, streams: spec.addresses.length, bound: spec.bound.kind, file: spec.file })
      if (o.unsupported?.includes(spec.method)) {
        // as the kernel's EINVAL reaches the engine: the sender fails before a byte
        const error = new ZcprofError({ code: 'ZC_UNSUPPORTED', message: `${spec.method} is not supported here` })
        return {
          snapshot: () => ({ firstByteNs: 0, bytes: 0, streamBytes: [], totals: null, streamTotals: [] }),
          done: Promise.reject(error),
          cancel: () => undefined
        }
      }
      const fault = run.fault
      const startNs = nowNs()
      const fileBytes = statSync(spec.file).size
      const b = spec.bound
      const rampNs = b.kind === 'duration' ? (row.rampMs ?? 0) * 1e6 : 0
      const streams = spec.addresses.map((_, i) => {
        const shape: Shape = { startNs, bytesPerSec: row.bytesPerSec, rampShare: row.rampShare ?? 1, rampNs }
        if (b.kind === 'duration') {
          const end = startNs + b.durationMs * 1e6
          return { shape, total: bytesAt(end, shape), end }
        }
        const total = b.kind === 'file' ? fileBytes : b.streamBytes[i]
        return { shape, total, end: endAt(total, shape) }
      })
      const endNs = Math.max(...streams.map((s) => s.end))
      const failNs = fault.senderFails ? startNs + (endNs - startNs) * fault.senderFails.atShare : null
      let cancelledNs: number | null = null
      const stoppedNs = () => cancelledNs ?? failNs ?? endNs
      const sentBy = (t: number) =>
        streams.map((s) => Math.min(s.total, bytesAt(Math.min(t, stoppedNs(), s.end), s.shape)))
      const lastByteNs = (i: number) => Math.min(stoppedNs(), streams[i].end)
      run.bytesAt = sentBy
      run.stoppedNs = stoppedNs
      run.lastByteNs = lastByteNs
      run.row = row
      advance()
      busyUntil = stoppedNs
      rates = {
        own: (streams.length * row.bytesPerSec * (row.senderNsPerByte + (row.threadNsPerByte ?? 0))) / 1e9,
        agent: (streams.length * row.bytesPerSec * row.receiverNsPerByte) / 1e9
      }
      let finish!: () => void
      const stopped = new Promise<void>((resolve) => (finish = resolve))
      const timer = setTimeout(finish, Math.ceil((stoppedNs() - startNs) / 1e6))
      const error = (): ErrorInfo | null =>
        cancelledNs !== null
          ? { code: 'ZC_CANCELLED', message: 'the transfer was cancelled' }
          : failNs !== null
            ? fault.senderFails!.error
            : null
      const live = row.threadsLive && row.threadNsPerByte !== undefined ? row.threadNsPerByte : null
      const snapshotTotals = (bytes: number[]) =>
        bytes.map((x) => totals(x * row.senderNsPerByte, live === null ? null : x * live))
      return {
        snapshot: () => {
          const sent = sentBy(nowNs())
          return {
            firstByteNs: startNs,
            bytes: sum(sent),
            streamBytes: sent,
            totals: totals(sum(sent) * row.senderNsPerByte, live === null ? null : sum(sent) * live),
            streamTotals: snapshotTotals(sent)
          }
        },
        done: stopped.then(() => {
          advance()
          const sent = sentBy(stoppedNs())
          const out: StreamOutcome[] = sent.map((bytes, i) => ({
            bytes,
            firstByteNs: startNs,
            lastByteNs: lastByteNs(i),
            confirmedNs: lastByteNs(i),
            // as sender.ts does: the ring's threads join the final totals
            totals: totals(
              bytes * row.senderNsPerByte,
              row.threadNsPerByte === undefined ? null : bytes * row.threadNsPerByte
            ),
            zeroCopy: null,
            tcpInfo: null,
            localPort: 40000 + i,
            thread: null,
            effectiveChunkBytes: Math.min(spec.chunkBytes, row.maxCallBytes ?? spec.chunkBytes),
            uring:
              row.threadNsPerByte === undefined
                ? null
                : { sqes: 0, sqpollCpuNs: 0, workerCpuNs: bytes * row.threadNsPerByte },
            gpu: null,
            error: error()
          }))
          return {
            streams: out,
            totals: totals(
              sum(sent) * row.senderNsPerByte,
              row.threadNsPerByte === undefined ? null : sum(sent) * row.threadNsPerByte
            ),
            error: error()
          }
        }),
        cancel: () => {
          if (cancelledNs !== null || nowNs() >= endNs) return
          cancelledNs = nowNs()
          clearTimeout(timer)
          finish()
        }
      }
    },

    receivers(): ReceiverSet {
      const receiver: Receiver = {
        ours: true,
        sameHost: true,
        environment: environment(o),
        cpus: transport.allowedCpus(),
        pid: null,
        gpu: null,
        prepareTrial: async (req): Promise<ReceiverTrial> => {
          const run: Running = {
            fault: o.faults?.[req.index] ?? {},
            bytesAt: null,
            stoppedNs: () => 0,
            lastByteNs: () => 0,
            row: null
          }
          current = run
          advance()
          otherCores = run.fault.otherCores ?? 0
          const hostStart = host('agent')
          const received = (t: number) => run.bytesAt?.(t) ?? Array.from({ length: req.streams }, () => 0)
          return {
            addresses: Array.from({ length: req.streams }, (_, i) => ({
              family: 'inet' as const,
              host: '127.0.0.1',
              port: 40000 + i
            })),
            sample: async (detail): Promise<ReceiverSnapshot> => {
              const bytes = received(nowNs())
              const streamTotals = bytes.map((x) => totals(x * (run.row?.receiverNsPerByte ?? 0)))
              return {
                bytes: sum(bytes),
                streamBytes: bytes,
                totals: totals(sum(bytes) * (run.row?.receiverNsPerByte ?? 0)),
                streamTotals,
                host: detail ? host('agent') : null,
                busyNs: 0
              }
            },
            cancel: () => undefined,
            result: async () => {
              if (run.fault.agentGone)
                throw new ZcprofError({
                  code: 'ZC_AGENT_GONE',
                  message: 'the agent at fake closed the control connection'
                })
              const streams = received(run.stoppedNs()).map((bytes, i) => ({
                result: wireResult(bytes, run, i),
                error: null
              }))
              return { streams, hostStart, hostEnd: host('agent') }
            }
          }
        }
      }
      return {
        prepare: () => undefined,
        for: async (t: Target) =>
          t.kind === 'raw' ? { ...receiver, ours: false, sameHost: false, environment: null, cpus: null } : receiver,
        close: async () => undefined
      }
    }
  }
  return transport
}

const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0)

function wireResult(bytes: number, run: Running, i: number): WireResult {
  const row = run.row!
  const end = run.lastByteNs(i)
  return {
    phase: 'done',
    bytes,
    syscalls: { read: 0 },
    syscallsTotal: 0,
    zeroCopySends: 0,
    zeroCopyCompleted: 0,
    zeroCopyCopied: 0,
    startNs: 0,
    firstByteNs: 1,
    lastByteNs: end,
    fileBytes: 0,
    confirmedNs: end,
    peerConfirmed: true,
    crc32c: run.fault.corrupt ? FAKE_FILE_CRC ^ 1 : FAKE_FILE_CRC,
    effectiveChunkBytes: 0,
    localPort: 0,
    peerPort: 40000 + i,
    cpusSeen: [],
    cpuMigrations: 0,
    counters: {
      taskClockNs: bytes * row.receiverNsPerByte,
      contextSwitches: 0,
      contextSwitchesVoluntary: 0,
      contextSwitchesInvoluntary: 0,
      pageFaults: 0,
      pageFaultsMinor: 0,
      pageFaultsMajor: 0,
      tid: 1000 + i,
      sources: { cycles: 'estimate', taskClock: 'fake', contextSwitches: 'fake', pageFaults: 'fake', split: 'fake' }
    }
  }
}
