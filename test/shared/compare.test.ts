// Compare on fixtures from two machines (and a noisy third) whose truth is planted
// (test/fixtures/reports/make-two-machines.ts): the 20% regression is flagged, a
// difference inside the spread is not.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { compareReports, parseThresholdFraction, ratioOfMeans } from '../../src/shared/compare'
import { summarize } from '../../src/shared/statistics'

const load = (name: string) => loadReportFile(path.join(__dirname, '../fixtures/reports', name)).report
const a = load('machine-a.json')
const b = load('machine-b.json')
const c = load('machine-c-noisy.json')

const cell = (cmp: ReturnType<typeof compareReports>, method: string, report: number, metric: string) => {
  const row = cmp.rows.find((r) => r.key.method === method)!
  return row.comparisons[report]!.find((m) => m.metric === metric)!
}

describe('compareReports', () => {
  it('flags the planted 20% sendfile regression on machine B, with its interval', () => {
    const cmp = compareReports([a, b], { thresholdFraction: 0.05 })
    const s = cell(cmp, 'sendfile', 1, 'throughputBitsPerSec')
    expect(s.ratio!.ratio).toBeCloseTo(0.8, 6)
    expect(s.ratio!.ci95High).toBeLessThan(1)
    expect(s.verdict).toBe('worse')
    expect(s.regression).toBe(true)
    expect(cmp.regressions).toHaveLength(1)
    expect(cmp.regressions[0]).toMatchObject({ report: 1, metric: 'throughputBitsPerSec', key: { method: 'sendfile' } })
    expect(cmp.regressions[0].change).toBeCloseTo(-0.2, 6)
  })

  it('does not flag copy on machine B: 2% slower, inside the spread', () => {
    const cmp = compareReports([a, b])
    const s = cell(cmp, 'copy', 1, 'throughputBitsPerSec')
    expect(s.ratio!.ratio).toBeLessThan(1)
    expect(s.ratio!.ci95Low).toBeLessThan(1)
    expect(s.ratio!.ci95High).toBeGreaterThan(1)
    expect(s.verdict).toBe('within-noise')
    expect(s.regression).toBe(false)
  })

  it('an 8% drop past a 5% threshold is still noise when the spread is wider (machine C)', () => {
    const cmp = compareReports([a, c], { thresholdFraction: 0.05 })
    const s = cell(cmp, 'sendfile', 1, 'throughputBitsPerSec')
    expect(1 - s.ratio!.ratio).toBeGreaterThan(0.05)
    expect(s.verdict).toBe('within-noise')
    expect(cmp.regressions).toEqual([])
  })

  it('a threshold above the change lets a real regression pass', () => {
    expect(compareReports([a, b], { thresholdFraction: 0.25 }).regressions).toEqual([])
  })

  it('the baseline can be any report: B as baseline makes A an improvement, not a regression', () => {
    const cmp = compareReports([a, b], { baseline: 1 })
    const s = cell(cmp, 'sendfile', 0, 'throughputBitsPerSec')
    expect(s.verdict).toBe('better')
    expect(s.ratio!.ratio).toBeCloseTo(1.25, 6)
    expect(cmp.regressions).toEqual([])
  })

  it('lower-is-better metrics: more cycles per bit is worse', () => {
    const slower = structuredClone(b)
    for (const ag of slower.end.aggregates) {
      const s = ag.senderCyclesPerBit!
      ag.senderCyclesPerBit = { ...s, mean: s.mean * 1.3, median: s.median * 1.3 }
    }
    const cmp = compareReports([a, slower])
    expect(cell(cmp, 'copy', 1, 'senderCyclesPerBit').verdict).toBe('worse')
    expect(cmp.regressions.some((r) => r.metric === 'senderCyclesPerBit')).toBe(true)
  })

  it('rows align by method, target (port aside), size and chunk; missing rows stay missing', () => {
    const partial = structuredClone(b)
    partial.end.aggregates = partial.end.aggregates.filter((x) => x.method === 'copy')
    for (const ag of partial.end.aggregates) ag.target = ag.target + ':5201'
    const cmp = compareReports([a, partial])
    expect(cmp.rows.map((r) => r.key.method)).toEqual(['copy', 'sendfile'])
    expect(cmp.rows[1].aggregates[1]).toBeNull()
    expect(cell(cmp, 'sendfile', 1, 'throughputBitsPerSec').verdict).toBe('missing')
    expect(cell(cmp, 'copy', 1, 'throughputBitsPerSec').verdict).toBe('within-noise')
  })

  it('the environment diff marks what differs: host, kernel, NICs', () => {
    const env = compareReports([a, b]).environment
    const differs = env.filter((r) => r.differs).map((r) => r.label)
    expect(differs).toEqual(expect.arrayContaining(['host', 'kernel', 'NICs']))
    expect(differs).not.toContain('PMU')
    expect(env.find((r) => r.label === 'NICs')!.values[1]).toMatch(/eth0 \(mlx5_core, 25 Gb\/s, MTU 9000\)/)
  })

  it('unrepeated rows have no spread and are never flagged', () => {
    const one = (x: typeof a) => {
      const r = structuredClone(x)
      for (const ag of r.end.aggregates) {
        const s = ag.throughputBitsPerSec!
        ag.throughputBitsPerSec = { ...s, n: 1, stddev: 0 }
      }
      return r
    }
    const cmp = compareReports([one(a), one(b)])
    expect(cell(cmp, 'sendfile', 1, 'throughputBitsPerSec').verdict).toBe('no-spread')
    expect(cmp.regressions.filter((r) => r.metric === 'throughputBitsPerSec')).toEqual([])
    expect(cmp.notes.join()).toMatch(/no spread/)
  })
})

describe('iperf3 imports in a comparison', () => {
  it('runs of different lengths align (a timed stream has no file size), and say what they lack', () => {
    const one = load('iperf3-loopback.json')
    const two = loadReportFile(path.join(__dirname, '../fixtures/reports/iperf3-loopback-zerocopy.json'), {
      method: 'copy'
    }).report
    expect(one.trials[0].summary!.bytes).not.toBe(two.trials[0].summary!.bytes)
    const cmp = compareReports([one, two])
    expect(cmp.rows).toHaveLength(1)
    expect(cell(cmp, 'copy', 1, 'throughputBitsPerSec').verdict).toBe('no-spread') // one run each
    // each has a process-level estimate of cycles, unrepeated
    expect(cell(cmp, 'copy', 1, 'senderCyclesPerBit').verdict).toBe('no-spread')
    expect(cell(cmp, 'copy', 1, 'syscallsPerGiB').verdict).toBe('missing')
    expect(cmp.notes.join(' ')).toMatch(/imported reports \(iperf3\) carry throughput and process CPU only/)
    expect(cmp.notes.join(' ')).toMatch(/process-level estimates/)
  })
})

describe('ratioOfMeans', () => {
  it('its interval covers the true ratio about 95% of the time', () => {
    // a seeded generator: the test is deterministic, the check is statistical
    let seed = 42
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const normal = () => Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())
    let covered = 0
    const runs = 2000
    for (let i = 0; i < runs; i++) {
      const x = Array.from({ length: 5 }, () => 100 + 5 * normal())
      const y = Array.from({ length: 5 }, () => 120 + 6 * normal())
      const r = ratioOfMeans(summarize(x)!, summarize(y)!)!
      if (r.ci95Low <= 1.2 && r.ci95High >= 1.2) covered++
    }
    expect(covered / runs).toBeGreaterThan(0.92)
    expect(covered / runs).toBeLessThan(0.99)
  })
})

describe('parseThresholdFraction', () => {
  it('reads 5%, 5 and 0.05 as 5%, and refuses what is not a percentage', () => {
    expect(parseThresholdFraction('5%')).toBeCloseTo(0.05)
    expect(parseThresholdFraction(' 5 ')).toBeCloseTo(0.05)
    expect(parseThresholdFraction('0.05')).toBeCloseTo(0.05)
    expect(parseThresholdFraction('2.5%')).toBeCloseTo(0.025)
    for (const bad of ['lots', '-5%', '', '5%%', '1000%']) expect(parseThresholdFraction(bad), bad).toBeNull()
  })
})
