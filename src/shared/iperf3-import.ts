// iperf3 -J output as a foreign report, so a team's iperf3 results sit beside
// zcprof's. iperf3 measures throughput and each end's process CPU; everything it
// does not measure stays null, and the report says so in `foreign`.

import { aggregateTrials } from './aggregate'
import type { Environment, Report, SideFigures, TrialRecord } from './report'
import { SCHEMA_VERSION } from './report'
import type { MethodName } from './methods'
import { warning } from './warnings'

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const numberAt = (o: unknown, key: string): number | null =>
  isObject(o) && typeof o[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : null

/** iperf3's JSON has no version field of its own: its start block and end sums give it away. */
export function looksLikeIperf3(doc: unknown): boolean {
  if (!isObject(doc) || 'schemaVersion' in doc) return false
  const start = doc.start
  return (
    isObject(start) && (typeof start.version === 'string' ? start.version.startsWith('iperf') : 'test_start' in start)
  )
}

export class Iperf3ImportError extends Error {}

export interface Iperf3ImportOptions {
  /**
   * iperf3's JSON does not record -Z. Without it iperf3 write()s a user buffer, the
   * copy path; with it, sendfile(). The caller says which when it knows.
   */
  method?: Extract<MethodName, 'copy' | 'sendfile'>
  /**
   * iperf3 records each end's CPU share but no clock: with one, its CPU time becomes a
   * process-level cycles estimate (labelled so), comparable with zcprof's CPU-time ones.
   */
  clockHz?: number | null
}

/** `Linux vm 6.18.44-fc #1 SMP ... x86_64` → os, hostname, kernel, arch */
function hostFromUname(uname: string): Environment {
  const parts = uname.trim().split(/\s+/)
  return {
    hostname: parts[1] ?? 'unknown',
    cpuModel: 'unknown (iperf3 does not record it)',
    cpuCores: null,
    cpuPhysicalCores: null,
    cpuClockHz: null,
    memoryBytes: null,
    os: parts[0] ?? 'unknown',
    kernel: parts[2] ?? 'unknown',
    arch: parts.length > 3 ? parts[parts.length - 1] : 'unknown',
    nodeVersion: 'n/a',
    virtualized: null,
    pmu: { available: false, reason: 'not recorded by iperf3', perfEventParanoid: null },
    nics: null
  }
}

function processSide(
  cpuPercent: number | null,
  seconds: number,
  bytes: number,
  clockHz: number | null
): SideFigures | null {
  if (cpuPercent === null) return null
  const cpuNs = (cpuPercent / 100) * seconds * 1e9
  const cycles = clockHz ? (cpuNs / 1e9) * clockHz : null
  return {
    scope: 'process',
    cpuNs,
    cycles,
    cyclesSource: cycles === null ? 'none' : 'process-cpu-estimate',
    cyclesPerBit: cycles === null || bytes <= 0 ? null : cycles / (bytes * 8),
    instructions: null,
    contextSwitches: null,
    contextSwitchesVoluntary: null,
    contextSwitchesInvoluntary: null,
    contextSwitchesPerGiB: null,
    contextSwitchesPerSec: null,
    syscalls: null,
    syscallsTotal: null,
    syscallsPerGiB: null,
    pageFaults: null,
    pageFaultsPerGiB: null,
    sources: {
      cpuNs: `iperf3 cpu_utilization_percent × ${seconds.toFixed(3)} s over ${bytes} bytes`,
      cycles:
        cycles === null
          ? 'none'
          : `process CPU time × ${(clockHz! / 1e9).toFixed(2)} GHz (the importing host's clock; iperf3 records none)`
    }
  }
}

export function importIperf3(doc: Json, options: Iperf3ImportOptions = {}): Report {
  const start = doc.start as Json
  const end = isObject(doc.end) ? doc.end : {}
  if (typeof doc.error === 'string') throw new Iperf3ImportError(`iperf3 reported an error: ${doc.error}`)
  const sent = isObject(end.sum_sent) ? end.sum_sent : null
  const received = isObject(end.sum_received) ? end.sum_received : null
  const sum = received ?? sent
  if (!sum || numberAt(sum, 'bytes') === null || numberAt(sum, 'seconds') === null)
    throw new Iperf3ImportError(
      'it has no end.sum_received or end.sum_sent: only TCP results of a finished iperf3 -J run can be imported'
    )
  const testStart = isObject(start.test_start) ? start.test_start : {}
  const connectingTo = isObject(start.connecting_to) ? start.connecting_to : null
  const connected = Array.isArray(start.connected) && isObject(start.connected[0]) ? start.connected[0] : {}
  const host = connectingTo ? String(connectingTo.host) : String(connected.local_host ?? 'unknown')
  const port = connectingTo ? Number(connectingTo.port) : Number(connected.local_port ?? 5201)
  const target = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`
  // the local end sends unless exactly one of "server" and "--reverse" holds
  const reverse = numberAt(testStart, 'reverse') === 1
  const localSends = connectingTo ? !reverse : reverse
  const cpu = isObject(end.cpu_utilization_percent) ? end.cpu_utilization_percent : {}
  const localCpu = numberAt(cpu, 'host_total')
  const remoteCpu = numberAt(cpu, 'remote_total')
  const method = options.method ?? 'copy'
  const clockHz = options.clockHz ?? null
  const sender = processSide(
    localSends ? localCpu : remoteCpu,
    numberAt(sum, 'seconds') ?? 0,
    numberAt(sum, 'bytes') ?? 0,
    clockHz
  )
  if (!sender) throw new Iperf3ImportError('it has no end.cpu_utilization_percent for the sending end')
  const bytes = numberAt(sum, 'bytes')!
  const seconds = numberAt(sum, 'seconds')!
  const throughput = numberAt(sum, 'bits_per_second') ?? (bytes * 8) / seconds
  const chunkBytes = numberAt(testStart, 'blksize') ?? 131072
  const startMs = (numberAt(start.timestamp, 'timesecs') ?? 0) * 1000
  const retransmits = numberAt(sent, 'retransmits')
  const streams = Math.min(64, Math.max(1, Math.round(numberAt(testStart, 'num_streams') ?? 1)))
  const omitSeconds = numberAt(testStart, 'omit') ?? 0
  const durationMs = Math.round(seconds * 1000)

  const intervals = Array.isArray(doc.intervals) ? doc.intervals.filter(isObject) : []
  let cumulative = 0
  const samples: TrialRecord['samples'] = []
  for (const iv of intervals) {
    const s = isObject(iv.sum) ? iv.sum : null
    const ivBytes = numberAt(s, 'bytes')
    const ivEnd = numberAt(s, 'end')
    if (ivBytes === null || ivEnd === null) continue
    cumulative += ivBytes
    const side = {
      bytes: cumulative,
      bytesPerSec: (numberAt(s, 'bits_per_second') ?? 0) / 8,
      cpuNs: null,
      cycles: null,
      contextSwitches: null,
      syscalls: null,
      pageFaults: null
    }
    samples.push({ tMs: ivEnd * 1000, sender: side, receiver: null, systemBusyCores: null })
  }
  const intervalMs = samples.length > 0 ? (numberAt(intervals[0].sum, 'seconds') ?? 1) * 1000 : 0

  const trial: TrialRecord = {
    index: 0,
    method,
    target,
    // a timed stream, not a file: 0, so iperf3 runs of any length align with each other
    fileBytes: 0,
    chunkBytes,
    durationMs,
    omitMs: Math.round(omitSeconds * 1000),
    trialBytes: null,
    streams,
    repetition: 0,
    warmup: false,
    cache: 'warm',
    receiverMode: 'read',
    samples,
    sampling: { intervalMs, samples: samples.length, busyMs: 0 },
    summary: {
      bytes,
      durationNs: seconds * 1e9,
      throughputBitsPerSec: throughput,
      confirmed: received !== null,
      sender,
      receiver: processSide(localSends ? remoteCpu : localCpu, seconds, bytes, clockHz),
      system: null,
      receiverSystem: null,
      zeroCopy: null,
      tcpInfo: null,
      integrity: { checked: false, ok: true, expectedCrc32c: null, receivedCrc32c: null },
      contaminated: false,
      // iperf3 leaves its -O omitted seconds out of its sums, as zcprof leaves out a ramp
      steady: { rampMs: omitSeconds * 1000, rampBytes: 0, rampThroughputBitsPerSec: null, windowMs: seconds * 1000 },
      streams: [],
      fairness: null,
      placement: null,
      notes: retransmits
        ? [warning('RETRANSMITS', `${retransmits} TCP retransmits (iperf3)`, { scope: 'trial', method, trial: 0 })]
        : []
    },
    error: null
  }
  const uname = typeof start.system_info === 'string' ? start.system_info : ''
  const version = typeof start.version === 'string' ? start.version.replace(/^iperf\s*/, '') : 'unknown'
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'iperf3', version },
    meta: { title: `iperf3 → ${target}`, tags: ['iperf3'] },
    foreign: {
      format: 'iperf3-json',
      measured: ['throughputBitsPerSec', 'sender.cpuNs', 'receiver.cpuNs', 'samples.bytesPerSec'],
      notes: [
        `iperf3 sends from memory, not a file; counted as ${method}${options.method ? ' (as told at import)' : ' (iperf3 does not record -Z; import with method sendfile if it ran with -Z)'}`,
        'CPU is each end’s whole-process CPU (cpu_utilization_percent × duration); iperf3 counts no cycles, syscalls, context switches or page faults',
        clockHz
          ? `cycles/bit is a process-level estimate: that CPU time × ${(clockHz / 1e9).toFixed(2)} GHz, the importing host's clock (iperf3 records none)`
          : 'no clock was known at import, so no cycles/bit estimate',
        `parallel streams: ${streams}; a timed stream of ${seconds.toFixed(1)} s, so it aligns with zcprof's timed runs`
      ]
    },
    start: {
      timestamp: new Date(startMs).toISOString(),
      plan: {
        methods: [method],
        targets: [target],
        fileBytes: [0],
        file: null,
        chunkBytes: [chunkBytes],
        repeat: 1,
        warmup: 0,
        cache: 'warm',
        receiverMode: 'read',
        checksum: false,
        sampleIntervalMs: intervalMs,
        pmu: 'off',
        durationMs,
        omitMs: Math.round(omitSeconds * 1000),
        trialBytes: null,
        streams,
        senderCpus: null,
        receiverCpus: null,
        lineRatesBitsPerSec: null
      },
      environment: { sender: hostFromUname(uname), receivers: [{ target, environment: null }] }
    },
    trials: [trial],
    end: {
      timestamp: new Date(startMs + seconds * 1000).toISOString(),
      durationMs: seconds * 1000,
      incomplete: false,
      aggregates: aggregateTrials([trial]),
      warnings: [
        warning(
          'FOREIGN',
          'imported from iperf3: throughput and process CPU only; syscalls, context switches and page faults were not measured',
          { scope: 'run' }
        )
      ]
    }
  }
}
