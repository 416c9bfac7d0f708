// iperf3 -Z sends with sendfile(): an -J file whose start.test_start says zerocopy
// imports as zcprof's sendfile method, not copy; a file that says nothing stays copy.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { importIperf3 } from '../../src/shared/iperf3-import'

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'reports', 'iperf3-loopback-zerocopy.json')

/** the -Z run's fixture with test_start.zerocopy set to `flag` (absent when undefined) */
function zerocopyDoc(flag?: unknown): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(FIXTURE, 'utf8'))
  if (flag !== undefined) doc.start.test_start.zerocopy = flag
  return doc
}

describe('iperf3 -Z imports', () => {
  it('test_start.zerocopy 1 imports as sendfile, in the trial, the plan and the aggregate', () => {
    const report = importIperf3(zerocopyDoc(1))
    expect(report.trials[0].method).toBe('sendfile')
    expect(report.start.plan.methods).toEqual(['sendfile'])
    expect(report.end.aggregates[0].method).toBe('sendfile')
    expect(report.foreign?.notes.join(' ')).toMatch(/zerocopy says it ran with -Z/)
  })

  it('zerocopy true (a boolean) is -Z too; 0 or absent stays copy', () => {
    expect(importIperf3(zerocopyDoc(true)).trials[0].method).toBe('sendfile')
    expect(importIperf3(zerocopyDoc(0)).trials[0].method).toBe('copy')
    expect(importIperf3(zerocopyDoc(false)).trials[0].method).toBe('copy')
    expect(importIperf3(zerocopyDoc()).trials[0].method).toBe('copy')
  })

  it('the method told at import wins over the file', () => {
    expect(importIperf3(zerocopyDoc(1), { method: 'copy' }).trials[0].method).toBe('copy')
  })

  it('a zerocopy value that is not 0 or 1 is refused, naming the field', () => {
    expect(() => importIperf3(zerocopyDoc('yes'))).toThrow(/start\.test_start\.zerocopy/)
  })
})
