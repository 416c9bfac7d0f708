// Change points in a benchmark's history: E-divisive means (Matteson & James 2014, "A
// Nonparametric Approach for Multiple Change Point Analysis of Multivariate Data", JASA
// 109(505), the method of R's ecp, MongoDB's CI and Apache Otava/Hunter), univariate with
// alpha = 1. The split of a segment that maximizes the scaled energy statistic Q̂ (how much
// farther apart the two sides' points are than the points within each side) is the
// candidate; a permutation test (the points shuffled within each current segment, the best
// split searched again, R times) gives its p-value, (#shuffles with Q̂ ≥ observed + 1) /
// (R + 1); a candidate with p ≤ the significance level is accepted and the search goes on
// within the segments it made, bisection-style, until the best split is not significant.
// What the numbers mean: p is the share of shuffled histories, where order means nothing,
// that look at least as split as this one, so a history with no change gets a false alarm
// with probability about the significance level (bench/change-points.ts measured 3.6–5.6 %
// at the default 5 %, on 1,000 Gaussian and Student-t histories of 30 and of 100 runs, and
// found a +10 % step through 5 % noise in 98.5 % of 30-run histories); p can be no smaller
// than 1 / (R + 1) = 0.005 with 199 shuffles. The shuffles come from a seeded generator, so
// the same series and seed always give the same answer (Hunter traded the permutation test
// for a t-test to get repeatable answers; a seed keeps the test nonparametric). Q̂ compares
// whole distributions: one wild point moves it little, and a history that drifts slowly is
// cut into a staircase of small steps. A 500-run history takes 15–65 ms.

import { seededRandom, shuffled } from './random'

export const DEFAULT_CHANGE_POINT_SEED = 0x5eed

export interface ChangePointOptions {
  /** fewest points a segment may have (≥ 2: the within-side distance needs a pair) */
  minSize?: number
  /** shuffles per permutation test */
  permutations?: number
  /** accept a split when its p-value is at most this */
  significance?: number
  /** the shuffles' seed: the same seed gives the same answer */
  seed?: number
}

export interface SegmentSummary {
  /** first index of the segment, inclusive */
  start: number
  /** last index + 1 */
  end: number
  mean: number
  median: number
}

export interface ChangePoint {
  /** index of the first point of the new segment */
  index: number
  /** the permutation test's p-value when this split was accepted */
  pValue: number
  /** the scaled energy statistic Q̂ of the split, in the series' units */
  statistic: number
  /** 1 for the first change point accepted, 2 for the next, ... */
  order: number
  /** the segment that ends just before index (the final segmentation's) */
  before: SegmentSummary
  /** the segment that starts at index */
  after: SegmentSummary
  /** after.mean / before.mean − 1; null when before.mean is 0 */
  relativeChange: number | null
  /** the means' direction; 'flat' when they are equal (a change in spread only) */
  direction: 'up' | 'down' | 'flat'
}

export interface ChangePointResult {
  /** in index order */
  changePoints: ChangePoint[]
  /** the segments they cut the series into, in order */
  segments: SegmentSummary[]
  /** the p-value of the last split tested and not accepted; null when none was tested */
  rejectedPValue: number | null
}

/** Change points of a series: one number a run (its headline value; an interval is not used). */
export function findChangePoints(values: readonly number[], options: ChangePointOptions = {}): ChangePointResult {
  const minSize = options.minSize ?? 3
  const permutations = options.permutations ?? 199
  const significance = options.significance ?? 0.05
  const seed = options.seed ?? DEFAULT_CHANGE_POINT_SEED
  checkOptions(minSize, permutations, significance, seed)
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new Error(
        `change points: values[${i}] is ${String(v)}; every point must be a finite number ` +
          '(leave out the runs that have no value before asking)'
      )
    }
  })

  const n = values.length
  // Centred on a value of the series, so a constant series is exactly 0 everywhere and
  // every distance is exactly 0 (no rounding can fake a split), and large magnitudes
  // (bytes per second) lose less to the sums' cancellation.
  const centre = [...values].sort((a, b) => a - b)[Math.floor(n / 2)] ?? 0
  const z = Float64Array.from(values, (v) => v - centre)
  const ranks = rankOf(z)
  const scanner = new SplitScanner(z, ranks)
  const random = seededRandom(seed)

  const cuts: number[] = [] // accepted change points, in index order
  const found: { index: number; pValue: number; statistic: number; order: number }[] = []
  let rejectedPValue: number | null = null
  for (;;) {
    const bounds = [0, ...cuts, n]
    const identity = Array.from({ length: n }, (_, i) => i)
    const best = scanner.bestOver(identity, bounds, minSize)
    if (!best) break // no segment is long enough to split
    // The null: order within each segment means nothing. Shuffle within each, search again.
    let atLeast = 0
    for (let r = 0; r < permutations; r++) {
      const order: number[] = []
      for (let s = 0; s + 1 < bounds.length; s++) {
        order.push(...shuffled(identity.slice(bounds[s], bounds[s + 1]), random))
      }
      const q = scanner.bestOver(order, bounds, minSize)?.statistic ?? 0
      // A shuffle that ties the observed split only by rounding still counts as a tie.
      if (q >= best.statistic - 1e-9 * Math.abs(best.statistic)) atLeast++
    }
    const pValue = (atLeast + 1) / (permutations + 1)
    if (pValue > significance) {
      rejectedPValue = pValue
      break
    }
    found.push({ index: best.index, pValue, statistic: best.statistic, order: found.length + 1 })
    cuts.push(best.index)
    cuts.sort((a, b) => a - b)
  }

  const bounds = [0, ...cuts, n]
  const segments: SegmentSummary[] = []
  for (let s = 0; s + 1 < bounds.length; s++) {
    if (bounds[s + 1] > bounds[s]) segments.push(summarizeSegment(values, bounds[s], bounds[s + 1]))
  }
  const changePoints = found
    .sort((a, b) => a.index - b.index)
    .map((c, k): ChangePoint => {
      const before = segments[k]
      const after = segments[k + 1]
      const relativeChange = before.mean === 0 ? null : after.mean / before.mean - 1
      const direction = after.mean > before.mean ? 'up' : after.mean < before.mean ? 'down' : 'flat'
      return { ...c, before, after, relativeChange, direction }
    })
  return { changePoints, segments, rejectedPValue }
}

function checkOptions(minSize: number, permutations: number, significance: number, seed: number): void {
  if (!Number.isInteger(minSize) || minSize < 2) {
    throw new Error(`change points: minSize ${minSize} must be an integer ≥ 2 (a side needs a pair of points)`)
  }
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw new Error(`change points: permutations ${permutations} must be an integer ≥ 1 (199 is usual)`)
  }
  if (!(significance > 0 && significance < 1)) {
    throw new Error(`change points: significance ${significance} must lie between 0 and 1 (0.05 is usual)`)
  }
  if (1 / (permutations + 1) > significance) {
    const need = Math.ceil(1 / significance - 1)
    throw new Error(
      `change points: with ${permutations} permutations no p-value can reach ${significance}; ` + `use at least ${need}`
    )
  }
  if (!Number.isInteger(seed)) throw new Error(`change points: seed ${seed} must be an integer`)
}

/** 0-based rank of each value among the distinct values (equal values share one) */
function rankOf(z: Float64Array): Int32Array {
  const sorted = Array.from(z).sort((a, b) => a - b)
  const distinct = sorted.filter((v, i) => i === 0 || v !== sorted[i - 1])
  const rank = new Map(distinct.map((v, i) => [v, i]))
  return Int32Array.from(z, (v) => rank.get(v)!)
}

/**
 * The best split of each segment, in O(L log L) a segment of L points: Fenwick trees over
 * the values' ranks give each point's summed distance to the points before it and after it,
 * and from their running sums come every split's within-side and between-side sums.
 */
class SplitScanner {
  private readonly count: Float64Array
  private readonly sum: Float64Array
  private readonly toEarlier: Float64Array
  private readonly toLater: Float64Array

  constructor(
    private readonly z: Float64Array,
    private readonly ranks: Int32Array
  ) {
    this.count = new Float64Array(z.length + 1)
    this.sum = new Float64Array(z.length + 1)
    this.toEarlier = new Float64Array(z.length)
    this.toLater = new Float64Array(z.length)
  }

  /** the highest Q̂ over every segment [bounds[s], bounds[s+1]) of the points in order */
  bestOver(
    order: readonly number[],
    bounds: readonly number[],
    minSize: number
  ): { index: number; statistic: number } | null {
    let best: { index: number; statistic: number } | null = null
    for (let s = 0; s + 1 < bounds.length; s++) {
      const found = this.bestSplit(order, bounds[s], bounds[s + 1], minSize)
      if (found && (!best || found.statistic > best.statistic)) best = found
    }
    return best
  }

  private bestSplit(
    order: readonly number[],
    start: number,
    end: number,
    minSize: number
  ): { index: number; statistic: number } | null {
    const length = end - start
    if (length < 2 * minSize) return null
    this.distances(order, start, end, 1, this.toEarlier)
    this.distances(order, end - 1, start - 1, -1, this.toLater)
    let total = 0
    for (let k = start; k < end; k++) total += this.toEarlier[k]
    // withinLeft: pairs both before the split; withinRight: pairs both at or after it.
    let withinLeft = 0
    let withinRight = total
    let best: { index: number; statistic: number } | null = null
    for (let t = start + 1; t <= end - minSize; t++) {
      withinLeft += this.toEarlier[t - 1]
      withinRight -= this.toLater[t - 1]
      if (t - start < minSize) continue
      const left = t - start
      const right = end - t
      const between = total - withinLeft - withinRight
      const energy =
        (2 * between) / (left * right) -
        (2 * withinLeft) / (left * (left - 1)) -
        (2 * withinRight) / (right * (right - 1))
      const statistic = ((left * right) / length) * energy
      if (!best || statistic > best.statistic) best = { index: t, statistic }
    }
    return best
  }

  /** out[k] = Σ |z(order[k]) − z(order[j])| over the j already passed, walking from→to */
  private distances(order: readonly number[], from: number, to: number, step: 1 | -1, out: Float64Array): void {
    this.count.fill(0)
    this.sum.fill(0)
    let passed = 0
    let passedSum = 0
    for (let k = from; k !== to; k += step) {
      const point = order[k]
      const value = this.z[point]
      let countBelow = 0 // passed points with a value ≤ this one
      let sumBelow = 0
      for (let i = this.ranks[point] + 1; i > 0; i -= i & -i) {
        countBelow += this.count[i]
        sumBelow += this.sum[i]
      }
      out[k] = value * countBelow - sumBelow + (passedSum - sumBelow) - value * (passed - countBelow)
      for (let i = this.ranks[point] + 1; i < this.count.length; i += i & -i) {
        this.count[i] += 1
        this.sum[i] += value
      }
      passed++
      passedSum += value
    }
  }
}

function summarizeSegment(values: readonly number[], start: number, end: number): SegmentSummary {
  const part = values.slice(start, end)
  // summed as offsets from the first point: a constant segment's mean is exactly its value
  const mean = part[0] + part.reduce((a, b) => a + (b - part[0]), 0) / part.length
  const sorted = [...part].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { start, end, mean, median }
}
