// E-divisive change points on synthetic histories. Every expectation comes from how the
// series was built (where its steps are, how big) or from arithmetic done by hand, never
// from running the detector. The series come from a generator written here (xorshift32 and
// Box–Muller), seeded, so each test sees the same numbers on every run.

import { describe, expect, it } from 'vitest'
import { findChangePoints, type ChangePointResult } from '../../src/shared/change-points'

/** standard normal draws, seeded (xorshift32 + Box–Muller) */
function normals(seed: number): () => number {
  let s = seed >>> 0 || 1
  const uniform = (): number => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return (s + 0.5) / 4294967296
  }
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform())
}

/** levels[i] with relative Gaussian noise of sd `sigma` */
function noisy(levels: readonly number[], sigma: number, seed: number): number[] {
  const draw = normals(seed)
  return levels.map((level) => level * (1 + sigma * draw()))
}

const repeat = (value: number, count: number): number[] => Array(count).fill(value)
const indices = (r: ChangePointResult): number[] => r.changePoints.map((c) => c.index)

// With a 5 % level, 40 change-free series give more than 7 false alarms with probability
// 0.0007 (binomial(40, 0.05)): a count above it says the test's level is wrong.
const MOST_ALARMS_OF_40 = 7
// and 10 tests at 5 % give more than 3 with probability 0.001
const MOST_EXTRAS_OF_10 = 3

/** the change point within `tolerance` of `index`, if any */
const near = (r: ChangePointResult, index: number, tolerance: number) =>
  r.changePoints.find((c) => Math.abs(c.index - index) <= tolerance)

describe('findChangePoints', () => {
  it('scores a perfect split with the energy statistic worked out by hand', () => {
    // Left: five 0s and five 1s; right: five 10s and five 11s. Between-side distances sum to
    // 25·(10 + 11 + 9 + 10) = 1000 over 100 pairs; each side's 45 pairs hold 25 at distance 1.
    // Ê = 2·1000/100 − 2·25/90 − 2·25/90 = 20 − 10/9; Q̂ = (10·10/20)·Ê = 850/9.
    const x = [...repeat(0, 5), ...repeat(1, 5), ...repeat(10, 5), ...repeat(11, 5)]
    // interleaved within each side, so the split at 10 is the only clean one
    const values = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11]
    expect([...values].sort((a, b) => a - b)).toEqual(x)
    const r = findChangePoints(values)
    expect(indices(r)).toEqual([10])
    const [c] = r.changePoints
    expect(c.statistic).toBeCloseTo(850 / 9, 9)
    // no shuffle separates the two groups this well: p is the smallest 199 shuffles allow
    expect(c.pValue).toBe(1 / 200)
    expect(c.before).toEqual({ start: 0, end: 10, mean: 0.5, median: 0.5 })
    expect(c.after).toEqual({ start: 10, end: 20, mean: 10.5, median: 10.5 })
    expect(c.relativeChange).toBeCloseTo(10.5 / 0.5 - 1, 12)
    expect(c.direction).toBe('up')
    expect(c.order).toBe(1)
  })

  it('finds a clean step where it was put', () => {
    const r = findChangePoints(noisy([...repeat(100, 20), ...repeat(120, 20)], 0.01, 1))
    expect(r.changePoints).toHaveLength(1)
    const [c] = r.changePoints
    expect(Math.abs(c.index - 20)).toBeLessThanOrEqual(1)
    expect(c.pValue).toBeLessThanOrEqual(0.05)
    expect(c.direction).toBe('up')
    // built as +20 %; 1 % noise over 20 points moves each mean by about 0.2 %
    expect(c.relativeChange!).toBeGreaterThan(0.18)
    expect(c.relativeChange!).toBeLessThan(0.22)
    expect(r.segments.map((s) => [s.start, s.end])).toEqual([
      [0, c.index],
      [c.index, 40]
    ])
  })

  it('finds two steps, one up and one down, by recursing into the segments', () => {
    let extras = 0
    for (let seed = 1; seed <= 10; seed++) {
      const levels = [...repeat(100, 25), ...repeat(115, 25), ...repeat(95, 25)]
      const r = findChangePoints(noisy(levels, 0.02, seed))
      const up = near(r, 25, 1)
      const down = near(r, 50, 1)
      expect(up, `seed ${seed}: ${indices(r)}`).toBeDefined()
      expect(down, `seed ${seed}: ${indices(r)}`).toBeDefined()
      expect([up!.direction, down!.direction]).toEqual(['up', 'down'])
      expect(up!.pValue).toBeLessThanOrEqual(0.05)
      expect(down!.pValue).toBeLessThanOrEqual(0.05)
      extras += r.changePoints.length - 2
      if (r.changePoints.length !== 2) continue
      // built as +15 % then 95/115 − 1 = −17.4 %; 2 % noise on 25 points moves a mean 0.4 %
      expect(Math.abs(up!.relativeChange! - 0.15)).toBeLessThan(0.02)
      expect(Math.abs(down!.relativeChange! - (95 / 115 - 1))).toBeLessThan(0.02)
      // the adjacent segments are the final segmentation's: the middle one is shared
      expect(up!.after).toEqual(down!.before)
      expect([up!.order, down!.order].sort()).toEqual([1, 2])
      expect(r.segments).toHaveLength(3)
    }
    // after both steps, one more test runs at the 5 % level: an extra is a false alarm
    expect(extras).toBeLessThanOrEqual(MOST_EXTRAS_OF_10)
  })

  it('judges a small step after a big one against its own segment, not the whole series', () => {
    // ×3 at 30, then +8 % (4 σ, 30 runs a side) at 60. Shuffles mixing both levels would
    // spread far wider than the second step and hide it; shuffles within segments do not.
    for (let seed = 1; seed <= 5; seed++) {
      const r = findChangePoints(noisy([...repeat(100, 30), ...repeat(300, 30), ...repeat(324, 30)], 0.02, 6000 + seed))
      expect(near(r, 30, 1), `seed ${seed}: ${indices(r)}`).toBeDefined()
      expect(near(r, 60, 1), `seed ${seed}: ${indices(r)}`).toBeDefined()
    }
  })

  it('finds no change in white noise more often than its 5 % level allows', () => {
    let alarms = 0
    for (let seed = 1; seed <= 40; seed++) {
      const r = findChangePoints(noisy(repeat(100, 50), 0.05, 1000 + seed))
      if (r.changePoints.length > 0) alarms++
      else expect(r.rejectedPValue!).toBeGreaterThan(0.05)
    }
    expect(alarms).toBeLessThanOrEqual(MOST_ALARMS_OF_40)
  })

  it('finds a 15 % step through 5 % noise, 20 points a side', () => {
    // 15 % is 3 σ: a two-sample t on 20 + 20 points would read about 9.5, so every series
    // shows it. Where is noisier: in about 1 series of 70 the noise itself moves the best
    // mean split 3 to 5 runs away (seed 2010's runs 20–24 drew low; its mean split peaks
    // at 25), so most, not all, land within ±2.
    let extras = 0
    let within2 = 0
    for (let seed = 1; seed <= 10; seed++) {
      const r = findChangePoints(noisy([...repeat(100, 20), ...repeat(115, 20)], 0.05, 2000 + seed))
      const step = near(r, 20, 5)
      expect(step, `seed ${seed}: ${indices(r)}`).toBeDefined()
      expect(step!.direction).toBe('up')
      expect(step!.pValue).toBeLessThanOrEqual(0.05)
      if (Math.abs(step!.index - 20) <= 2) within2++
      extras += r.changePoints.length - 1
    }
    expect(within2).toBeGreaterThanOrEqual(8)
    expect(extras).toBeLessThanOrEqual(MOST_EXTRAS_OF_10)
  })

  it('a single outlier in a constant series scores exactly zero', () => {
    // With one point at d and the rest equal, a split with the outlier among l points on the
    // left gives Ê = 2·r·d/(l·r) − 2·(l−1)·d/(l·(l−1)) − 0 = 0: every split and every
    // shuffle ties, so p = 200/200.
    const x = repeat(100, 40)
    x[20] = 200
    const r = findChangePoints(x)
    expect(r.changePoints).toEqual([])
    expect(r.rejectedPValue).toBe(1)
  })

  it('a single outlier in a noisy flat series adds no change point', () => {
    let alarms = 0
    for (let seed = 1; seed <= 40; seed++) {
      const x = noisy(repeat(100, 40), 0.01, 3000 + seed)
      x[20] = 200 // +100 %, a hundred σ
      const r = findChangePoints(x)
      if (r.changePoints.length > 0) alarms++
      // minSize 3: the outlier can never be a segment of its own
      for (const s of r.segments) expect(s.end - s.start).toBeGreaterThanOrEqual(3)
    }
    expect(alarms).toBeLessThanOrEqual(MOST_ALARMS_OF_40)
  })

  it('cuts a gradual drift into small steps up (what drift does)', () => {
    // +30 % over 60 runs, 0.5 % a run, 1 % noise: there is no step to find, so E-divisive
    // answers with a staircase of small ones, all up, none near the drift's whole size.
    for (const seed of [1, 2, 3]) {
      const levels = Array.from({ length: 60 }, (_, i) => 100 + (30 * i) / 59)
      const r = findChangePoints(noisy(levels, 0.01, 4000 + seed))
      expect(r.changePoints.length, `seed ${seed}`).toBeGreaterThanOrEqual(3)
      for (const c of r.changePoints) {
        expect(c.direction).toBe('up')
        expect(c.relativeChange!).toBeLessThan(0.1)
      }
    }
  })

  it('keeps every segment at least minSize long', () => {
    // A +50 % level for the last 4 runs: minSize 3 may cut at 30, minSize 5 may not.
    const x = noisy([...repeat(100, 30), ...repeat(150, 4)], 0.01, 5)
    expect(indices(findChangePoints(x, { minSize: 3 }))).toEqual([30])
    const r = findChangePoints(x, { minSize: 5 })
    expect(indices(r)).not.toContain(30)
    for (const s of r.segments) expect(s.end - s.start).toBeGreaterThanOrEqual(5)
  })

  it('accepts a split whose p-value equals the significance level', () => {
    // p can be no smaller than 1/(R + 1); a level of exactly that keeps only the clearest splits
    const clear = noisy([...repeat(100, 20), ...repeat(130, 20)], 0.01, 9)
    const r = findChangePoints(clear, { permutations: 99, significance: 0.01 })
    expect(r.changePoints.map((c) => [c.index, c.pValue])).toEqual([[20, 0.01]])
  })

  it('gives the same answer every time, and a new seed moves p at most', () => {
    const x = noisy([...repeat(100, 30), ...repeat(108, 30), ...repeat(100, 30)], 0.05, 6)
    const first = findChangePoints(x)
    findChangePoints(noisy(repeat(1, 50), 0.05, 7), { seed: 99 }) // no state carries over
    expect(findChangePoints(x)).toEqual(first)
    expect(findChangePoints([...x])).toEqual(first)
    const clear = noisy([...repeat(100, 25), ...repeat(115, 25), ...repeat(95, 25)], 0.02, 8)
    const a = findChangePoints(clear)
    for (const seed of [1, 2, 12345]) {
      const b = findChangePoints(clear, { seed })
      expect(indices(b)).toEqual(indices(a))
      expect(b.changePoints.map((c) => c.statistic)).toEqual(a.changePoints.map((c) => c.statistic))
    }
  })

  it('a series too short to split, or constant, has no change point and no error', () => {
    expect(findChangePoints([])).toEqual({ changePoints: [], segments: [], rejectedPValue: null })
    expect(findChangePoints([5]).segments).toEqual([{ start: 0, end: 1, mean: 5, median: 5 }])
    // 5 < 2 × minSize: nothing is tested even for a huge jump
    const short = findChangePoints([1, 1, 1, 9, 9])
    expect(short.changePoints).toEqual([])
    expect(short.rejectedPValue).toBeNull()
    // every distance is 0: every shuffle ties the observed split, so p = 1
    const flat = findChangePoints(repeat(7.3, 50))
    expect(flat.changePoints).toEqual([])
    expect(flat.rejectedPValue).toBe(1)
    expect(flat.segments).toEqual([{ start: 0, end: 50, mean: 7.3, median: 7.3 }])
  })

  it('rejects a non-finite point by its index, and options that cannot work', () => {
    expect(() => findChangePoints([1, 2, 3, Number.NaN, 5, 6])).toThrow(/values\[3\] is NaN/)
    expect(() => findChangePoints([1, Number.POSITIVE_INFINITY])).toThrow(/values\[1\] is Infinity/)
    expect(() => findChangePoints([1, 2], { minSize: 1 })).toThrow(/minSize 1 must be an integer ≥ 2/)
    expect(() => findChangePoints([1, 2], { permutations: 10 })).toThrow(/no p-value can reach 0.05; use at least 19/)
    expect(() => findChangePoints([1, 2], { significance: 0 })).toThrow(/significance 0/)
    expect(() => findChangePoints([1, 2], { seed: 1.5 })).toThrow(/seed 1.5/)
  })
})
