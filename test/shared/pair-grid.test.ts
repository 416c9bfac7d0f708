// Every pair (a sending method with a receiver mode) is a row of results, measured
// against copy with the same receiver mode; the sender × receiver grid lays their
// whole-system cycles per bit out. Planted trials, every expected figure worked out by
// hand in the comments (the 95% interval: mean ± t(0.975, 2) · sd / √3, t = 4.302653).

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderSummary } from '../../src/main/cli/summary-table'
import { drawTable } from '../../src/main/cli/text-table'
import { loadReportFile, parseReport } from '../../src/main/reports/report-loader'
import { aggregateTrials, analysisOf } from '../../src/shared/aggregate'
import { compareReports, pairName } from '../../src/shared/compare'
import { planDifferences } from '../../src/shared/plan-differences'
import { exporterFor } from '../../src/shared/export/exporters'
import { summaryTables } from '../../src/shared/export/figures'
import { pairGridTables } from '../../src/shared/export/pair-grid-tables'
import { pairGrids } from '../../src/shared/pair-grid'
import { METHODS, RECEIVER_MODES, type MethodName, type ReceiverMode } from '../../src/shared/methods'
import { parsePlanFile } from '../../src/shared/plan-file'
import type { Plan, Report, TrialRecord } from '../../src/shared/report'
import { plantedTrial } from './trial-records'

const T = 4.302653

/** three repetitions of a pair, each trial's whole-system cycles per bit given (the sending host is the only one) */
function pair(method: MethodName, receiverMode: ReceiverMode, systems: number[]): TrialRecord[] {
  return systems.map((system, repetition) =>
    plantedTrial({ method, receiverMode, repetition, sender: system / 2, system })
  )
}

/** a pair whose every trial failed: a row, no figure */
function failed(method: MethodName, receiverMode: ReceiverMode): TrialRecord[] {
  return [0, 1, 2].map((repetition) => ({
    ...plantedTrial({ method, receiverMode, repetition, sender: 1 }),
    summary: null,
    error: { code: 'ZC_TRANSFER', message: 'planted failure' }
  }))
}

// the planted table: sendfile → discard never ran; copy → discard failed every trial
const TRIALS: TrialRecord[] = [
  ...pair('copy', 'read', [2.0, 2.2, 2.4]), // median 2.2, sd 0.2: 2.2 ± 4.302653 · 0.2/√3 = [1.7032, 2.6968]
  ...pair('sendfile', 'read', [1.6, 1.6, 1.6]), // median 1.6, sd 0: [1.6, 1.6]
  ...pair('copy', 'splice', [1.8, 1.9, 2.0]), // median 1.9, sd 0.1: [1.6516, 2.1484]
  ...pair('sendfile', 'splice', [1.1, 1.2, 1.3]), // median 1.2, sd 0.1: [0.9516, 1.4484]: the cheapest
  ...failed('copy', 'discard')
]
const PLAN = {
  methods: ['copy', 'sendfile'] as MethodName[],
  receiverModes: ['read', 'splice', 'discard'] as ReceiverMode[]
}
const rows = () => aggregateTrials(TRIALS, analysisOf({ order: 'fixed', precision: null, ...PLAN }))

describe('a row of results is a pair', () => {
  it('one row per pair that ran, in the plan order (receivers, then methods)', () => {
    expect(rows().map((a) => `${a.method} ${a.receiverMode}`)).toEqual([
      'copy read',
      'sendfile read',
      'copy splice',
      'sendfile splice',
      'copy discard'
    ])
    for (const a of rows()) expect(a.trials).toBe(3)
  })

  it('each pair against copy with the same receiver mode: like with like', () => {
    const of = (m: MethodName, r: ReceiverMode) => rows().find((a) => a.method === m && a.receiverMode === r)!
    // ratio of the means (fixed order): 1.6 / 2.2 and 1.2 / 1.9
    expect(of('sendfile', 'read').headline!.ratio!.ratio).toBeCloseTo(1.6 / 2.2, 9)
    expect(of('sendfile', 'splice').headline!.ratio!.ratio).toBeCloseTo(1.2 / 1.9, 9)
    expect(of('sendfile', 'splice').headline!.baseline).toBe('copy')
    expect(of('copy', 'splice').headline!.status).toBe('baseline')
  })
})

describe('the sender × receiver grid', () => {
  const grid = () => pairGrids(rows(), PLAN)[0]

  it('holds each cell worked out by hand; the pair that never ran and the pair that failed say so', () => {
    const g = grid()
    expect(pairGrids(rows(), PLAN)).toHaveLength(1)
    expect(g.senders).toEqual(['copy', 'sendfile'])
    expect(g.receivers).toEqual(['read', 'splice', 'discard'])
    const expected: (null | 'failed' | 'not-run' | [number, number, number])[][] = [
      [
        [2.2, 2.2 - (T * 0.2) / Math.sqrt(3), 2.2 + (T * 0.2) / Math.sqrt(3)],
        [1.9, 1.9 - (T * 0.1) / Math.sqrt(3), 1.9 + (T * 0.1) / Math.sqrt(3)],
        'failed'
      ],
      [[1.6, 1.6, 1.6], [1.2, 1.2 - (T * 0.1) / Math.sqrt(3), 1.2 + (T * 0.1) / Math.sqrt(3)], 'not-run']
    ]
    for (const [i, line] of expected.entries())
      for (const [j, want] of line.entries()) {
        const cell = g.cells[i][j]
        if (typeof want === 'string') expect(cell.state).toBe(want)
        else {
          expect(cell.state).toBe('measured')
          if (cell.state !== 'measured') continue
          expect(cell.stat.median).toBeCloseTo(want![0], 9)
          expect(cell.stat.ci95Low).toBeCloseTo(want![1], 4)
          expect(cell.stat.ci95High).toBeCloseTo(want![2], 4)
        }
      }
    // the cheapest: sendfile → splice, and only that cell is marked
    expect(g.cheapest).toMatchObject({ method: 'sendfile', receiverMode: 'splice' })
    const marked = g.cells.flat().filter((c) => c.state === 'measured' && c.cheapest)
    expect(marked).toHaveLength(1)
    expect(g.cells[1][1]).toMatchObject({ state: 'measured', cheapest: true })
  })

  it('prints no interval under three repetitions, as no view prints a finding on fewer', () => {
    const two = aggregateTrials([...pair('copy', 'read', [1.0, 1.2]), ...pair('copy', 'splice', [0.9, 1.1, 1.3])])
    const [g] = pairGrids(two, { methods: ['copy'], receiverModes: ['read', 'splice'] })
    // median of 1.0 and 1.2: 1.1; 0.9/1.1/1.3: 1.1 ± 4.302653 · 0.2/√3 = [0.603, 1.60]; equal medians: the first is the cheapest
    expect(pairGridTables(g, false)[0].rows).toEqual([['copy', '1.10, n = 2 <', '1.10 [0.603, 1.60]']])
  })

  it('is not drawn for a one-receiver run', () => {
    const one = aggregateTrials(pair('copy', 'read', [1, 1, 1]).concat(pair('sendfile', 'read', [1, 1, 1])))
    expect(pairGrids(one, { methods: ['copy', 'sendfile'], receiverModes: ['read'] })).toEqual([])
  })

  it('as text: the figures by hand, "<" on the cheapest, and receivers split over tables where 80 or 40 columns do not hold them', () => {
    const [t] = pairGridTables(grid(), false)
    // 2.2 [1.7032, 2.6968] to three figures; 0.9516 → 0.952
    expect(t.head).toEqual(['sender', 'read', 'splice', 'discard'])
    expect(t.rows).toEqual([
      ['copy', '2.20 [1.70, 2.70]', '1.90 [1.65, 2.15]', 'failed'],
      ['sendfile', '1.60 [1.60, 1.60]', '1.20 [0.952, 1.45] <', 'not run']
    ])
    expect(t.caption).toMatch(/< cheapest: sendfile → splice/)
    // sender 8 + (2 + 17) + (2 + 20) + (2 + 7) = 58 columns: one table at 80
    expect(pairGridTables(grid(), false, 80)).toHaveLength(1)
    // at 40: read (8 + 19 = 27), then splice and discard (8 + 22 + 9 = 39)
    const narrow = pairGridTables(grid(), false, 40)
    expect(narrow.map((x) => x.head)).toEqual([
      ['sender', 'read'],
      ['sender', 'splice', 'discard']
    ])
    for (const x of narrow)
      for (const line of drawTable(x.head, x.rows).split('\n')) expect([...line].length).toBeLessThanOrEqual(40)
  })
})

/** a real report re-run with every sender method × every receiver mode, its figures planted */
function everyPairReport(): Report {
  const base = loadReportFile(path.join(__dirname, '../fixtures/reports/real-loopback-v2.json')).report
  const trials: TrialRecord[] = []
  for (const [j, r] of RECEIVER_MODES.entries())
    for (const [i, m] of METHODS.entries())
      trials.push(...pair(m, r, [1 + i / 10 + j / 100, 1.01 + i / 10 + j / 100, 1.02 + i / 10 + j / 100]))
  const plan: Plan = { ...base.start.plan, methods: [...METHODS], receiverModes: [...RECEIVER_MODES] }
  const aggregates = aggregateTrials(trials, analysisOf(plan))
  return {
    ...base,
    start: { ...base.start, plan },
    trials: trials.map((t, index) => ({ ...t, index })),
    end: { ...base.end, aggregates, warnings: [] }
  }
}

describe('the run output with every pair', () => {
  it('fits 80 columns, with a grid of every sender and receiver, and a headroom row per pair', () => {
    const text = renderSummary(everyPairReport(), { width: 80 })
    for (const line of text.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80)
    expect(text).toMatch(/sender × receiver, system cyc\/bit by pair/)
    for (const r of RECEIVER_MODES) expect(text).toMatch(new RegExp(`^sender .*\\b${r}\\b`, 'm'))
    // each method's grid row, in every split table: 9 senders × tables
    const gridRows = text.split('\n').filter((l) => /^msg-zerocopy +\d/.test(l))
    expect(gridRows.length).toBeGreaterThanOrEqual(2)
    // the cheapest by construction: copy (i = 0) with read (j = 0)
    expect(text).toMatch(/< cheapest: copy →\s+read/)
    // the headroom names each pair: one row each
    for (const r of RECEIVER_MODES) expect(text).toMatch(new RegExp(`^sendfile → ${r} +`, 'm'))
  })

  it('the headroom table has a row per pair, in every format', () => {
    const { groups } = summaryTables(everyPairReport())
    const headroomRows = groups.flatMap((g) => g.tables.filter((t) => t.caption === 'headroom').flatMap((t) => t.rows))
    const pairs = headroomRows.map((r) => r[0]).filter((name) => name.includes(' → '))
    expect(pairs).toHaveLength(METHODS.length * RECEIVER_MODES.length)
    expect(new Set(pairs).size).toBe(pairs.length)
    const md = exporterFor('markdown').render(everyPairReport())
    expect(md).toMatch(/\| sender \| read \| splice \| discard \| uring \| mapped \|/)
    const html = exporterFor('html').render(everyPairReport())
    expect(html).toMatch(/<th>sender<\/th><th>read<\/th><th>splice<\/th>/)
  })
})

describe('plans and reports from before receiver lists', () => {
  it('a report with one receiverMode loads as the list of it, each row that pair', () => {
    const doc = JSON.parse(
      JSON.stringify(loadReportFile(path.join(__dirname, '../fixtures/reports/real-loopback-v2.json')).report)
    )
    // as 0.5 wrote it: the single field, and rows without a receiver mode
    const { receiverModes: _list, ...plan } = doc.start.plan
    doc.start.plan = { ...plan, receiverMode: 'splice' }
    for (const a of doc.end.aggregates) delete a.receiverMode
    const loaded = parseReport(JSON.stringify(doc), 'old.json').report
    expect(loaded.start.plan.receiverModes).toEqual(['splice'])
    expect('receiverMode' in loaded.start.plan).toBe(false)
    for (const a of loaded.end.aggregates) expect(a.receiverMode).toBe('splice')
  })

  it('a plan file with one receiverMode is its list; both forms at once are refused', () => {
    expect(parsePlanFile('{"receiverMode": "discard"}', 'p.json')).toEqual({ receiverModes: ['discard'] })
    expect(parsePlanFile('{"receiverModes": ["read", "splice"]}', 'p.json')).toEqual({
      receiverModes: ['read', 'splice']
    })
    expect(() => parsePlanFile('{"receiverMode": "read", "receiverModes": ["splice"]}', 'p.json')).toThrow(
      /p\.json: it has both receiverMode and receiverModes/
    )
    expect(() => parsePlanFile('{"receiverMode": "fast"}', 'p.json')).toThrow(/unknown receiver mode 'fast'/)
  })
})

describe('compare across receiver lists', () => {
  it('rows match by pair; lists that share a mode are no plan difference, lists that share none are', () => {
    const base = loadReportFile(path.join(__dirname, '../fixtures/reports/real-loopback-v2.json')).report
    const withModes = (modes: ReceiverMode[]): Report => {
      const trials = modes.flatMap((r) => [...pair('copy', r, [2, 2.1, 2.2]), ...pair('sendfile', r, [1, 1.1, 1.2])])
      const plan: Plan = { ...base.start.plan, methods: ['copy', 'sendfile'], receiverModes: modes }
      return {
        ...base,
        start: { ...base.start, plan },
        trials: trials.map((t, index) => ({ ...t, index })),
        end: { ...base.end, aggregates: aggregateTrials(trials, analysisOf(plan)) }
      }
    }
    const one = withModes(['read'])
    const two = withModes(['read', 'splice'])
    const cmp = compareReports([one, two])
    // the read pairs in both; the splice pairs in B alone
    const both = cmp.rows.filter((r) => r.aggregates.every((a) => a !== null)).map((r) => pairName(r.key))
    expect(both.sort()).toEqual(['copy', 'sendfile'])
    const onlyB = cmp.rows.filter((r) => r.aggregates[0] === null).map((r) => pairName(r.key))
    expect(onlyB.sort()).toEqual(['copy → splice', 'sendfile → splice'])
    expect(planDifferences([one, two]).map((d) => d.key)).not.toContain('receiver')
    expect(planDifferences([one, withModes(['splice'])]).map((d) => d.key)).toContain('receiver')
  })
})
