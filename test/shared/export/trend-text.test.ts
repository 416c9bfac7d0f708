import { describe, expect, it } from 'vitest'
import { changeLine, trendSeriesTitle } from '../../../src/shared/export/trend-text'
import type { TrendSeries } from '../../../src/shared/trend'
import type { TrendChange } from '../../../src/shared/trend'

const change: TrendChange = {
  index: 20,
  id: 'r.json',
  timestamp: '2026-10-21T00:00:00.000Z',
  label: 'c20',
  before: 2,
  after: 2.4,
  change: 0.2,
  worse: true,
  pValue: 0.005,
  kernelChanged: false,
  machineChanged: false
}

describe("a trend's change in words", () => {
  it('says the levels, the size, where it starts, its label and p', () => {
    expect(changeLine(change, 'allHostsCyclesPerBit')).toBe(
      'worse: 2.00 → 2.40 (+20.0%) from 2026-10-21 00:00 "c20", p 0.005'
    )
  })

  it('says when the kernel or the machine changed at the same run', () => {
    expect(changeLine({ ...change, kernelChanged: true }, 'allHostsCyclesPerBit')).toMatch(
      /, p 0\.005; the kernel changed there too$/
    )
    expect(changeLine({ ...change, machineChanged: true, worse: false }, 'allHostsCyclesPerBit')).toMatch(
      /^better: .*; the machine changed as well \(its reference moved\)$/
    )
  })

  it("a series' title from a hostile report reaches the terminal printable: no escape retitles it", () => {
    const s = {
      method: 'copy',
      target: 'tcp://127.0.0.1',
      chunkBytes: 131072,
      streams: 1,
      machine: 'lab\x1b]0;pwned\x07\x1b[31m'
    }
    expect(trendSeriesTitle(s as TrendSeries)).toBe('copy tcp://127.0.0.1 · 128KiB · lab]0;pwned[31m')
  })
})
