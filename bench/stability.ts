// `npm run bench:stability`: does the answer repeat? Three identical default runs in a
// row (`zcprof run`, no flags, as a user types it), then each run's headline for every
// method, the spread (max − min, in points) of sendfile's and splice's whole-system
// change against copy, and each run's wall time. The issue's target: a spread of at
// most 5 points, each run at most 2.5 minutes.
//
// Environment: BENCH_STABILITY_RUNS (3), BENCH_STABILITY_ARGS (extra `zcprof run`
// arguments, e.g. "--no-pin" to see what pinning buys).

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { headlineText } from '../src/shared/export/figures'
import type { MethodName } from '../src/shared/methods'
import type { Report } from '../src/shared/report'
import { printTable } from './print-table'

const runs = Number(process.env.BENCH_STABILITY_RUNS ?? 3)
const extra = (process.env.BENCH_STABILITY_ARGS ?? '').split(' ').filter(Boolean)
const bin = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'bin', 'zcprof.js')
const SPREAD_OF: MethodName[] = ['sendfile', 'splice']
const TARGET_POINTS = 5
const TARGET_WALL_MS = 150_000

/** the three runs and what they show; `npm run bench` runs it as its section 3 */
export function stabilitySection(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-stability-'))
  const reports: Report[] = []
  const wallMs: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      const out = path.join(dir, `run-${i + 1}.json`)
      const t0 = Date.now()
      const r = spawnSync(process.execPath, [bin, 'run', '--no-progress', '--json', out, ...extra], {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe']
      })
      wallMs.push(Date.now() - t0)
      if (r.status !== 0) throw new Error(`zcprof run ${i + 1} exited ${r.status}:\n${r.stderr}`)
      reports.push(JSON.parse(readFileSync(out, 'utf8')) as Report)
      process.stderr.write(`run ${i + 1} of ${runs}: ${(wallMs[i] / 1000).toFixed(0)} s\n`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const plan = reports[0].start.plan
  console.log(
    `\n${runs} identical default runs (zcprof run ${extra.join(' ')}), ${os.cpus().length} cores, ${os.cpus()[0]?.model}; ` +
      `threads ${plan.autoPin ? `pinned by zcprof: senders CPU ${plan.senderCpus?.join(',')}, receivers CPU ${plan.receiverCpus?.join(',')}` : 'not pinned'}\n`
  )
  const methods = reports[0].end.aggregates.map((a) => a.method)
  const rows: string[][] = [['method', ...reports.map((_, i) => `run ${i + 1}: system CPU/bit vs copy [95% CI]`)]]
  for (const m of methods)
    rows.push([
      m,
      ...reports.map((r) => {
        const a = r.end.aggregates.find((x) => x.method === m)
        return a ? headlineText(a, r.end.rounds?.stop) : '—'
      })
    ])
  printTable(rows)
  console.log('')
  for (const m of SPREAD_OF) {
    const changes = reports
      .map((r) => r.end.aggregates.find((a) => a.method === m)?.headline?.ratio?.ratio)
      .filter((v): v is number => v !== undefined)
      .map((v) => (v - 1) * 100)
    const spread = Math.max(...changes) - Math.min(...changes)
    console.log(
      `${m}: whole-system change per run ${changes.map((c) => `${c >= 0 ? '+' : '−'}${Math.abs(c).toFixed(1)}%`).join(', ')}; ` +
        `spread ${spread.toFixed(1)} points (target ≤ ${TARGET_POINTS}: ${spread <= TARGET_POINTS ? 'met' : 'MISSED'})`
    )
  }
  const rounds = reports.map((r) => `${r.end.rounds?.measured ?? '?'} (${r.end.rounds?.stop ?? 'stopped'})`)
  console.log(`rounds per run: ${rounds.join(', ')}`)
  console.log(
    `wall time per run: ${wallMs.map((w) => `${(w / 1000).toFixed(0)} s`).join(', ')} ` +
      `(target ≤ ${TARGET_WALL_MS / 1000} s: ${wallMs.every((w) => w <= TARGET_WALL_MS) ? 'met' : 'MISSED'})`
  )
}

// run directly (npm run bench:stability), not when bench.ts imports it
if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) stabilitySection()
