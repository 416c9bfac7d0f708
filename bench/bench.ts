// `npm run bench`: the figures the README quotes, measured in one run.
//   1. every method on loopback: the default run's tables
//   2. zcprof against a minimal C program making the same syscalls, on timed trials
//   3. how much the headline moves between three identical default runs (bench/stability.ts)
//   4. one stream against two, in aggregate
//   5. what sampling costs (ratio against sampling off, interleaved)
//   6. what the app holds for a ten-minute run
//   7. across a veth pair between two network namespaces (needs root)
//   8. start-up: the CLI's own time before it does anything, and a small run's share moving data
//   9. the npm package: its size, and the time to install it with production dependencies only
// Timings on a shared machine are ratios within this run, never absolutes; each comes
// with its 95% interval and a verdict that says whether the data can tell.
//
// Environment: BENCH_ONLY (e.g. "2,4": those sections), BENCH_PAIRS (the fewest C pairs, 4;
// more are run until ±5% is resolved, up to BENCH_MAX_PAIRS, 16),
// BENCH_RUNS (runs in section 4, 5), BENCH_STABILITY_RUNS (section 3, 3), BENCH_CHUNK (128KiB), BENCH_SAMPLE_MS (section 2's
// sampling interval for zcprof, 50: 0 shows what the observer costs against C).

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DEFAULT_PLAN, runPlan } from '../src/main/engine/run'
import { ensureTestFile } from '../src/main/engine/test-file'
import { renderSummary } from '../src/main/cli/summary-table'
import { NATIVE_METHODS, type MethodName } from '../src/shared/methods'
import type { Plan, Report } from '../src/shared/report'
import { median } from '../src/shared/statistics'
import { formatBytes, parseSize } from '../src/shared/units'
import { initialRunState, runReducer } from '../src/renderer/src/state/run-state'
import { packageSection } from './package'
import { startupSection } from './startup'
import { geometricInterval } from './geometric-interval'
import { printTable } from './print-table'
import { vethSection } from './veth'
import { stabilitySection } from './stability'

const chunk = parseSize(process.env.BENCH_CHUNK ?? '128KiB', 'BENCH_CHUNK')
const pairs = Number(process.env.BENCH_PAIRS ?? 4)
const maxPairs = Math.max(pairs, Number(process.env.BENCH_MAX_PAIRS ?? 16))
const runs = Number(process.env.BENCH_RUNS ?? 5)
const only = process.env.BENCH_ONLY?.split(',').map(Number)
/** section 2's sampling interval for zcprof (0: none) */
const sampleMs = Number(process.env.BENCH_SAMPLE_MS ?? 50)
/** section 2's methods: all native ones, or BENCH_METHODS=a,b */
const sectionMethods = (process.env.BENCH_METHODS?.split(',') ?? [...NATIVE_METHODS]) as MethodName[]
const wanted = (n: number) => !only || only.includes(n)
const here = path.dirname(new URL(import.meta.url).pathname)

function buildBaseline(): string {
  const dir = path.join(os.tmpdir(), 'zcprof-bench')
  mkdirSync(dir, { recursive: true })
  const exe = path.join(dir, 'baseline')
  // the io_uring loops use liburing (liburing-dev), so the yardstick shares no code with zcprof's ring
  const uring = existsSync('/usr/include/liburing.h') ? ['-luring'] : []
  if (!uring.length)
    console.log('(no liburing-dev here: the uring-* rows have no C yardstick; apt-get install liburing-dev)')
  execFileSync('cc', ['-O2', '-std=gnu11', '-Wall', '-o', exe, path.join(here, 'baseline.c'), ...uring], {
    stdio: 'inherit'
  })
  return exe
}

function baselineBitsPerSec(exe: string, method: string, file: string, durationMs: number): number {
  const out = JSON.parse(
    execFileSync(exe, [method, file, String(chunk), String(durationMs)], { encoding: 'utf8' })
  ) as { bytes: number; ns: number }
  return (out.bytes * 8 * 1e9) / out.ns
}

/** a plan as `zcprof run` makes it: repetitions given are exactly those rounds, no precision */
async function run(plan: Partial<Plan>): Promise<Report> {
  return runPlan({ plan: { ...DEFAULT_PLAN, ...(plan.repeat !== undefined ? { precision: null } : {}), ...plan } })
}

/** one timed trial: throughput from its first send to its last byte, its ramp included, as C times it */
async function zcprofTimed(method: MethodName, file: string, durationMs: number, sampleIntervalMs: number) {
  const cpu0 = process.cpuUsage()
  const r = await run({ methods: [method], file, chunkBytes: [chunk], repeat: 1, durationMs, sampleIntervalMs })
  const cpu = process.cpuUsage(cpu0)
  const t = r.trials[0]
  if (!t?.summary || t.error) throw new Error(`zcprof ${method} failed: ${t?.error?.message}`)
  const s = t.summary
  const steady = s.steady!
  return {
    bitsPerSec: ((s.bytes + steady.rampBytes) * 8 * 1e3) / (steady.rampMs + steady.windowMs),
    steadyBitsPerSec: s.throughputBitsPerSec,
    sampling: t.sampling,
    durationMs: steady.windowMs,
    /** this whole process (the loop's native thread, the sampler, timers, I/O) per byte moved, the ramp included */
    processNsPerByte: ((cpu.user + cpu.system) * 1000) / (s.bytes + steady.rampBytes),
    /** every CPU of the host, busy, per byte in the steady window (/proc/stat): both processes and the kernel */
    hostNsPerByte: s.system?.busyCpuNs ? s.system.busyCpuNs / s.bytes : Number.NaN
  }
}

/** two-sided: within ±tol, or clearly off it either way, or the data cannot tell */
function verdict(r: { low: number; high: number }, tol = 0.05): string {
  if (!Number.isFinite(r.low)) return 'one pair: no interval'
  if (r.low >= 1 - tol && r.high <= 1 + tol) return `within ±${tol * 100}%`
  if (r.high < 1 - tol) return `SLOWER by over ${tol * 100}%`
  if (r.low > 1 + tol) return `faster by over ${tol * 100}%: they measure differently`
  if (r.high - r.low > 2 * tol) return `unresolved: the interval is wider than ±${tol * 100}%`
  return `unresolved: the interval crosses the ±${tol * 100}% line`
}

const ratioText = (r: { ratio: number; low: number; high: number }) => {
  const digits = r.high - r.low < 0.02 ? 3 : 2
  return Number.isFinite(r.low)
    ? `${r.ratio.toFixed(digits)} [${r.low.toFixed(digits)}, ${r.high.toFixed(digits)}]`
    : r.ratio.toFixed(digits)
}
const gbit = (v: number) => (v / 1e9).toFixed(2)

async function main(): Promise<void> {
  const file = await ensureTestFile(DEFAULT_PLAN.fileBytes[0])
  console.log(
    `zcprof bench: ${formatBytes(DEFAULT_PLAN.fileBytes[0])} file, ${formatBytes(chunk)} chunks, loopback TCP, ${os.cpus().length} cores, ${os.cpus()[0]?.model}\n`
  )

  if (wanted(1)) {
    console.log('== 1. every method on loopback: the default run (npx zcprof run) ==')
    const t0 = Date.now()
    const all = await run({ file, chunkBytes: [chunk] })
    // as `npx zcprof run` prints it (fitted to 100 columns), then every column (--wide)
    console.log(renderSummary(all, { width: 100 }))
    console.log('\n-- the same run, --wide --\n')
    console.log(renderSummary(all, { wide: true }))
    console.log(`(the run took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  }

  if (wanted(2)) {
    const durationMs = 5000
    console.log(
      `\n== 2. zcprof vs a minimal C program with the same syscalls: ${durationMs / 1000} s timed trials, ${pairs} to ${maxPairs} interleaved pairs each (until ±5% is resolved), zcprof sampling ${sampleMs ? `every ${sampleMs} ms` : 'off'} ==`
    )
    const exe = buildBaseline()
    const rows: string[][] = [
      ['method', 'C Gbit/s', 'zcprof Gbit/s', 'zcprof / C [95% CI]', 'pairs', 'each pair min–max', 'verdict']
    ]
    for (const method of sectionMethods) {
      const c: number[] = []
      const z: number[] = []
      const ratios: number[] = []
      // at least `pairs`; then more until the interval settles the ±5% question, or maxPairs
      for (let i = 0; i < maxPairs; i++) {
        if (i >= pairs && i % 2 === 0 && !verdict(geometricInterval(ratios)).startsWith('unresolved')) break
        // alternate who goes first, so a drift in the machine hurts both equally
        const first = i % 2 === 0
        const a = first
          ? baselineBitsPerSec(exe, method, file, durationMs)
          : (await zcprofTimed(method, file, durationMs, sampleMs)).bitsPerSec
        const b = first
          ? (await zcprofTimed(method, file, durationMs, sampleMs)).bitsPerSec
          : baselineBitsPerSec(exe, method, file, durationMs)
        const [cv, zv] = first ? [a, b] : [b, a]
        c.push(cv)
        z.push(zv)
        ratios.push(zv / cv)
      }
      const r = geometricInterval(ratios)
      rows.push([
        method,
        gbit(median(c)),
        gbit(median(z)),
        ratioText(r),
        String(ratios.length),
        `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
        verdict(r)
      ])
    }
    printTable(rows)
    console.log(
      'zcprof / C is the geometric mean of paired ratios, with its t interval on the logs; both time first send to last byte.'
    )
  }

  if (wanted(3)) {
    console.log('\n== 3. the headline across three identical default runs (npm run bench:stability) ==')
    stabilitySection()
  }

  if (wanted(4)) {
    console.log(
      `\n== 4. one stream against two, in aggregate (timed ${DEFAULT_PLAN.durationMs! / 1000} s, ${runs} interleaved runs of copy and sendfile each) ==`
    )
    const rows: string[][] = [
      [
        'method',
        '1 stream Gbit/s',
        '2 streams Gbit/s',
        '2 / 1 [95% CI]',
        '1 stream sys cyc/bit',
        '2 streams sys cyc/bit'
      ]
    ]
    const by: Record<string, { one: number[]; two: number[]; c1: number[]; c2: number[] }> = {}
    for (let i = 0; i < runs; i++) {
      for (const streams of i % 2 === 0 ? [1, 2] : [2, 1]) {
        const r = await run({ methods: ['copy', 'sendfile'], streams, repeat: 1 })
        for (const a of r.end.aggregates) {
          const m = (by[a.method] ??= { one: [], two: [], c1: [], c2: [] })
          ;(streams === 1 ? m.one : m.two).push(a.throughputBitsPerSec!.median)
          ;(streams === 1 ? m.c1 : m.c2).push(a.systemCyclesPerBit!.median)
        }
      }
    }
    for (const [method, m] of Object.entries(by)) {
      const r = geometricInterval(m.two.map((v, i) => v / m.one[i]))
      rows.push([
        method,
        gbit(median(m.one)),
        gbit(median(m.two)),
        ratioText(r),
        median(m.c1).toPrecision(3),
        median(m.c2).toPrecision(3)
      ])
    }
    printTable(rows)
    console.log(
      `On ${os.cpus().length} cores: two streams share the same CPUs, so the aggregate rises only where one stream left a core idle.`
    )
  }

  if (wanted(5)) {
    console.log(
      `\n== 5. sampling cost: every 50 ms vs off, measured as CPU spent (timed 2 s trials, ${pairs} interleaved pairs per method) ==`
    )
    const srows: string[][] = [
      [
        'method',
        'samples',
        'sampler busy / trial',
        'µs per sample',
        'off Gbit/s',
        '50 ms Gbit/s',
        'throughput sampled / off [95% CI]',
        'process CPU/byte sampled / off',
        'host CPU/byte sampled / off'
      ]
    ]
    for (const method of ['copy', 'sendfile'] as const) {
      const ratios: number[] = []
      const on: number[] = []
      const off: number[] = []
      const busyShare: number[] = []
      const perSample: number[] = []
      const samples: number[] = []
      const processRatios: number[] = []
      const hostRatios: number[] = []
      for (let i = 0; i < pairs; i++) {
        const sampledFirst = i % 2 === 0
        const x = await zcprofTimed(method, file, 2000, sampledFirst ? 50 : 0)
        const y = await zcprofTimed(method, file, 2000, sampledFirst ? 0 : 50)
        const [withS, without] = sampledFirst ? [x, y] : [y, x]
        on.push(withS.steadyBitsPerSec)
        off.push(without.steadyBitsPerSec)
        ratios.push(withS.steadyBitsPerSec / without.steadyBitsPerSec)
        processRatios.push(withS.processNsPerByte / without.processNsPerByte)
        hostRatios.push(withS.hostNsPerByte / without.hostNsPerByte)
        busyShare.push(withS.sampling.busyMs / (withS.durationMs * 1.1))
        perSample.push((withS.sampling.busyMs * 1000) / Math.max(1, withS.sampling.samples))
        samples.push(withS.sampling.samples)
      }
      const r = geometricInterval(ratios)
      srows.push([
        method,
        String(median(samples)),
        `${(median(busyShare) * 100).toFixed(2)}%`,
        median(perSample).toFixed(0),
        gbit(median(off)),
        gbit(median(on)),
        ratioText(r),
        ratioText(geometricInterval(processRatios)),
        ratioText(geometricInterval(hostRatios))
      ])
    }
    printTable(srows)
    console.log(
      '"sampler busy / trial" counts only the observer\'s handler time (engine tick + agent reply). The measured cost is the last two columns: ' +
        "the whole engine process's CPU per byte (its native loop thread, the sampler, timers, frame decoding, socket I/O) and every busy CPU of the host per byte, " +
        'with sampling every 50 ms against none, in interleaved pairs; (ratio − 1) is what sampling costs.'
    )
  }

  if (wanted(6)) {
    console.log(
      '\n== 6. what the app holds for a ten-minute run (its reducer, fed the events of 2 s trials with 4 streams) =='
    )
    rendererMemory()
  }

  if (wanted(7)) {
    console.log('\n== 7. across a veth pair between two network namespaces (agent in one, zcprof in the other) ==')
    await vethSection(path.join(here, '..', 'bin', 'zcprof.js'), runs > 3 ? 3 : runs)
  }

  if (wanted(8)) {
    console.log('\n== 8. start-up: the CLI before it does anything, and how much of a small run moves data ==')
    await startupSection()
  }

  if (wanted(9)) {
    console.log('\n== 9. the npm package: its size, and installing it with production dependencies only ==')
    packageSection()
  }

  if (wanted(10)) {
    console.log(
      `\n== 10. io_uring: system calls and SQEs per GiB, with and without SQPOLL, against sendfile (timed 2 s, ${runs} interleaved repetitions) ==`
    )
    await uringSection(file)
  }
}

/**
 * What io_uring does to the system calls: each uring method with and without SQPOLL
 * beside sendfile, in one run (interleaved): syscalls per GiB (all of the sender's,
 * by its own count, which the strace test holds to strace), SQEs per GiB, and the
 * whole machine's cycles per bit, where the SQ polling thread's core shows.
 */
async function uringSection(file: string): Promise<void> {
  const methods: MethodName[] = ['sendfile', 'uring-send', 'uring-splice', 'uring-send-zc']
  const plain = await run({ methods, file, chunkBytes: [chunk], repeat: runs })
  const sqpoll = await run({ methods: methods.slice(1), file, chunkBytes: [chunk], repeat: runs, uringSqpoll: true })
  const perGiB = (r: Report, m: MethodName) =>
    r.trials
      .filter((t) => t.method === m && !t.warmup && t.summary)
      .map((t) => ({ syscalls: t.summary!.sender.syscallsPerGiB ?? NaN, sqes: t.summary!.uring?.sqesPerGiB ?? null }))
  const base = median(perGiB(plain, 'sendfile').map((x) => x.syscalls))
  const rows: string[][] = [['method', 'syscalls/GiB', 'vs sendfile [95% CI]', 'SQEs/GiB', 'Gbit/s', 'system cyc/bit']]
  const row = (label: string, r: Report, m: MethodName) => {
    const xs = perGiB(r, m)
    const a = r.end.aggregates.find((x) => x.method === m)
    const ratios = xs.map((x) => x.syscalls / base)
    const g = geometricInterval(ratios.map((v) => Math.max(v, 1e-9)))
    rows.push([
      label,
      median(xs.map((x) => x.syscalls)).toFixed(1),
      m === 'sendfile' && r === plain
        ? 'baseline'
        : `${(g.ratio * 100).toFixed(g.ratio < 0.01 ? 3 : 1)}% [${(g.low * 100).toFixed(3)}, ${(g.high * 100).toFixed(3)}]`,
      xs[0]?.sqes == null ? '—' : median(xs.map((x) => x.sqes ?? NaN)).toFixed(0),
      a?.throughputBitsPerSec ? gbit(a.throughputBitsPerSec.median) : '—',
      a?.systemCyclesPerBit ? a.systemCyclesPerBit.median.toFixed(3) : '—'
    ])
  }
  for (const m of methods) row(m, plain, m)
  for (const m of methods.slice(1)) row(`${m} --uring-sqpoll`, sqpoll, m)
  printTable(rows)
  console.log(
    "syscalls/GiB: every system call the sending thread made, per GiB sent (its own count); vs sendfile: the geometric mean of each repetition over sendfile's median, with its t interval. With SQPOLL the polling thread, a kernel thread, spins on its own core: its CPU is in the sender's figures."
  )
}

/**
 * Ten minutes of a run's events, as the engine sends them, through the app's reducer:
 * what the view holds after 1 minute and after 10 (JSON size and heap), with 4 streams
 * sampled every 50 ms in 2 s trials.
 */
function rendererMemory(): void {
  const minutes = (m: number) => {
    let s = runReducer(initialRunState, { type: 'starting', plan: DEFAULT_PLAN, nowMs: 0 })
    const trials = (m * 60) / 2
    for (let t = 0; t < trials; t++) {
      const ref = {
        index: t,
        total: trials,
        method: 'copy' as const,
        receiverMode: 'read' as const,
        target: 't',
        fileBytes: 1,
        chunkBytes: 1,
        durationMs: 2000,
        streams: 4,
        repetition: 0,
        warmup: false,
        inRoundIndex: 0,
        inRound: 1,
        leftMs: 0
      }
      s = runReducer(s, { type: 'event', event: { type: 'trial-start', trial: ref }, nowMs: t * 2000 })
      for (let i = 1; i <= 40; i++) {
        const bytes = [1, 2, 3, 4].map((k) => k * i * 1e7)
        const side = {
          bytes: bytes.reduce((a, b) => a + b),
          bytesPerSec: 1e9,
          cpuNs: i * 1e7,
          cycles: i * 1e9,
          contextSwitches: i,
          syscalls: i,
          pageFaults: 0,
          streamBytes: bytes
        }
        s = runReducer(s, {
          type: 'event',
          event: {
            type: 'sample',
            trial: t,
            sample: { tMs: i * 50, sender: side, receiver: null, systemBusyCores: 1 }
          },
          nowMs: 0
        })
      }
      const record = {
        index: t,
        method: 'copy',
        warmup: false,
        error: null,
        summary: {
          bytes: 1,
          throughputBitsPerSec: 1e10,
          sender: { cyclesPerBit: 0.1 },
          system: { cyclesPerBit: 0.2 },
          notes: []
        }
      }
      s = runReducer(s, { type: 'event', event: { type: 'trial-end', trial: record as never }, nowMs: 0 })
    }
    return s
  }
  const kb = (x: unknown) => (JSON.stringify(x).length / 1024).toFixed(1)
  for (const m of [1, 10]) {
    const s = minutes(m)
    console.log(
      `after ${m} minute${m > 1 ? 's' : ''}: ${s.trials.length} trial points, ${s.live.length} points of the running trial, ${kb(s)} kB as JSON`
    )
  }
  console.log(
    'The running trial is bounded by MAX_POINTS and starts afresh each trial; a point per trial is the only growth.'
  )
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
