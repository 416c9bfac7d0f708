// One interface over the two kinds of sender: native loops, one thread per stream,
// or the node-stream baseline on the JS thread with process-level counters.

import { createReadStream, statSync } from 'node:fs'
import net from 'node:net'
import * as native from '../../native'
import { METHOD_INFO, type GpuMethod, type MethodName, type NativeMethod } from '../../shared/methods'
import { cpuForStream } from '../../shared/plan-rules'
import type { TcpInfo, ThreadPlacement } from '../../shared/report'
import type { ErrorInfo } from '../../shared/errors'
import { diffTotals, sumTotals, threadPlacement, type SideTotals } from '../../shared/trial-summary'
import { explainError } from './explain-error'

/** What one stream's sender measured. */
export interface StreamOutcome {
  bytes: number
  firstByteNs: number
  lastByteNs: number
  /** receiver closed after our EOF: last byte confirmed, on the same clock */
  confirmedNs: number | null
  /** null for node-stream: its counters are the process's, no one stream's */
  totals: SideTotals | null
  zeroCopy: { sends: number; completed: number; copied: number } | null
  tcpInfo: TcpInfo | null
  /** the data connection's local port (TCP): its receiver's peer port */
  localPort: number | null
  /** null for node-stream, which runs on the JS thread */
  thread: ThreadPlacement | null
  /** the most one call moved: the chunk, or the kernel's cap (a splice's pipe); null for node-stream */
  effectiveChunkBytes: number | null
  /** the io_uring methods: SQEs handed to the ring, and its SQ polling and worker threads' CPU (in totals too) */
  uring: { sqes: number; sqpollCpuNs: number; workerCpuNs: number } | null
  /** the gpu-* methods: the GPU's clock, pinning, CUDA calls, and the device buffer's crc32c when verified */
  gpu: (native.NativeGpuResult & { crc32c: number; calls: number }) | null
  error: ErrorInfo | null
}

export interface SenderOutcome {
  streams: StreamOutcome[]
  /** all streams together: their threads' counters summed, or the process's (node-stream) */
  totals: SideTotals
  /** the first failure that is not a cancel caused by another stream's */
  error: ErrorInfo | null
}

/** Cumulative, at one instant: bytes and counters, each stream and all together. */
export interface SenderSnapshot {
  /** the earliest stream's first send (CLOCK_MONOTONIC ns); 0 before any has sent */
  firstByteNs: number
  bytes: number
  streamBytes: number[]
  totals: SideTotals | null
  /** null for a stream whose thread has not started, or has been joined */
  streamTotals: (SideTotals | null)[]
}

export interface SenderRun {
  /**
   * live and cheap: split false skips the voluntary/involuntary and minor/major splits
   * where perf gives the totals (a ramp mark asks for them)
   */
  snapshot(split?: boolean): SenderSnapshot
  done: Promise<SenderOutcome>
  cancel(): void
}

/** How long each stream sends. */
export type SendBound =
  | { kind: 'file' }
  | { kind: 'bytes'; streamBytes: number[] }
  | { kind: 'duration'; durationMs: number }

export interface SenderSpec {
  method: MethodName
  /** where the file is read from (a held descriptor's /proc/self/fd link) */
  file: string
  /** the file as the user named it, for messages; file when absent */
  fileName?: string
  chunkBytes: number
  /** one per stream */
  addresses: native.NativeAddress[]
  targetText: string
  pmu: 'auto' | 'off'
  bound: SendBound
  /** stream i's thread is pinned to cpus[i mod length]; null: not pinned */
  cpus: number[] | null
  /** how long to wait for the receiver's close after our EOF */
  confirmTimeoutMs?: number
  /** the io_uring methods' ring */
  uring?: { depth: number; sqpoll: boolean }
  /** the gpu-* methods: the device (there are no addresses), how to wait for it, and whether to copy back and checksum */
  gpu?: { device: number; spin: boolean; verify: boolean }
}

/** a thread's counters as the addon gives them, or as an agent sent them (protocol.ts's WireCounters) */
type CounterReading = Pick<
  native.NativeCounters,
  | 'taskClockNs'
  | 'cycles'
  | 'instructions'
  | 'contextSwitches'
  | 'contextSwitchesVoluntary'
  | 'contextSwitchesInvoluntary'
  | 'pageFaults'
  | 'sources'
>

/** what a reading says of io_uring's own threads: live in a progress snapshot, as
 * recorded in a result; an agent before live readings gave only the recorded pair */
export interface UringThreadsReading {
  uringThreadsCpuNs?: number
  uringSqpollCpuNs?: number
  uringWorkerCpuNs?: number
}

/** CPU of io_uring's own threads for one transfer: its SQ poller and its workers; null when the reading has none */
export function uringThreadsCpuNs(r: UringThreadsReading): number | null {
  if (r.uringThreadsCpuNs !== undefined) return r.uringThreadsCpuNs
  if (r.uringSqpollCpuNs === undefined && r.uringWorkerCpuNs === undefined) return null
  return (r.uringSqpollCpuNs ?? 0) + (r.uringWorkerCpuNs ?? 0)
}

/**
 * A native transfer's totals. io_uring's own threads work for the transfer that owns
 * the ring (the SQ polling thread, and the workers that do what could not be done
 * inline, a splice): their CPU joins the loop thread's, and the sources say so (an
 * estimate of cycles then covers them). `p` is the progress or result read beside `c`.
 */
export function nativeTotals(
  c: CounterReading,
  p: { syscalls: Record<string, number> | null } & UringThreadsReading
): SideTotals {
  const uringNs = uringThreadsCpuNs(p)
  return {
    scope: 'thread',
    cpuNs: c.taskClockNs + (uringNs ?? 0),
    cycles: c.cycles ?? null,
    instructions: c.instructions ?? null,
    contextSwitches: c.contextSwitches,
    contextSwitchesVoluntary: c.contextSwitchesVoluntary,
    contextSwitchesInvoluntary: c.contextSwitchesInvoluntary,
    pageFaults: c.pageFaults,
    syscalls: p.syscalls,
    sources: {
      taskClock: c.sources.taskClock,
      contextSwitches: c.sources.contextSwitches,
      pageFaults: c.sources.pageFaults,
      contextSwitchSplit: c.sources.split,
      syscalls: 'counted-by-loop',
      ...(uringNs !== null && { uringThreads: 'procfs-schedstat of iou-sqp/iou-wrk, added to taskClock' })
    }
  }
}

/** where a native transfer's thread ran, as the report says it */
export function placementOf(
  r: Pick<native.NativeResult, 'cpusSeen' | 'cpuMigrations' | 'affinityEnd' | 'pinnedCpus'> & {
    counters: { tid: number }
  }
): ThreadPlacement {
  return threadPlacement(r.counters.tid, r.pinnedCpus ?? null, r.cpusSeen, r.cpuMigrations, r.affinityEnd ?? null)
}

type NativeSpec = SenderSpec & { method: NativeMethod | GpuMethod }

function nativeStream(spec: NativeSpec, i: number) {
  const requested = cpuForStream(spec.cpus, i)
  const b = spec.bound
  const common = {
    file: spec.file,
    chunkBytes: spec.chunkBytes,
    pmu: spec.pmu,
    loop: b.kind !== 'file',
    limitBytes: b.kind === 'bytes' ? b.streamBytes[i] : undefined,
    durationMs: b.kind === 'duration' ? b.durationMs : undefined,
    cpus: requested ?? undefined
  }
  const t = native.startSender(
    isGpuSpec(spec)
      ? {
          ...common,
          method: spec.method,
          gpuDevice: spec.gpu.device,
          gpuSpin: spec.gpu.spin,
          gpuVerify: spec.gpu.verify
        }
      : {
          ...common,
          method: spec.method as NativeMethod,
          target: spec.addresses[i],
          confirmTimeoutMs: spec.confirmTimeoutMs,
          uringDepth: spec.uring?.depth,
          uringSqpoll: spec.uring?.sqpoll
        }
  )
  const info = METHOD_INFO[spec.method]
  const outcome = (r: native.NativeResult, error: ErrorInfo | null): StreamOutcome => ({
    bytes: r.bytes,
    firstByteNs: r.firstByteNs,
    lastByteNs: r.lastByteNs,
    // a GPU's last byte is confirmed by the event the loop waited for
    confirmedNs: r.gpu ? r.lastByteNs : r.peerConfirmed ? r.confirmedNs : null,
    totals: nativeTotals(r.counters, r),
    zeroCopy: info.zeroCopyNotifications
      ? { sends: r.zeroCopySends, completed: r.zeroCopyCompleted, copied: r.zeroCopyCopied }
      : null,
    tcpInfo: r.tcpInfo ?? null,
    localPort: r.localPort || null,
    thread: placementOf(r),
    effectiveChunkBytes: r.effectiveChunkBytes || null,
    uring: info.uring ? { sqes: r.uringSqes, sqpollCpuNs: r.uringSqpollCpuNs, workerCpuNs: r.uringWorkerCpuNs } : null,
    gpu: r.gpu ? { ...r.gpu, crc32c: r.crc32c, calls: r.gpuCalls } : null,
    error
  })
  const done = t.done.then(
    (r) => outcome(r, null),
    (e: native.NativeError) => {
      if (!e.partial) throw explainError(e, { target: spec.targetText, file: spec.fileName ?? spec.file })
      return outcome(e.partial, explainError(e, { target: spec.targetText, file: spec.fileName ?? spec.file }).toInfo())
    }
  )
  return { t, done }
}

/** the failure that explains a trial: a stream's own, not the cancel another's failure caused */
function firstError(streams: StreamOutcome[]): ErrorInfo | null {
  const errors = streams.map((s) => s.error).filter((e): e is ErrorInfo => e !== null)
  return errors.find((e) => e.code !== 'ZC_CANCELLED') ?? errors[0] ?? null
}

function isGpuSpec(spec: NativeSpec): spec is SenderSpec & { method: GpuMethod; gpu: NonNullable<SenderSpec['gpu']> } {
  return METHOD_INFO[spec.method].gpu === true && spec.gpu !== undefined
}

function startNative(spec: NativeSpec): SenderRun {
  // a GPU target has no addresses: one stream into its memory
  const count = isGpuSpec(spec) ? 1 : spec.addresses.length
  const streams = Array.from({ length: count }, (_, i) => nativeStream(spec, i))
  const cancel = () => streams.forEach((s) => s.t.cancel())
  // a stream that fails fails the trial: the others stop rather than run on alone
  for (const s of streams) void s.done.then((o) => o.error && cancel(), cancel)
  return {
    snapshot(split = false) {
      const streamBytes: number[] = []
      const streamTotals: (SideTotals | null)[] = []
      let firstByteNs = 0
      for (const s of streams) {
        const p = s.t.progress()
        const c = s.t.counters(split)
        streamBytes.push(p.bytes)
        streamTotals.push(c ? nativeTotals(c, p) : null)
        if (p.firstByteNs > 0 && (firstByteNs === 0 || p.firstByteNs < firstByteNs)) firstByteNs = p.firstByteNs
      }
      const all = streamTotals.every((x) => x !== null) ? sumTotals(streamTotals as SideTotals[]) : null
      return { firstByteNs, bytes: streamBytes.reduce((a, b) => a + b, 0), streamBytes, totals: all, streamTotals }
    },
    done: Promise.allSettled(streams.map((s) => s.done)).then((settled) => {
      const failed = settled.find((x) => x.status === 'rejected')
      if (failed) throw (failed as PromiseRejectedResult).reason
      const outcomes = settled.map((x) => (x as PromiseFulfilledResult<StreamOutcome>).value)
      return {
        streams: outcomes,
        totals: sumTotals(outcomes.map((o) => o.totals as SideTotals)),
        error: firstError(outcomes)
      }
    }),
    cancel
  }
}

function processTotals(): SideTotals {
  const u = process.cpuUsage()
  const r = process.resourceUsage()
  return {
    scope: 'process',
    cpuNs: (u.user + u.system) * 1000,
    cycles: null,
    instructions: null,
    contextSwitches: r.voluntaryContextSwitches + r.involuntaryContextSwitches,
    contextSwitchesVoluntary: r.voluntaryContextSwitches,
    contextSwitchesInvoluntary: r.involuntaryContextSwitches,
    pageFaults: r.minorPageFault + r.majorPageFault,
    syscalls: null,
    sources: {
      taskClock: 'rusage-process',
      contextSwitches: 'rusage-process',
      pageFaults: 'rusage-process',
      syscalls: 'not-counted'
    }
  }
}

/**
 * fs.createReadStream(file).pipe(socket): what a Node developer would write, on one
 * connection. A looped trial pipes the file again at its end, and stops at its byte
 * limit or deadline; counters are the process's, so a stream has none of its own.
 */
function nodeStream(spec: SenderSpec, i: number, base: SideTotals) {
  let sock: net.Socket | null = null
  let firstByteNs = 0
  let lastByteNs = 0
  const b = spec.bound
  const limit = b.kind === 'bytes' ? b.streamBytes[i] : null
  const done = new Promise<StreamOutcome & { processTotals: SideTotals }>((resolve) => {
    let settled = false
    const finish = (confirmedNs: number | null, error: ErrorInfo | null) => {
      if (settled) return
      settled = true
      if (!lastByteNs) lastByteNs = native.nowNs()
      resolve({
        bytes: sock?.bytesWritten ?? 0,
        firstByteNs,
        lastByteNs,
        confirmedNs,
        totals: null,
        processTotals: diffTotals(processTotals(), base),
        zeroCopy: null,
        tcpInfo: null,
        localPort: sock?.localPort ?? null,
        thread: null,
        effectiveChunkBytes: null,
        uring: null,
        gpu: null,
        error
      })
    }
    const a = spec.addresses[i]
    sock =
      a.family === 'unix'
        ? net.connect({ path: a.path!, allowHalfOpen: true })
        : net.connect({ host: a.host!, port: a.port!, allowHalfOpen: true })
    sock.on('connect', () => {
      firstByteNs = native.nowNs()
      const deadline = b.kind === 'duration' ? firstByteNs + b.durationMs * 1e6 : null
      let fileBytes = 0
      try {
        fileBytes = statSync(spec.file).size
      } catch (e) {
        finish(null, explainError(e, { file: spec.fileName ?? spec.file }).toInfo())
        sock?.destroy()
        return
      }
      let piped = 0
      let current: ReturnType<typeof createReadStream> | null = null
      const stop = () => {
        current?.unpipe(sock!)
        current?.destroy()
        current = null
        sock!.end()
      }
      const over = () => (deadline !== null && native.nowNs() >= deadline) || (limit !== null && piped >= limit)
      const pass = () => {
        if (sock!.destroyed) return
        if (b.kind !== 'file' && (over() || fileBytes === 0)) return stop()
        const left = limit === null ? fileBytes : Math.min(fileBytes, limit - piped)
        const rs = createReadStream(spec.file, {
          highWaterMark: spec.chunkBytes,
          end: left < fileBytes ? left - 1 : undefined
        })
        current = rs
        rs.on('error', (e) => {
          finish(null, explainError(e, { file: spec.fileName ?? spec.file }).toInfo())
          sock?.destroy()
        })
        rs.on('end', () => {
          if (current !== rs) return
          if (b.kind === 'file') return sock!.end()
          pass()
        })
        rs.pipe(sock!, { end: false })
        // after pipe's own listener, so a chunk is written before a deadline stops the pass:
        // the timed trial ends within a chunk of its deadline
        rs.on('data', (d) => {
          piped += d.length
          if (deadline !== null && native.nowNs() >= deadline) stop()
        })
      }
      pass()
    })
    sock.on('finish', () => {
      lastByteNs = native.nowNs()
      // a sink that never closes leaves the last send as the end, as native senders do
      setTimeout(() => {
        finish(null, null)
        sock?.destroy()
      }, spec.confirmTimeoutMs ?? 10_000).unref()
    })
    sock.resume() // the receiver sends nothing; reading lets us see its close
    sock.on('end', () => {
      finish(native.nowNs(), null)
      sock?.destroy()
    })
    sock.on('error', (e) =>
      finish(null, explainError(e, { target: spec.targetText, file: spec.fileName ?? spec.file }).toInfo())
    )
    sock.on('close', () =>
      finish(null, { code: 'ZC_CANCELLED', message: 'the connection closed before the receiver confirmed' })
    )
  })
  return { bytes: () => sock?.bytesWritten ?? 0, firstByteNs: () => firstByteNs, done, cancel: () => sock?.destroy() }
}

function startNodeStream(spec: SenderSpec): SenderRun {
  const base = processTotals()
  const streams = spec.addresses.map((_, i) => nodeStream(spec, i, base))
  return {
    snapshot: () => {
      const streamBytes = streams.map((s) => s.bytes())
      const totals = diffTotals(processTotals(), base)
      const firsts = streams.map((s) => s.firstByteNs()).filter((t) => t > 0)
      return {
        firstByteNs: firsts.length ? Math.min(...firsts) : 0,
        bytes: streamBytes.reduce((a, b) => a + b, 0),
        streamBytes,
        totals,
        // the process's counters belong to no one stream
        streamTotals: streams.map(() => null)
      }
    },
    done: Promise.all(streams.map((s) => s.done)).then((ended) => {
      // each stream read the process's totals as it ended: the trial's are the last one's
      const last = ended.reduce((a, o) => (o.processTotals.cpuNs > a.processTotals.cpuNs ? o : a), ended[0])
      const outcomes: StreamOutcome[] = ended.map(({ processTotals: _p, ...o }) => o)
      return { streams: outcomes, totals: last.processTotals, error: firstError(outcomes) }
    }),
    cancel: () => streams.forEach((s) => s.cancel())
  }
}

export function startSender(spec: SenderSpec): SenderRun {
  return spec.method === 'node-stream' ? startNodeStream(spec) : startNative(spec as NativeSpec)
}
