// What one trial measured, turned into its summary: the window its figures cover
// (a timed trial's ramp left out), each stream and all together, both hosts' CPU,
// where the threads ran, and what the trial noticed. Pure: tests plant the inputs.

import type { ErrorInfo } from '../../shared/errors'
import type { MethodName } from '../../shared/methods'
import type {
  GpuFigures,
  HostCpu,
  ReceiveGpu,
  ReceiveMapping,
  SteadyState,
  StreamSummary,
  TrialPlacement,
  TrialSummary,
  UringFigures,
  Warning
} from '../../shared/report'
import type { Target } from '../../shared/targets'
import { diffTotals, estimateCycles, sideFigures, sumTotals, type SideTotals } from '../../shared/trial-summary'
import { formatBytes } from '../../shared/units'
import { warning } from '../../shared/warnings'
import type { StreamResult } from '../agent/protocol'
import { cpuActivity, NS_PER_TICK, type HostSnapshot } from '../host/system-cpu'
import { receiveGpuOf } from './receive-gpu'
import { nativeTotals, placementOf, uringThreadsCpuNs, type SenderOutcome, type SenderSnapshot } from './sender'

/** Share of other CPU work during a trial, in cores, above which its figures are suspect. */
export const CONTAMINATION_CORES = 0.5
/**
 * a figure repeats when it rests on at least this many clock ticks (/proc/stat counts
 * CPU in 10 ms ticks: 100 of them is ±1%), and its live view on this many samples
 */
export const MIN_TRIAL_INTERVALS = 10
export const MIN_TRIAL_TICKS = 100
/** a TCP limit that held the sender this share of the time is worth saying */
const LIMITED_SHARE = 0.2

/** The receiving side at one instant: each stream's bytes and counters, and (asked for) its host. */
export interface ReceiverSnapshot {
  bytes: number
  streamBytes: number[]
  totals: SideTotals | null
  streamTotals: (SideTotals | null)[]
  host: HostSnapshot | null
  /** CPU the agent spent answering */
  busyNs: number
}

export interface ReceiverOutcome {
  /** each stream's receiver, as its agent sent it */
  streams: StreamResult[]
  hostStart: HostSnapshot | null
  hostEnd: HostSnapshot | null
}

/** Where a timed trial's ramp ends: both sides and the host, at one instant. */
export interface RampMark {
  atNs: number
  sender: SenderSnapshot
  receiver: ReceiverSnapshot | null
  host: HostSnapshot
}

export interface TrialMeasurements {
  method: MethodName
  index: number
  target: Target
  /** the chunk asked for */
  chunkBytes: number
  /** the ring's settings, for the io_uring methods */
  uringDepth: number
  uringSqpoll: boolean
  mode: 'file' | 'bytes' | 'timed'
  /** bytes each stream must deliver (for timed trials, what its sender sent) */
  expectedBytes: number[]
  /** crc32c each stream's receiver must report; null when not verified */
  expectedCrc32c: (number | null)[]
  checksum: boolean
  sameHost: boolean
  clockHz: number
  receiverClockHz: number
  sampleIntervalMs: number
  sent: SenderOutcome
  recv: ReceiverOutcome | null
  mark: RampMark | null
  hostStart: HostSnapshot
  hostEnd: HostSnapshot
}

/**
 * A host over the window. `othersNs`: the CPU of processes not zcprof's, read from /proc
 * at both ends (null where a snapshot lacks it: an agent before 0.4): it is left out of
 * the host's cost, since it is not what moving the data cost.
 */
function hostCpu(
  busyNs: number,
  otherNs: number,
  wallNs: number,
  bytes: number,
  clockHz: number,
  othersNs: number | null
): HostCpu {
  const left = othersNs === null ? 0 : Math.min(busyNs, Math.max(0, othersNs))
  const cycles = estimateCycles(busyNs - left, clockHz)
  return {
    busyCpuNs: busyNs,
    cycles,
    cyclesSource: 'cpu-time-estimate',
    cyclesPerBit: bytes > 0 ? cycles / (bytes * 8) : Number.NaN,
    otherCpuCores: Math.max(0, otherNs) / Math.max(1, wallNs),
    ...(othersNs !== null ? { otherProcessesCpuNs: left } : {})
  }
}

/** other processes' CPU between two snapshots, or null where either did not read it */
function othersBetween(from: HostSnapshot, to: HostSnapshot): number | null {
  return from.othersCpuNs !== undefined && to.othersCpuNs !== undefined ? to.othersCpuNs - from.othersCpuNs : null
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0)

/**
 * when stream i's clock stops: one host, one CLOCK_MONOTONIC, so the receiver's last
 * byte; across hosts, the receiver's close after our EOF, seen on our clock
 */
function streamEndNs(m: TrialMeasurements, i: number): number {
  const s = m.sent.streams[i]
  const r = m.recv?.streams[i]?.result ?? null
  return m.sameHost && r && r.lastByteNs > 0 ? r.lastByteNs : (s.confirmedNs ?? s.lastByteNs)
}

/** each stream's io_uring thread CPU (sender, receiver) that fell in the ramp, to take off */
function rampOfUringThreads(m: TrialMeasurements): { send: number; recv: number }[] {
  const { sent, recv, mark } = m
  // io_uring's threads in the ramp: the mark's snapshot holds their CPU when it could read
  // them live; else (an agent before live readings) the window takes its time's share
  return sent.streams.map((s, i) => {
    const r = recv?.streams[i]?.result ?? null
    if (!mark) return { send: 0, recv: 0 }
    const endNs = streamEndNs(m, i)
    const windowNs = Math.max(1, endNs - mark.atNs)
    const wholeNs = Math.max(1, endNs - s.firstByteNs)
    const inMark = (t: SideTotals | null | undefined) => t?.sources.uringThreads !== undefined
    return {
      send: inMark(mark.sender.streamTotals[i])
        ? 0
        : outsideWindow(s.uring ? s.uring.sqpollCpuNs + s.uring.workerCpuNs : 0, windowNs, wholeNs),
      recv:
        r && !inMark(mark.receiver?.streamTotals[i]) ? outsideWindow(uringThreadsCpuNs(r) ?? 0, windowNs, wholeNs) : 0
    }
  })
}

/** stream i's figures: its sender paired with its receiver, checked against each other */
function streamSummary(m: TrialMeasurements, i: number, ramp: { send: number; recv: number }): StreamSummary {
  const { sent, recv, mark } = m
  const s = sent.streams[i]
  const r = recv?.streams[i]?.result ?? null
  const endNs = streamEndNs(m, i)
  const atMark = mark ? (mark.receiver?.streamBytes[i] ?? mark.sender.streamBytes[i] ?? 0) : 0
  const bytes = (r ? r.bytes : s.bytes) - atMark
  const durationNs = Math.max(1, endNs - (mark ? mark.atNs : s.firstByteNs))
  const senderTotals = lessCpu(s.totals ? diffTotals(s.totals, mark?.sender.streamTotals[i] ?? null) : null, ramp.send)
  const receiverTotals = lessCpu(
    r ? diffTotals(nativeTotals(r.counters, r), mark?.receiver?.streamTotals[i] ?? null) : null,
    ramp.recv
  )
  // a receiver's checksum of what it read, or a GPU's of its buffer, copied back
  const receivedCrc = r ? r.crc32c : s.gpu?.verified ? s.gpu.crc32c : null
  const checked = m.checksum && receivedCrc !== null
  const integrity = {
    checked,
    ok: !checked || receivedCrc === m.expectedCrc32c[i],
    expectedCrc32c: m.checksum ? m.expectedCrc32c[i] : null,
    receivedCrc32c: m.checksum ? receivedCrc : null
  }
  let streamError: ErrorInfo | null = s.error ?? recv?.streams[i]?.error ?? null
  if (!streamError && r && r.bytes !== m.expectedBytes[i])
    streamError = {
      code: 'ZC_SHORT',
      message: `stream ${i}: the receiver got ${r.bytes} of ${m.expectedBytes[i]} bytes`
    }
  // TCP: a sender and its receiver are the two ends of one connection
  if (!streamError && r && s.localPort && r.peerPort && s.localPort !== r.peerPort)
    streamError = {
      code: 'ZC_PAIRING',
      message: `stream ${i}: the receiver's connection came from port ${r.peerPort}, not the sender's ${s.localPort}`
    }
  if (!integrity.ok)
    streamError ??= {
      code: 'ZC_CHECKSUM',
      message: `stream ${i}: checksum mismatch: sent crc32c ${m.expectedCrc32c[i]}, ${r ? 'received' : "the GPU's buffer has"} ${receivedCrc}`
    }
  return {
    index: i,
    bytes,
    durationNs,
    throughputBitsPerSec: (bytes * 8 * 1e9) / durationNs,
    sender: senderTotals ? sideFigures(senderTotals, bytes, durationNs, m.clockHz) : null,
    receiver: receiverTotals ? sideFigures(receiverTotals, bytes, durationNs, m.receiverClockHz) : null,
    senderThread: s.thread,
    receiverThread: r ? placementOf(r) : null,
    tcpInfo: s.tcpInfo,
    integrity,
    error: streamError
  }
}

/** the trial's warnings, in a fixed order: what a reader should know of its figures */
function trialNotes(
  m: TrialMeasurements,
  t: {
    error: ErrorInfo | null
    zeroCopy: ReturnType<typeof zeroCopyOf>
    receiveMapping: ReceiveMapping | null
    contaminated: boolean
    otherCpuCores: number
    durationNs: number
    busyNs: number
    bytes: number
    effectiveChunkBytes: number | null
    uring: UringFigures | null
    gpu: GpuFigures | null
    receiveGpu: ReceiveGpu | null
    placement: TrialPlacement
  }
): Warning[] {
  const { sent, recv } = m
  const {
    error,
    zeroCopy,
    receiveMapping,
    contaminated,
    otherCpuCores,
    durationNs,
    busyNs,
    bytes,
    effectiveChunkBytes,
    uring,
    gpu,
    receiveGpu,
    placement
  } = t
  const notes: Warning[] = []
  const trialScope = { scope: 'trial' as const, method: m.method, trial: m.index }
  const note = (code: Parameters<typeof warning>[0], message: string, hint?: string) =>
    notes.push(warning(code, message, trialScope, hint))
  if (!recv && sent.streams.some((s) => s.confirmedNs === null) && !error)
    note('NOT_CONFIRMED', "the receiver did not close after the sender's end: the time ends at the last send")
  if (zeroCopy && zeroCopy.fallbackShare > 0)
    note(
      'ZC_COPIED',
      `the kernel copied ${(zeroCopy.fallbackShare * 100).toFixed(0)}% of zero-copy sends` +
        (m.target.kind === 'tcp' && zeroCopy.fallbackShare > 0.99 ? ' (it always copies on loopback)' : '')
    )
  if (receiveMapping?.mappedShare != null && receiveMapping.mappedShare < LOW_MAPPED_SHARE) {
    const mss = sent.streams.find((s) => s.tcpInfo)?.tcpInfo?.sndMssBytes ?? null
    const why = lowMappingReasons(m.target, mss, m.chunkBytes)
    note(
      'RECV_MAPPED_LOW',
      `the kernel mapped ${(receiveMapping.mappedShare * 100).toFixed(0)}% of the received bytes and copied the rest` +
        (why.length ? `: ${why.join('; ')}` : ': the NIC did not fill whole pages (header/data split, MTU)')
    )
  }
  if (contaminated) note('CONTAMINATED', `other processes used ${otherCpuCores.toFixed(2)} cores during this trial`)
  // TCP_INFO counts over a connection's life: compare with the stream's, ramp included
  const limitedBy = (field: 'rwndLimitedUs' | 'sndbufLimitedUs') =>
    sent.streams.some(
      (s) => s.tcpInfo && s.tcpInfo[field] > LIMITED_SHARE * Math.max(1, (s.lastByteNs - s.firstByteNs) / 1000)
    )
  if (limitedBy('rwndLimitedUs'))
    note('RECEIVER_WINDOW_LIMITED', 'the receiver window limited the sender for over 20% of the time')
  if (limitedBy('sndbufLimitedUs'))
    note('SNDBUF_LIMITED', 'the send buffer limited the sender for over 20% of the time')
  const intervals = m.sampleIntervalMs > 0 ? durationNs / 1e6 / m.sampleIntervalMs : null
  const ticks = busyNs / NS_PER_TICK
  if (bytes > 0 && ((intervals !== null && intervals < MIN_TRIAL_INTERVALS) || ticks < MIN_TRIAL_TICKS))
    note(
      'SHORT_TRIAL',
      `this trial's figures rest on ${intervals === null ? 'no samples' : `${Math.floor(intervals)} sampling intervals`} and ${Math.round(ticks)} clock ticks of system CPU` +
        ` (at least ${MIN_TRIAL_INTERVALS} and ${MIN_TRIAL_TICKS} make a figure repeat)`
    )
  if (effectiveChunkBytes !== null && effectiveChunkBytes < m.chunkBytes)
    note(
      'CHUNK_CAPPED',
      `each call moved at most ${formatBytes(effectiveChunkBytes)}, not the ${formatBytes(m.chunkBytes)} chunk asked for`
    )
  if (uring && (uring.workerCpuNs ?? 0) > 0)
    note(
      'URING_WORKERS',
      `io_uring's worker threads used ${((uring.workerCpuNs ?? 0) / 1e6).toFixed(0)} ms of CPU for the sender, counted as the sender's`
    )
  if (uring && uring.sqpollCpuNs > 0)
    note(
      'SQPOLL_CPU',
      `the SQ polling thread${sent.streams.length > 1 ? 's' : ''} used ${(uring.sqpollCpuNs / 1e6).toFixed(0)} ms of CPU, counted as the sender's`
    )
  if (gpu && gpu.pinMs > 0)
    note(
      'GPU_PINNED',
      `pinning host memory took ${gpu.pinMs.toFixed(1)} ms before the clock and ${gpu.unpinMs.toFixed(1)} ms after it: not in the per-bit figures`
    )
  if (receiveGpu && receiveGpu.pinMs > 0)
    note(
      'GPU_PINNED',
      `the receiver's host buffers for GPU ${receiveGpu.device} took ${receiveGpu.pinMs.toFixed(1)} ms to pin or register before the clock: not in the per-bit figures`
    )
  if (gpu?.wait === 'spin')
    note('GPU_SPIN', 'the host spun while it waited for the GPU: its CPU figures include the spinning')
  if (gpu?.storage === 'compat')
    note('GPU_COMPAT', 'cuFile ran in compatibility mode (no nvidia-fs): the bytes went through host memory')
  if (placement.held === false)
    note('PINNING_NOT_HELD', 'a pinned thread ran on a CPU it was not pinned to, or its CPU mask changed')

  return notes
}

export function summarizeTrial(m: TrialMeasurements): { summary: TrialSummary; error: ErrorInfo | null } {
  const { sent, recv, mark } = m
  const n = sent.streams.length
  let error: ErrorInfo | null = sent.error ?? recv?.streams.find((s) => s.error)?.error ?? null

  const firstByteNs = Math.min(...sent.streams.map((s) => s.firstByteNs).filter((t) => t > 0), Number.MAX_VALUE)
  const startNs = mark ? mark.atNs : firstByteNs

  const rampOfThreads = rampOfUringThreads(m)
  const streams: StreamSummary[] = sent.streams.map((_, i) => streamSummary(m, i, rampOfThreads[i]))
  error ??= streams.find((s) => s.error)?.error ?? null

  const bytes = sum(streams.map((s) => s.bytes))
  const endNs = Math.max(...sent.streams.map((_, i) => streamEndNs(m, i)))
  const durationNs = Math.max(1, endNs - startNs)
  const senderTotals = lessCpu(
    mark ? diffTotals(sent.totals, mark.sender.totals) : sent.totals,
    sum(rampOfThreads.map((o) => o.send))
  )!
  const receivedTotals = recv?.streams.every((s) => s.result)
    ? sumTotals(recv.streams.map((s) => nativeTotals(s.result!.counters, s.result!)))
    : null
  const receiverTotals = lessCpu(
    receivedTotals ? diffTotals(receivedTotals, mark?.receiver?.totals ?? null) : null,
    sum(rampOfThreads.map((o) => o.recv))
  )

  // the sending host over the window; on one host the agent's CPU is ours too
  const from = mark?.host ?? m.hostStart
  const wallNs = Math.max(1, m.hostEnd.atNs - from.atNs)
  const busyNs = m.hostEnd.busyNs - from.busyNs
  const ownNs = m.hostEnd.processCpuNs - from.processCpuNs
  const agentFrom = mark?.receiver?.host ?? recv?.hostStart ?? null
  const agentNs = m.sameHost && recv?.hostEnd && agentFrom ? recv.hostEnd.processCpuNs - agentFrom.processCpuNs : 0
  const system = hostCpu(busyNs, busyNs - ownNs - agentNs, wallNs, bytes, m.clockHz, othersBetween(from, m.hostEnd))
  let receiverSystem: HostCpu | null = null
  if (!m.sameHost && recv?.hostEnd && agentFrom) {
    const rBusy = recv.hostEnd.busyNs - agentFrom.busyNs
    const rWall = Math.max(1, recv.hostEnd.atNs - agentFrom.atNs)
    receiverSystem = hostCpu(
      rBusy,
      rBusy - (recv.hostEnd.processCpuNs - agentFrom.processCpuNs),
      rWall,
      bytes,
      m.receiverClockHz,
      othersBetween(agentFrom, recv.hostEnd)
    )
  }
  const otherCpuCores = Math.max(system.otherCpuCores, receiverSystem?.otherCpuCores ?? 0)
  const contaminated = otherCpuCores > CONTAMINATION_CORES

  const placement = trialPlacement(m, streams, from, wallNs, agentFrom)
  const steady = steadyState(m, firstByteNs, durationNs)
  const zeroCopy = zeroCopyOf(sent)
  const receiveMapping = receiveMappingOf(recv)
  const receiveGpu = receiveGpuOf(recv)

  const rates = streams.map((s) => s.throughputBitsPerSec)
  const fairness =
    n > 1
      ? {
          minBitsPerSec: Math.min(...rates),
          maxBitsPerSec: Math.max(...rates),
          minOverMax: Math.min(...rates) / Math.max(...rates)
        }
      : null

  const chunks = sent.streams.map((s) => s.effectiveChunkBytes).filter((c): c is number => c !== null)
  const effectiveChunkBytes = chunks.length ? Math.max(...chunks) : null
  const uring = uringOf(m, sent)
  const gpu = gpuOf(sent)
  const notes = trialNotes(m, {
    error,
    zeroCopy,
    receiveMapping,
    contaminated,
    otherCpuCores,
    durationNs,
    busyNs,
    bytes,
    effectiveChunkBytes,
    uring,
    gpu,
    receiveGpu,
    placement
  })

  const first = streams[0]
  return {
    error,
    summary: {
      bytes,
      durationNs,
      throughputBitsPerSec: (bytes * 8 * 1e9) / durationNs,
      confirmed: recv !== null || sent.streams.every((s) => s.confirmedNs !== null),
      sender: sideFigures(senderTotals, bytes, durationNs, m.clockHz),
      receiver: receiverTotals ? sideFigures(receiverTotals, bytes, durationNs, m.receiverClockHz) : null,
      system,
      receiverSystem,
      zeroCopy,
      ...(receiveMapping && { receiveMapping }),
      ...(receiveGpu && { receiveGpu }),
      tcpInfo: first?.tcpInfo ?? null,
      integrity: {
        checked: streams.every((s) => s.integrity.checked),
        ok: streams.every((s) => s.integrity.ok),
        expectedCrc32c: first?.integrity.expectedCrc32c ?? null,
        receivedCrc32c: first?.integrity.receivedCrc32c ?? null
      },
      contaminated,
      steady,
      streams,
      fairness,
      placement,
      effectiveChunkBytes,
      uring,
      gpu,
      notes
    }
  }
}

/** the gpu-* methods' own figures: the GPU's clock, pinning, CUDA calls (one stream) */
function gpuOf(sent: SenderOutcome): GpuFigures | null {
  const g = sent.streams[0]?.gpu
  if (!g) return null
  const bytes = sum(sent.streams.map((s) => s.bytes))
  return {
    device: g.device,
    gpuTimeMs: g.gpuNs / 1e6,
    gpuBitsPerSec: g.gpuNs > 0 ? (bytes * 8 * 1e9) / g.gpuNs : null,
    setupMs: g.setupNs / 1e6,
    pinMs: g.pinNs / 1e6,
    unpinMs: g.unpinNs / 1e6,
    wait: g.wait,
    storage: g.storage ?? null,
    cudaCallsPerGiB: bytes > 0 ? (g.calls * 2 ** 30) / bytes : null
  }
}

/**
 * Of CPU read once at a stream's end (io_uring's SQ poller and workers), the part spent
 * before a timed trial's ramp mark: its share of the stream's time, since those threads
 * work as the bytes flow. Only for a mark that could not read them live.
 */
function outsideWindow(threadsNs: number, windowNs: number, wholeNs: number): number {
  if (!threadsNs || windowNs >= wholeNs) return 0
  return threadsNs * (1 - windowNs / wholeNs)
}

function lessCpu(t: SideTotals | null, ns: number): SideTotals | null {
  return t && ns ? { ...t, cpuNs: t.cpuNs - ns } : t
}

/** the io_uring methods' ring, all streams together over the whole trial */
function uringOf(m: TrialMeasurements, sent: SenderOutcome): UringFigures | null {
  const rings = sent.streams.map((s) => s.uring).filter((u) => u !== null)
  if (!rings.length) return null
  const bytes = sum(sent.streams.map((s) => s.bytes))
  const gib = bytes / 1024 ** 3
  const enters = sum(sent.streams.map((s) => s.totals?.syscalls?.io_uring_enter ?? 0))
  const sqes = sum(rings.map((u) => u.sqes))
  return {
    depth: m.uringDepth,
    sqpoll: m.uringSqpoll,
    sqes,
    sqesPerGiB: gib > 0 ? sqes / gib : null,
    entersPerGiB: gib > 0 ? enters / gib : null,
    sqpollCpuNs: sum(rings.map((u) => u.sqpollCpuNs)),
    workerCpuNs: sum(rings.map((u) => u.workerCpuNs))
  }
}

/** the mapped receiver's streams together, from the kernel's own answers: null for other modes */
export function receiveMappingOf(recv: ReceiverOutcome | null): ReceiveMapping | null {
  const rs = (recv?.streams ?? []).map((s) => s.result).filter((r) => r?.receiveMappedBytes !== undefined)
  if (!rs.length) return null
  const mappedBytes = sum(rs.map((r) => r!.receiveMappedBytes ?? 0))
  const copiedBytes = sum(rs.map((r) => r!.receiveCopiedBytes ?? 0))
  const total = mappedBytes + copiedBytes
  // nothing received is no share at all, not "0 % mapped"
  return { mappedBytes, copiedBytes, mappedShare: total > 0 ? mappedBytes / total : null }
}

/** under this share of bytes mapped, the mapped receiver's trial says why it copied */
export const LOW_MAPPED_SHARE = 0.5
const PAGE_BYTES = 4096

/** why the kernel mapped little, from what this trial can see: the route, the MSS, the chunk */
export function lowMappingReasons(target: Target, mssBytes: number | null, chunkBytes: number): string[] {
  const why: string[] = []
  if (target.kind === 'tcp')
    why.push('the kernel maps only pages a NIC driver filled; loopback and veth carry page fragments')
  if (mssBytes === null) why.push('the MSS is unknown (no TCP_INFO): it must be a multiple of the 4 KiB page')
  else if (mssBytes % PAGE_BYTES !== 0) why.push(`the MSS (${mssBytes} B) is not a multiple of the 4 KiB page`)
  if (chunkBytes < PAGE_BYTES) why.push(`chunks of ${chunkBytes} B are smaller than a page`)
  return why
}

/** the streams' zero-copy sends together, and the share the kernel copied */
function zeroCopyOf(sent: SenderOutcome): TrialSummary['zeroCopy'] {
  const zc = sent.streams.map((s) => s.zeroCopy).filter((z) => z !== null)
  if (!zc.length) return null
  const sends = sum(zc.map((z) => z.sends))
  const completed = sum(zc.map((z) => z.completed))
  const copied = sum(zc.map((z) => z.copied))
  return { sends, completed, copied, fallbackShare: completed > 0 ? copied / completed : 0 }
}

function steadyState(m: TrialMeasurements, firstByteNs: number, durationNs: number): SteadyState | null {
  if (m.mode !== 'timed') return null
  if (!m.mark) return { rampMs: 0, rampBytes: 0, rampThroughputBitsPerSec: null, windowMs: durationNs / 1e6 }
  const rampNs = Math.max(0, m.mark.atNs - firstByteNs)
  const rampBytes = m.mark.receiver?.bytes ?? m.mark.sender.bytes
  return {
    rampMs: rampNs / 1e6,
    rampBytes,
    rampThroughputBitsPerSec: rampNs > 0 ? (rampBytes * 8 * 1e9) / rampNs : null,
    windowMs: durationNs / 1e6
  }
}

function trialPlacement(
  m: TrialMeasurements,
  streams: StreamSummary[],
  from: HostSnapshot,
  wallNs: number,
  agentFrom: HostSnapshot | null
): TrialPlacement {
  const sendingHost = cpuActivity(from, m.hostEnd, wallNs)
  const receivingHost =
    !m.sameHost && m.recv?.hostEnd && agentFrom
      ? cpuActivity(agentFrom, m.recv.hostEnd, Math.max(1, m.recv.hostEnd.atNs - agentFrom.atNs))
      : null
  const senderCpus = new Set(streams.flatMap((s) => s.senderThread?.ranOn ?? []))
  const softirq = sum(sendingHost.map((c) => c.softirqCores))
  const onSender = sum(sendingHost.filter((c) => senderCpus.has(c.cpu)).map((c) => c.softirqCores))
  const pinned = streams.flatMap((s) => [s.senderThread, s.receiverThread]).filter((t) => t && t.held !== null)
  return {
    held: pinned.length ? pinned.every((t) => t!.held) : null,
    sendingHost,
    receivingHost,
    softirqOnSenderCpusShare: softirq > 0 && senderCpus.size ? onSender / softirq : null
  }
}
