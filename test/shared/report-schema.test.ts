// Figures no run can record, each refused by name: a real report (machine A, as this
// build writes it) with one field changed. 1e308 is finite in JSON and Infinity once
// summed; -0 is written by no JSON.stringify; a count is whole and never negative.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseReport } from '../../src/main/reports/report-loader'
import { ZcprofError } from '../../src/shared/errors'

const machineA = readFileSync(path.join(__dirname, '../fixtures/reports/machine-a.json'), 'utf8')
/** machine A in the current schema: what zcprof would write for that run today */
const current = JSON.stringify(parseReport(machineA, 'machine-a.json').report)

/** the report with the value at a path (dots; numbers index arrays) replaced */
function withValue(at: string, value: unknown): string {
  const doc = JSON.parse(current) as Record<string, unknown>
  const keys = at.split('.')
  let o = doc as Record<string, unknown>
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>
  expect(o[keys.at(-1)!], `${at} exists in the fixture`).not.toBeUndefined()
  o[keys.at(-1)!] = value
  return JSON.stringify(doc)
}

function refusal(text: string): ZcprofError {
  try {
    parseReport(text, 'hostile.json')
  } catch (e) {
    expect(e).toBeInstanceOf(ZcprofError)
    return e as ZcprofError
  }
  throw new Error('expected a refusal')
}

// trial 3: a measured sendfile trial with every side's figures
const T = 'trials.3.summary'
const HOSTILE: [string, unknown][] = [
  [`${T}.bytes`, 1e308],
  [`${T}.bytes`, -1],
  [`${T}.durationNs`, 0],
  [`${T}.durationNs`, -1000],
  [`${T}.throughputBitsPerSec`, 1e308],
  [`${T}.throughputBitsPerSec`, -1e9],
  [`${T}.sender.cpuNs`, -1],
  [`${T}.sender.cyclesPerBit`, 1e308],
  [`${T}.sender.contextSwitches`, -3],
  [`${T}.sender.contextSwitches`, 2.5],
  [`${T}.sender.pageFaults`, -1],
  [`${T}.system.cyclesPerBit`, -0.5],
  [`${T}.system.busyCpuNs`, 1e300],
  ['trials.3.samples.0.tMs', 1e308],
  ['end.aggregates.1.throughputBitsPerSec.mean', 1e308],
  ['end.aggregates.1.zeroCopyFallbackShare', 1.5],
  ['end.durationMs', -1e308]
]

describe('the schema refuses impossible figures', () => {
  it('the unchanged report loads (the table changes one field of a good report)', () => {
    expect(() => parseReport(current, 'machine-a.json')).not.toThrow()
  })
  it.each(HOSTILE)('%s = %s is refused, naming the field', (at, value) => {
    const e = refusal(withValue(at, value))
    expect(e.code).toBe('ZC_REPORT_SCHEMA')
    expect(e.message).toContain(`/${at.replaceAll('.', '/')} must be`)
  })
  it('-0, which no writer produces, is refused with where it is', () => {
    const text = withValue(`${T}.bytes`, 12345).replace('"bytes":12345', '"bytes":-0')
    expect(text).toContain('"bytes":-0')
    const e = refusal(text)
    expect(e.code).toBe('ZC_REPORT_SCHEMA')
    expect(e.message).toContain('-0 at /trials/3/summary/bytes')
  })
})
