// bench/device-uring.sh's pairs.json → zcprof / C per method: the geometric mean of the
// pairs' ratios with its 95% t interval on the logs, as bench.ts's section 2 gives it.
//   node bench/device-uring-summary.mjs pairs.json
import { readFileSync } from 'node:fs'
const p = JSON.parse(readFileSync(process.argv[2], 'utf8'))
/** Student's t, 97.5th percentile, by degrees of freedom */
const t975 = { 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365 }
for (const [m, xs] of Object.entries(p)) {
  const logs = xs.map((x) => Math.log(x.z / x.c))
  const n = logs.length,
    mean = logs.reduce((a, b) => a + b, 0) / n
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1))
  const h = (t975[n - 1] * sd) / Math.sqrt(n)
  const med = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)]
  console.log(
    m,
    'C',
    (med(xs.map((x) => x.c)) / 1e9).toFixed(2),
    'zc',
    (med(xs.map((x) => x.z)) / 1e9).toFixed(2),
    'ratio',
    Math.exp(mean).toFixed(3),
    `[${Math.exp(mean - h).toFixed(3)}, ${Math.exp(mean + h).toFixed(3)}]`,
    'each',
    Math.min(...xs.map((x) => x.z / x.c)).toFixed(2) + '–' + Math.max(...xs.map((x) => x.z / x.c)).toFixed(2)
  )
}
