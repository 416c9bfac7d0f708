// bench/device-uring.sh's pairs.json → zcprof / C per method: the geometric mean of the
// pairs' ratios with its 95% t interval on the logs, as bench.ts's section 2 gives it.
//   npx tsx bench/device-uring-summary.ts pairs.json
import { readFileSync } from 'node:fs'
import { median } from '../src/shared/statistics'
import { geometricInterval } from './geometric-interval'

const pairs = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, { c: number; z: number }[]>
for (const [method, xs] of Object.entries(pairs)) {
  const ratios = xs.map((x) => x.z / x.c)
  const r = geometricInterval(ratios)
  const gbit = (v: number) => (v / 1e9).toFixed(2)
  console.log(
    `${method}: C ${gbit(median(xs.map((x) => x.c)))} Gbit/s, zcprof ${gbit(median(xs.map((x) => x.z)))}; ` +
      `zcprof / C ${r.ratio.toFixed(3)} [${r.low.toFixed(3)}, ${r.high.toFixed(3)}] over ${xs.length} pairs, ` +
      `each ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`
  )
}
