// compare says when the machine changed as well: two reports of one experiment whose
// machine references (fixed tables, test/shared/reference-fixtures.ts) differ by the
// drift rule get a note naming the figures that moved; like references get none.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { compareReports } from '../../src/shared/compare'
import type { MachineReference, Report } from '../../src/shared/report'
import { SLOWER, STEADY } from './reference-fixtures'

const load = (name: string) => loadReportFile(path.join(__dirname, '../fixtures/reports', name)).report
const a = load('machine-a.json')
const b = load('machine-b.json')
const withReference = (r: Report, reference?: MachineReference): Report => ({
  ...r,
  start: { ...r.start, reference }
})
const machineNotes = (reports: Report[], baseline = 0) =>
  compareReports(reports, { baseline }).notes.filter((n) => n.startsWith('the machine changed'))

describe('compare and the machine reference', () => {
  it('notes the figures that moved, each way from the baseline', () => {
    const reports = [withReference(a, STEADY), withReference(b, SLOWER)]
    expect(machineNotes(reports)).toEqual([
      'the machine changed as well: B against A, memory copy −20 % (10.0 → 8.00 GB/s, slower), ' +
        'system call +30 % (1000 → 1300 ns, slower)'
    ])
    expect(machineNotes(reports, 1)).toEqual([
      'the machine changed as well: A against B, memory copy +25 % (8.00 → 10.0 GB/s, faster), ' +
        'system call −23 % (1300 → 1000 ns, faster)'
    ])
  })
  it('says nothing when the references agree, or one report has none', () => {
    expect(machineNotes([withReference(a, STEADY), withReference(b, STEADY)])).toEqual([])
    expect(machineNotes([withReference(a), withReference(b, SLOWER)])).toEqual([])
    expect(machineNotes([withReference(a, STEADY), withReference(b)])).toEqual([])
  })
})
