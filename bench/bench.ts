// `npm run bench`: the figures the measuring core promises, measured in one run.
//   1. every method on loopback, with zcprof's own table
//   2. zcprof against a minimal C program making the same syscalls (ratio, interleaved)
//   3. what sampling every 100 ms costs (ratio against sampling off, interleaved)
// Timings on a shared machine are ratios within this run, never absolutes.
//
// Environment: BENCH_SIZE (default 512MiB), BENCH_PAIRS (7), BENCH_CHUNK (128KiB).

import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_PLAN, runPlan } from '../src/main/engine/run'
import { ensureTestFile } from '../src/main/engine/test-file'
import { renderSummary } from '../src/main/cli/summary-table'
import { NATIVE_METHODS, type MethodName } from '../src/shared/methods'
import type { Plan } from '../src/shared/report'
import { median, summarize } from '../src/shared/statistics'
import { formatBytes, parseSize } from '../src/shared/units'

const size = parseSize(process.env.BENCH_SIZE ?? '512MiB', 'BENCH_SIZE')
const chunk = parseSize(process.env.BENCH_CHUNK ?? '128KiB', 'BENCH_CHUNK')
const pairs = Number(process.env.BENCH_PAIRS ?? 7)
const here = path.dirname(new URL(import.meta.url).pathname)

function buildBaseline(): string {
  const dir = path.join(os.tmpdir(), 'zcprof-bench')
  mkdirSync(dir, { recursive: true })
  const exe = path.join(dir, 'baseline')
  execFileSync('cc', ['-O2', '-std=gnu11', '-Wall', '-o', exe, path.join(here, 'baseline.c')], { stdio: 'inherit' })
  return exe
}

function baselineBitsPerSec(exe: string, method: string, file: string): number {
  const out = JSON.parse(execFileSync(exe, [method, file, String(chunk)], { encoding: 'utf8' })) as {
    bytes: number
    ns: number
  }
  return (out.bytes * 8 * 1e9) / out.ns
}

async function zcprofTrial(method: MethodName, file: string, sampleIntervalMs: number, chunkBytes = chunk) {
  const plan: Plan = {
    ...DEFAULT_PLAN,
    methods: [method],
    file,
    chunkBytes: [chunkBytes],
    repeat: 1,
    warmup: 0,
    sampleIntervalMs
  }
  const report = await runPlan({ plan })
  const t = report.trials[0]
  if (!t?.summary || t.error) throw new Error(`zcprof ${method} failed: ${t?.error?.message}`)
  return { bitsPerSec: t.summary.throughputBitsPerSec, durationMs: t.summary.durationNs / 1e6, sampling: t.sampling }
}

async function zcprofBitsPerSec(method: MethodName, file: string, sampleIntervalMs: number): Promise<number> {
  return (await zcprofTrial(method, file, sampleIntervalMs)).bitsPerSec
}

const pct = (r: number) => `${r >= 1 ? '+' : '−'}${Math.abs((r - 1) * 100).toFixed(1)}%`
const gbit = (v: number) => (v / 1e9).toFixed(2)

async function main(): Promise<void> {
  const file = await ensureTestFile(size)
  console.log(
    `zcprof bench: ${formatBytes(size)} file, ${formatBytes(chunk)} chunks, loopback TCP, ${os.cpus().length} cores, ${os.cpus()[0]?.model}\n`
  )

  console.log(`== 1. every method on loopback (5 repetitions after a warm-up) ==`)
  const all = await runPlan({ plan: { ...DEFAULT_PLAN, file, chunkBytes: [chunk], repeat: 5, warmup: 1 } })
  console.log(renderSummary(all))

  console.log(`\n== 2. zcprof vs a minimal C program with the same syscalls (${pairs} interleaved pairs each) ==`)
  const exe = buildBaseline()
  const rows: string[][] = [
    ['method', 'C Gbit/s', 'zcprof Gbit/s', 'zcprof / C (median of pairs)', 'pair ratios min–max', 'within 5%']
  ]
  for (const method of NATIVE_METHODS) {
    baselineBitsPerSec(exe, method, file) // warm-up, not counted
    await zcprofBitsPerSec(method, file, 100)
    const c: number[] = []
    const z: number[] = []
    const ratios: number[] = []
    for (let i = 0; i < pairs; i++) {
      // alternate who goes first, so a drift in the machine hurts both equally
      let cv: number
      let zv: number
      if (i % 2 === 0) {
        cv = baselineBitsPerSec(exe, method, file)
        zv = await zcprofBitsPerSec(method, file, 100)
      } else {
        zv = await zcprofBitsPerSec(method, file, 100)
        cv = baselineBitsPerSec(exe, method, file)
      }
      c.push(cv)
      z.push(zv)
      ratios.push(zv / cv)
    }
    const r = median(ratios)
    rows.push([
      method,
      gbit(median(c)),
      gbit(median(z)),
      `${r.toFixed(3)} (${pct(r)})`,
      `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
      r >= 0.95 ? 'yes' : 'NO'
    ])
  }
  printTable(rows)

  // small chunks make trials long enough for a 100 ms sampler to fire many times
  const samplerChunk = 4096
  console.log(
    `\n== 3. sampling cost: every 100 ms vs off (${formatBytes(samplerChunk)} chunks, ${pairs} interleaved pairs per method) ==`
  )
  const srows: string[][] = [
    [
      'method',
      'trial s',
      'samples',
      'sampler busy / trial',
      'µs per sample',
      'off Gbit/s',
      '100 ms Gbit/s',
      'sampled / off (median)',
      '95% CI of mean'
    ]
  ]
  for (const method of ['copy', 'sendfile'] as const) {
    const ratios: number[] = []
    const on: number[] = []
    const off: number[] = []
    const busyShare: number[] = []
    const perSample: number[] = []
    const samples: number[] = []
    const seconds: number[] = []
    for (let i = 0; i < pairs; i++) {
      const sampledFirst = i % 2 === 0
      const x = await zcprofTrial(method, file, sampledFirst ? 100 : 0, samplerChunk)
      const y = await zcprofTrial(method, file, sampledFirst ? 0 : 100, samplerChunk)
      const [withS, without] = sampledFirst ? [x, y] : [y, x]
      on.push(withS.bitsPerSec)
      off.push(without.bitsPerSec)
      ratios.push(withS.bitsPerSec / without.bitsPerSec)
      busyShare.push(withS.sampling.busyMs / withS.durationMs)
      perSample.push((withS.sampling.busyMs * 1000) / Math.max(1, withS.sampling.samples))
      samples.push(withS.sampling.samples)
      seconds.push(withS.durationMs / 1000)
    }
    const s = summarize(ratios)!
    srows.push([
      method,
      median(seconds).toFixed(2),
      String(median(samples)),
      `${(median(busyShare) * 100).toFixed(3)}%`,
      median(perSample).toFixed(0),
      gbit(median(off)),
      gbit(median(on)),
      `${median(ratios).toFixed(3)} (${pct(median(ratios))})`,
      `${s.ci95Low.toFixed(3)}–${s.ci95High.toFixed(3)}`
    ])
  }
  printTable(srows)
  console.log(
    '"sampler busy / trial" is the observer\'s own CPU time (engine tick + agent reply) over the trial: it bounds what sampling can take from the loops.'
  )
  console.log('\nA ratio above 1 means zcprof (or sampling) was faster; the spread is the machine, not the code.')
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  for (const [n, r] of rows.entries()) {
    console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '))
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
