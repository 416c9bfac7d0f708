// One trial: make the receivers ready (one per stream), start the senders, sample both
// sides while the data moves, mark the end of a timed trial's ramp, then turn what
// was measured into a summary (trial-figures.ts).

import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import { streamBytesOf, trialMode } from '../../shared/plan-rules'
import type { Sample, SideSample, TrialParams, TrialRecord } from '../../shared/report'
import type { Target } from '../../shared/targets'
import { estimateCycles, sumValues, type SideTotals } from '../../shared/trial-summary'
import { explainError } from './explain-error'
import type { SendBound, SenderOutcome, SenderRun } from './sender'
import { summarizeTrial, type RampMark, type ReceiverOutcome } from './trial-figures'
import type { Receiver, ReceiverTrial, Transport } from './transport'

export type { ReceiverTrial } from './transport'

/** What to run: a trial record's identity, with the target parsed and where its threads go. */
export type TrialSpec = Omit<TrialParams, 'target'> & {
  target: Target
  senderCpus: number[] | null
  receiverCpus: number[] | null
  /** the io_uring methods and receiver mode */
  uringDepth: number
  uringSqpoll: boolean
  /** the gpu-* methods: spin, not block, while waiting for the GPU */
  gpuSpin: boolean
  /** the gpu-* receiver modes: the receiving CUDA device (absent: 0) */
  receiverGpu?: number
}

export interface TrialContext {
  transport: Transport
  /** this trial's target's receiver: an agent, or nobody of ours (a raw sink) */
  receiver: Receiver
  receiverClockHz: number
  /** where the file is read from: the run's held descriptor (held-file.ts) */
  file: string
  /** the file as the user or the cache named it: what messages say */
  fileName: string
  /** the whole file's crc32c, when verifying one-pass trials */
  fileCrc32c: number | null
  checksum: boolean
  clockHz: number
  sampleIntervalMs: number
  pmu: 'auto' | 'off'
  onSample?: (s: Sample) => void
  /** lets a caller cancel the running trial */
  onStart?: (cancel: () => void) => void
}

/** after the senders end, how long the receivers' result may take */
const RESULT_TIMEOUT_MS = 15_000
/** a raw sink may never close: don't wait long for its confirmation */
const RAW_CONFIRM_TIMEOUT_MS = 3000

export { CONTAMINATION_CORES } from './trial-figures'

function sideSample(
  bytes: number,
  prevBytes: number,
  dtNs: number,
  t: SideTotals | null,
  clockHz: number,
  streamBytes?: number[]
): SideSample {
  // no counter reading at this instant: null, not 0, which a cumulative series would read as a drop
  const s: SideSample = {
    bytes,
    bytesPerSec: dtNs > 0 ? ((bytes - prevBytes) * 1e9) / dtNs : 0,
    cpuNs: t?.cpuNs ?? null,
    cycles: t ? (t.cycles ?? estimateCycles(t.cpuNs, clockHz)) : null,
    contextSwitches: t?.contextSwitches ?? null,
    syscalls: t ? sumValues(t.syscalls) : null,
    pageFaults: t?.pageFaults ?? null
  }
  if (streamBytes && streamBytes.length > 1) s.streamBytes = streamBytes
  return s
}

interface Sampler {
  stop(): void
  /** what the sampler cost, both sides, so far: CPU time of the threads doing it */
  stats(): TrialRecord['sampling']
  /** the ramp's end: null when the trial is not timed, keeps its ramp, or ended first */
  mark: Promise<RampMark | null>
}

/** the processes on this host, besides this one, whose CPU is the run's own: a local agent */
function oursOf(receiver: Receiver): number[] {
  return receiver.sameHost && receiver.pid !== null ? [receiver.pid] : []
}

/**
 * Samples on the JS thread while the loops run on theirs: a snapshot of atomics and
 * counter fds here, one control round-trip for the receivers. A timed trial's ramp
 * mark is one more, detailed, snapshot of both sides and the host.
 */
export function startSampler(
  ctx: TrialContext,
  spec: TrialSpec,
  sender: SenderRun,
  rx: ReceiverTrial,
  t0Ns: number,
  samples: Sample[]
): Sampler {
  const clock = ctx.transport
  let busyNs = 0
  let stopped = false
  const stats = () => ({ intervalMs: ctx.sampleIntervalMs, samples: samples.length, busyMs: busyNs / 1e6 })
  let resolveMark!: (m: RampMark | null) => void
  const mark = new Promise<RampMark | null>((r) => (resolveMark = r))
  let sendersDone = false
  sender.done.then(
    () => (sendersDone = true),
    () => (sendersDone = true)
  )
  // the ramp runs from the first send (after connecting), not from when the senders started
  const omitMs = spec.durationMs !== null ? (spec.omitMs ?? 0) : 0
  let markTimer: NodeJS.Timeout | null = null
  const takeMark = () => {
    markTimer = null
    if (stopped || sendersDone) return resolveMark(null)
    const first = sender.snapshot().firstByteNs
    const leftMs = first > 0 ? omitMs - (clock.nowNs() - first) / 1e6 : omitMs
    if (leftMs > 0.5) {
      markTimer = setTimeout(takeMark, Math.ceil(leftMs))
      return
    }
    const snap = sender.snapshot(true)
    // the window starts here: the reading of other processes' CPU goes first, outside it
    const host = clock.hostSnapshot('start', oursOf(ctx.receiver))
    rx.sample(true).then(
      (receiver) => resolveMark({ atNs: host.atNs, sender: snap, receiver, host }),
      () => resolveMark({ atNs: host.atNs, sender: snap, receiver: null, host })
    )
  }
  if (omitMs > 0) markTimer = setTimeout(takeMark, omitMs)
  else resolveMark(null)

  // 0 turns sampling off: the benchmark measures what sampling costs
  const timer =
    ctx.sampleIntervalMs === 0
      ? null
      : (() => {
          // each side's rate over the time between its own readings: the sender is read at
          // the tick, the receiver when its answer arrives, which a busy host can delay
          let prevSendNs = t0Ns
          let prevRecvNs = t0Ns
          let prevSend = 0
          let prevRecv = 0
          let prevSys = clock.systemCpu()
          let inFlight = false
          return setInterval(() => {
            if (inFlight) return
            inFlight = true
            const tick = clock.threadCpuNs()
            const snapNs = clock.nowNs()
            const snap = sender.snapshot()
            const request = rx.sample(false)
            busyNs += clock.threadCpuNs() - tick
            request
              .catch(() => null)
              .then((r) => {
                // a reply that lands after the trial ended belongs to no trial
                if (stopped) return
                const reply = clock.threadCpuNs()
                inFlight = false
                const now = clock.nowNs()
                const sys = clock.systemCpu()
                const recvBytes = r?.bytes ?? 0
                const s: Sample = {
                  tMs: (snapNs - t0Ns) / 1e6,
                  sender: sideSample(
                    snap.bytes,
                    prevSend,
                    snapNs - prevSendNs,
                    snap.totals,
                    ctx.clockHz,
                    snap.streamBytes
                  ),
                  receiver: r ? sideSample(recvBytes, prevRecv, now - prevRecvNs, r.totals, ctx.receiverClockHz) : null,
                  systemBusyCores: now > prevRecvNs ? (sys.busyNs - prevSys.busyNs) / (now - prevRecvNs) : 0
                }
                prevSendNs = snapNs
                prevRecvNs = now
                prevSend = snap.bytes
                prevRecv = recvBytes
                prevSys = sys
                samples.push(s)
                ctx.onSample?.(s)
                busyNs += clock.threadCpuNs() - reply + (r?.busyNs ?? 0)
              })
          }, ctx.sampleIntervalMs)
        })()
  return {
    stop: () => {
      stopped = true
      if (timer) clearInterval(timer)
      if (markTimer) clearTimeout(markTimer)
      resolveMark(null)
    },
    stats,
    mark
  }
}

/** the bytes each stream must send, and how its sender is bounded */
function boundOf(spec: TrialSpec): SendBound {
  if (spec.durationMs !== null) return { kind: 'duration', durationMs: spec.durationMs }
  if (spec.trialBytes !== null)
    return {
      kind: 'bytes',
      streamBytes: Array.from({ length: spec.streams }, (_, i) => streamBytesOf(spec.trialBytes!, spec.streams, i))
    }
  return { kind: 'file' }
}

export async function runTrial(ctx: TrialContext, spec: TrialSpec): Promise<TrialRecord> {
  const record: TrialRecord = {
    index: spec.index,
    method: spec.method,
    target: spec.target.text,
    fileBytes: spec.fileBytes,
    chunkBytes: spec.chunkBytes,
    durationMs: spec.durationMs,
    omitMs: spec.omitMs,
    trialBytes: spec.trialBytes,
    streams: spec.streams,
    repetition: spec.repetition,
    warmup: spec.warmup,
    cache: spec.cache,
    receiverMode: spec.receiverMode,
    samples: [],
    sampling: { intervalMs: ctx.sampleIntervalMs, samples: 0, busyMs: 0 },
    summary: null,
    error: null
  }
  const transport = ctx.transport
  await transport.setPageCache(ctx.file, spec.cache)
  const t = spec.target
  const bound = boundOf(spec)
  const rx = await ctx.receiver.prepareTrial({
    target: t,
    index: spec.index,
    streams: spec.streams,
    mode: spec.receiverMode,
    bufferBytes: spec.chunkBytes,
    checksum: ctx.checksum,
    pmu: ctx.pmu,
    // a stream may not pass what it is meant to carry: one pass, or its share of the bytes
    maxBytes:
      bound.kind === 'file' ? spec.fileBytes : bound.kind === 'bytes' ? Math.max(...bound.streamBytes) : undefined,
    cpus: spec.receiverCpus,
    uringDepth: spec.uringDepth,
    gpuDevice: spec.receiverGpu
  })
  const hostStart = transport.hostSnapshot('start', oursOf(ctx.receiver))
  const t0 = hostStart.atNs
  const sender = transport.startSender({
    method: spec.method,
    file: ctx.file,
    fileName: ctx.fileName,
    chunkBytes: spec.chunkBytes,
    addresses: rx.addresses,
    targetText: t.text,
    pmu: ctx.pmu,
    bound,
    cpus: spec.senderCpus,
    uring: { depth: spec.uringDepth, sqpoll: spec.uringSqpoll },
    gpu: t.kind === 'gpu' ? { device: t.device, spin: spec.gpuSpin, verify: ctx.checksum } : undefined,
    confirmTimeoutMs: ctx.receiver.ours ? undefined : RAW_CONFIRM_TIMEOUT_MS
  })
  ctx.onStart?.(() => {
    sender.cancel()
    rx.cancel()
  })
  const sampler = startSampler(ctx, spec, sender, rx, t0, record.samples)
  let sent: SenderOutcome
  try {
    sent = await sender.done
  } catch (e) {
    sampler.stop()
    rx.cancel()
    await rx.result(5000).catch(() => undefined)
    record.error = explainError(e, { target: t.text, file: ctx.fileName }).toInfo()
    return record
  }
  if (sent.error) rx.cancel()
  let recv: ReceiverOutcome | null = null
  let recvError: ErrorInfo | null = null
  try {
    recv = await rx.result(RESULT_TIMEOUT_MS)
  } catch (e) {
    recvError = explainError(e, { target: t.text }).toInfo()
  }
  const mark = await sampler.mark
  sampler.stop()
  const hostEnd = transport.hostSnapshot('end', oursOf(ctx.receiver))

  const mode = trialMode(spec)
  const expectedBytes = sent.streams.map((s, i) =>
    mode === 'timed' ? s.bytes : bound.kind === 'bytes' ? bound.streamBytes[i] : spec.fileBytes
  )
  // a looped stream's checksum: the file's, combined over the bytes that stream carried;
  // a GPU's buffer holds the file once, or the part of it one short pass wrote
  const expectedCrc32c = await Promise.all(
    expectedBytes.map(async (b) =>
      !ctx.checksum
        ? null
        : mode === 'file'
          ? ctx.fileCrc32c
          : await transport.fileCrc32c(ctx.file, t.kind === 'gpu' ? Math.min(b, spec.fileBytes) : b)
    )
  )
  const { summary, error } = summarizeTrial({
    method: spec.method,
    index: spec.index,
    target: t,
    chunkBytes: spec.chunkBytes,
    uringDepth: spec.uringDepth,
    uringSqpoll: spec.uringSqpoll,
    mode,
    expectedBytes,
    expectedCrc32c,
    checksum: ctx.checksum,
    sameHost: ctx.receiver.sameHost,
    clockHz: ctx.clockHz,
    receiverClockHz: ctx.receiverClockHz,
    sampleIntervalMs: ctx.sampleIntervalMs,
    sent,
    recv,
    mark,
    hostStart,
    hostEnd
  })
  record.sampling = sampler.stats()
  record.summary = sent.streams.some((s) => s.bytes > 0) ? summary : null
  // a lost agent explains everything after it (the sender's EPIPE included): say that first
  record.error = (recvError?.code === 'ZC_AGENT_GONE' ? recvError : null) ?? error ?? recvError
  return record
}

/** The receiver CPUs asked for must be ones the agent may use: checked before any trial runs. */
export function checkReceiverCpus(allowed: number[] | null, cpus: number[] | null, where: string): void {
  if (!cpus || !allowed) return
  const missing = cpus.filter((c) => !allowed.includes(c))
  if (missing.length)
    throw new ZcprofError({
      code: 'ZC_BAD_PLAN',
      message: `--receiver-cpus names CPU${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the receiver at ${where} may not run on`,
      hint: `that host allows CPUs ${allowed.join(',') || 'none'}`
    })
}
