import { describe, expect, it } from 'vitest'
import { entryFor } from '../../src/shared/export/library-entry'
import type { LibraryEntry } from '../../src/shared/library'
import { seededRandom } from '../../src/shared/random'
import { buildTrend } from '../../src/shared/trend'
import { dailyRuns, historyReport, type HistoryRun } from '../fixtures/reports/history'

/** the runs as the library lists them */
const entries = (runs: readonly HistoryRun[]): LibraryEntry[] =>
  runs.map((run, i) => entryFor(`run-${i}.json`, historyReport(run), 1, 3))

const seriesOf = (t: ReturnType<typeof buildTrend>, method: string) => t.series.filter((s) => s.method === method)

describe('a trend over a library', () => {
  it('finds the run where a series stepped up, says it is worse and by about how much, and nothing in a flat one', () => {
    // sendfile 2.0 → 2.4 cycles/bit from run 20 (+20 %), 3 % noise a repetition; copy flat at 3.0
    const t = buildTrend(entries(dailyRuns(30, (i) => ({ copy: 3, sendfile: i < 20 ? 2 : 2.4 }), { noise: 0.03 })))
    const [sendfile] = seriesOf(t, 'sendfile')
    const [copy] = seriesOf(t, 'copy')
    expect(sendfile.points).toHaveLength(30)
    expect(sendfile.changes).toHaveLength(1)
    expect(Math.abs(sendfile.changes[0].index - 20)).toBeLessThanOrEqual(1)
    expect(sendfile.changes[0].id).toBe(`run-${sendfile.changes[0].index}.json`)
    expect(sendfile.changes[0].worse).toBe(true)
    expect(sendfile.changes[0].change).toBeGreaterThan(0.15)
    expect(sendfile.changes[0].change).toBeLessThan(0.25)
    expect(copy.changes).toEqual([])
  })

  it('calls a drop in throughput worse, and a drop in cost better', () => {
    const runs = dailyRuns(24, (i) => ({ copy: 3, sendfile: i < 12 ? 2.4 : 2 }), { noise: 0.02 })
    const [cost] = seriesOf(buildTrend(entries(runs)), 'sendfile')
    expect(cost.changes.map((c) => c.worse)).toEqual([false])
    // the fixture's throughput is the same every run: no change in it, whatever the cost did
    const [speed] = seriesOf(buildTrend(entries(runs), { metric: 'throughputBitsPerSec' }), 'sendfile')
    expect(speed.changes).toEqual([])
  })

  it('gates the newest run against its level: worse beyond the threshold and the noise is a regression', () => {
    const runs = dailyRuns(21, (i) => ({ copy: 3, sendfile: i < 20 ? 2 : 2.6 }), { noise: 0.02 })
    const t = buildTrend(entries(runs))
    expect(t.newest?.id).toBe('run-20.json')
    expect(t.gate).toBe('regression')
    expect(t.gateReasons).toEqual(['worse: sendfile tcp://127.0.0.1 on lab-a'])
    const [sendfile] = seriesOf(t, 'sendfile')
    expect(sendfile.gate?.levelRuns).toBe(20)
    expect(sendfile.gate?.comparison.ratio?.ratio).toBeCloseTo(1.3, 1)
    // the same step under a 40 % threshold is no regression
    expect(buildTrend(entries(runs), { thresholdFraction: 0.4 }).gate).toBe('pass')
  })

  it('keeps failing a regression for the runs after it while its new level is young, then takes it as the level', () => {
    // a +20 % step at run 25, the newest the k-th run of the new level: red at once; at the
    // second run the change is found a run early (three runs a side at least), so the gate
    // cannot tell; red again while the new level holds 3 to 5 runs; then it is the level
    const gates = [1, 2, 3, 4, 5, 6, 7].map((k) => {
      const t = buildTrend(entries(dailyRuns(25 + k, (i) => ({ sendfile: i < 25 ? 2 : 2.4 }), { noise: 0.02 })))
      return [t.gate, t.series[0].gate?.heldChange ?? null]
    })
    expect(gates).toEqual([
      ['regression', null],
      ['inconclusive', 24],
      ['regression', 25],
      ['regression', 25],
      ['regression', 25],
      ['pass', null],
      ['pass', null]
    ])
  })

  it('passes a newest run at its level, and cannot tell with under three earlier runs or none', () => {
    const flat = (n: number) => dailyRuns(n, () => ({ copy: 3, sendfile: 2 }), { noise: 0.02 })
    expect(buildTrend(entries(flat(12))).gate).toBe('pass')
    const few = buildTrend(entries(flat(3)))
    expect(few.gate).toBe('inconclusive')
    expect(few.gateReasons.join('\n')).toMatch(/2 earlier runs at its level/)
    const one = buildTrend(entries(flat(1)))
    expect(one.gate).toBe('inconclusive')
    expect(one.gateReasons).toEqual(['the newest report has no earlier run of the same experiment to be held against'])
  })

  it('holds the newest only against the level since the last change, not the whole history', () => {
    // a step down to 1.5 at run 10, then the newest at 1.5: judged against 1.5, it passes;
    // against the whole history's mean (about 1.75) it would look 14 % better
    const runs = dailyRuns(25, (i) => ({ copy: 3, sendfile: i < 10 ? 2 : 1.5 }), { noise: 0.02 })
    const [sendfile] = seriesOf(buildTrend(entries(runs)), 'sendfile')
    expect(sendfile.changes.map((c) => c.index)).toEqual([10])
    expect(sendfile.gate?.levelRuns).toBe(14)
    expect(sendfile.gate?.comparison.verdict).toBe('within-noise')
  })

  it('keeps one series per host, or one per CPU model when asked', () => {
    const a = dailyRuns(6, () => ({ sendfile: 2 }), { host: 'lab-a' })
    const b = dailyRuns(6, () => ({ sendfile: 2 }), { host: 'lab-b' }, Date.UTC(2026, 9, 1, 12))
    const byHost = buildTrend(entries([...a, ...b]))
    expect(byHost.series.map((s) => [s.machine, s.points.length])).toEqual([
      ['lab-a', 6],
      ['lab-b', 6]
    ])
    const byCpu = buildTrend(entries([...a, ...b]), { by: 'cpu' })
    expect(byCpu.series).toHaveLength(1)
    expect(byCpu.series[0].points.map((p) => p.host).slice(0, 4)).toEqual(['lab-a', 'lab-b', 'lab-a', 'lab-b'])
  })

  it('splits series where compare would not compare: another receiver mode or chunk is another experiment', () => {
    const runs = entries(dailyRuns(8, () => ({ sendfile: 2 })))
    const other = historyReport({ timestamp: '2026-11-01T00:00:00.000Z', level: { sendfile: 2 } })
    other.start.plan.receiverModes = ['discard']
    for (const a of other.end.aggregates) a.receiverMode = 'discard'
    runs.push(entryFor('discard.json', other, 1, 3))
    const t = buildTrend(runs)
    expect(t.series.map((s) => s.points.length).sort()).toEqual([1, 8])
    expect(t.series.find((s) => s.points.length === 1)!.facts).toMatch(/receiver mode discard/)
  })

  it("a run of several receiver modes goes on each pair's series: its read rows continue the read runs before it", () => {
    const runs = entries(dailyRuns(8, () => ({ sendfile: 2 })))
    const paired = historyReport({ timestamp: '2026-11-01T00:00:00.000Z', level: { sendfile: 2 } })
    paired.start.plan.receiverModes = ['read', 'splice']
    paired.end.aggregates = [
      ...paired.end.aggregates,
      ...paired.end.aggregates.map((a) => ({ ...a, receiverMode: 'splice' as const }))
    ]
    runs.push(entryFor('paired.json', paired, 1, 3))
    const t = buildTrend(runs)
    // the read pairs: 8 runs + this one; the splice pairs: this one alone
    const bySeries = t.series.map((s) => [s.facts.match(/receiver mode (\w+)/)?.[1], s.points.length])
    expect(bySeries).toEqual(
      expect.arrayContaining([
        ['read', 9],
        ['splice', 1]
      ])
    )
    expect(bySeries.every(([r]) => r === 'read' || r === 'splice')).toBe(true)
  })

  it('keeps a copy row in its series when io_uring settings change beside it, and splits the io_uring row', () => {
    const runs = entries(dailyRuns(4, () => ({ copy: 3, sendfile: 2 })))
    const other = historyReport({ timestamp: '2026-11-01T00:00:00.000Z', level: { copy: 3, sendfile: 2 } })
    other.start.plan.methods = [...other.start.plan.methods, 'uring-send']
    other.start.plan.uringDepth = 64
    const row = other.end.aggregates.find((a) => a.method === 'sendfile')!
    other.end.aggregates.push({ ...row, method: 'uring-send' })
    runs.push(entryFor('uring.json', other, 1, 3))
    const t = buildTrend(runs)
    expect(t.series.map((s) => [s.method, s.points.length])).toEqual(
      expect.arrayContaining([
        ['copy', 5],
        ['sendfile', 5],
        ['uring-send', 1]
      ])
    )
    expect(t.series.find((s) => s.method === 'uring-send')!.facts).toMatch(/io_uring depth 64/)
  })

  it('says when the kernel changed where the level did', () => {
    const runs = dailyRuns(20, (i) => ({ sendfile: i < 10 ? 2 : 2.5 }), { noise: 0.02 }).map((r, i) => ({
      ...r,
      kernel: i < 10 ? '6.17.0' : '6.18.0'
    }))
    const [s] = buildTrend(entries(runs)).series
    expect(s.changes.map((c) => [c.index, c.kernelChanged])).toEqual([[10, true]])
  })

  it('keeps the runs the filters keep: label, dates, host and method', () => {
    const runs = dailyRuns(10, () => ({ copy: 3, sendfile: 2 })).map((r, i) => ({ ...r, label: `v1.${i}` }))
    const all = entries(runs)
    expect(buildTrend(all, { label: 'V1.1' }).series[0].points.map((p) => p.label)).toEqual(['v1.1'])
    const since = buildTrend(all, { since: '2026-10-08T00:00:00.000Z', until: '2026-10-10T00:00:00.000Z' })
    expect(since.series[0].points.map((p) => p.label)).toEqual(['v1.7', 'v1.8'])
    expect(buildTrend(all, { method: 'copy' }).series.map((s) => s.method)).toEqual(['copy'])
    expect(buildTrend(all, { host: 'elsewhere' }).series).toEqual([])
    expect(buildTrend(all, { host: 'elsewhere' }).gate).toBe('inconclusive')
    expect(buildTrend(all, { host: 'elsewhere' }).gateReasons).toEqual([
      'no report the filters keep has a finished row: nothing to judge'
    ])
  })

  it('judges the newest against how much whole runs vary, not one run’s repetitions', () => {
    // change-free histories whose runs move 5 % from one to the next (hosts drift) while each
    // run's own repetitions agree within 1 %: a gate that took the newest run's repetitions
    // for its noise called about one in six of these a regression (review); a 95 % prediction
    // interval, one side of it past a 5 % threshold, about 1 in 40 at most
    let regressions = 0
    for (let h = 0; h < 40; h++) {
      const random = seededRandom(7000 + h)
      const drift = () => 1 + 0.05 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
      const runs = dailyRuns(20, () => ({ sendfile: 2 * drift() }), { noise: 0.01 })
      if (buildTrend(entries(runs)).gate === 'regression') regressions++
    }
    expect(regressions).toBeLessThanOrEqual(3)
  })

  it('never reaches past the window searched for changes: an old step is not held against the newest', () => {
    // 260 runs, a step from 1.4 to 2 at run 20, flat since; the newest 200 hold no change
    const runs = dailyRuns(260, (i) => ({ sendfile: i < 20 ? 1.4 : 2 }), { noise: 0.02 })
    const t = buildTrend(entries(runs))
    const [s] = t.series
    expect(s.analysedFrom).toBe(60)
    expect(s.gate?.levelRuns).toBe(199)
    expect(t.gate).toBe('pass')
  })

  it('judges the newest run the filters keep, and leaves out a report whose date is no date', () => {
    const runs = dailyRuns(12, (i) => ({ sendfile: i < 11 ? 2 : 2.6 }), { noise: 0.02 })
    const all = entries(runs)
    // a later report that ran only copy: with --method sendfile it is not the run judged
    const copyOnly = historyReport({ timestamp: '2026-12-01T00:00:00.000Z', level: { copy: 3 } })
    all.push(entryFor('copy-only.json', copyOnly, 1, 3))
    const t = buildTrend(all, { method: 'sendfile' })
    expect(t.newest?.id).toBe('run-11.json')
    expect(t.gate).toBe('regression')
    const undated = historyReport({ timestamp: '2026-10-05T00:00:00.000Z', level: { sendfile: 9 } })
    all.push({ ...entryFor('undated.json', undated, 1, 3), timestamp: 'not a date' })
    expect(buildTrend(all, { method: 'sendfile' }).series[0].points.map((p) => p.id)).not.toContain('undated.json')
  })

  it('gives the same answer every time it is asked', () => {
    const runs = entries(dailyRuns(40, (i) => ({ sendfile: i < 25 ? 2 : 2.2 }), { noise: 0.05 }))
    expect(JSON.stringify(buildTrend(runs))).toBe(JSON.stringify(buildTrend(runs)))
  })
})
