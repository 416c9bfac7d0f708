// A Stat over consecutive slices of one measurement (iperf3's intervals), not over
// independent repetitions: the slices of one connection are autocorrelated, so the
// mean's interval is widened for it and counts only as many slices as it is worth.

import { summarize, tQuantile95, type Stat } from './statistics'

/** below this many slices their autocorrelation cannot be estimated: no interval is claimed */
export const MIN_SLICES_FOR_INTERVAL = 3

export interface SliceStat {
  /** median, min, max, mean and stddev over every slice; n and the interval as the effective count gives them */
  stat: Stat
  slices: number
  /** the slices' lag-1 autocorrelation; null under MIN_SLICES_FOR_INTERVAL or with no spread */
  lag1: number | null
  /** how many independent values the slices are worth for their mean (at least 1) */
  nEffective: number
}

/** r1 = Σ (x_t − m)(x_t+1 − m) / Σ (x_t − m)²; null without spread */
export function lag1Autocorrelation(values: readonly number[]): number | null {
  const n = values.length
  if (n < 2) return null
  const m = values.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    const d = values[i] - m
    den += d * d
    if (i + 1 < n) num += d * (values[i + 1] - m)
  }
  return den > 0 ? num / den : null
}

/**
 * Slices of one run as a Stat. The median, extremes, mean and standard deviation are
 * the slices' own. The mean's 95% interval takes the slices' lag-1 autocorrelation ρ as
 * an AR(1) process would: the mean of n such slices varies as much as that of
 * n(1 − ρ)/(1 + ρ) independent ones (Wilks, Statistical Methods in the Atmospheric
 * Sciences, the "effective sample size"). ρ below 0 is taken as 0, so slices never
 * count for more than they are, and the count is rounded down; it is the Stat's n, so a
 * comparison's standard error and degrees of freedom follow it. Under
 * MIN_SLICES_FOR_INTERVAL slices, or with an effective count under 2, n is 1: no
 * interval. What this interval says: how well the slices pin this run's mean, not how
 * another run would differ.
 */
export function summarizeSlices(values: readonly number[]): SliceStat | null {
  const v = values.filter((x) => Number.isFinite(x))
  const all = summarize(v)
  if (!all) return null
  const lag1 = v.length >= MIN_SLICES_FOR_INTERVAL ? lag1Autocorrelation(v) : null
  const rho = Math.max(0, lag1 ?? 0)
  const nEffective =
    v.length < MIN_SLICES_FOR_INTERVAL ? 1 : Math.max(1, Math.floor((v.length * (1 - rho)) / (1 + rho) + 1e-9))
  const half = nEffective >= 2 ? (tQuantile95(nEffective - 1) * all.stddev) / Math.sqrt(nEffective) : 0
  return {
    stat: { ...all, n: nEffective, ci95Low: all.mean - half, ci95High: all.mean + half },
    slices: v.length,
    lag1,
    nEffective
  }
}
