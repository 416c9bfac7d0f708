// The bench's one interval: the geometric mean of positive values (timings, or paired
// ratios of timings) with a 95% t interval on their logs, the statistics module's own.
// A timing is log-normal-ish, and pairing takes out the machine's drift. With one value
// there is no interval (NaN).

import { geometricMean } from '../src/shared/statistics'

export function geometricInterval(values: number[]): { ratio: number; low: number; high: number } {
  const g = geometricMean(values)
  if (!g) return { ratio: Number.NaN, low: Number.NaN, high: Number.NaN }
  return { ratio: g.ratio, low: g.ci95Low, high: g.ci95High }
}
