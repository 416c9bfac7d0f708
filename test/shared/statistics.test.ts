import { describe, expect, it } from 'vitest'
import { median, ratio, summarize, tQuantile95 } from '../../src/shared/statistics'

describe('statistics', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })
  it('summarize gives spread and a t-based 95% interval', () => {
    const s = summarize([10, 12, 14])!
    expect(s.n).toBe(3)
    expect(s.mean).toBe(12)
    expect(s.stddev).toBeCloseTo(2, 10)
    // t(0.975, 2) = 4.302653 (scipy.stats.t.ppf); half-width = 4.302653 * 2 / sqrt(3)
    expect(s.ci95High - s.mean).toBeCloseTo((4.302653 * 2) / Math.sqrt(3), 6)
    expect([s.min, s.max, s.median]).toEqual([10, 14, 12])
  })
  it('a single value has no spread', () => {
    const s = summarize([5])!
    expect([s.stddev, s.ci95Low, s.ci95High]).toEqual([0, 5, 5])
  })
  it('ignores non-finite values and returns null for none', () => {
    expect(summarize([Number.NaN])).toBeNull()
    expect(summarize([1, Number.NaN, 3])!.n).toBe(2)
  })
  it('t quantiles approach the normal', () => {
    expect(tQuantile95(1)).toBeCloseTo(12.706)
    expect(tQuantile95(1000)).toBeCloseTo(1.96)
  })
  it('ratio guards against missing and zero', () => {
    expect(ratio(1, 2)).toBe(0.5)
    expect(ratio(1, 0)).toBeNull()
    expect(ratio(null, 2)).toBeNull()
  })
})
