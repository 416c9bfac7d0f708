// Compare on fixtures from two machines (and a noisy third) whose truth is planted
// (test/fixtures/reports/make-two-machines.ts): the 20% regression is flagged, a
// difference inside the spread is not.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadReportFile, parseReport } from '../../src/main/reports/report-loader'
import { compareReports, parseThresholdFraction, ratioOfMeans } from '../../src/shared/compare'
import { comparisonText, gateLines } from '../../src/shared/export/compare-export'
import { changeText, meanText } from '../../src/shared/export/figures'
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

  it('methods: only those rows are compared and gated (the planted sendfile regression drops out with copy alone)', () => {
    const copyOnly = compareReports([a, b], { thresholdFraction: 0.05, methods: ['copy'], allowPlanDiff: true })
    expect(copyOnly.rows.map((r) => r.key.method)).toEqual(['copy'])
    expect(copyOnly.regressions).toEqual([])
    expect(copyOnly.gate).not.toBe('regression')
    const sendfileOnly = compareReports([a, b], { thresholdFraction: 0.05, methods: ['sendfile'], allowPlanDiff: true })
    expect(sendfileOnly.rows.map((r) => r.key.method)).toEqual(['sendfile'])
    expect(sendfileOnly.gate).toBe('regression')
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
    for (const t of slower.trials) if (t.summary) t.summary.sender.cyclesPerBit! *= 1.3
    const cmp = compareReports([a, slower], { gateMetrics: ['senderCyclesPerBit'] })
    expect(cell(cmp, 'copy', 1, 'senderCyclesPerBit').verdict).toBe('worse')
    expect(cmp.regressions.some((r) => r.metric === 'senderCyclesPerBit')).toBe(true)
  })

  it('the default gate reads the headline (the whole system), not the sender', () => {
    // the sender 30% dearer while the whole system is as before: detail, not a regression
    const senderOnly = structuredClone(a)
    for (const t of senderOnly.trials) if (t.summary) t.summary.sender.cyclesPerBit! *= 1.3
    const quiet = compareReports([a, senderOnly])
    expect(quiet.regressions).toEqual([])
    expect(quiet.gate).toBe('pass')
    // the whole system 30% dearer while the sender is as before: the gate fails
    const systemOnly = structuredClone(a)
    for (const t of systemOnly.trials) if (t.summary) t.summary.system!.cyclesPerBit! *= 1.3
    const loud = compareReports([a, systemOnly])
    expect(loud.regressions.map((r) => `${r.key.method} ${r.metric}`).sort()).toEqual([
      'copy allHostsCyclesPerBit',
      'sendfile allHostsCyclesPerBit'
    ])
    expect(loud.gate).toBe('regression')
  })

  it('rows align by method, target (port aside), size and chunk; missing rows stay missing', () => {
    const partial = structuredClone(b)
    partial.trials = partial.trials.filter((x) => x.method === 'copy')
    for (const t of partial.trials) t.target = t.target + ':5201'
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
      r.trials = r.trials.filter((t) => t.warmup || t.repetition === 0)
      return r
    }
    const cmp = compareReports([one(a), one(b)])
    expect(cell(cmp, 'sendfile', 1, 'throughputBitsPerSec').verdict).toBe('no-spread')
    expect(cmp.regressions.filter((r) => r.metric === 'throughputBitsPerSec')).toEqual([])
    expect(cmp.notes.join()).toMatch(/no spread/)
  })
})

/** a machine's report with only some repetitions kept, and each named figure of each trial scaled */
function variant(from: typeof a, reps: number, scale: Partial<Record<GatedFigure, number>>) {
  const r = structuredClone(from)
  r.trials = r.trials.filter((t) => t.warmup || t.repetition < reps)
  for (const t of r.trials) {
    const s = t.summary
    if (!s) continue
    s.throughputBitsPerSec! *= scale.throughputBitsPerSec ?? 1
    s.sender.cyclesPerBit! *= scale.senderCyclesPerBit ?? 1
    if (s.receiver?.cyclesPerBit) s.receiver.cyclesPerBit *= scale.receiverCyclesPerBit ?? 1
    if (s.system?.cyclesPerBit) s.system.cyclesPerBit *= scale.systemCyclesPerBit ?? 1
    s.sender.contextSwitchesPerGiB! *= scale.contextSwitchesPerGiB ?? 1
    s.sender.syscallsPerGiB! *= scale.syscallsPerGiB ?? 1
    s.sender.pageFaultsPerGiB! *= scale.pageFaultsPerGiB ?? 1
  }
  return r
}
type GatedFigure =
  | 'throughputBitsPerSec'
  | 'senderCyclesPerBit'
  | 'receiverCyclesPerBit'
  | 'systemCyclesPerBit'
  | 'contextSwitchesPerGiB'
  | 'syscallsPerGiB'
  | 'pageFaultsPerGiB'

describe('three reports, unequal repetitions, a change planted in every gated figure', () => {
  const worse: Record<GatedFigure, number> = {
    throughputBitsPerSec: 0.5,
    senderCyclesPerBit: 2,
    receiverCyclesPerBit: 2,
    systemCyclesPerBit: 2,
    contextSwitchesPerGiB: 10, // the noisiest figure here (48 to 240 per GiB): 3 runs detect only a large change
    syscallsPerGiB: 2,
    pageFaultsPerGiB: 2
  }
  /** the figure's mean over A's measured trials of a method, straight from the fixture's trials */
  const meanOf = (method: string, metric: GatedFigure, reps: number) => {
    const values = a.trials
      .filter((t) => !t.warmup && t.method === method && t.repetition < reps && t.summary)
      .map((t) => {
        const s = t.summary!
        return metric === 'throughputBitsPerSec'
          ? s.throughputBitsPerSec!
          : metric === 'receiverCyclesPerBit'
            ? s.receiver!.cyclesPerBit!
            : metric === 'systemCyclesPerBit'
              ? s.system!.cyclesPerBit!
              : metric === 'senderCyclesPerBit'
                ? s.sender.cyclesPerBit!
                : s.sender[metric]!
      })
    return values.reduce((x, y) => x + y, 0) / values.length
  }
  const gate = Object.keys(worse) as GatedFigure[]
  // A has 5 runs a method; X has 3, every figure twice as bad; Y has 2, unchanged
  const x = variant(a, 3, worse)
  const y = variant(a, 2, {})
  const cmp = compareReports([a, x, y], { gateMetrics: gate, thresholdFraction: 0.05 })

  it('flags every planted figure of X, for each method, and nothing of Y', () => {
    let planted = 0
    for (const method of ['copy', 'sendfile'])
      for (const metric of gate) {
        if (meanOf(method, metric, 5) === 0) continue // none to scale (sendfile takes no page faults here)
        planted++
        const got = cmp.regressions.find((r) => r.report === 1 && r.key.method === method && r.metric === metric)
        expect(got, `${method} ${metric}`).toBeDefined()
        // X keeps the first 3 of A's 5 runs, scaled
        const expected = (worse[metric] * meanOf(method, metric, 3)) / meanOf(method, metric, 5) - 1
        expect(got!.change).toBeCloseTo(expected, 9)
      }
    expect(cmp.regressions.filter((r) => r.report === 2)).toEqual([])
    expect(cmp.regressions).toHaveLength(planted)
    expect(planted).toBeGreaterThanOrEqual(2 * gate.length - 1)
  })
  it('the unchanged 2-run report reads as within noise, with the wider interval 2 runs allow', () => {
    const c = cell(cmp, 'copy', 2, 'throughputBitsPerSec')
    expect(c.verdict).toBe('within-noise')
    const c3 = cell(cmp, 'copy', 1, 'throughputBitsPerSec')
    const width = (r: typeof c) => Math.log(r.ratio!.ci95High / r.ratio!.ci95Low)
    // 2 runs: df 1 (t 12.7) against 3 runs: df 2 (t 4.3)
    expect(width(c)).toBeGreaterThan(width(c3))
  })
})

describe('a report is compared by its trials, never by its stored summary', () => {
  it('halved stored aggregates do not flip the gate, and the comparison says the file disagrees', () => {
    const edited = structuredClone(a)
    for (const ag of edited.end.aggregates) {
      const s = ag.throughputBitsPerSec!
      ag.throughputBitsPerSec = { ...s, mean: s.mean / 2, median: s.median / 2 }
    }
    const cmp = compareReports([a, edited])
    expect(cmp.regressions).toEqual([])
    expect(cell(cmp, 'sendfile', 1, 'throughputBitsPerSec').ratio!.ratio).toBeCloseTo(1, 9)
    expect(cmp.notes.join(' ')).toMatch(/stored summary disagrees with its trials/)
  })
  it('a stored stddev ×50 cannot hide a real 50% drop', () => {
    const halved = variant(a, 5, { throughputBitsPerSec: 0.5 })
    for (const ag of halved.end.aggregates) {
      const s = ag.throughputBitsPerSec!
      ag.throughputBitsPerSec = { ...s, stddev: s.stddev * 50, ci95Low: 0, ci95High: s.mean * 100 }
    }
    const cmp = compareReports([a, halved])
    expect(cmp.regressions.map((r) => `${r.key.method} ${r.metric}`).sort()).toEqual([
      'copy throughputBitsPerSec',
      'sendfile throughputBitsPerSec'
    ])
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

describe('a figure no finite ratio can be made of: "cannot compare", inconclusive, never Infinity', () => {
  /** machine A (as loaded) with every measured sendfile trial's throughput set to `bps`, through the loader */
  const withSendfileThroughput = (bps: number) => {
    const doc = JSON.parse(JSON.stringify(a)) as typeof a
    for (const t of doc.trials) if (t.method === 'sendfile' && t.summary) t.summary.throughputBitsPerSec = bps
    return parseReport(JSON.stringify(doc), `sendfile-at-${bps}.json`).report
  }
  // both load: 1e-300 bit/s and 0 bit/s are figures the schema cannot call impossible
  it.each([
    [1e-300, 'the ratio of the means is too large to be a number'],
    [0, "the baseline's mean is 0, so no ratio to it exists"]
  ])('a baseline throughput of %s bit/s against a real one', (bps, why) => {
    const cmp = compareReports([withSendfileThroughput(bps), a])
    const s = cell(cmp, 'sendfile', 1, 'throughputBitsPerSec')
    expect(s).toMatchObject({ ratio: null, inconclusive: true, regression: false, uncomparable: why })
    expect(cmp.gate).toBe('inconclusive')
    expect(cmp.inconclusive).toContainEqual(
      expect.objectContaining({ report: 1, metric: 'throughputBitsPerSec', uncomparable: why })
    )
    expect(cmp.notes).toContain(`cannot compare B: sendfile tcp://127.0.0.1 throughput: ${why}`)
    const gated = ['allHostsCyclesPerBit', 'throughputBitsPerSec'] as const
    const printed = [JSON.stringify(comparisonText(cmp, gated, gated)), JSON.stringify(cmp)].join('\n')
    expect(printed).not.toMatch(/Infinity|NaN/)
    // the gate's lines say why, rather than ask for repetitions that could not help
    expect(gateLines(cmp, gated).join('\n')).toContain(`cannot compare: ${why}`)
  })
  it('the formatters print no figure for what is not a number', () => {
    for (const v of [Infinity, -Infinity, NaN]) {
      expect(changeText(v)).toBe('—')
      expect(meanText('throughputBitsPerSec', { mean: v } as never)).toBe('—')
    }
  })
  it('both means 0 is no change, not a finding either way (as before)', () => {
    const zero = withSendfileThroughput(0)
    const s = cell(compareReports([zero, zero]), 'sendfile', 1, 'throughputBitsPerSec')
    expect(s.verdict).toBe('missing')
    expect(s.uncomparable).toBeUndefined()
  })
})
