// Start-up: how long the CLI takes before it does anything, and how much of a small
// run is spent moving data. Section 8 of `npm run bench`; also `npm run bench:startup`.
//
// Each command runs as a whole process, interleaved with bare `node -e 0` so the
// machine's drift hits both. Figures are medians with a 95% interval on the
// geometric mean; the verdict on the 150 ms goal is read from the interval.
//
// Children run without NODE_EXTRA_CA_CERTS: Node reads that file at every start (130 ms
// on the dev VM), zcprof makes no TLS connection, and its cost is Node's, not zcprof's.
// The bench times it apart so the figure is not lost.
//
// ZCPROF_STARTUP_BASELINE=/path/to/another/zcprof (a built checkout or an installed
// package) also times that build, interleaved with this one, and prints this / that.

import { spawn, spawnSync } from 'node:child_process'
import path from 'node:path'
import { median } from '../src/shared/statistics'
import { geometricInterval } from './geometric-interval'
import { printTable } from './print-table'

const here = path.dirname(new URL(import.meta.url).pathname)
const reps = Number(process.env.BENCH_STARTUP_REPS ?? 15)
const childEnv = { ...process.env }
delete childEnv.NODE_EXTRA_CA_CERTS

interface Timed {
  wallMs: number
  /** from the process's start until the run-start event (run only) */
  runStartMs?: number
  /** the trials' own transfer time, as the report gives it (run only) */
  movingMs?: number
}

/** a whole process, from spawn to exit; with `until`, to the first stdout line matching it */
function timeProcess(args: string[], until?: RegExp): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv })
    let out = ''
    let stopped = false
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      if (until && !stopped && until.test(out)) {
        stopped = true
        resolve({ wallMs: performance.now() - t0 })
        child.kill('SIGINT')
      }
    })
    child.on('error', reject)
    child.on('exit', (code) => {
      if (stopped) return
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`))
      else resolve({ wallMs: performance.now() - t0 })
    })
  })
}

/** a small run with NDJSON events: when its run started, and how long its trials moved data */
function timeRun(cli: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const args = [cli, 'run', '--methods', 'copy', '--size', '16MiB', '--once', '--repeat', '1', '--warmup', '0']
    const child = spawn(process.execPath, [...args, '--json', '-', '--no-progress'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: childEnv
    })
    let buf = ''
    let runStartMs: number | undefined
    let movingMs = 0
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString()
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i)
        buf = buf.slice(i + 1)
        const e = JSON.parse(line) as { type: string; trial?: { summary?: { durationNs?: number } } }
        if (e.type === 'run-start') runStartMs = performance.now() - t0
        if (e.type === 'trial-end') movingMs += (e.trial?.summary?.durationNs ?? 0) / 1e6
      }
    })
    child.on('error', reject)
    child.on('exit', (code) =>
      code === 0
        ? resolve({ wallMs: performance.now() - t0, runStartMs, movingMs })
        : reject(new Error(`zcprof run exited ${code}`))
    )
  })
}

const ms = (v: number) => `${v.toFixed(0)} ms`
const msInterval = (xs: number[]) => {
  const r = geometricInterval(xs)
  return `${ms(median(xs))} (mean ${r.ratio.toFixed(0)} [${r.low.toFixed(0)}, ${r.high.toFixed(0)}])`
}
const ratioText = (xs: number[]) => {
  const r = geometricInterval(xs)
  return `${r.ratio.toFixed(2)} [${r.low.toFixed(2)}, ${r.high.toFixed(2)}]`
}

interface Build {
  name: string
  cli: string
}

const CASES: { name: string; args: (cli: string) => string[]; until?: RegExp }[] = [
  { name: 'node -e 0 (bare Node)', args: () => ['-e', '0'] },
  { name: 'zcprof --help', args: (cli) => [cli, '--help'] },
  { name: 'zcprof --version', args: (cli) => [cli, '--version'] },
  {
    name: 'zcprof agent, to listening',
    args: (cli) => [cli, 'agent', '--listen', '127.0.0.1:0', '--announce'],
    until: /\n/
  }
]

export async function startupSection(): Promise<void> {
  const builds: Build[] = [{ name: 'this build', cli: path.join(here, '..', 'bin', 'zcprof.js') }]
  const other = process.env.ZCPROF_STARTUP_BASELINE
  if (other) builds.push({ name: `baseline (${other})`, cli: path.join(path.resolve(other), 'bin', 'zcprof.js') })
  if (process.env.NODE_EXTRA_CA_CERTS) {
    const start = (env: NodeJS.ProcessEnv) => {
      const t0 = performance.now()
      spawnSync(process.execPath, ['-e', '0'], { env })
      return performance.now() - t0
    }
    const withCerts: number[] = []
    const without: number[] = []
    for (let i = 0; i < 9; i++) {
      withCerts.push(start(process.env))
      without.push(start(childEnv))
    }
    console.log(
      `note: NODE_EXTRA_CA_CERTS is set here; Node reads it at every start (node -e 0: ${ms(median(withCerts))} with it, ${ms(median(without))} without). zcprof makes no TLS connection: the figures below are without it.`
    )
  }

  // every case of every build, interleaved, rep by rep
  const times = new Map<string, number[]>()
  const add = (key: string, v: number) => times.set(key, [...(times.get(key) ?? []), v])
  const runs = new Map<string, Timed[]>()
  for (let i = 0; i < reps; i++) {
    for (const b of builds)
      for (const c of CASES) {
        if (c.name.startsWith('node') && b !== builds[0]) continue
        add(`${b.name}|${c.name}`, (await timeProcess(c.args(b.cli), c.until)).wallMs)
      }
    // the small run is slower: a third as many
    if (i % 3 === 0) for (const b of builds) runs.set(b.name, [...(runs.get(b.name) ?? []), await timeRun(b.cli)])
  }

  const bare = times.get(`${builds[0].name}|${CASES[0].name}`)!
  console.log(`whole processes, ${reps} of each, interleaved; median, and the geometric mean [95% CI]`)
  const rows = [['', ...builds.map((b) => b.name), 'over bare Node (this build)']]
  for (const c of CASES) {
    const mine = times.get(`${builds[0].name}|${c.name}`)!
    rows.push([
      c.name,
      ...builds.map((b) => {
        const xs = times.get(`${b.name}|${c.name}`)
        return xs ? msInterval(xs) : ''
      }),
      c === CASES[0] ? '' : `+${ms(median(mine) - median(bare))}`
    ])
  }
  printTable(rows)
  const help = geometricInterval(times.get(`${builds[0].name}|zcprof --help`)!)
  console.log(
    `--help against the 150 ms goal: ${help.high < 150 ? 'under it' : help.low > 150 ? 'OVER it' : 'the interval crosses it'} (mean ${help.ratio.toFixed(0)} [${help.low.toFixed(0)}, ${help.high.toFixed(0)}] ms)`
  )
  if (builds.length > 1) {
    console.log('\nthis build / the baseline, per interleaved pair [95% CI]:')
    for (const c of CASES.slice(1)) {
      const a = times.get(`${builds[0].name}|${c.name}`)!
      const b = times.get(`${builds[1].name}|${c.name}`)!
      console.log(`  ${c.name}: ${ratioText(a.map((x, i) => x / b[i]))}`)
    }
  }

  console.log(
    '\na small run (copy, 16 MiB, one pass, no warm-up: `zcprof run -m copy -s 16MiB --once -r 1 -w 0`), whole process:'
  )
  const runRows = [['', 'wall', 'until run-start', 'moving data (trial time)', 'the rest (receiver, set-up, end)']]
  for (const b of builds) {
    const rs = runs.get(b.name)!
    const wall = rs.map((r) => r.wallMs)
    runRows.push([
      b.name,
      ms(median(wall)),
      ms(median(rs.map((r) => r.runStartMs ?? Number.NaN))),
      ms(median(rs.map((r) => r.movingMs ?? 0))),
      ms(median(rs.map((r) => r.wallMs - (r.runStartMs ?? 0) - (r.movingMs ?? 0))))
    ])
  }
  printTable(runRows)
  if (builds.length > 1) {
    const a = runs.get(builds[0].name)!.map((r) => r.wallMs)
    const b = runs.get(builds[1].name)!.map((r) => r.wallMs)
    console.log(`  wall, this build / the baseline: ${ratioText(a.map((x, i) => x / b[i]))}`)
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname))
  startupSection().catch((e) => {
    console.error(e)
    process.exit(1)
  })
