// bench/device-gpu.sh's report → the README's GPU table: per method, GB/s, the host CPU
// seconds each GiB costs (the copying thread, and the whole machine), the GPU's own
// clock, and pinning, paid apart. Medians over the repetitions, with min–max.
//   npx tsx bench/device-gpu-summary.ts bench/device-results/gpu-h200.json
import { readFileSync } from 'node:fs'
import type { Report } from '../src/shared/report'
import { median } from '../src/shared/statistics'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Report
const gpu = report.start.environment.gpus?.[0]
const link = gpu?.pcie
console.log(
  `${gpu?.name ?? '?'} (CUDA ${gpu?.cudaVersion}, driver ${gpu?.driverVersion}, PCIe gen${link?.gen} x${link?.width}: ` +
    `${link ? (link.maxBytesPerSec / 1e9).toFixed(1) : '?'} GB/s one way), ${report.start.environment.sender.cpuCores} cores; ` +
    `${(report.trials[0]?.durationMs ?? 0) / 1000} s timed trials, ${report.start.plan.repeat} repetitions\n`
)
const GiB = 2 ** 30
const range = (xs: number[], digits: number) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`
const rows: string[][] = [
  ['method', 'GB/s', 'GPU-clock GB/s', 'thread CPU s/GiB', 'system CPU s/GiB', 'pinning ms', 'host waits']
]
const skipped: string[] = []
for (const method of report.start.plan.methods) {
  const ok = report.trials.filter((t) => t.method === method && !t.warmup && t.summary && !t.error)
  if (!ok.length) {
    const why =
      report.trials.find((t) => t.method === method)?.error?.message ??
      report.end.warnings.find((w) => w.method === method)?.message
    skipped.push(`${method} did not run: ${why ?? '?'}`)
    continue
  }
  const s = ok.map((t) => t.summary!)
  rows.push([
    method,
    range(
      s.map((x) => x.throughputBitsPerSec / 8e9),
      2
    ),
    range(
      s.map((x) => (x.gpu?.gpuBitsPerSec ?? 0) / 8e9),
      2
    ),
    range(
      s.map((x) => x.sender.cpuNs / 1e9 / (x.bytes / GiB)),
      4
    ),
    range(
      s.map((x) => (x.system ? x.system.busyCpuNs / 1e9 / (x.bytes / GiB) : Number.NaN)),
      4
    ),
    median(s.map((x) => x.gpu?.pinMs ?? 0)).toFixed(1),
    s[0].gpu?.wait ?? '?'
  ])
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows)
  console.log(
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  )
for (const line of skipped) console.log(`\n${line}`)
