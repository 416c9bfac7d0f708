// The machine reference's rule on fixed tables (no timing: a measured figure is never
// a threshold here), its words, and the schema: older reports load without it, new
// ones keep it, and an impossible one is refused.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseReport } from '../../src/main/reports/report-loader'
import {
  driftedText,
  driftText,
  figureDrifted,
  machineChanged,
  referenceDrift,
  referenceFigure
} from '../../src/shared/machine-reference'
import { ZcprofError } from '../../src/shared/errors'
import { fig, SLOWER, STEADY } from './reference-fixtures'

describe('a reference figure from its repeats', () => {
  it('is their median and their range over it', () => {
    expect(referenceFigure([3, 1, 2])).toEqual({ median: 2, spread: 1, repeats: [3, 1, 2] })
    // an even count: the middle two's mean
    expect(referenceFigure([4, 1, 3, 2])).toEqual({ median: 2.5, spread: 3 / 2.5, repeats: [4, 1, 3, 2] })
  })
  it('refuses no repeats, or a repeat that is no measurement, naming them', () => {
    expect(() => referenceFigure([])).toThrow(/positive repeats, not \[\]/)
    expect(() => referenceFigure([1, 0])).toThrow(/\[1, 0\]/)
    expect(() => referenceFigure([1, NaN])).toThrow(RangeError)
  })
})

describe('the drift rule: more than 10 % apart, and every repeat of one side beyond the other', () => {
  // before, after, drifted: each row's verdict follows from the rule's two conditions
  const TABLE: [string, number[], number[], boolean][] = [
    ['−20 %, the sides part', [9.8, 9.9, 10, 10.1, 10.2], [7.9, 7.95, 8, 8.05, 8.1], true],
    ['+25 %, the sides part', [7.9, 7.95, 8, 8.05, 8.1], [9.8, 9.9, 10, 10.1, 10.2], true],
    ['−20 %, one repeat of each side among the other', [7.5, 9.9, 10, 10.1, 12], [7.9, 8, 8, 8.05, 9.95], false],
    ['+5 %, the sides part but under the floor', [99, 99.5, 100, 100.5, 101], [104, 104.5, 105, 105.5, 106], false],
    ['+10 % exactly: not more than the floor', [190, 195, 200, 205, 210], [211, 215, 220, 225, 230], false],
    ['+10.5 %, the sides part', [190, 195, 200, 205, 210], [211, 216, 221, 226, 231], true],
    ['−50 % on two repeats a side: too few to judge', [10, 10], [5, 5], false],
    ['−50 % on three repeats a side', [10, 10.1, 9.9], [5, 5.1, 4.9], true]
  ]
  for (const [name, before, after, drifted] of TABLE)
    it(name, () => {
      const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]
      const f = (xs: number[]) => fig(xs.length % 2 ? med(xs) : (xs[0] + xs[1]) / 2, 0, xs)
      expect(figureDrifted(f(before), f(after))).toBe(drifted)
    })

  it('parts two samples of one figure by chance 2 times in C(10, 5) = 252 (the level the docs give)', () => {
    // ten values far apart (each twice the last), so any parting is past the floor:
    // every way of dealing them 5 and 5 is one equally likely order under no change
    const values = Array.from({ length: 10 }, (_, i) => 2 ** i)
    let splits = 0
    let parted = 0
    for (let mask = 0; mask < 1 << 10; mask++) {
      const a = values.filter((_, i) => mask & (1 << i))
      if (a.length !== 5) continue
      const b = values.filter((_, i) => !(mask & (1 << i)))
      splits++
      if (figureDrifted(referenceFigure(a), referenceFigure(b))) parted++
    }
    expect(splits).toBe(252)
    expect(parted).toBe(2)
  })
})

describe('two references compared', () => {
  const slower = SLOWER
  it('names each figure with its change, its values and which way the machine went', () => {
    const d = referenceDrift(STEADY, slower)
    expect(d.map((x) => [x.key, x.drifted, x.slower])).toEqual([
      ['memoryCopyGBps', true, true],
      ['syscallNs', true, true],
      ['loopbackCpuNsPerBit', false, true]
    ])
    expect(driftText(d[0])).toBe('memory copy −20 % (10.0 → 8.00 GB/s, slower)')
    expect(driftedText(d)).toBe(
      'memory copy −20 % (10.0 → 8.00 GB/s, slower), system call +30 % (1000 → 1300 ns, slower)'
    )
    // the other way, the machine got faster
    expect(driftedText(referenceDrift(slower, STEADY))).toBe(
      'memory copy +25 % (8.00 → 10.0 GB/s, faster), system call −23 % (1300 → 1000 ns, faster)'
    )
    expect(machineChanged(STEADY, slower)).toBe(true)
    expect(machineChanged(STEADY, STEADY)).toBe(false)
    expect(driftedText(referenceDrift(STEADY, STEADY))).toBe('')
  })
  it('leaves out a figure one side could not measure', () => {
    const noLoopback = { ...slower, loopbackCpuNsPerBit: null }
    expect(referenceDrift(STEADY, noLoopback).map((d) => d.key)).toEqual(['memoryCopyGBps', 'syscallNs'])
  })
})

describe('the report schema and the reference', () => {
  const machineA = readFileSync(path.join(__dirname, '../fixtures/reports/machine-a.json'), 'utf8')
  const current = parseReport(machineA, 'machine-a.json').report
  it('a report without one loads as it was (older reports, imports)', () => {
    expect(current.start.reference).toBeUndefined()
    expect(current.end.reference).toBeUndefined()
  })
  it('a report with one at each end keeps both', () => {
    const end = { ...STEADY, loopbackCpuNsPerBit: null }
    const doc = { ...current, start: { ...current.start, reference: STEADY }, end: { ...current.end, reference: end } }
    const loaded = parseReport(JSON.stringify(doc), 'with-reference.json').report
    expect(loaded.start.reference).toEqual(STEADY)
    expect(loaded.end.reference).toEqual(end)
  })
  const refused = (reference: unknown): ZcprofError => {
    const doc = { ...current, start: { ...current.start, reference } }
    try {
      parseReport(JSON.stringify(doc), 'bad-reference.json')
    } catch (e) {
      expect(e).toBeInstanceOf(ZcprofError)
      return e as ZcprofError
    }
    throw new Error('expected a refusal')
  }
  it('refuses a reference with a figure missing or a repeat below zero, naming where', () => {
    const { syscallNs: _, ...noSyscall } = STEADY
    expect(refused(noSyscall).message).toMatch(/reference/)
    const negative = { ...STEADY, memoryCopyGBps: fig(10, 0.04, [9.8, -1, 10, 10.1, 10.2]) }
    expect(refused(negative).message).toMatch(/memoryCopyGBps/)
  })
})
