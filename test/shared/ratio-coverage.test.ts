// The comparison interval's promise, checked by simulation: over many planted data
// sets, the 95% interval of a ratio of means holds the true ratio at least 94% of the
// time, for every mix of repetitions a team's reports have (1, 2, 3 or 10 a side)
// and unequal spreads. The truth is planted, not taken from the code under test.

import { describe, expect, it } from 'vitest'
import { ratioOfMeans, summarize, tQuantile95 } from '../../src/shared/statistics'
import { normal as rng } from '../normal'

const TRUE_RATIO = 0.8
const REPS = 3000

function coverage(nBase: number, nOther: number, cvBase: number, cvOther: number, seed: number): number {
  const normal = rng(seed)
  const draw = (n: number, mean: number, cv: number) => Array.from({ length: n }, () => mean * (1 + cv * normal()))
  let hit = 0
  for (let i = 0; i < REPS; i++) {
    const r = ratioOfMeans(summarize(draw(nBase, 100, cvBase))!, summarize(draw(nOther, 100 * TRUE_RATIO, cvOther))!)!
    if (r.ci95Low <= TRUE_RATIO && TRUE_RATIO <= r.ci95High) hit++
  }
  return hit / REPS
}

describe('t quantiles', () => {
  it('match published values, fractional degrees of freedom included', () => {
    // scipy.stats.t.ppf(0.975, df)
    const table: [number, number][] = [
      [1, 12.7062],
      [2, 4.30265],
      [2.5, 3.57465],
      [4.7, 2.62073],
      [10, 2.22814],
      [31, 2.03951],
      [100, 1.98397],
      [1000, 1.96234]
    ]
    for (const [df, q] of table) expect(tQuantile95(df)).toBeCloseTo(q, 4)
  })
})

describe('coverage of the 95% interval of a ratio of means', () => {
  const ns = [1, 2, 3, 6, 10]
  const cells: [number, number, number, number][] = []
  for (const nb of ns)
    for (const no of ns) {
      if (nb === 1 && no === 1) continue // no interval can be had
      if (nb > 1 && no > 1) {
        // both repeated: Welch, with spreads three times apart either way
        cells.push([nb, no, 0.02, 0.06], [nb, no, 0.06, 0.02])
      } else {
        // one unrepeated side borrows the other's relative spread: as large, or the unrepeated one steadier
        const [small, large] = [0.03, 0.06]
        cells.push(nb === 1 ? [nb, no, large, large] : [nb, no, large, large])
        cells.push(nb === 1 ? [nb, no, small, large] : [nb, no, large, small])
      }
    }
  it.each(cells)('n=%i vs n=%i, spreads %f and %f', (nb, no, cvb, cvo) => {
    const c = coverage(nb, no, cvb, cvo, nb * 1000 + no * 10 + Math.round(cvb * 100))
    expect(c).toBeGreaterThanOrEqual(0.94)
    // and not wastefully wide where the data can say more: Welch's df once both sides have the runs
    if (nb >= 6 && no >= 6) expect(c).toBeLessThanOrEqual(0.985)
  })
  it('1 vs 3 uses 2 degrees of freedom: the interval is t(2) standard errors wide', () => {
    const r = ratioOfMeans(summarize([100])!, summarize([80, 82, 78])!)!
    const cv = 2 / 80
    const se = Math.sqrt(cv ** 2 / 1 + cv ** 2 / 3)
    expect(Math.log(r.ci95High / r.ratio) / se).toBeCloseTo(4.30265, 3)
  })
  it("2 vs 10 uses Hsu's min(n) − 1 = 1; 10 vs 10 Welch–Satterthwaite (18 with equal spreads)", () => {
    const two = summarize([100, 102])!
    const ten = summarize([80, 81, 79, 80, 82, 78, 80, 81, 79, 80])!
    const r = ratioOfMeans(two, ten)!
    const se = Math.sqrt((two.stddev / two.mean) ** 2 / 2 + (ten.stddev / ten.mean) ** 2 / 10)
    expect(Math.log(r.ci95High / r.ratio) / se).toBeCloseTo(12.7062, 3)
    const tenB = summarize([100, 101.25, 98.75, 100, 102.5, 97.5, 100, 101.25, 98.75, 100])!
    const w = ratioOfMeans(tenB, ten)!
    const seW = Math.sqrt((tenB.stddev / tenB.mean) ** 2 / 10 + (ten.stddev / ten.mean) ** 2 / 10)
    expect(Math.log(w.ci95High / w.ratio) / seW).toBeCloseTo(2.10092, 3)
  })
})
