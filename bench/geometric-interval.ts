// The bench's one interval: the geometric mean of positive values (timings, or paired
// ratios of timings) with a 95% t interval on their logs. A timing is log-normal-ish,
// and pairing takes out the machine's drift. With one value there is no interval (NaN).

import { tQuantile95 } from '../src/shared/statistics'

export function geometricInterval(values: number[]): { ratio: number; low: number; high: number } {
  const logs = values.map(Math.log)
  const n = logs.length
  const mean = logs.reduce((a, b) => a + b, 0) / n
  const sd = n > 1 ? Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN
  const half = n > 1 ? (tQuantile95(n - 1) * sd) / Math.sqrt(n) : Number.NaN
  return { ratio: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) }
}
