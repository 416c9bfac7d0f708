// The machine reference measured on this host: each figure its repeats, their median
// and range, and a reference the report schema accepts. Its values are this
// machine's: no test holds them to a number (bench/machine-reference.ts prints them).

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { measureMachineReference, REFERENCE_REPEATS } from '../../src/main/host/machine-reference'
import { parseReport } from '../../src/main/reports/report-loader'
import type { ReferenceFigure } from '../../src/shared/report'

/** the figure is what its repeats say: the middle one, and the range over it */
function consistent(f: ReferenceFigure, what: string): void {
  expect(f.repeats, what).toHaveLength(REFERENCE_REPEATS)
  for (const r of f.repeats) expect(r, what).toBeGreaterThan(0)
  const sorted = [...f.repeats].sort((a, b) => a - b)
  expect(f.median, what).toBe(sorted[(REFERENCE_REPEATS - 1) / 2])
  expect(f.spread, what).toBeCloseTo((sorted.at(-1)! - sorted[0]) / f.median, 12)
}

describe('the machine reference, measured', () => {
  it('gives each figure its repeats, and a loopback figure where loopback TCP runs', async () => {
    const ref = await measureMachineReference()
    consistent(ref.memoryCopyGBps, 'memory copy')
    consistent(ref.syscallNs, 'system call')
    // the addon runs here (every engine test needs it), so loopback TCP must have worked
    expect(ref.loopbackCpuNsPerBit, 'loopback copy').not.toBeNull()
    consistent(ref.loopbackCpuNsPerBit!, 'loopback copy')
    expect(ref.tookMs).toBeGreaterThan(0)
    expect(Number.isNaN(Date.parse(ref.timestamp))).toBe(false)
    // what a run records loads again
    const machineA = readFileSync(path.join(__dirname, '../fixtures/reports/machine-a.json'), 'utf8')
    const report = parseReport(machineA, 'machine-a.json').report
    const withRef = { ...report, start: { ...report.start, reference: ref } }
    expect(parseReport(JSON.stringify(withRef), 'measured.json').report.start.reference).toEqual(ref)
  })

  it('takes the repeats it is asked for', async () => {
    const ref = await measureMachineReference(3)
    expect(ref.memoryCopyGBps.repeats).toHaveLength(3)
    expect(ref.syscallNs.repeats).toHaveLength(3)
    expect(ref.loopbackCpuNsPerBit?.repeats).toHaveLength(3)
  })
})
