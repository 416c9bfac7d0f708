// A trend's change says when the machine changed as well: each point carries its
// run's machine reference (fixed tables, test/shared/reference-fixtures.ts), and a
// change whose neighbouring points' references differ by the drift rule is marked.

import { describe, expect, it } from 'vitest'
import { entryFor } from '../../src/shared/export/library-entry'
import type { LibraryEntry } from '../../src/shared/library'
import type { MachineReference } from '../../src/shared/report'
import { buildTrend } from '../../src/shared/trend'
import { dailyRuns, historyReport } from '../fixtures/reports/history'
import { SLOWER, STEADY } from './reference-fixtures'

/** sendfile 2.0 → 2.5 cycles/bit from run 10, each run with the reference `ref(i)` gives */
function steppedAt10(ref: (i: number) => MachineReference | undefined): LibraryEntry[] {
  return dailyRuns(20, (i) => ({ sendfile: i < 10 ? 2 : 2.5 }), { noise: 0.02 }).map((run, i) => {
    const report = historyReport(run)
    const reference = ref(i)
    if (reference) report.start.reference = reference
    return entryFor(`run-${i}.json`, report, 1, 3)
  })
}

describe('a trend and the machine reference', () => {
  it('marks the change where the reference stepped with the figure, and carries each point its reference', () => {
    const [s] = buildTrend(steppedAt10((i) => (i < 10 ? STEADY : SLOWER))).series
    expect(s.changes.map((c) => [c.index, c.machineChanged])).toEqual([[10, true]])
    expect(s.points[9].reference).toEqual(STEADY)
    expect(s.points[10].reference).toEqual(SLOWER)
  })
  it('does not mark it where the reference stepped elsewhere, stayed, or is missing', () => {
    const elsewhere = buildTrend(steppedAt10((i) => (i < 5 ? STEADY : SLOWER))).series[0]
    expect(elsewhere.changes.map((c) => [c.index, c.machineChanged])).toEqual([[10, false]])
    const steady = buildTrend(steppedAt10(() => STEADY)).series[0]
    expect(steady.changes.map((c) => [c.index, c.machineChanged])).toEqual([[10, false]])
    const older = buildTrend(steppedAt10((i) => (i < 10 ? undefined : SLOWER))).series[0]
    expect(older.changes.map((c) => [c.index, c.machineChanged])).toEqual([[10, false]])
    expect(older.points[0].reference).toBeUndefined()
  })
})
