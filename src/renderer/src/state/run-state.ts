// The UI's model of one run, built from the engine's events. Pure: tests feed events.
// Two views of a run: the trial running now, drawn sample by sample (each stream's
// throughput, cycles per bit, context switches), and one point per finished trial.
// Both are bounded: past MAX_POINTS the running trial halves by averaging neighbours,
// and a run has at most PLAN_LIMITS.totalTrials trials, so a ten-minute run draws as
// fast, and holds as little, as a ten-second one.

import type { ErrorInfo } from '../../../shared/errors'
import type { RoundRow, RunEvent, StopReason, TrialRef } from '../../../shared/events'
import { countDown, leftMs, type Countdown } from '../../../shared/time-left'
import type { MethodName } from '../../../shared/methods'
import type { Environment, GpuEnvironment, Plan, Report, TrialRecord, Warning } from '../../../shared/report'

export const MAX_POINTS = 400

/** One sample of the running trial. */
export interface SeriesPoint {
  /** seconds since the trial's first send */
  t: number
  gbps: number
  /** null where the sample had no counter reading (the thread not yet started, or joined): a gap, not a dip */
  cyclesPerBit: number | null
  /** the whole host's busy CPU over the interval, per bit moved: the headline's figure, live */
  systemCyclesPerBit: number | null
  ctxPerSec: number | null
  /** each stream's Gbit/s over the interval, with more than one stream */
  streamGbps?: number[]
}

/** One finished trial: a point on the run's per-trial chart. */
export interface TrialPoint {
  index: number
  method: MethodName
  warmup: boolean
  gbps: number | null
  cyclesPerBit: number | null
  systemCyclesPerBit: number | null
  /** codes of what the trial noticed */
  notes: string[]
  failed: boolean
  /** why it failed, "method: message" (null when it did not, or was cancelled: that is no failure) */
  error: string | null
}

export interface RunState {
  status: 'idle' | 'starting' | 'running' | 'done' | 'failed'
  runId: string | null
  plan: Plan | null
  environment: Environment | null
  /** the run's gpu:// targets' GPUs: their PCIe link is the throughput chart's reference */
  gpus: GpuEnvironment[]
  totalTrials: number
  doneTrials: number
  /** ms timestamps (performance clock of the page) */
  startedAtMs: number
  trialStartedAtMs: number
  current: TrialRef | null
  /** the running trial, as it goes */
  live: SeriesPoint[]
  /** every finished trial, in order */
  trials: TrialPoint[]
  last: { tMs: number; bytes: number; streamBytes: number[] | null; cycles: number; ctx: number } | null
  /** the last round's precision per row, and why the rounds ended (null: more follow) */
  round: { round: number; rows: RoundRow[]; stop: StopReason | null } | null
  /**
   * the time left as last said: `ms` at page time `atMs`, counting down from there. Each
   * event's estimate may only lower it (never raise it): a countdown, not a guess that jumps
   */
  left: Countdown | null
  warnings: Warning[]
  report: Report | null
  error: ErrorInfo | null
}

export const initialRunState: RunState = {
  status: 'idle',
  runId: null,
  plan: null,
  environment: null,
  gpus: [],
  totalTrials: 0,
  doneTrials: 0,
  startedAtMs: 0,
  trialStartedAtMs: 0,
  current: null,
  live: [],
  trials: [],
  last: null,
  round: null,
  left: null,
  warnings: [],
  report: null,
  error: null
}

export type RunAction =
  | { type: 'environment'; environment: Environment }
  | { type: 'starting'; plan: Plan; nowMs: number }
  | { type: 'started'; runId: string }
  | { type: 'start-failed'; error: ErrorInfo }
  | { type: 'event'; event: RunEvent; nowMs: number }

/** the mean of what is there: a gap next to a value keeps the value */
function mean2(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : (a + b) / 2
}

/** Halve a series by averaging pairs: the shape stays, the point count is bounded. */
export function downsample(points: SeriesPoint[]): SeriesPoint[] {
  const out: SeriesPoint[] = []
  for (let i = 0; i + 1 < points.length; i += 2) {
    const a = points[i]
    const b = points[i + 1]
    const p: SeriesPoint = {
      t: b.t,
      gbps: (a.gbps + b.gbps) / 2,
      cyclesPerBit: mean2(a.cyclesPerBit, b.cyclesPerBit),
      systemCyclesPerBit: mean2(a.systemCyclesPerBit, b.systemCyclesPerBit),
      ctxPerSec: mean2(a.ctxPerSec, b.ctxPerSec)
    }
    if (a.streamGbps && b.streamGbps) p.streamGbps = a.streamGbps.map((v, k) => (v + (b.streamGbps![k] ?? v)) / 2)
    out.push(p)
  }
  if (points.length % 2) out.push(points[points.length - 1])
  return out
}

export function runReducer(s: RunState, a: RunAction): RunState {
  switch (a.type) {
    case 'environment':
      return { ...s, environment: a.environment }
    case 'starting':
      // the run's clock starts when it is asked for: its first events may beat startRun's answer
      return { ...initialRunState, status: 'starting', plan: a.plan, environment: s.environment, startedAtMs: a.nowMs }
    case 'started':
      return { ...s, runId: a.runId }
    case 'start-failed':
      return { ...s, status: 'failed', error: a.error }
    case 'event':
      return onEvent(s, a.event, a.nowMs)
  }
}

/** a finished trial as one point: its summary's figures over its measured window */
export function trialPoint(t: TrialRecord): TrialPoint {
  const s = t.summary
  const ok = t.error === null && s !== null && s.bytes > 0
  return {
    index: t.index,
    method: t.method,
    warmup: t.warmup,
    gbps: ok ? s.throughputBitsPerSec / 1e9 : null,
    cyclesPerBit: ok ? s.sender.cyclesPerBit : null,
    systemCyclesPerBit: ok ? (s.system?.cyclesPerBit ?? null) : null,
    notes: (s?.notes ?? []).map((n) => n.code),
    failed: !ok,
    error: t.error && t.error.code !== 'ZC_CANCELLED' ? `${t.method}: ${t.error.message}` : null
  }
}

function onEvent(s: RunState, e: RunEvent, nowMs: number): RunState {
  switch (e.type) {
    case 'run-start':
      return {
        ...s,
        status: 'running',
        totalTrials: e.trials,
        environment: e.environment,
        gpus: e.gpus ?? [],
        startedAtMs: s.startedAtMs || nowMs
      }
    case 'trial-start':
      return {
        ...s,
        current: e.trial,
        trialStartedAtMs: nowMs,
        last: null,
        live: [],
        left: countDown(s.left, e.trial.leftMs, nowMs)
      }
    case 'round-end':
      return {
        ...s,
        round: { round: e.round, rows: e.rows, stop: e.stop },
        left: countDown(s.left, e.leftMs, nowMs)
      }
    case 'sample': {
      if (!s.current || s.current.index !== e.trial) return s
      const x = e.sample
      const prev = s.last ?? { tMs: 0, bytes: 0, streamBytes: null, cycles: 0, ctx: 0 }
      const cycles = x.sender.cycles
      const ctx = x.sender.contextSwitches
      // no counter reading in this sample: throughput still plots; the per-interval
      // figures wait for the next reading, measured from the last good one
      const counted = cycles !== null && ctx !== null
      const dBits = (x.sender.bytes - prev.bytes) * 8
      const dt = (x.tMs - prev.tMs) / 1000
      const clockHz = s.environment?.cpuClockHz ?? null
      const bitsPerSec = x.sender.bytesPerSec * 8
      const point: SeriesPoint = {
        t: x.tMs / 1000,
        gbps: bitsPerSec / 1e9,
        cyclesPerBit: counted && dBits > 0 ? (cycles - prev.cycles) / dBits : null,
        systemCyclesPerBit:
          x.systemBusyCores !== null && clockHz && bitsPerSec > 0 ? (x.systemBusyCores * clockHz) / bitsPerSec : null,
        ctxPerSec: counted && dt > 0 ? (ctx - prev.ctx) / dt : null
      }
      const streams = x.sender.streamBytes
      if (streams && streams.length > 1) {
        // each stream over the same interval as the total: from the previous sample
        const before = s.live.length ? s.live.at(-1)!.t : 0
        const span = x.tMs / 1000 - before
        const was = s.last?.streamBytes ?? null
        point.streamGbps = streams.map((b, i) => (span > 0 ? ((b - (was?.[i] ?? 0)) * 8) / span / 1e9 : 0))
      }
      let live = [...s.live, point]
      if (live.length > MAX_POINTS) live = downsample(live)
      return {
        ...s,
        live,
        last: counted
          ? { tMs: x.tMs, bytes: x.sender.bytes, streamBytes: streams ?? null, cycles, ctx }
          : { ...prev, streamBytes: streams ?? prev.streamBytes }
      }
    }
    case 'trial-end':
      return { ...s, doneTrials: s.doneTrials + 1, current: null, trials: [...s.trials, trialPoint(e.trial)] }
    case 'warning':
      return { ...s, warnings: [...s.warnings, e.warning] }
    case 'error':
      return { ...s, error: e.error }
    case 'run-end':
      return { ...s, status: 'done', report: e.report, warnings: e.report.end.warnings }
    case 'run-failed':
      return { ...s, status: 'failed', error: e.error }
    default:
      return s
  }
}

/**
 * Seconds left: the engine's estimate (the trials still to run at their measured pace;
 * with a precision, the rounds its widest method still needs, within the time budget),
 * counted down between events and only ever lowered by them. null before the first trial.
 */
export function etaSeconds(s: RunState, nowMs: number): number | null {
  return s.left ? leftMs(s.left, nowMs) / 1000 : null
}

/**
 * The live charts' time axis, in seconds, fixed for the trial: a timed trial's
 * duration; else a round span that holds every point and grows only by steps (1, 2, 5,
 * 10, 20 …), so the axis does not move with each sample.
 */
export function liveSpanSec(points: readonly SeriesPoint[], durationMs: number | null): number {
  if (durationMs !== null && durationMs > 0) return durationMs / 1000
  const last = points.at(-1)?.t ?? 0
  if (!(last > 1)) return 1
  for (let decade = 1; decade < 1e9; decade *= 10)
    for (const step of [1, 2, 5]) if (step * decade >= last) return step * decade
  return last
}
