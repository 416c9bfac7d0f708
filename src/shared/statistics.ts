// All statistics in one place: summaries over repetitions and their uncertainty.

export interface Stat {
  n: number
  median: number
  min: number
  max: number
  mean: number
  stddev: number
  /** 95% confidence interval of the mean (Student's t) */
  ci95Low: number
  ci95High: number
}

// two-sided 95% t quantiles for 1..30 degrees of freedom; beyond that ~1.96
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042
]

export function tQuantile95(degreesOfFreedom: number): number {
  if (degreesOfFreedom < 1) return Number.NaN
  return degreesOfFreedom <= T95.length ? T95[degreesOfFreedom - 1] : 1.96
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

export function summarize(values: readonly number[]): Stat | null {
  const v = values.filter((x) => Number.isFinite(x))
  if (v.length === 0) return null
  const n = v.length
  const mean = v.reduce((a, b) => a + b, 0) / n
  const variance = n > 1 ? v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0
  const stddev = Math.sqrt(variance)
  const half = n > 1 ? (tQuantile95(n - 1) * stddev) / Math.sqrt(n) : 0
  return {
    n,
    median: median(v),
    // reduce, not spread: spreading a long array overflows the call stack
    min: v.reduce((a, b) => Math.min(a, b)),
    max: v.reduce((a, b) => Math.max(a, b)),
    mean,
    stddev,
    ci95Low: mean - half,
    ci95High: mean + half
  }
}

/** a / b, or null when either side is missing or b is zero */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined || b === null || b === undefined || b === 0) return null
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null
  return a / b
}
