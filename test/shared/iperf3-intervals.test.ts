// iperf3's intervals as slices of one run: the row's throughput gets a median and an
// interval over them, omitted (-O) and cut-short ones left out, the interval widened
// for their autocorrelation. Every expectation is worked out by hand in the comments.

import { describe, expect, it } from 'vitest'
import { parseReport } from '../../src/main/reports/report-loader'
import { compareReports } from '../../src/shared/compare'
import { lag1Autocorrelation, summarizeSlices } from '../../src/shared/series-stat'

/** Student's t, two-sided 95%, from a printed table (df 1, 2, 3, 4) */
const T95 = { 1: 12.7062, 2: 4.302653, 3: 3.182446, 4: 2.776445 }

type Slice = { start: number; end: number; bitsPerSec: number; omitted?: unknown }

/** iperf3 -J output as iperf3 3.9+ writes it for a client run: one stream, each interval 's sum */
function iperf3Json(slices: Slice[], omit = 0): string {
  const measured = slices.filter((s) => s.omitted !== true)
  const seconds = measured.reduce((a, s) => a + (s.end - s.start), 0)
  const bytes = measured.reduce((a, s) => a + ((s.end - s.start) * s.bitsPerSec) / 8, 0)
  const sum = { start: 0, end: seconds, seconds, bytes, bits_per_second: (bytes * 8) / seconds }
  return JSON.stringify({
    start: {
      version: 'iperf 3.16',
      system_info: 'Linux lab 6.8.0 #1 SMP x86_64',
      connecting_to: { host: '10.0.0.2', port: 5201 },
      timestamp: { timesecs: 1_700_000_000 },
      test_start: { protocol: 'TCP', num_streams: 1, blksize: 131072, omit, duration: seconds, reverse: 0 }
    },
    intervals: slices.map((s) => ({
      streams: [],
      sum: {
        start: s.start,
        end: s.end,
        seconds: s.end - s.start,
        bytes: ((s.end - s.start) * s.bitsPerSec) / 8,
        bits_per_second: s.bitsPerSec,
        ...(s.omitted !== undefined && { omitted: s.omitted })
      }
    })),
    end: {
      sum_sent: { ...sum, retransmits: 0 },
      sum_received: sum,
      cpu_utilization_percent: { host_total: 50, remote_total: 40 }
    }
  })
}

const G = 1e9
const load = (text: string) => parseReport(text, 'run.json').report

describe('iperf3 intervals as the slices of one run', () => {
  // one omitted second (-O 1) at 3 Gbit/s, then five measured seconds; iperf3 restarts
  // its clock after the omitted ones, so the measured ones run 0–5 again
  const withOmit: Slice[] = [
    { start: 0, end: 1, bitsPerSec: 3 * G, omitted: true },
    { start: 0, end: 1, bitsPerSec: 10 * G, omitted: false },
    { start: 1, end: 2, bitsPerSec: 12 * G, omitted: false },
    { start: 2, end: 3, bitsPerSec: 11 * G, omitted: false },
    { start: 3, end: 4, bitsPerSec: 13 * G, omitted: false },
    { start: 4, end: 5, bitsPerSec: 14 * G, omitted: false }
  ]

  it('five measured seconds: median, mean and an interval widened for their autocorrelation', () => {
    const report = load(iperf3Json(withOmit, 1))
    const t = report.trials[0]
    // the slices, the omitted 3 Gbit/s one left out
    expect(t.summary!.throughputSlicesBitsPerSec).toEqual([10 * G, 12 * G, 11 * G, 13 * G, 14 * G])
    const stat = report.end.aggregates[0].throughputBitsPerSec!
    // sorted 10 11 12 13 14: median 12; mean 60/5 = 12; deviations −2 0 −1 1 2
    expect(stat.median).toBe(12 * G)
    expect(stat.mean).toBeCloseTo(12 * G, -1)
    expect([stat.min, stat.max]).toEqual([10 * G, 14 * G])
    // Σd² = 4+0+1+1+4 = 10, s = √(10/4) = 1.5811 G
    expect(stat.stddev / G).toBeCloseTo(Math.sqrt(10 / 4), 6)
    // lag-1: (−2·0 + 0·−1 + −1·1 + 1·2) / 10 = 0.1; n' = 5·0.9/1.1 = 4.09 → 4
    expect(stat.n).toBe(4)
    // half-width t(3)·s/√4 = 3.182446 · 1.58114 / 2 = 2.51595 G
    const half = (T95[3] * Math.sqrt(10 / 4)) / 2
    expect(stat.ci95Low / G).toBeCloseTo(12 - half, 4)
    expect(stat.ci95High / G).toBeCloseTo(12 + half, 4)
    // the run's own figure (iperf3's sum) is kept on the trial: 60 Gbit over 5 s
    expect(t.summary!.throughputBitsPerSec).toBeCloseTo(12 * G, -1)
  })

  it('the omitted second is the ramp, and the timeline runs on through it, never back', () => {
    const t = load(iperf3Json(withOmit, 1)).trials[0]
    // the omitted second ends at 1 s; the measured ones (0–5 on iperf3's restarted clock) at 2..6 s
    expect(t.samples.map((s) => s.tMs)).toEqual([1000, 2000, 3000, 4000, 5000, 6000])
    // 3 Gbit/s for 1 s = 375 MB, kept as the ramp and out of the window's figures
    expect(t.summary!.steady).toMatchObject({ rampMs: 1000, rampBytes: 375e6, rampThroughputBitsPerSec: 3 * G })
    expect(t.summary!.bytes).toBe(((10 + 12 + 11 + 13 + 14) * G) / 8)
  })

  it('the report says what the interval is and is not, and that CPU has none', () => {
    const report = load(iperf3Json(withOmit, 1))
    const note = report.foreign!.notes.find((n) => n.includes('measured interval'))!
    expect(note).toContain('over 5 measured intervals (1 omitted (-O) left out)')
    expect(note).toContain('consecutive slices of one connection, not repeated runs')
    expect(note).toContain('lag-1 autocorrelation 0.10 makes them worth 4 independent ones')
    expect(note).toContain('not how another run would differ')
    expect(note).toContain('CPU per bit has no interval: iperf3 records CPU once per run')
    expect(report.foreign!.measured).toContain('throughputSlicesBitsPerSec')
    // CPU stays one figure, the run's: 50 % of 5 s
    expect(report.trials[0].summary!.sender.cpuNs).toBeCloseTo(2.5e9, -3)
    expect(report.end.aggregates[0].senderCyclesPerBit?.n ?? 1).toBe(1)
  })

  it('a run of one interval: that interval, and no spread claimed', () => {
    const report = load(iperf3Json([{ start: 0, end: 1, bitsPerSec: 9 * G, omitted: false }]))
    const stat = report.end.aggregates[0].throughputBitsPerSec!
    expect(stat).toMatchObject({ n: 1, median: 9 * G, ci95Low: 9 * G, ci95High: 9 * G })
    expect(report.foreign!.notes.join(' ')).toMatch(/over 1 measured interval, too few .* no interval is claimed/)
  })

  it('a last interval cut short is left out; an anticorrelated series counts as independent, no more', () => {
    // 10, 12, 11 over a second each, then 0.04 s at 2 Gbit/s: under half a second, no slice
    const report = load(
      iperf3Json([
        { start: 0, end: 1, bitsPerSec: 10 * G },
        { start: 1, end: 2, bitsPerSec: 12 * G },
        { start: 2, end: 3, bitsPerSec: 11 * G },
        { start: 3, end: 3.04, bitsPerSec: 2 * G }
      ])
    )
    expect(report.trials[0].summary!.throughputSlicesBitsPerSec).toEqual([10 * G, 12 * G, 11 * G])
    const stat = report.end.aggregates[0].throughputBitsPerSec!
    // mean 11, d = −1 1 0: lag-1 (−1·1 + 1·0)/2 = −0.5, taken as 0: n = 3; s = √(2/2) = 1
    expect(stat.n).toBe(3)
    expect(stat.median).toBe(11 * G)
    expect(stat.ci95High / G).toBeCloseTo(11 + T95[2] / Math.sqrt(3), 4)
    expect(report.foreign!.notes.join(' ')).toMatch(/over 3 measured intervals \(1 cut short at the end left out\)/)
  })

  it('an omitted flag that is not true or false is refused by name', () => {
    const text = iperf3Json([{ start: 0, end: 1, bitsPerSec: G, omitted: 'yes' }])
    expect(() => load(text)).toThrow(/intervals\[0\]\.sum\.omitted is string, not true or false/)
  })

  it('two imports compare on their intervals, but one run a side never gates; the stored rows agree with the trials', () => {
    const a = load(iperf3Json(withOmit, 1))
    // the same run twice as fast throughout: the same relative spread, cv = 1.5811/12 a side;
    // se of the log ratio √(2·cv²/4) = 0.0932, t(3) → 2·e^±0.2965 = 1.48..2.69, above 1
    const b = load(
      iperf3Json(
        withOmit.map((s) => ({ ...s, bitsPerSec: s.bitsPerSec * 2 })),
        1
      )
    )
    const cmp = compareReports([a, b])
    const cell = cmp.rows[0].comparisons[1]!.find((c) => c.metric === 'throughputBitsPerSec')!
    // one run a side: the slices give the ratio its interval, but n, which the gate reads, is the runs
    expect(cell.n).toBe(1)
    expect(cell.ratio!.ratio).toBeCloseTo(2, 9)
    const halfLog = T95[3] * Math.sqrt((2 * (Math.sqrt(10 / 4) / 12) ** 2) / 4)
    expect(cell.ratio!.ci95Low).toBeCloseTo(2 * Math.exp(-halfLog), 4)
    expect(cell.verdict).toBe('better')
    // recomputed from the trials, the rows are the stored ones: no "edited" note
    expect(cmp.notes.join(' ')).not.toMatch(/disagrees with its trials/)
    // b as the baseline, a is half as fast, clearly outside the interval: still no regression called
    const worse = compareReports([b, a])
    expect(worse.rows[0].comparisons[1]!.find((c) => c.metric === 'throughputBitsPerSec')!.verdict).toBe('worse')
    expect(worse.regressions).toEqual([])
    expect(worse.gate).toBe('inconclusive')
  })
})

describe('summarizeSlices, by hand', () => {
  it('a steadily rising series is strongly autocorrelated and worth little', () => {
    // 1..8: mean 4.5, d = −3.5..3.5, Σd² = 42; Σ d_t·d_t+1 = 26.25 → r1 = 0.625
    expect(lag1Autocorrelation([1, 2, 3, 4, 5, 6, 7, 8])).toBeCloseTo(26.25 / 42, 9)
    // n' = 8 · 0.375 / 1.625 = 1.85 → 1: no interval, however many slices
    const s = summarizeSlices([1, 2, 3, 4, 5, 6, 7, 8])!
    expect(s.nEffective).toBe(1)
    expect(s.stat).toMatchObject({ n: 1, ci95Low: 4.5, ci95High: 4.5, median: 4.5 })
  })

  it('an alternating series is taken as independent, never as more', () => {
    // 1 3 1 3 1 3: mean 2, d = ∓1, r1 = −5/6 → 0: n' = 6, s = √(6/5)
    const s = summarizeSlices([1, 3, 1, 3, 1, 3])!
    expect(s.lag1).toBeCloseTo(-5 / 6, 9)
    expect(s.stat.n).toBe(6)
    expect(s.stat.ci95High).toBeCloseTo(2 + (2.570582 * Math.sqrt(6 / 5)) / Math.sqrt(6), 5)
  })

  it('identical slices: no spread, n as many as they are', () => {
    expect(summarizeSlices([5, 5, 5, 5])!.stat).toMatchObject({ n: 4, stddev: 0, ci95Low: 5, ci95High: 5 })
    expect(summarizeSlices([])).toBeNull()
  })
})
