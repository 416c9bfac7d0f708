import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/events'
import type { Environment, Sample, TrialRecord } from '../../src/shared/report'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import {
  MAX_POINTS,
  downsample,
  etaSeconds,
  initialRunState,
  liveSpanSec,
  runReducer,
  type RunState,
  type SeriesPoint
} from '../../src/renderer/src/state/run-state'

const side = (bytes: number, tMs: number) => ({
  bytes,
  bytesPerSec: 1e9,
  cpuNs: tMs * 1e6,
  cycles: bytes * 2,
  contextSwitches: tMs,
  syscalls: null,
  pageFaults: 0
})
const sample = (tMs: number): Sample => ({ tMs, sender: side(tMs * 1e6, tMs), receiver: null, systemBusyCores: 1 })
const ev = (s: RunState, event: RunEvent, nowMs = 0) => runReducer(s, { type: 'event', event, nowMs })
const trialStart = (index: number, leftMs = 10_000): RunEvent => ({
  type: 'trial-start',
  trial: {
    index,
    total: 2,
    method: 'copy',
    receiverMode: 'read',
    target: 't',
    fileBytes: 1,
    chunkBytes: 1,
    durationMs: 2000,
    streams: 1,
    repetition: 0,
    warmup: false,
    inRoundIndex: index,
    inRound: 2,
    leftMs
  }
})

describe('run state', () => {
  it('draws a sample as throughput, cycles per bit and context switches per second', () => {
    let s = runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 1000 })
    s = ev(s, trialStart(0), 1000)
    s = ev(s, { type: 'sample', trial: 0, sample: sample(100) })
    s = ev(s, { type: 'sample', trial: 0, sample: sample(200) })
    const [a, b] = s.live
    expect(a.gbps).toBe(8)
    expect(b.cyclesPerBit).toBeCloseTo(0.25) // 2 cycles per byte
    expect(b.ctxPerSec).toBeCloseTo(1000)
    expect(b.t).toBeCloseTo(0.2)
  })

  it("draws the whole system's cycles per bit, the headline's figure: busy cores × clock over the bit rate", () => {
    const env = { cpuClockHz: 2e9 } as Environment
    let s = runReducer({ ...initialRunState, environment: env }, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 })
    s = ev(s, trialStart(0))
    // 1.5 cores busy at 2 GHz while 8 Gbit/s moves: 3e9 cycles a second over 8e9 bits
    s = ev(s, { type: 'sample', trial: 0, sample: { ...sample(100), systemBusyCores: 1.5 } })
    expect(s.live[0].systemCyclesPerBit).toBeCloseTo(0.375)
    // the sender's own figure is another number: it is not what the headline chart draws
    s = ev(s, { type: 'sample', trial: 0, sample: { ...sample(200), systemBusyCores: 1.5 } })
    expect(s.live[1].cyclesPerBit).toBeCloseTo(0.25)
    s = ev(s, { type: 'sample', trial: 0, sample: { ...sample(300), systemBusyCores: null } })
    expect(s.live[2].systemCyclesPerBit).toBeNull()
  })

  it('a sample without counters (thread not started, or joined) is a gap, not a drop to zero', () => {
    let s = runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 1000 })
    s = ev(s, trialStart(0), 1000)
    s = ev(s, { type: 'sample', trial: 0, sample: sample(100) })
    const blind = sample(200)
    blind.sender = { ...blind.sender, cpuNs: null, cycles: null, contextSwitches: null, pageFaults: null }
    s = ev(s, { type: 'sample', trial: 0, sample: blind })
    s = ev(s, { type: 'sample', trial: 0, sample: sample(300) })
    const [, gap, after] = s.live
    expect(gap.gbps).toBe(8) // throughput still plots
    expect(gap.cyclesPerBit).toBeNull()
    expect(gap.ctxPerSec).toBeNull()
    expect(after.cyclesPerBit).toBeCloseTo(0.25) // measured across both intervals from the last reading
    expect(after.ctxPerSec).toBeCloseTo(1000)
    expect(downsample([gap, after])[0].cyclesPerBit).toBeCloseTo(0.25)
  })

  it('keeps a trial under MAX_POINTS however long it runs', () => {
    let s = ev(runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 }), trialStart(0))
    for (let i = 1; i <= 6000; i++) s = ev(s, { type: 'sample', trial: 0, sample: sample(i * 100) }) // ten minutes at 10/s
    const pts = s.live
    expect(pts.length).toBeLessThanOrEqual(MAX_POINTS)
    expect(pts.length).toBeGreaterThan(MAX_POINTS / 2)
    expect(pts.at(-1)!.t).toBeCloseTo(600)
    for (let i = 1; i < pts.length; i++) expect(pts[i].t).toBeGreaterThan(pts[i - 1].t)
  })

  it('downsampling averages neighbours and keeps the last point', () => {
    const p = (t: number, g: number) => ({ t, gbps: g, cyclesPerBit: g, systemCyclesPerBit: g, ctxPerSec: g })
    expect(downsample([p(1, 2), p(2, 4), p(3, 9)])).toEqual([p(2, 3), p(3, 9)])
  })

  it('ignores samples of a trial that is not the current one', () => {
    let s = ev(runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 }), trialStart(1))
    s = ev(s, { type: 'sample', trial: 0, sample: sample(100) })
    expect(s.live).toEqual([])
  })

  it('draws each stream over the same interval as the total', () => {
    let s = ev(runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 }), trialStart(0))
    const at = (tMs: number, streamBytes: number[]): Sample => {
      const x = sample(tMs)
      x.sender = { ...x.sender, streamBytes, bytes: streamBytes[0] + streamBytes[1] }
      return x
    }
    s = ev(s, { type: 'sample', trial: 0, sample: at(100, [1e8, 2e8]) })
    s = ev(s, { type: 'sample', trial: 0, sample: at(200, [1.5e8, 2e8]) })
    // 1e8 bytes in 0.1 s is 8 Gbit/s; then 0.5e8 more in 0.1 s is 4, and nothing is 0
    expect(s.live[0].streamGbps).toEqual([expect.closeTo(8, 9), expect.closeTo(16, 9)])
    expect(s.live[1].streamGbps).toEqual([expect.closeTo(4, 9), expect.closeTo(0, 9)])
  })

  it("adds a point per finished trial, and starts each trial's drawing afresh", () => {
    let s = ev(runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 }), trialStart(0))
    s = ev(s, { type: 'sample', trial: 0, sample: sample(100) })
    s = ev(s, { type: 'trial-end', trial: finished(0, 12e9) })
    s = ev(s, trialStart(1))
    expect(s.live).toEqual([])
    expect(s.trials).toEqual([
      expect.objectContaining({
        index: 0,
        method: 'copy',
        gbps: 12,
        cyclesPerBit: 0.2,
        systemCyclesPerBit: 0.5,
        failed: false
      })
    ])
  })

  it('holds a ten-minute run in bounded memory: the running trial, and a point per trial', () => {
    // 300 timed trials of 2 s with 4 streams, sampled every 50 ms: ten minutes
    let s = runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 })
    for (let t = 0; t < 300; t++) {
      s = ev(s, trialStart(t))
      for (let i = 1; i <= 40; i++) {
        const x = sample(i * 50)
        x.sender = { ...x.sender, streamBytes: [1, 2, 3, 4].map((k) => k * i * 1e7) }
        s = ev(s, { type: 'sample', trial: t, sample: x })
      }
      s = ev(s, { type: 'trial-end', trial: finished(t, 10e9) })
    }
    expect(s.live.length).toBeLessThanOrEqual(40)
    expect(s.trials).toHaveLength(300)
    // what the view keeps, whatever the run's length: well under 100 kB as JSON
    expect(JSON.stringify({ ...s, report: null }).length).toBeLessThan(100_000)
  })

  it("counts the time left down from the engine's estimates, and never up", () => {
    let s = runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 })
    expect(etaSeconds(s, 0)).toBeNull()
    s = ev(s, trialStart(0, 60_000), 1000)
    expect(etaSeconds(s, 1000)).toBeCloseTo(60)
    expect(etaSeconds(s, 4000)).toBeCloseTo(57) // between events, it counts down
    // a trial that took longer than foreseen: the new estimate is higher, the countdown keeps going down
    s = ev(s, trialStart(1, 80_000), 5000)
    expect(etaSeconds(s, 5000)).toBeCloseTo(56)
    // a round that tightened everything: the estimate drops, and so does the countdown
    s = ev(s, { type: 'round-end', round: 1, rows: [], stop: null, leftMs: 20_000 }, 6000)
    expect(etaSeconds(s, 6000)).toBeCloseTo(20)
    expect(etaSeconds(s, 30_000)).toBe(0) // never below zero
    // sampled every half second over a run of jumpy estimates, it never once goes up
    let t = s
    let last = Number.POSITIVE_INFINITY
    for (let i = 0; i < 200; i++) {
      const now = 6000 + i * 500
      if (i % 7 === 0) t = ev(t, trialStart(i, 20_000 + ((i * 7919) % 13) * 4000), now)
      const v = etaSeconds(t, now)!
      expect(v).toBeLessThanOrEqual(last)
      last = v
    }
  })

  it("fixes the live chart's time axis for the trial: a timed trial's length, else round steps that hold every point", () => {
    expect(liveSpanSec([], 2000)).toBe(2)
    expect(liveSpanSec([{ t: 0.3 } as SeriesPoint], 1000)).toBe(1)
    const at = (t: number) => [{ t } as SeriesPoint]
    expect(liveSpanSec(at(0.4), null)).toBe(1)
    expect(liveSpanSec(at(1.3), null)).toBe(2)
    expect(liveSpanSec(at(2.1), null)).toBe(5)
    expect(liveSpanSec(at(5), null)).toBe(5)
    expect(liveSpanSec(at(37), null)).toBe(50)
    // it holds still between steps: the axis does not move with each sample
    expect(new Set([2.1, 3, 4, 4.9].map((t) => liveSpanSec(at(t), null)))).toEqual(new Set([5]))
  })

  it("keeps the last round: each method's precision, and whether it runs again", () => {
    let s = runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 })
    const rows = [
      {
        method: 'sendfile',
        receiverMode: 'read',
        target: 't',
        fileBytes: 1,
        chunkBytes: 1,
        n: 5,
        halfWidth: 0.03,
        status: 'finding',
        headline: null,
        active: false
      },
      {
        method: 'splice',
        receiverMode: 'read',
        target: 't',
        fileBytes: 1,
        chunkBytes: 1,
        n: 5,
        halfWidth: 0.09,
        status: 'finding',
        headline: null,
        active: true
      }
    ] as const
    s = ev(s, { type: 'round-end', round: 5, rows: [...rows], stop: null, leftMs: 9000 }, 100)
    expect(s.round).toEqual({ round: 5, rows, stop: null })
  })
})

function finished(index: number, bitsPerSec: number): TrialRecord {
  return {
    index,
    method: 'copy',
    warmup: false,
    error: null,
    summary: {
      bytes: 1e9,
      throughputBitsPerSec: bitsPerSec,
      sender: { cyclesPerBit: 0.2 },
      system: { cyclesPerBit: 0.5 },
      notes: []
    }
  } as unknown as TrialRecord
}
