// iperf3 -J output as a foreign report, so a team's iperf3 results sit beside
// zcprof's. iperf3 measures throughput and each end's process CPU; everything it
// does not measure stays null, and the report says so in `foreign`.

import { aggregateTrials } from './aggregate'
import type { Environment, Report, SideFigures, TrialRecord } from './report'
import { SCHEMA_VERSION } from './report'
import type { MethodName } from './methods'
import { warning } from './warnings'
import { median } from './statistics'
import { summarizeSlices, MIN_SLICES_FOR_INTERVAL, type SliceStat } from './series-stat'

/** iperf3's own TCP default for -l, used when its report leaves blksize out */
const IPERF3_DEFAULT_BLKSIZE = 128 * 1024

type Json = Record<string, unknown>
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

export class Iperf3ImportError extends Error {}

const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v)

/**
 * A number iperf3 may have written at o[key]: null when absent; an error naming the
 * field when it is there but not a finite number within [min, max]. Every number read
 * from the file goes through here, so a hand-edited or hostile file is refused in words.
 */
function numberAt(o: unknown, key: string, where: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | null {
  if (!isObject(o) || !(key in o) || o[key] === null || o[key] === undefined) return null
  const v = o[key]
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Iperf3ImportError(
      `${where}.${key} is ${typeof v === 'number' ? String(v) : kindOf(v)}, not a finite number`
    )
  if (v < min || v > max) throw new Iperf3ImportError(`${where}.${key} is ${v}, outside ${min}..${max}`)
  return v
}

/** a string iperf3 may have written at o[key]: null when absent, an error when it is another type or too long */
function stringAt(o: unknown, key: string, where: string, maxLength = 255): string | null {
  if (!isObject(o) || !(key in o) || o[key] === null || o[key] === undefined) return null
  const v = o[key]
  if (typeof v !== 'string') throw new Iperf3ImportError(`${where}.${key} is ${kindOf(v)}, not text`)
  if (v.length > maxLength) throw new Iperf3ImportError(`${where}.${key} is ${v.length} characters, over ${maxLength}`)
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new Iperf3ImportError(`${where}.${key} holds control characters`)
  return v
}

/**
 * The largest iperf3 -J output zcprof imports: 32 MiB. iperf3 writes about 0.5 KB per
 * interval for one stream and 0.3 KB more per extra stream (tab-indented), so this holds
 * a 1 s-interval run of one stream for 18 hours, of 8 streams for 3½ hours, of 128 streams
 * (iperf3's -P maximum) for 14 minutes, or for an hour at -i 5. Past it, one import took
 * over 500 MiB and seconds of parsing for intervals the import keeps only the sums of.
 */
export const MAX_IPERF3_IMPORT_BYTES = 32 * 1024 * 1024

/**
 * Whether a file's first bytes are iperf3 -J output: iperf3 always writes "start" as
 * its first key, a zcprof report "schemaVersion". Read before the rest of the file, so
 * an iperf3 file over its bound is refused unread.
 */
export function headLooksLikeIperf3(head: string): boolean {
  return /^\uFEFF?\s*\{\s*"start"\s*:/.test(head)
}

/** the hint when an iperf3 file is over MAX_IPERF3_IMPORT_BYTES: what makes iperf3 write less */
export const IPERF3_TOO_LARGE_HINT =
  'run iperf3 with a longer interval (-i 5 or -i 10) or fewer streams (-P), or for a shorter time (-t), so its -J output is smaller'

/** iperf3's JSON has no version field of its own: its start block and end sums give it away. */
export function looksLikeIperf3(doc: unknown): boolean {
  if (!isObject(doc) || 'schemaVersion' in doc) return false
  const start = doc.start
  return (
    isObject(start) && (typeof start.version === 'string' ? start.version.startsWith('iperf') : 'test_start' in start)
  )
}

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
  const parts = uname
    .trim()
    .split(/\s+/)
    .map((p) => p.slice(0, 255))
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

/** a boolean iperf3 may have written at o[key]: null when absent, an error when it is another type */
function booleanAt(o: unknown, key: string, where: string): boolean | null {
  if (!isObject(o) || !(key in o) || o[key] === null || o[key] === undefined) return null
  const v = o[key]
  if (typeof v !== 'boolean') throw new Iperf3ImportError(`${where}.${key} is ${kindOf(v)}, not true or false`)
  return v
}

/**
 * What the row's throughput interval is, in the report's own words: iperf3's intervals
 * are slices of one connection, so they say how steady this run was, not how another
 * run would come out; and CPU, recorded once per run, has no interval.
 */
function slicesNote(s: SliceStat | null, omitted: number, short: number): string {
  const cpu = 'CPU per bit has no interval: iperf3 records CPU once per run'
  if (!s) return `throughput is one figure, the run's: no intervals to spread it over; ${cpu}`
  const left = [omitted > 0 ? `${omitted} omitted (-O)` : '', short > 0 ? `${short} cut short at the end` : ''].filter(
    Boolean
  )
  const over = `throughput's median and interval are over ${s.slices} measured interval${s.slices === 1 ? '' : 's'}${left.length ? ` (${left.join(', ')} left out)` : ''}`
  const worth =
    s.slices < MIN_SLICES_FOR_INTERVAL
      ? `too few to estimate how they hang together, so no interval is claimed`
      : `consecutive slices of one connection, not repeated runs: their lag-1 autocorrelation ${(s.lag1 ?? 0).toFixed(2)} makes them worth ${s.nEffective} independent one${s.nEffective === 1 ? '' : 's'} (n)${s.nEffective < 2 ? ', too few for an interval' : ''}`
  return `${over}, ${worth}. It says how steady this run was, not how another run would differ: repeat iperf3 for that. ${cpu}`
}

/** the largest figures a real run could have written: a year of 10 Tbit/s, 100 000 % CPU */
const MAX_SECONDS = 365 * 86400
const MAX_BYTES = 2 ** 62
const MAX_EPOCH_SECONDS = 1e11

/** the connection's far end as a target, and whether this end (where iperf3 ran) sent */
function iperf3Ends(start: Json, testStart: Json): { target: string; localSends: boolean } {
  const connectingTo = isObject(start.connecting_to) ? start.connecting_to : null
  const connected = Array.isArray(start.connected) && isObject(start.connected[0]) ? start.connected[0] : {}
  const host = connectingTo
    ? (stringAt(connectingTo, 'host', 'start.connecting_to') ?? 'unknown')
    : (stringAt(connected, 'local_host', 'start.connected[0]') ?? 'unknown')
  const port = connectingTo
    ? (numberAt(connectingTo, 'port', 'start.connecting_to', 0, 65535) ?? 5201)
    : (numberAt(connected, 'local_port', 'start.connected[0]', 0, 65535) ?? 5201)
  const target = `tcp://${host.includes(':') ? `[${host}]` : host}:${port}`
  // the local end sends unless exactly one of "server" and "--reverse" holds
  const reverse = numberAt(testStart, 'reverse', 'start.test_start', 0, 1) === 1
  const localSends = connectingTo ? !reverse : reverse
  return { target, localSends }
}

/**
 * the intervals: the cumulative samples, the -O ramp they left out, and the measured
 * ones' rates as slices of the run (series-stat.ts)
 */
function iperf3Intervals(doc: Json) {
  const intervals = Array.isArray(doc.intervals) ? doc.intervals.filter(isObject) : []
  let cumulative = 0
  const samples: TrialRecord['samples'] = []
  // -O's intervals come first, marked omitted; iperf3 restarts its clock after them
  let omittedIntervals = 0
  let rampBytes = 0
  let rampSeconds = 0
  let lastOmittedEndS = 0
  let shiftS = 0
  const measured: { bitsPerSec: number; seconds: number | null }[] = []
  for (const [i, iv] of intervals.entries()) {
    const s = isObject(iv.sum) ? iv.sum : null
    const where = `intervals[${i}].sum`
    const ivBytes = numberAt(s, 'bytes', where, 0, MAX_BYTES)
    const ivEnd = numberAt(s, 'end', where, 0, MAX_SECONDS)
    if (ivBytes === null || ivEnd === null) continue
    const ivSeconds = numberAt(s, 'seconds', where, 0, MAX_SECONDS)
    const ivBitsPerSec =
      numberAt(s, 'bits_per_second', where, 0, 1e15) ?? (ivSeconds ? (ivBytes * 8) / ivSeconds : null)
    const omitted = booleanAt(s, 'omitted', where) === true
    if (omitted) {
      omittedIntervals++
      rampBytes += ivBytes
      rampSeconds += ivSeconds ?? 0
      lastOmittedEndS = ivEnd
    } else {
      // the first measured interval ends before the omitted ones did: its clock restarted
      if (shiftS === 0 && ivEnd <= lastOmittedEndS) shiftS = lastOmittedEndS
      if (ivBitsPerSec !== null) measured.push({ bitsPerSec: ivBitsPerSec, seconds: ivSeconds })
    }
    cumulative += ivBytes
    const side = {
      bytes: cumulative,
      bytesPerSec: (ivBitsPerSec ?? 0) / 8,
      cpuNs: null,
      cycles: null,
      contextSwitches: null,
      syscalls: null,
      pageFaults: null
    }
    samples.push({ tMs: (ivEnd + (omitted ? 0 : shiftS)) * 1000, sender: side, receiver: null, systemBusyCores: null })
  }
  const intervalMs =
    samples.length > 0 ? (numberAt(intervals[0].sum, 'seconds', 'intervals[0].sum', 0, MAX_SECONDS) ?? 1) * 1000 : 0
  // a last interval cut short (the run ended inside it) is too brief for a rate: under
  // half the usual length it is no slice
  const usualSeconds = median(measured.flatMap((m) => (m.seconds === null ? [] : [m.seconds])))
  const cutShort = (m: (typeof measured)[number], i: number) =>
    i === measured.length - 1 && m.seconds !== null && m.seconds < usualSeconds / 2
  const slices = measured.filter((m, i) => !cutShort(m, i)).map((m) => m.bitsPerSec)
  const sliceStat = summarizeSlices(slices)
  return { samples, intervalMs, omittedIntervals, rampBytes, rampSeconds, measured, slices, sliceStat }
}

/** the run as zcprof's one trial: iperf3's sums, its process CPU and its intervals */
function iperf3Trial(t: {
  method: MethodName
  target: string
  chunkBytes: number
  durationMs: number
  omitSeconds: number
  streams: number
  bytes: number
  seconds: number
  throughput: number
  confirmed: boolean
  sender: SideFigures
  receiver: SideFigures | null
  retransmits: number | null
  samples: TrialRecord['samples']
  intervalMs: number
  rampBytes: number
  rampSeconds: number
  slices: number[]
}): TrialRecord {
  const { method, target, chunkBytes, durationMs, omitSeconds, streams, bytes, seconds, throughput, confirmed } = t
  const { sender, receiver, retransmits, samples, intervalMs, rampBytes, rampSeconds, slices } = t
  return {
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
      confirmed,
      sender,
      receiver,
      system: null,
      receiverSystem: null,
      zeroCopy: null,
      tcpInfo: null,
      integrity: { checked: false, ok: true, expectedCrc32c: null, receivedCrc32c: null },
      contaminated: false,
      // iperf3 leaves its -O omitted seconds out of its sums, as zcprof leaves out a ramp
      steady: {
        rampMs: omitSeconds * 1000,
        rampBytes,
        rampThroughputBitsPerSec: rampSeconds > 0 ? (rampBytes * 8) / rampSeconds : null,
        windowMs: seconds * 1000
      },
      streams: [],
      fairness: null,
      placement: null,
      notes: retransmits
        ? [warning('RETRANSMITS', `${retransmits} TCP retransmits (iperf3)`, { scope: 'trial', method, trial: 0 })]
        : [],
      ...(slices.length > 0 && { throughputSlicesBitsPerSec: slices })
    },
    error: null
  }
}

/** the run's end sums: the receiver's when iperf3 has them, else the sender's; a run that measured nothing is refused */
function iperf3Sums(end: Json) {
  const sent = isObject(end.sum_sent) ? end.sum_sent : null
  const received = isObject(end.sum_received) ? end.sum_received : null
  const sum = received ?? sent
  const sumName = received ? 'end.sum_received' : 'end.sum_sent'
  const bytes = numberAt(sum, 'bytes', sumName, 0, MAX_BYTES)
  const seconds = numberAt(sum, 'seconds', sumName, 0, MAX_SECONDS)
  if (!sum || bytes === null || seconds === null)
    throw new Iperf3ImportError(
      'it has no end.sum_received or end.sum_sent: only TCP results of a finished iperf3 -J run can be imported'
    )
  if (seconds <= 0) throw new Iperf3ImportError(`${sumName}.seconds is 0: the run measured nothing`)
  return { sent, received, sum, sumName, bytes, seconds }
}

export function importIperf3(doc: Json, options: Iperf3ImportOptions = {}): Report {
  const start = doc.start as Json
  const end = isObject(doc.end) ? doc.end : {}
  if (typeof doc.error === 'string') throw new Iperf3ImportError(`iperf3 reported an error: ${doc.error.slice(0, 300)}`)
  const { sent, received, sum, sumName, bytes, seconds } = iperf3Sums(end)
  const testStart = isObject(start.test_start) ? start.test_start : {}
  const { target, localSends } = iperf3Ends(start, testStart)
  const cpu = isObject(end.cpu_utilization_percent) ? end.cpu_utilization_percent : {}
  const localCpu = numberAt(cpu, 'host_total', 'end.cpu_utilization_percent', 0, 100_000)
  const remoteCpu = numberAt(cpu, 'remote_total', 'end.cpu_utilization_percent', 0, 100_000)
  const method = options.method ?? 'copy'
  const clockHz = options.clockHz ?? null
  const sender = processSide(localSends ? localCpu : remoteCpu, seconds, bytes, clockHz)
  if (!sender) throw new Iperf3ImportError('it has no end.cpu_utilization_percent for the sending end')
  const throughput = numberAt(sum, 'bits_per_second', sumName, 0, 1e15) ?? (bytes * 8) / seconds
  const chunkBytes = numberAt(testStart, 'blksize', 'start.test_start', 1, 1024 ** 3) ?? IPERF3_DEFAULT_BLKSIZE
  const startMs = (numberAt(start.timestamp, 'timesecs', 'start.timestamp', 0, MAX_EPOCH_SECONDS) ?? 0) * 1000
  const retransmits = numberAt(sent, 'retransmits', 'end.sum_sent')
  const streams = Math.min(
    64,
    Math.max(1, Math.round(numberAt(testStart, 'num_streams', 'start.test_start', 0, 1e6) ?? 1))
  )
  const omitSeconds = numberAt(testStart, 'omit', 'start.test_start', 0, MAX_SECONDS) ?? 0
  const durationMs = Math.round(seconds * 1000)

  const { samples, intervalMs, omittedIntervals, rampBytes, rampSeconds, measured, slices, sliceStat } =
    iperf3Intervals(doc)

  const trial = iperf3Trial({
    method,
    target,
    chunkBytes,
    durationMs,
    omitSeconds,
    streams,
    bytes,
    seconds,
    throughput,
    confirmed: received !== null,
    sender,
    receiver: processSide(localSends ? remoteCpu : localCpu, seconds, bytes, clockHz),
    retransmits,
    samples,
    intervalMs,
    rampBytes,
    rampSeconds,
    slices
  })
  const uname = stringAt(start, 'system_info', 'start', 1000) ?? ''
  const version = (stringAt(start, 'version', 'start', 100) ?? 'unknown').replace(/^iperf\s*/, '')
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'iperf3', version },
    meta: { title: `iperf3 → ${target}`, tags: ['iperf3'] },
    foreign: {
      format: 'iperf3-json',
      measured: [
        'throughputBitsPerSec',
        'sender.cpuNs',
        'receiver.cpuNs',
        'samples.bytesPerSec',
        ...(slices.length > 0 ? ['throughputSlicesBitsPerSec'] : [])
      ],
      notes: [
        `iperf3 sends from memory, not a file; counted as ${method}${options.method ? ' (as told at import)' : ' (iperf3 does not record -Z; import with method sendfile if it ran with -Z)'}`,
        'CPU is each end’s whole-process CPU (cpu_utilization_percent × duration); iperf3 counts no cycles, syscalls, context switches or page faults',
        clockHz
          ? `cycles/bit is a process-level estimate: that CPU time × ${(clockHz / 1e9).toFixed(2)} GHz, the importing host's clock (iperf3 records none)`
          : 'no clock was known at import, so no cycles/bit estimate',
        `parallel streams: ${streams}; a timed stream of ${seconds.toFixed(1)} s, so it aligns with zcprof's timed runs`,
        slicesNote(sliceStat, omittedIntervals, measured.length - slices.length)
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
        receiverModes: ['read'],
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
