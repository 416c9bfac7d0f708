// The UI's model of one run, built from the engine's events. Pure: tests feed events.
// Series are bounded: past MAX_POINTS a series halves by averaging neighbours, so a
// ten-minute run at 10 samples/s draws as fast as a ten-second one.

import type { ErrorInfo } from '../../../shared/errors'
import type { RunEvent, TrialRef } from '../../../shared/events'
import type { Environment, Plan, Report, Warning } from '../../../shared/report'

export const MAX_POINTS = 400

export interface SeriesPoint {
  /** seconds since the run started */
  t: number
  gbps: number
  /** null where the sample had no counter reading (the thread not yet started, or joined): a gap, not a dip */
  cyclesPerBit: number | null
  ctxPerSec: number | null
}

export interface RunState {
  status: 'idle' | 'starting' | 'running' | 'done' | 'failed'
  runId: string | null
  plan: Plan | null
  environment: Environment | null
  totalTrials: number
  doneTrials: number
  /** ms timestamps (performance clock of the page) */
  startedAtMs: number
  trialStartedAtMs: number
  current: TrialRef | null
  series: Record<string, SeriesPoint[]>
  last: { tMs: number; bytes: number; cycles: number; ctx: number } | null
  warnings: Warning[]
  report: Report | null
  error: ErrorInfo | null
}

export const initialRunState: RunState = {
  status: 'idle',
  runId: null,
  plan: null,
  environment: null,
  totalTrials: 0,
  doneTrials: 0,
  startedAtMs: 0,
  trialStartedAtMs: 0,
  current: null,
  series: {},
  last: null,
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
    out.push({
      t: b.t,
      gbps: (a.gbps + b.gbps) / 2,
      cyclesPerBit: mean2(a.cyclesPerBit, b.cyclesPerBit),
      ctxPerSec: mean2(a.ctxPerSec, b.ctxPerSec)
    })
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

function onEvent(s: RunState, e: RunEvent, nowMs: number): RunState {
  switch (e.type) {
    case 'run-start':
      return {
        ...s,
        status: 'running',
        totalTrials: e.trials,
        environment: e.environment,
        startedAtMs: s.startedAtMs || nowMs
      }
    case 'trial-start':
      return { ...s, current: e.trial, trialStartedAtMs: nowMs, last: null }
    case 'sample': {
      const method = s.current?.method
      if (!method || s.current?.index !== e.trial) return s
      const x = e.sample
      const prev = s.last ?? { tMs: 0, bytes: 0, cycles: 0, ctx: 0 }
      const cycles = x.sender.cycles
      const ctx = x.sender.contextSwitches
      // no counter reading in this sample: throughput still plots; the per-interval
      // figures wait for the next reading, measured from the last good one
      const counted = cycles !== null && ctx !== null
      const dBits = (x.sender.bytes - prev.bytes) * 8
      const dt = (x.tMs - prev.tMs) / 1000
      const point: SeriesPoint = {
        t: (s.trialStartedAtMs - s.startedAtMs) / 1000 + x.tMs / 1000,
        gbps: (x.sender.bytesPerSec * 8) / 1e9,
        cyclesPerBit: counted && dBits > 0 ? (cycles - prev.cycles) / dBits : null,
        ctxPerSec: counted && dt > 0 ? (ctx - prev.ctx) / dt : null
      }
      let points = [...(s.series[method] ?? []), point]
      if (points.length > MAX_POINTS) points = downsample(points)
      return {
        ...s,
        series: { ...s.series, [method]: points },
        last: counted ? { tMs: x.tMs, bytes: x.sender.bytes, cycles, ctx } : s.last
      }
    }
    case 'trial-end':
      return { ...s, doneTrials: s.doneTrials + 1, current: null }
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

/** Seconds left, from the trials still to run at the pace so far; null before a trial ends. */
export function etaSeconds(s: RunState, nowMs: number): number | null {
  if (s.doneTrials === 0 || s.totalTrials === 0) return null
  const perTrial = (nowMs - s.startedAtMs) / s.doneTrials
  return Math.max(0, ((s.totalTrials - s.doneTrials) * perTrial) / 1000)
}
