// One trial: make the receiver ready, start the sender, sample both sides while
// the data moves, then turn the totals into a summary.

import os from 'node:os'
import * as native from '../../native'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { HostCpu, Sample, SideSample, TrialRecord, TrialSummary } from '../../shared/report'
import type { Target } from '../../shared/targets'
import { estimateCycles, sideFigures, sumValues, type SideTotals } from '../../shared/trial-summary'
import type { AgentClient } from '../agent/agent-client'
import type { Prepared, SampleReply, TrialResult } from '../agent/protocol'
import { explainError } from './explain-error'
import { nativeTotals, startSender, type SenderOutcome, type SenderRun } from './sender'
import { processCpuNs, readSystemCpu } from '../host/system-cpu'

/** What to run: a trial record's identity, with the target parsed. */
export type TrialSpec = Omit<TrialRecord, 'target' | 'samples' | 'sampling' | 'summary' | 'error'> & { target: Target }

export interface TrialContext {
  /** null for raw sinks: nobody of ours receives */
  agent: AgentClient | null
  /** the receiver runs on this host: one clock, one /proc/stat */
  sameHost: boolean
  receiverClockHz: number
  file: string
  expectedCrc32c: number | null
  checksum: boolean
  clockHz: number
  sampleIntervalMs: number
  pmu: 'auto' | 'off'
  onSample?: (s: Sample) => void
  /** lets a caller cancel the running trial */
  onStart?: (cancel: () => void) => void
}

/** Share of other CPU work during a trial, in cores, above which its figures are suspect. */
export const CONTAMINATION_CORES = 0.5

function unixPath(index: number): string {
  return `${os.tmpdir()}/zcprof-${process.pid}-${index}.sock`
}

function sideSample(bytes: number, prevBytes: number, dtNs: number, t: SideTotals | null, clockHz: number): SideSample {
  // no counter reading at this instant: null, not 0, which a cumulative series would read as a drop
  return {
    bytes,
    bytesPerSec: dtNs > 0 ? ((bytes - prevBytes) * 1e9) / dtNs : 0,
    cpuNs: t?.cpuNs ?? null,
    cycles: t ? (t.cycles ?? estimateCycles(t.cpuNs, clockHz)) : null,
    contextSwitches: t?.contextSwitches ?? null,
    syscalls: t ? sumValues(t.syscalls) : null,
    pageFaults: t?.pageFaults ?? null
  }
}

/**
 * Samples on the JS thread while the loops run on theirs: a snapshot of atomics
 * and counter fds here, one control round-trip for the receiver.
 */
interface Sampler {
  stop(): void
  /** what the sampler cost, both sides, so far: CPU time of the threads doing it */
  stats(): TrialRecord['sampling']
}

function startSampler(
  ctx: TrialContext,
  sender: SenderRun,
  rx: ReceiverTrial,
  t0Ns: number,
  samples: Sample[]
): Sampler {
  let busyNs = 0
  const stats = () => ({ intervalMs: ctx.sampleIntervalMs, samples: samples.length, busyMs: busyNs / 1e6 })
  // 0 turns sampling off: the benchmark measures what sampling costs
  if (ctx.sampleIntervalMs === 0) return { stop: () => undefined, stats }
  let prevNs = t0Ns
  let prevSend = 0
  let prevRecv = 0
  let prevSys = readSystemCpu()
  let inFlight = false
  let stopped = false
  const timer = setInterval(() => {
    if (inFlight) return
    inFlight = true
    const tick = native.threadCpuNs()
    const snap = sender.snapshot()
    const request = rx.sample()
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
        const dt = now - prevNs
        const recvBytes = r?.progress?.bytes ?? 0
        const recvTotals = r?.counters ? nativeTotals(r.counters, r.progress?.syscalls ?? null) : null
        const s: Sample = {
          tMs: (now - t0Ns) / 1e6,
          sender: sideSample(snap.bytes, prevSend, dt, snap.totals, ctx.clockHz),
          receiver: r ? sideSample(recvBytes, prevRecv, dt, recvTotals, ctx.clockHz) : null,
          systemBusyCores: dt > 0 ? (sys.busyNs - prevSys.busyNs) / dt : 0
        }
        prevNs = now
        prevSend = snap.bytes
        prevRecv = recvBytes
        prevSys = sys
        samples.push(s)
        ctx.onSample?.(s)
        busyNs += native.threadCpuNs() - reply + (r?.busyNs ?? 0)
      })
  }, ctx.sampleIntervalMs)
  return {
    stop: () => {
      stopped = true
      clearInterval(timer)
    },
    stats
  }
}

function hostCpu(busyNs: number, otherNs: number, wallNs: number, bytes: number, clockHz: number): HostCpu {
  const cycles = estimateCycles(busyNs, clockHz)
  return {
    busyCpuNs: busyNs,
    cycles,
    cyclesSource: 'cpu-time-estimate',
    cyclesPerBit: bytes > 0 ? cycles / (bytes * 8) : Number.NaN,
    otherCpuCores: Math.max(0, otherNs) / wallNs
  }
}

function summarize(
  spec: TrialSpec,
  ctx: TrialContext,
  sent: SenderOutcome,
  recv: TrialResult | null,
  busyNs: number,
  wallNs: number,
  ownCpuNs: number
): { summary: TrialSummary; error: ErrorInfo | null } {
  const r = recv?.result ?? null
  const bytes = r ? r.bytes : sent.bytes
  // one host, one CLOCK_MONOTONIC: the receiver's last byte ends the clock; across
  // hosts, the receiver's close after our EOF, seen on our clock
  const endNs = ctx.sameHost && r && r.lastByteNs > 0 ? r.lastByteNs : (sent.confirmedNs ?? sent.lastByteNs)
  const durationNs = Math.max(1, endNs - sent.firstByteNs)
  const sender = sideFigures(sent.totals, bytes, durationNs, ctx.clockHz)
  const receiver = r ? sideFigures(nativeTotals(r.counters, r.syscalls), bytes, durationNs, ctx.receiverClockHz) : null
  const warnings: string[] = []
  let error: ErrorInfo | null = sent.error ?? recv?.error ?? null

  // on one host the agent's CPU is ours too; on another, it is that host's own
  const system = hostCpu(
    busyNs,
    busyNs - ownCpuNs - (ctx.sameHost ? (recv?.processCpuNs ?? 0) : 0),
    wallNs,
    bytes,
    ctx.clockHz
  )
  const receiverSystem =
    !ctx.sameHost && recv
      ? hostCpu(
          recv.systemBusyNs,
          recv.systemBusyNs - recv.processCpuNs,
          Math.max(1, recv.wallNs),
          bytes,
          ctx.receiverClockHz
        )
      : null
  const otherCpuCores = Math.max(system.otherCpuCores, receiverSystem?.otherCpuCores ?? 0)

  const integrity = {
    checked: ctx.checksum && r !== null,
    ok: true,
    expectedCrc32c: ctx.checksum ? ctx.expectedCrc32c : null,
    receivedCrc32c: ctx.checksum && r ? r.crc32c : null
  }
  if (!error && r && r.bytes !== spec.fileBytes) {
    error = { code: 'ZC_SHORT', message: `the receiver got ${r.bytes} of ${spec.fileBytes} bytes` }
  }
  if (integrity.checked && r && r.crc32c !== ctx.expectedCrc32c) {
    integrity.ok = false
    error ??= {
      code: 'ZC_CHECKSUM',
      message: `checksum mismatch: sent crc32c ${ctx.expectedCrc32c}, received ${r.crc32c}`
    }
  }
  if (!r && sent.confirmedNs === null && !error) {
    warnings.push("the receiver did not close after the sender's end: the time ends at the last send")
  }
  const zc = sent.zeroCopy
  const zeroCopy = zc ? { ...zc, fallbackShare: zc.completed > 0 ? zc.copied / zc.completed : 0 } : null
  if (zeroCopy && zeroCopy.fallbackShare > 0) {
    warnings.push(
      `MSG_ZEROCOPY fell back to copying for ${(zeroCopy.fallbackShare * 100).toFixed(0)}% of sends` +
        (spec.target.kind === 'tcp' && zeroCopy.fallbackShare > 0.99 ? ' (the kernel always copies on loopback)' : '')
    )
  }
  const contaminated = otherCpuCores > CONTAMINATION_CORES
  if (contaminated) warnings.push(`other processes used ${otherCpuCores.toFixed(2)} cores during this trial`)
  const tcp = sent.tcpInfo
  if (tcp && tcp.rwndLimitedUs > 0.2 * (durationNs / 1000))
    warnings.push('the receiver window limited the sender for over 20% of the time')
  if (tcp && tcp.sndbufLimitedUs > 0.2 * (durationNs / 1000))
    warnings.push('the send buffer limited the sender for over 20% of the time')
  return {
    error,
    summary: {
      bytes,
      durationNs,
      throughputBitsPerSec: (bytes * 8 * 1e9) / durationNs,
      confirmed: r !== null || sent.confirmedNs !== null,
      sender,
      receiver,
      system,
      receiverSystem,
      zeroCopy,
      tcpInfo: tcp,
      integrity,
      contaminated,
      warnings
    }
  }
}

export async function runTrial(ctx: TrialContext, spec: TrialSpec): Promise<TrialRecord> {
  const record: TrialRecord = {
    index: spec.index,
    method: spec.method,
    target: spec.target.text,
    fileBytes: spec.fileBytes,
    chunkBytes: spec.chunkBytes,
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
  const rx = await prepareReceiver(ctx, spec)
  const sysStart = readSystemCpu()
  const ownStart = processCpuNs()
  const t0 = native.nowNs()
  const sender = startSender({
    method: spec.method,
    file: ctx.file,
    chunkBytes: spec.chunkBytes,
    address: rx.address,
    targetText: t.text,
    pmu: ctx.pmu,
    // a raw sink may never close: don't wait long for its confirmation
    confirmTimeoutMs: ctx.agent ? undefined : 3000
  })
  ctx.onStart?.(() => {
    sender.cancel()
    rx.cancel()
  })
  const sampler = startSampler(ctx, sender, rx, t0, record.samples)
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
  let recv: TrialResult | null = null
  let recvError: ErrorInfo | null = null
  try {
    recv = await rx.result(15000)
  } catch (e) {
    recvError = explainError(e, { target: t.text }).toInfo()
  }
  sampler.stop()
  const sysEnd = readSystemCpu()
  const wallNs = Math.max(1, native.nowNs() - t0)
  const { summary, error } = summarize(
    spec,
    ctx,
    sent,
    recv,
    sysEnd.busyNs - sysStart.busyNs,
    wallNs,
    processCpuNs() - ownStart
  )
  record.sampling = sampler.stats()
  record.summary = sent.bytes > 0 ? summary : null
  // a lost agent explains everything after it (the sender's EPIPE included): say that first
  record.error = (recvError?.code === 'ZC_AGENT_GONE' ? recvError : null) ?? error ?? recvError
  return record
}

/** The receiving end of one trial: an agent's receiver, or a raw sink we only send to. */
interface ReceiverTrial {
  address: native.NativeAddress
  sample(): Promise<SampleReply | null>
  cancel(): void
  /** null for raw sinks */
  result(timeoutMs: number): Promise<TrialResult | null>
}

async function prepareReceiver(ctx: TrialContext, spec: TrialSpec): Promise<ReceiverTrial> {
  const t = spec.target
  const agent = ctx.agent
  if (!agent || t.kind === 'raw') {
    if (t.kind === 'unix' || t.kind === 'tcp') throw new Error(`internal: ${t.text} needs an agent`)
    return {
      address: { family: t.family, host: t.host, port: t.port },
      sample: async () => null,
      cancel: () => undefined,
      result: async () => null
    }
  }
  const path = t.kind === 'unix' ? (t.path ?? unixPath(spec.index)) : undefined
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
      acceptTimeoutMs: 10000,
      pmu: ctx.pmu,
      maxBytes: spec.fileBytes
    })
    .catch((e: unknown) => {
      throw explainError(e instanceof ZcprofError ? e.toInfo() : e, { target: t.text, listening: true })
    })) as Prepared
  const trial = prepared.trial
  return {
    address: t.kind === 'unix' ? { family: 'unix', path } : { family: t.family, host: t.host, port: prepared.port },
    sample: () => agent.request({ type: 'sample', trial }, 1000).then((r) => r as SampleReply),
    cancel: () => void agent.request({ type: 'cancel', trial }).catch(() => undefined),
    result: (timeoutMs) => agent.result(trial, timeoutMs)
  }
}
