// Both sides in one headline: one `zcprof run` of copy and sendfile senders with the
// read, splice, discard and mapped receivers (every pair, in shuffled rounds,
// --precision off: exactly BENCH_REPEAT rounds of 1 s timed trials, 5 unless told), and
// the sender × receiver grid it prints: the whole system's cycles per bit of each pair
// (CPU time × the clock rate on a machine without a PMU), median [95% CI], the cheapest
// pair marked. Then each pair's headline against copy with the same receiver.
// `npm run bench:pairs` (about 1 minute on 2 cores). Lines fit 80 columns.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { changeWithInterval } from '../src/shared/export/figures'
import { pairGridTables } from '../src/shared/export/pair-grid-tables'
import { pairGrids, pairText } from '../src/shared/pair-grid'
import type { Report } from '../src/shared/report'
import { printTable } from './print-table'

const bin = path.join(__dirname, '../bin/zcprof.js')
const SENDERS = process.env.BENCH_SENDERS ?? 'copy,sendfile'
const RECEIVERS = process.env.BENCH_RECEIVERS ?? 'read,splice,discard,mapped'
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5)

function run(dir: string): Report {
  const out = path.join(dir, 'pairs.json')
  const args = ['run', '-m', SENDERS, '--receiver', RECEIVERS, '--size', '64MiB', '--duration', '1s']
  const r = spawnSync(
    process.execPath,
    [bin, ...args, '--repeat', String(REPEAT), '--precision', 'off', '--no-progress', '--json', out],
    { encoding: 'utf8', timeout: 600_000 }
  )
  if (r.status !== 0) throw new Error(`zcprof ${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return JSON.parse(readFileSync(out, 'utf8')) as Report
}

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-pairs-'))
  const t0 = Date.now()
  let report: Report
  try {
    report = run(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const plan = report.start.plan
  for (const g of pairGrids(report.end.aggregates, plan)) {
    console.log(g.condition)
    for (const t of pairGridTables(g, true, 80)) {
      if (t.caption) console.log(t.caption)
      printTable([t.head, ...t.rows])
      console.log('')
    }
  }
  const rows = [['pair', 'n', 'Gbit/s', 'system CPU/bit vs copy [95% CI]']]
  for (const a of report.end.aggregates)
    rows.push([
      pairText(a.method, a.receiverMode),
      String(a.allHostsCyclesPerBit?.n ?? 0),
      a.throughputBitsPerSec ? (a.throughputBitsPerSec.median / 1e9).toFixed(2) : '-',
      a.method === 'copy' ? 'baseline' : changeWithInterval(a.headline?.ratio ?? null, a.headline?.n)
    ])
  printTable(rows)
  const contaminated = report.end.aggregates.filter((a) => a.notes.some((n) => n.code === 'CONTAMINATED')).length
  console.log(`\ncycles per bit: CPU time × clock (${report.start.environment.sender.cpuModel});`)
  console.log(`against copy with the same receiver, in the same round; ${contaminated} rows had`)
  console.log('trials during which other programs used zcprof’s CPUs.')
  console.log(`${REPEAT} rounds of every pair, 1 s trials; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`)
}

main()
