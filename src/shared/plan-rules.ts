// The plan's rules, in one place: limits and checks that the CLI, the setup form,
// the engine, the UI bridge and the agent all apply. Pure, so each front end shows
// the same message for the same mistake.

import {
  ALL_METHODS,
  GPU_METHODS,
  METHOD_INFO,
  RECEIVER_MODES,
  isMethod,
  isReceiverMode,
  type MethodName,
  type ReceiverMode
} from './methods'
import type { Plan } from './report'
import { planShapeProblems, type PlanShapeProblem } from './plan-schema'
import { DEFAULT_PRECISION } from './statistics'
import { isLocal, isLoopback, parseTarget, type Target } from './targets'
import { formatBytes, formatDurationMs, formatLineRate } from './units'

export const PLAN_LIMITS = {
  /** a timed trial: long enough to sample, short enough to finish */
  durationMs: { min: 100, max: 60 * 60_000 },
  /** of a timed trial, at most half may be ramp */
  omitShareMax: 0.5,
  trialBytes: { min: 1, max: 2 ** 50 },
  streams: { min: 1, max: 64 },
  repeat: { min: 1, max: 1000 },
  warmup: { min: 0, max: 100 },
  chunkBytes: { min: 1, max: 1024 ** 3 },
  fileBytes: { min: 1, max: 2 ** 50 },
  /** every trial of a run, warm-ups included */
  totalTrials: 10_000,
  /** CPU numbers the native layer can pin to */
  cpu: { min: 0, max: 1023 },
  sampleIntervalMs: { min: 10, max: 60_000 },
  lineRateBitsPerSec: { min: 1e6, max: 1e13 },
  /** SQEs per io_uring submission batch (ZC_URING_MAX_DEPTH in zc.h) */
  uringDepth: { min: 1, max: 4096 },
  /** the CUDA device a gpu-* receiver mode receives into */
  receiverGpu: { min: 0, max: 1023 },
  /** repeat until tight: the half-width aimed at, as a share (0.001 = ±0.1 points) */
  precision: { min: 0.001, max: 1 },
  /** with a precision: the run's time budget */
  maxTimeMs: { min: 1000, max: 24 * 3600_000 },
  /** with a precision: repeat is the fewest rounds, and never under this */
  minRoundsWithPrecision: 3,
  seed: { min: 0, max: 2 ** 32 - 1 }
} as const

/**
 * Repeat until tight, by default: rounds until every method's headline is within ±5
 * points (statistics.DEFAULT_PRECISION), at least 5 rounds, at most 2 minutes. Five,
 * not three: stopping when an interval first looks tight favours runs whose spread
 * looked small by chance, and more rounds before the first look keep the 95% interval
 * honest (simulated coverage 0.92–0.95 at 5 rounds, 0.89–0.94 at 3: docs/statistics.md).
 */
export const DEFAULT_MIN_ROUNDS = 5
export const DEFAULT_MAX_TIME_MS = 120_000

/** SQEs per batch when the plan names none: ZC_URING_DEFAULT_DEPTH in zc.h */
export const DEFAULT_URING_DEPTH = 32

/**
 * The default: a timed trial of 1 s leaves 0.9 s measured after the ramp (18 samples at
 * 50 ms, about 150 clock ticks of CPU on two cores). For the same time, more short
 * trials gave tighter intervals than fewer long ones (docs/statistics.md):
 * what varies is the machine from trial to trial, and rounds average that out.
 */
export const DEFAULT_DURATION_MS = 1000
/** bytes per call unless asked otherwise (the addon's ZC_DEFAULT_CHUNK_BYTES is the same) */
export const DEFAULT_CHUNK_BYTES = 128 * 1024
export const DEFAULT_SAMPLE_INTERVAL_MS = 50
/** a GPU moves large pieces well: 8 MiB calls unless asked, when every target is one */
export const GPU_DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024

/**
 * What a plan has when nobody says otherwise, keyed as PLAN_LIMITS is: the CLI's
 * option defaults and help, the setup form's first draft and the engine's default
 * plan read them here, so a default cannot drift from its range.
 */
export const PLAN_DEFAULTS = {
  durationMs: DEFAULT_DURATION_MS,
  streams: 1,
  /** with a precision, the fewest rounds */
  repeat: DEFAULT_MIN_ROUNDS,
  /** timed trials leave out their ramp instead of a warm-up round */
  warmup: 0,
  chunkBytes: DEFAULT_CHUNK_BYTES,
  fileBytes: 256 * 1024 ** 2,
  sampleIntervalMs: DEFAULT_SAMPLE_INTERVAL_MS,
  uringDepth: DEFAULT_URING_DEPTH,
  precision: DEFAULT_PRECISION,
  maxTimeMs: DEFAULT_MAX_TIME_MS
} as const satisfies Partial<Record<keyof typeof PLAN_LIMITS, number>>

/**
 * The ramp a timed trial leaves out when none is given: its first 10%, at most 1 s.
 * Slow start on loopback is over in milliseconds; on a long fat path it takes a few
 * round trips per doubling, and a second covers it on links up to 100 Gbit/s at 10 ms RTT.
 */
export function rampRuleMs(durationMs: number): number {
  return Math.min(1000, Math.round(durationMs * 0.1))
}

/** the ramp a plan's timed trials leave out; 0 for trials that are not timed */
export function omitMsOf(plan: Pick<Plan, 'durationMs' | 'omitMs'>): number {
  if (plan.durationMs === null) return 0
  return plan.omitMs ?? rampRuleMs(plan.durationMs)
}

/** what bounds a trial, in words: "timed 2 s", "64MiB", "one pass" */
export type TrialMode = 'timed' | 'bytes' | 'file'
export function trialMode(p: { durationMs: number | null; trialBytes: number | null }): TrialMode {
  return p.durationMs !== null ? 'timed' : p.trialBytes !== null ? 'bytes' : 'file'
}

/** Stream i's thread goes to cpus[i mod length]: one CPU each, round robin. */
export function cpuForStream(cpus: readonly number[] | null, stream: number): number[] | null {
  return cpus && cpus.length ? [cpus[stream % cpus.length]] : null
}

/** The bytes stream i sends in a byte-bounded trial: the total split evenly, the remainder to the first. */
export function streamBytesOf(totalBytes: number, streams: number, stream: number): number {
  const each = Math.floor(totalBytes / streams)
  return stream === 0 ? totalBytes - each * (streams - 1) : each
}

/** the plan field at fault ('plan' for the whole, or a key no plan has), what is wrong, and the fix */
export type PlanProblem = PlanShapeProblem

const whole = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

/**
 * the receiver modes a target's rows run: each of the plan's, or for a gpu:// target
 * (which no socket receiver drains) only the first, kept on its record
 */
export function receiverModesOn(plan: Pick<Plan, 'receiverModes'>, target: Target): ReceiverMode[] {
  return target.kind === 'gpu' ? plan.receiverModes.slice(0, 1) : plan.receiverModes
}

/** every trial the plan runs, warm-ups included (the generated sizes count, or one file) */
export function trialCount(plan: Plan): number {
  const sizes = plan.file ? 1 : plan.fileBytes.length
  // each target runs the methods of its kind with each receiver mode (a target that does not parse: all of them)
  const pairs = plan.targets.reduce((n, text) => {
    try {
      const t = parseTarget(text)
      return n + plan.methods.filter((m) => runsOn(m, t)).length * receiverModesOn(plan, t).length
    } catch {
      return n + plan.methods.length * plan.receiverModes.length
    }
  }, 0)
  return (plan.warmup + plan.repeat) * pairs * sizes * plan.chunkBytes.length
}

/** How long a timed run takes at least, in ms (null when its trials are not timed). */
export function timedRunMs(plan: Plan): number | null {
  return plan.durationMs === null ? null : trialCount(plan) * plan.durationMs
}

/**
 * What a run's length is estimated from before it starts: a fast loopback, a system
 * call costing at least a microsecond (so 1-byte chunks show as the hours they take),
 * and each trial's set-up and drain. An estimate to warn by, not a measurement.
 */
export const ESTIMATE = { bitsPerSec: 20e9, syscallNs: 1000, trialOverheadMs: 150 } as const

/** about how long the run takes, in ms; `userFileBytes`: the size of plan.file, when there is one */
export function estimateRunMs(plan: Plan, userFileBytes?: number): number {
  const rounds = (plan.warmup + plan.repeat) * plan.methods.length * plan.targets.length
  const sizes = plan.file ? [userFileBytes ?? 0] : plan.fileBytes
  let total = 0
  for (const size of sizes)
    for (const chunk of plan.chunkBytes) {
      let trialMs: number
      if (plan.durationMs !== null) trialMs = plan.durationMs
      else {
        const bytes = plan.trialBytes ?? size * plan.streams
        // streams send side by side: each makes its share of the calls
        const syscallMs = ((bytes / chunk / plan.streams) * ESTIMATE.syscallNs) / 1e6
        trialMs = Math.max((bytes * 8 * 1000) / ESTIMATE.bitsPerSec, syscallMs)
      }
      total += rounds * (trialMs + ESTIMATE.trialOverheadMs)
    }
  return total
}

/**
 * Everything wrong with a plan, each naming the field and the fix; [] when it can run.
 * allowedCpus: the CPUs this host lets threads run on, when the caller knows them.
 */
/** a method runs on the targets of its kind: GPU methods on gpu://, the others on sockets */
export function runsOn(method: MethodName, target: Target): boolean {
  return (METHOD_INFO[method]?.gpu === true) === (target.kind === 'gpu')
}

/** every target has a method to run and every method a target; a GPU takes one stream */
function gpuProblems(plan: Plan, bad: (field: keyof Plan, message: string, hint: string) => void): void {
  const targets = plan.targets.map(parseTarget)
  for (const t of targets)
    if (!plan.methods.some((m) => runsOn(m, t)))
      bad(
        'methods',
        t.kind === 'gpu'
          ? `${t.text} runs the GPU methods, and the plan has none`
          : `${t.text} runs socket methods, and the plan has only GPU methods`,
        t.kind === 'gpu' ? `add some of: ${GPU_METHODS.join(', ')} (or leave --methods out)` : 'add copy, sendfile, …'
      )
  for (const m of plan.methods)
    if (!targets.some((t) => runsOn(m, t)))
      bad(
        'targets',
        `${m} has no target to run on`,
        METHOD_INFO[m].gpu ? 'add a GPU target: --target gpu://0' : 'add a socket target: --target tcp://127.0.0.1'
      )
  if (plan.streams > 1 && targets.some((t) => t.kind === 'gpu'))
    bad('streams', `a GPU target takes one stream, not ${plan.streams}`, 'leave --streams out for gpu:// targets')
}

/** repeat until tight, the round order and automatic placement */
function roundProblems(plan: Plan, bad: (field: keyof Plan, message: string, hint: string) => void): void {
  const L = PLAN_LIMITS
  const p = plan.precision
  if (p !== undefined && p !== null) {
    if (!(typeof p === 'number' && p >= L.precision.min && p <= L.precision.max))
      bad(
        'precision',
        `the precision must be a share from ${L.precision.min * 100}% to ${L.precision.max * 100}%, not ${String(p)}`,
        'e.g. --precision 5% (each method within ±5 points of copy)'
      )
    else if (typeof plan.repeat === 'number' && plan.repeat < L.minRoundsWithPrecision)
      bad(
        'repeat',
        `with a precision, --repeat is the fewest rounds and must be at least ${L.minRoundsWithPrecision}, not ${plan.repeat}`,
        `e.g. --precision ${p * 100}% --repeat 5`
      )
  }
  const t = plan.maxTimeMs
  if (t !== undefined && t !== null && !whole(t, L.maxTimeMs.min, L.maxTimeMs.max))
    bad(
      'maxTimeMs',
      `the time budget must be from ${formatDurationMs(L.maxTimeMs.min)} to ${formatDurationMs(L.maxTimeMs.max)}, not ${String(t)} ms`,
      'e.g. --max-time 2m'
    )
  if (plan.order !== undefined && plan.order !== 'shuffled' && plan.order !== 'fixed')
    bad('order', `the round order must be shuffled or fixed, not ${String(plan.order)}`, 'e.g. --order shuffled')
  if (plan.seed !== undefined && !whole(plan.seed, L.seed.min, L.seed.max))
    bad('seed', `the seed must be a whole number from 0 to ${L.seed.max}, not ${String(plan.seed)}`, 'e.g. --seed 42')
  if (plan.autoPin !== undefined && typeof plan.autoPin !== 'boolean')
    bad('autoPin', 'autoPin must be true or false', 'leave --no-pin out, or pass it')
}

type Bad = (field: keyof Plan, message: string, hint: string) => void

/** a whole number within its limits, or a problem that names the field and its range */
function inRange(
  bad: Bad,
  field: keyof Plan,
  what: string,
  v: unknown,
  range: { min: number; max: number },
  example: string
): boolean {
  if (whole(v, range.min, range.max)) return true
  bad(field, `${what} must be a whole number from ${range.min} to ${range.max}, not ${String(v)}`, example)
  return false
}

/** a trial's size: its chunks, its file, what bounds it (time or bytes) and its streams */
function trialSizeProblems(plan: Plan, bad: Bad): void {
  const L = PLAN_LIMITS
  if (
    !Array.isArray(plan.chunkBytes) ||
    plan.chunkBytes.length === 0 ||
    plan.chunkBytes.some((c) => !whole(c, L.chunkBytes.min, L.chunkBytes.max))
  )
    bad(
      'chunkBytes',
      `chunk sizes must be whole numbers of bytes from ${formatBytes(L.chunkBytes.min)} to ${formatBytes(L.chunkBytes.max)}`,
      'e.g. --chunk 128KiB,1MiB'
    )
  if (
    !plan.file &&
    (!Array.isArray(plan.fileBytes) ||
      plan.fileBytes.length === 0 ||
      plan.fileBytes.some((s) => !whole(s, L.fileBytes.min, L.fileBytes.max)))
  )
    bad('fileBytes', 'file sizes must be positive whole numbers of bytes', 'e.g. --size 256MiB')
  if (plan.durationMs !== null && plan.trialBytes !== null)
    bad('trialBytes', 'a trial is bounded by a duration or by bytes, not both', 'give --duration or --bytes')
  if (plan.durationMs !== null) {
    if (!whole(plan.durationMs, L.durationMs.min, L.durationMs.max))
      bad(
        'durationMs',
        `a trial's duration must be from ${formatDurationMs(L.durationMs.min)} to ${formatDurationMs(L.durationMs.max)}, not ${plan.durationMs} ms`,
        'e.g. --duration 10s'
      )
    else if (plan.omitMs !== null && !whole(plan.omitMs, 0, Math.floor(plan.durationMs * L.omitShareMax)))
      bad(
        'omitMs',
        `the ramp left out (${plan.omitMs} ms) must be at most half the trial (${formatDurationMs(plan.durationMs * L.omitShareMax)})`,
        'e.g. --omit 1s with --duration 10s, or --omit 0 to keep the ramp'
      )
  } else if (plan.omitMs !== null && plan.omitMs !== 0)
    bad('omitMs', 'only timed trials leave out a ramp', 'give --duration with --omit')
  if (plan.trialBytes !== null && !whole(plan.trialBytes, L.trialBytes.min, L.trialBytes.max))
    bad(
      'trialBytes',
      `a trial's byte count must be a positive whole number, not ${plan.trialBytes}`,
      'e.g. --bytes 1GiB'
    )
  if (
    inRange(bad, 'streams', 'streams', plan.streams, L.streams, 'e.g. --streams 4') &&
    plan.trialBytes !== null &&
    plan.trialBytes < plan.streams
  )
    bad(
      'trialBytes',
      `${plan.trialBytes} bytes cannot be split over ${plan.streams} streams`,
      'give at least one byte per stream'
    )
}

/** the CPUs named for each side: CPU numbers, and for this host's side ones it allows */
function cpuProblems(plan: Plan, allowedCpus: readonly number[] | undefined, bad: Bad): void {
  const L = PLAN_LIMITS
  for (const field of ['senderCpus', 'receiverCpus'] as const) {
    const cpus = plan[field]
    if (cpus === null) continue
    const flag = field === 'senderCpus' ? '--cpus' : '--receiver-cpus'
    if (
      !Array.isArray(cpus) ||
      cpus.length === 0 ||
      cpus.length > L.cpu.max + 1 ||
      cpus.some((c) => !whole(c, L.cpu.min, L.cpu.max))
    ) {
      bad(field, `${flag} must list CPU numbers from ${L.cpu.min} to ${L.cpu.max}`, `e.g. ${flag} 0,2 or ${flag} 4-7`)
      continue
    }
    // the receiving host's CPUs are its own: a remote agent checks them against its own
    const local = field === 'senderCpus' || plan.targets.every((t) => !/^(agent|raw):/.test(t))
    if (allowedCpus && local) {
      const missing = cpus.filter((c) => !allowedCpus.includes(c))
      if (missing.length)
        bad(
          field,
          `${flag} names CPU${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which this host does not let zcprof run on`,
          `this host allows CPUs ${allowedCpus.join(',') || 'none'} (see taskset -p $$ and /sys/devices/system/cpu/online)`
        )
    }
  }
}

/** the targets: each parses, tcp:// is loopback, and the receiver mode suits it */
function targetProblems(plan: Plan, bad: Bad): void {
  if (!Array.isArray(plan.targets) || plan.targets.length === 0)
    bad('targets', 'no targets', 'e.g. --target tcp://127.0.0.1')
  else
    for (const text of plan.targets) {
      let t
      try {
        t = parseTarget(text)
      } catch (e) {
        bad('targets', (e as Error).message.split('\n')[0], (e as { hint?: string }).hint ?? 'check the target')
        continue
      }
      if (isLocal(t) && !isLoopback(t)) {
        bad(
          'targets',
          `target ${t.text} is not on this host`,
          'tcp:// targets are loopback (127.0.0.0/8, ::1); for another host use agent://HOST:PORT (a zcprof agent there) or raw://HOST:PORT (any TCP sink)'
        )
      }
      if (t.kind === 'unix' && plan.receiverModes.includes('discard'))
        bad(
          'receiverModes',
          `receiver mode discard cannot be used with ${t.text}`,
          'MSG_TRUNC discards only on TCP: use --receiver read or splice with unix targets'
        )
      if (t.kind === 'unix' && plan.receiverModes.includes('mapped'))
        bad(
          'receiverModes',
          `receiver mode mapped cannot be used with ${t.text}`,
          'only TCP sockets map pages (TCP_ZEROCOPY_RECEIVE): use --receiver read or splice with unix targets'
        )
    }
}

export function planProblems(plan: Plan, allowedCpus?: readonly number[]): PlanProblem[] {
  // each field of its kind first, by the check a report's load makes: what runs, loads
  const shape = planShapeProblems(plan)
  if (shape.length) return shape
  const out: PlanProblem[] = []
  const bad = (field: keyof Plan, message: string, hint: string) => out.push({ field, message, hint })
  const L = PLAN_LIMITS
  if (!Array.isArray(plan.methods) || plan.methods.length === 0)
    bad('methods', 'no methods to run', `pick some of: ${ALL_METHODS.join(', ')}`)
  else
    for (const m of plan.methods)
      if (!isMethod(m)) bad('methods', `unknown method '${String(m)}'`, `methods are: ${ALL_METHODS.join(', ')}`)
  if (!Array.isArray(plan.receiverModes) || plan.receiverModes.length === 0)
    bad('receiverModes', 'no receiver modes to run', `pick some of: ${RECEIVER_MODES.join(', ')}`)
  else {
    for (const r of plan.receiverModes)
      if (!isReceiverMode(r))
        bad('receiverModes', `unknown receiver mode '${String(r)}'`, `receiver modes are: ${RECEIVER_MODES.join(', ')}`)
    const twice = plan.receiverModes.find((r, i) => plan.receiverModes.indexOf(r) !== i)
    if (twice !== undefined)
      bad('receiverModes', `receiver mode ${twice} is listed twice`, 'list each receiver mode once')
  }
  inRange(bad, 'repeat', 'repeat', plan.repeat, L.repeat, 'e.g. --repeat 5')
  inRange(bad, 'warmup', 'warmup', plan.warmup, L.warmup, 'e.g. --warmup 1')
  const si = plan.sampleIntervalMs
  if (!(si === 0 || (typeof si === 'number' && si >= L.sampleIntervalMs.min && si <= L.sampleIntervalMs.max)))
    bad(
      'sampleIntervalMs',
      `sample interval ${si} ms is ${si < L.sampleIntervalMs.min ? 'too short' : 'not usable'}`,
      `use ${L.sampleIntervalMs.min}–${L.sampleIntervalMs.max} ms, or 0 to turn sampling off`
    )
  trialSizeProblems(plan, bad)
  cpuProblems(plan, allowedCpus, bad)
  if (plan.lineRatesBitsPerSec !== null) {
    const r = plan.lineRatesBitsPerSec
    if (
      !Array.isArray(r) ||
      r.length === 0 ||
      r.length > 16 ||
      r.some((v) => !(v >= L.lineRateBitsPerSec.min && v <= L.lineRateBitsPerSec.max))
    )
      bad(
        'lineRatesBitsPerSec',
        `line rates must be from ${formatLineRate(L.lineRateBitsPerSec.min)}bit/s to ${formatLineRate(L.lineRateBitsPerSec.max)}bit/s, at most 16 of them`,
        'e.g. --line-rate 25G,100G'
      )
  }
  if (plan.uringDepth !== undefined && !whole(plan.uringDepth, L.uringDepth.min, L.uringDepth.max))
    bad(
      'uringDepth',
      `the io_uring depth must be a whole number from ${L.uringDepth.min} to ${L.uringDepth.max}, not ${plan.uringDepth}`,
      'e.g. --uring-depth 32'
    )
  if (plan.uringSqpoll !== undefined && typeof plan.uringSqpoll !== 'boolean')
    bad('uringSqpoll', 'uringSqpoll must be true or false', 'pass --uring-sqpoll, or leave it out')
  if (plan.receiverGpu !== undefined && !whole(plan.receiverGpu, L.receiverGpu.min, L.receiverGpu.max))
    bad(
      'receiverGpu',
      `the receiving GPU must be a CUDA device index from ${L.receiverGpu.min} to ${L.receiverGpu.max}, not ${plan.receiverGpu}`,
      'e.g. --receiver-gpu 0 (nvidia-smi -L lists them)'
    )
  if (plan.gpuSpin !== undefined && typeof plan.gpuSpin !== 'boolean')
    bad('gpuSpin', 'gpuSpin must be true or false', 'pass --gpu-spin, or leave it out')
  targetProblems(plan, bad)
  roundProblems(plan, bad)
  if (out.length === 0) gpuProblems(plan, bad)
  if (out.length === 0 && trialCount(plan) > L.totalTrials)
    bad(
      'repeat',
      `the plan has ${trialCount(plan)} trials, more than ${L.totalTrials}`,
      'run fewer repetitions, methods, sizes or chunk sizes'
    )
  return out
}
