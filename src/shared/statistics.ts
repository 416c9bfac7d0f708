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

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits) */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  x -= 1
  let a = c[0]
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i] / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

/** the regularized incomplete beta function I_x(a, b), by its continued fraction (modified Lentz) */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0
  if (x >= 1) return 1
  // the fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) beyond
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a)
  const front = Math.exp(a * Math.log(x) + b * Math.log(1 - x) - (logGamma(a) + logGamma(b) - logGamma(a + b))) / a
  const tiny = 1e-300
  let f = 1
  let c = 1
  let d = 0
  for (let i = 0; i <= 400; i++) {
    const m = i >> 1
    const numerator =
      i === 0
        ? 1
        : i % 2 === 0
          ? (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m))
          : -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
    d = 1 + numerator * d
    d = Math.abs(d) < tiny ? tiny : d
    d = 1 / d
    c = 1 + numerator / c
    c = Math.abs(c) < tiny ? tiny : c
    const cd = c * d
    f *= cd
    if (Math.abs(1 - cd) < 1e-14) break
  }
  return front * (f - 1)
}

/** P(T ≤ t) for Student's t with df degrees of freedom (df may be fractional: Welch) */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5)
  return t >= 0 ? 1 - tail : tail
}

const quantileCache = new Map<number, number>()

/**
 * The two-sided 95% quantile of Student's t, t(0.975, df), for any df ≥ 1 including
 * fractional Welch–Satterthwaite values: the CDF inverted by bisection, to 1e-9.
 * (A table that jumps to 1.96 after 30 df understates every interval between.)
 */
export function tQuantile95(degreesOfFreedom: number): number {
  if (!(degreesOfFreedom >= 1)) return Number.NaN
  if (degreesOfFreedom > 1e7) return 1.959963984540054
  const key = Math.round(degreesOfFreedom * 1e6) / 1e6
  const hit = quantileCache.get(key)
  if (hit !== undefined) return hit
  let lo = 1.959
  let hi = 12.71
  while (hi - lo > 1e-9) {
    const mid = (lo + hi) / 2
    if (studentTCdf(mid, key) < 0.975) lo = mid
    else hi = mid
  }
  const q = (lo + hi) / 2
  if (quantileCache.size < 10_000) quantileCache.set(key, q)
  return q
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
 * Welch–Satterthwaite degrees of freedom need a few runs a side to be trusted: with
 * fewer, a side whose spread came out small by chance makes them too many, and the
 * interval too narrow (simulated coverage 0.88 for 2 vs 10 runs). Below this many
 * runs a side, the conservative df = min(n) − 1 (Hsu 1938) is used instead.
 */
export const WELCH_MIN_RUNS = 6

/**
 * The ratio of two means with a 95% interval: the delta method on log means, the
 * variance of each log mean being (cv)²/n, and Student's t with Welch–Satterthwaite
 * degrees of freedom (Welch 1947; Satterthwaite 1946) when both sides were repeated
 * at least WELCH_MIN_RUNS times, or Hsu's min(n) − 1 when either was repeated less.
 * With one unrepeated side, the other side's relative spread stands for both (the
 * assumption: equal relative spread), and that one estimate carries all the
 * uncertainty about the spread: df = its n − 1, exactly. With neither side
 * repeated there is no interval.
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
  const df =
    cvB === null
      ? other.n - 1
      : cvO === null
        ? base.n - 1
        : Math.min(base.n, other.n) >= WELCH_MIN_RUNS
          ? (vB + vO) ** 2 / (vB ** 2 / (base.n - 1) + vO ** 2 / (other.n - 1))
          : Math.min(base.n, other.n) - 1
  const t = tQuantile95(Math.max(1, df))
  return { ratio, ci95Low: ratio * Math.exp(-t * se), ci95High: ratio * Math.exp(t * se) }
}

/** the interval lies wholly below 1, wholly above, or includes it; null without an interval */
export function ratioSide(r: RatioEstimate | null): 'below' | 'above' | 'includes' | null {
  if (!r || !Number.isFinite(r.ci95Low)) return null
  return r.ci95High < 1 ? 'below' : r.ci95Low > 1 ? 'above' : 'includes'
}

/** a ratio from pairs, and how many pairs it rests on */
export interface PairedRatio extends RatioEstimate {
  n: number
  /** the standard deviation of the pairs' log ratios: what more pairs would shrink by √n */
  logSd: number
}

/**
 * The ratio of a randomized block design: each round ran both methods (in a shuffled
 * order), so each round gives one ratio other / base, and whatever moved the whole
 * round (the machine slowing down for a minute) cancels inside it. The estimate is
 * the geometric mean of the rounds' ratios with Student's t on their logs, n − 1
 * degrees of freedom. Pairs with a side that is not a positive number are left out.
 * null with no usable pair; an interval of NaN with one.
 */
export function pairedRatio(pairs: readonly (readonly [base: number, other: number])[]): PairedRatio | null {
  return geometricMean(
    pairs.filter(([b, o]) => Number.isFinite(b) && Number.isFinite(o) && b > 0 && o > 0).map(([b, o]) => o / b)
  )
}

/**
 * The geometric mean of positive values (ratios, timings) with a 95% t interval on
 * their logs, n − 1 degrees of freedom; an interval of NaN for one value, null for none.
 */
export function geometricMean(values: readonly number[]): PairedRatio | null {
  const s = summarize(values.filter((v) => v > 0).map(Math.log))
  if (!s) return null
  const ratio = Math.exp(s.mean)
  if (s.n < 2) return { ratio, ci95Low: Number.NaN, ci95High: Number.NaN, n: s.n, logSd: Number.NaN }
  const h = (tQuantile95(s.n - 1) * s.stddev) / Math.sqrt(s.n)
  return { ratio, ci95Low: ratio * Math.exp(-h), ci95High: ratio * Math.exp(h), n: s.n, logSd: s.stddev }
}

/**
 * How precise a ratio's interval is: half its width, as a share of the larger of the
 * two things compared (the baseline is 1). For a method cheaper than copy this is the
 * "± points" a reader sees; for one dearer than copy it is a share of its own cost, so
 * a method at 3.7× copy needs no finer grain than one at 0.7×. null without an interval.
 */
export function halfWidthShare(r: RatioEstimate | null): number | null {
  if (!r || !Number.isFinite(r.ci95Low) || !Number.isFinite(r.ci95High)) return null
  return (r.ci95High - r.ci95Low) / 2 / Math.max(1, r.ratio)
}

/** fewer repetitions than this never make a finding, whatever their interval says */
export const MIN_FINDING_REPETITIONS = 3
/**
 * An interval wider than this (half-width, as halfWidthShare measures it: ±25 points
 * of copy's cost) says "not enough data", not anything about the method: no view
 * prints it as a finding.
 */
export const MAX_FINDING_HALF_WIDTH = 0.25
/** the precision "about N more repetitions would resolve" aims at when the plan names none */
export const DEFAULT_PRECISION = 0.05

/** a headline is tight when its interval's half-width is at or within the precision a run aims at */
export function isTight(halfWidth: number | null | undefined, precision: number | null | undefined): boolean {
  return typeof halfWidth === 'number' && typeof precision === 'number' && halfWidth <= precision
}

/**
 * finding: an interval fit to read. too-few: under MIN_FINDING_REPETITIONS repetitions.
 * too-wide: repeated enough, yet wider than MAX_FINDING_HALF_WIDTH. none: no interval at all.
 */
export type IntervalStatus = 'finding' | 'too-few' | 'too-wide' | 'none'

export function intervalStatus(r: RatioEstimate | null, n: number): IntervalStatus {
  if (!r) return 'none'
  if (n < MIN_FINDING_REPETITIONS) return 'too-few'
  const h = halfWidthShare(r)
  if (h === null) return 'none'
  return h > MAX_FINDING_HALF_WIDTH ? 'too-wide' : 'finding'
}

/**
 * The fewest repetitions n (from `from`, at most `max`) at which `halfWidthAt(n)` is at
 * or under the target; null when even `max` would not do. halfWidthAt must fall as n
 * grows, which every interval here does: the search doubles, then bisects.
 */
export function repetitionsFor(
  halfWidthAt: (n: number) => number,
  target: number,
  from: number,
  max = 1000
): number | null {
  const ok = (n: number) => halfWidthAt(n) <= target
  if (ok(from)) return from
  let lo = from
  let hi = from
  while (!ok(hi)) {
    if (hi >= max) return null
    lo = hi
    hi = Math.min(max, hi * 2)
  }
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (ok(mid)) hi = mid
    else lo = mid
  }
  return hi
}

/**
 * Pairs a paired ratio would need for its half-width share to reach `target`, if the
 * log ratios keep the spread they have: at least MIN_FINDING_REPETITIONS; null when
 * there is no spread yet (one pair) or more than 1000 would be needed.
 */
export function pairsFor(p: PairedRatio, target: number): number | null {
  if (!(p.n >= 2) || !Number.isFinite(p.logSd)) return null
  const at = (n: number) => {
    const h = (tQuantile95(n - 1) * p.logSd) / Math.sqrt(n)
    return (p.ratio * Math.sinh(h)) / Math.max(1, p.ratio)
  }
  return repetitionsFor(at, target, Math.max(MIN_FINDING_REPETITIONS, 2))
}

/**
 * Repetitions a side (both sides alike) a ratio of means would need for its half-width
 * share to reach `target`, if each side keeps the relative spread it has. The degrees
 * of freedom follow ratioOfMeans' own rule. null without a spread on either side, or
 * beyond 1000.
 */
export function repetitionsPerSideFor(base: Stat, other: Stat, target: number): number | null {
  if (base.mean === 0 || !Number.isFinite(base.mean) || !Number.isFinite(other.mean)) return null
  const cvB = base.n > 1 ? base.stddev / Math.abs(base.mean) : null
  const cvO = other.n > 1 ? other.stddev / Math.abs(other.mean) : null
  if (cvB === null && cvO === null) return null
  const v = (cvB ?? cvO!) ** 2 + (cvO ?? cvB!) ** 2
  const ratio = other.mean / base.mean
  const at = (n: number) => {
    const df = n >= WELCH_MIN_RUNS ? 2 * (n - 1) : n - 1
    const h = tQuantile95(df) * Math.sqrt(v / n)
    return (ratio * Math.sinh(h)) / Math.max(1, ratio)
  }
  return repetitionsFor(at, target, Math.max(MIN_FINDING_REPETITIONS, 2))
}
