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

export interface RatioEstimate {
  /** other mean / baseline mean */
  ratio: number
  /** NaN (null once written as JSON) when neither side was repeated: no interval can be had */
  ci95Low: number
  ci95High: number
}

/**
 * The ratio of two means with a 95% interval: the delta method on log means
 * (Welch degrees of freedom). With one unrepeated side, the other side's relative
 * spread stands for both; with neither repeated, there is no interval.
 */
export function ratioOfMeans(base: Stat, other: Stat): RatioEstimate | null {
  if (base.mean === 0 || !Number.isFinite(base.mean) || !Number.isFinite(other.mean)) return null
  const ratio = other.mean / base.mean
  const cvB = base.n > 1 && base.mean !== 0 ? base.stddev / Math.abs(base.mean) : null
  const cvO = other.n > 1 && other.mean !== 0 ? other.stddev / Math.abs(other.mean) : null
  if (cvB === null && cvO === null) return { ratio, ci95Low: Number.NaN, ci95High: Number.NaN }
  const vB = (cvB ?? cvO!) ** 2 / base.n
  const vO = (cvO ?? cvB!) ** 2 / other.n
  const se = Math.sqrt(vB + vO)
  if (se === 0) return { ratio, ci95Low: ratio, ci95High: ratio }
  const dfPart = (v: number, n: number) => (n > 1 ? v ** 2 / (n - 1) : 0)
  const denominator = dfPart(vB, base.n) + dfPart(vO, other.n)
  const df = denominator > 0 ? (vB + vO) ** 2 / denominator : 1
  const t = tQuantile95(Math.max(1, Math.floor(df)))
  return { ratio, ci95Low: ratio * Math.exp(-t * se), ci95High: ratio * Math.exp(t * se) }
}

/** the interval lies wholly below 1, wholly above, or includes it; null without an interval */
export function ratioSide(r: RatioEstimate | null): 'below' | 'above' | 'includes' | null {
  if (!r || !Number.isFinite(r.ci95Low)) return null
  return r.ci95High < 1 ? 'below' : r.ci95Low > 1 ? 'above' : 'includes'
}
