// One trial: make the receivers ready (one per stream), start the senders, sample both
// sides while the data moves, mark the end of a timed trial's ramp, then turn what
// was measured into a summary (trial-figures.ts).

import os from 'node:os'
import * as native from '../../native'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import { streamBytesOf, trialMode } from '../../shared/plan-rules'
import type { Sample, SideSample, TrialRecord } from '../../shared/report'
import type { Target } from '../../shared/targets'
import { estimateCycles, sumTotals, sumValues, type SideTotals } from '../../shared/trial-summary'
import type { AgentClient } from '../agent/agent-client'
import type { HelloReply, Prepared, SampleReply, TrialResult } from '../agent/protocol'
import { readHostSnapshot, readSystemCpu } from '../host/system-cpu'
import { explainError } from './explain-error'
import { nativeTotals, startSender, type SendBound, type SenderOutcome, type SenderRun } from './sender'
import { summarizeTrial, type RampMark, type ReceiverOutcome, type ReceiverSnapshot } from './trial-figures'

/** What to run: a trial record's identity, with the target parsed and where its threads go. */
export type TrialSpec = Omit<TrialRecord, 'target' | 'samples' | 'sampling' | 'summary' | 'error'> & {
  target: Target
  senderCpus: number[] | null
  receiverCpus: number[] | null
}

export interface TrialContext {
  /** null for raw sinks: nobody of ours receives */
  agent: AgentClient | null
  /** the receiver runs on this host: one clock, one /proc/stat */
  sameHost: boolean
  receiverClockHz: number
  file: string
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

/** how long a prepared receiver waits for its sender to connect */
const ACCEPT_TIMEOUT_MS = 10_000
/** a sample's answer from the agent: past this, the sample goes without the receiver */
const SAMPLE_REPLY_TIMEOUT_MS = 1000
/** after the senders end, how long the receivers' result may take */
const RESULT_TIMEOUT_MS = 15_000
/** a raw sink may never close: don't wait long for its confirmation */
const RAW_CONFIRM_TIMEOUT_MS = 3000

export { CONTAMINATION_CORES } from './trial-figures'

function unixPath(index: number): string {
  return `${os.tmpdir()}/zcprof-${process.pid}-${index}.sock`
}

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
    const leftMs = first > 0 ? omitMs - (native.nowNs() - first) / 1e6 : omitMs
    if (leftMs > 0.5) {
      markTimer = setTimeout(takeMark, Math.ceil(leftMs))
      return
    }
    const snap = sender.snapshot(true)
    const host = readHostSnapshot()
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
          let prevSys = readSystemCpu()
          let inFlight = false
          return setInterval(() => {
            if (inFlight) return
            inFlight = true
            const tick = native.threadCpuNs()
            const snapNs = native.nowNs()
            const snap = sender.snapshot()
            const request = rx.sample(false)
            busyNs += native.threadCpuNs() - tick
            request
              .catch(() => null)
              .then((r) => {
                // a reply that lands after the trial ended belongs to no trial
                if (stopped) return
                const reply = native.threadCpuNs()
                inFlight = false
                const now = native.nowNs()
                const sys = readSystemCpu()
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
                busyNs += native.threadCpuNs() - reply + (r?.busyNs ?? 0)
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
  await native.setPageCache(ctx.file, spec.cache)
  const t = spec.target
  const bound = boundOf(spec)
  const rx = await prepareReceiver(ctx, spec, bound)
  const hostStart = readHostSnapshot()
  const t0 = hostStart.atNs
  const sender = startSender({
    method: spec.method,
    file: ctx.file,
    chunkBytes: spec.chunkBytes,
    addresses: rx.addresses,
    targetText: t.text,
    pmu: ctx.pmu,
    bound,
    cpus: spec.senderCpus,
    confirmTimeoutMs: ctx.agent ? undefined : RAW_CONFIRM_TIMEOUT_MS
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
    record.error = explainError(e, { target: t.text, file: ctx.file }).toInfo()
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
  const hostEnd = readHostSnapshot()

  const mode = trialMode(spec)
  const expectedBytes = sent.streams.map((s, i) =>
    mode === 'timed' ? s.bytes : bound.kind === 'bytes' ? bound.streamBytes[i] : spec.fileBytes
  )
  // a looped stream's checksum: the file's, combined over the bytes that stream carried
  const expectedCrc32c = await Promise.all(
    expectedBytes.map(async (b) =>
      !ctx.checksum ? null : mode === 'file' ? ctx.fileCrc32c : (await native.fileCrc32cRepeated(ctx.file, b)).crc32c
    )
  )
  const { summary, error } = summarizeTrial({
    method: spec.method,
    index: spec.index,
    target: t,
    mode,
    expectedBytes,
    expectedCrc32c,
    checksum: ctx.checksum,
    sameHost: ctx.sameHost,
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

/** The receiving end of one trial: an agent's receivers, or a raw sink we only send to. */
export interface ReceiverTrial {
  /** where stream i connects */
  addresses: native.NativeAddress[]
  /** null for raw sinks, or when the agent did not answer */
  sample(detail: boolean): Promise<ReceiverSnapshot | null>
  cancel(): void
  /** null for raw sinks */
  result(timeoutMs: number): Promise<ReceiverOutcome | null>
}

function receiverSnapshot(r: SampleReply): ReceiverSnapshot {
  const streamBytes = r.streams.map((s) => s.progress?.bytes ?? 0)
  const streamTotals = r.streams.map((s) =>
    s.counters ? nativeTotals(s.counters, s.progress?.syscalls ?? null) : null
  )
  return {
    bytes: streamBytes.reduce((a, b) => a + b, 0),
    streamBytes,
    totals: streamTotals.length && streamTotals.every((x) => x) ? sumTotals(streamTotals as SideTotals[]) : null,
    streamTotals,
    host: r.host,
    busyNs: r.busyNs
  }
}

function receiverOutcome(r: TrialResult): ReceiverOutcome {
  return { streams: r.streams, hostStart: r.hostStart, hostEnd: r.hostEnd }
}

/** The receiver CPUs asked for must be ones the agent may use: checked before any trial runs. */
export function checkReceiverCpus(hello: HelloReply | null, cpus: number[] | null, where: string): void {
  if (!cpus || !hello) return
  const missing = cpus.filter((c) => !hello.cpus.includes(c))
  if (missing.length)
    throw new ZcprofError({
      code: 'ZC_BAD_PLAN',
      message: `--receiver-cpus names CPU${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the receiver at ${where} may not run on`,
      hint: `that host allows CPUs ${hello.cpus.join(',') || 'none'}`
    })
}

async function prepareReceiver(ctx: TrialContext, spec: TrialSpec, bound: SendBound): Promise<ReceiverTrial> {
  const t = spec.target
  const agent = ctx.agent
  const n = spec.streams
  if (!agent || t.kind === 'raw') {
    if (t.kind === 'unix' || t.kind === 'tcp') throw new Error(`internal: ${t.text} needs an agent`)
    return {
      addresses: Array.from({ length: n }, () => ({ family: t.family, host: t.host, port: t.port })),
      sample: async () => null,
      cancel: () => undefined,
      result: async () => null
    }
  }
  const path = t.kind === 'unix' ? (t.path ?? unixPath(spec.index)) : undefined
  // a stream may not pass what it is meant to carry: one pass, or its share of the bytes
  const maxBytes =
    bound.kind === 'file' ? spec.fileBytes : bound.kind === 'bytes' ? Math.max(...bound.streamBytes) : undefined
  const prepared = (await agent
    .request({
      type: 'prepare',
      family: t.family,
      // a remote agent listens where we reached it; only a local one takes an address
      host: t.kind === 'tcp' ? t.host : undefined,
      port: t.kind === 'tcp' ? (t.port ?? 0) : undefined,
      path,
      mode: spec.receiverMode,
      bufferBytes: spec.chunkBytes,
      checksum: ctx.checksum,
      acceptTimeoutMs: ACCEPT_TIMEOUT_MS,
      pmu: ctx.pmu,
      maxBytes,
      streams: n,
      cpus: spec.receiverCpus ?? undefined
    })
    .catch((e: unknown) => {
      throw explainError(e instanceof ZcprofError ? e.toInfo() : e, { target: t.text, listening: true })
    })) as Prepared
  const trial = prepared.trial
  return {
    addresses: prepared.streams.map((s) =>
      t.kind === 'unix' ? { family: 'unix', path: s.path! } : { family: t.family, host: t.host, port: s.port }
    ),
    sample: (detail) =>
      agent
        .request({ type: 'sample', trial, detail }, SAMPLE_REPLY_TIMEOUT_MS)
        .then((r) => receiverSnapshot(r as SampleReply)),
    cancel: () => void agent.request({ type: 'cancel', trial }).catch(() => undefined),
    result: (timeoutMs) => agent.result(trial, timeoutMs).then(receiverOutcome)
  }
}
