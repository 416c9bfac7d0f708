// `npx tsx bench/change-points.ts`: how the change-point detector behaves at its default
// settings. False alarms: the share of change-free synthetic histories (Gaussian, and a
// heavy-tailed Student t with 3 degrees of freedom) where it reports any change point,
// which should sit near the significance level; power: the share of histories with one
// +10 % step at 5 % noise where it finds the step; and the time of one call as the
// history grows. Each share comes with a 95 % Wilson interval.
//
// Environment: BENCH_CP_SERIES (1000), the histories per row.

import { DEFAULT_CHANGE_POINT_SEED, findChangePoints } from '../src/shared/change-points'
import { seededRandom } from '../src/shared/random'
import { printTable } from './print-table'

const SERIES = Number(process.env.BENCH_CP_SERIES ?? 1000)
const SIGMA = 0.05

/** standard normal draws (Box–Muller on mulberry32) */
function normals(seed: number): () => number {
  const u = seededRandom(seed)
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u())
}

/** Student t with 3 degrees of freedom, scaled to standard deviation 1 (its sd is √3) */
function studentT3(seed: number): () => number {
  const z = normals(seed)
  return () => {
    const chiSquare3 = z() ** 2 + z() ** 2 + z() ** 2
    return z() / Math.sqrt(chiSquare3 / 3) / Math.sqrt(3)
  }
}

/** 95 % Wilson score interval of k successes in n */
function wilson(k: number, n: number): [number, number] {
  const z = 1.96
  const p = k / n
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n)
  const half = (z / (1 + (z * z) / n)) * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return [Math.max(0, centre - half), Math.min(1, centre + half)]
}

const percent = (x: number): string => `${(100 * x).toFixed(1)} %`
const share = (k: number, n: number): string[] => {
  const [low, high] = wilson(k, n)
  return [`${k}/${n}`, percent(k / n), `${(100 * low).toFixed(1)}–${percent(high)}`]
}

function series(n: number, seed: number, noise: (seed: number) => () => number, step = 0): number[] {
  const draw = noise(seed)
  return Array.from({ length: n }, (_, i) => 100 * (i >= n / 2 ? 1 + step : 1) * (1 + SIGMA * draw()))
}

console.log('change points, E-divisive means (Matteson & James 2014), defaults:')
console.log(`minSize 3, 199 permutations, significance 0.05, seed 0x${DEFAULT_CHANGE_POINT_SEED.toString(16)};`)
console.log(`${SERIES} synthetic histories a row, noise sd ${percent(SIGMA)} of the level.`)
console.log('')

console.log('False alarms: change-free histories with any change point reported')
const alarmRows = [['noise', 'runs', 'alarms', 'rate', '95 % Wilson']]
for (const [name, noise] of [
  ['Gaussian', normals],
  ['Student t, 3 df', studentT3]
] as const) {
  for (const n of [30, 100]) {
    let alarms = 0
    for (let s = 0; s < SERIES; s++) {
      if (findChangePoints(series(n, 1_000_000 * n + s, noise)).changePoints.length > 0) alarms++
    }
    alarmRows.push([name, String(n), ...share(alarms, SERIES)])
  }
}
printTable(alarmRows)
console.log('')

console.log('Power: one +10 % step (2 sd) mid-history, Gaussian noise')
const powerRows = [['runs', 'found', 'rate', '95 % Wilson', 'within ±2']]
for (const n of [30, 100]) {
  let found = 0
  let near = 0
  for (let s = 0; s < SERIES; s++) {
    const r = findChangePoints(series(n, 2_000_000 * n + s, normals, 0.1))
    if (r.changePoints.length > 0) found++
    if (r.changePoints.some((c) => Math.abs(c.index - n / 2) <= 2)) near++
  }
  powerRows.push([String(n), ...share(found, SERIES), percent(near / SERIES)])
}
printTable(powerRows)
console.log('')

console.log('Time of one call (median of 5; no change: one test, 3 steps: four)')
const timeRows = [['runs', 'no change', '3 steps', 'found in 3 steps']]
for (const n of [100, 500, 2000]) {
  const flat = series(n, 3_000_000 + n, normals)
  const draw = normals(4_000_000 + n)
  const levels = [100, 110, 95, 105]
  const steps = Array.from({ length: n }, (_, i) => levels[Math.floor((4 * i) / n)] * (1 + SIGMA * draw()))
  const time = (values: number[]): number => {
    const ms: number[] = []
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now()
      findChangePoints(values)
      ms.push(performance.now() - t0)
    }
    return ms.sort((a, b) => a - b)[2]
  }
  time(flat) // warm-up
  const found = findChangePoints(steps).changePoints.map((c) => c.index)
  timeRows.push([String(n), `${time(flat).toFixed(1)} ms`, `${time(steps).toFixed(1)} ms`, found.join(' ')])
}
printTable(timeRows)
console.log('(steps at n/4, n/2, 3n/4: +10 %, −13.6 %, +10.5 %)')
