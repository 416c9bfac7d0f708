// The receiver modes side by side on loopback: copy and sendfile senders against the
// read, splice, discard and mapped receivers, each mode one run of `zcprof run`
// (--precision off, exactly BENCH_REPEAT rounds of 1 s timed trials, 5 unless told). Per row: the
// whole system's cycles per bit (CPU time × the clock rate on a machine without a
// PMU) with its 95% interval, the receiver's own, and for the mapped receiver the
// share of bytes the kernel mapped, with the reason the trial gave when it was low.
// `npm run build && tsx bench/receivers.ts` (about 2 minutes on 2 cores). Lines fit 80 columns.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Report } from '../src/shared/report'
import type { Stat } from '../src/shared/statistics'
import { printTable } from './print-table'

const bin = path.join(__dirname, '../bin/zcprof.js')
const MODES = (process.env.BENCH_RECEIVERS ?? 'read,splice,discard,mapped').split(',')
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5)

const ci = (s: Stat | null) => (s ? `${s.mean.toFixed(3)} [${s.ci95Low.toFixed(3)}, ${s.ci95High.toFixed(3)}]` : '-')

/** words wrapped to lines of at most `width` columns, the first after `lead` */
function wrap(text: string, lead: string, width = 80): string {
  const lines: string[] = []
  let line = lead
  for (const w of text.split(' ')) {
    if (line.length > lead.length && (line + ' ' + w).length > width) {
      lines.push(line)
      line = ' '.repeat(lead.length) + w
    } else line = line.length > lead.length ? `${line} ${w}` : `${line}${w}`
  }
  lines.push(line)
  return lines.join('\n')
}

function runMode(dir: string, mode: string): Report {
  const out = path.join(dir, `${mode}.json`)
  const r = spawnSync(
    process.execPath,
    [bin, 'run', '-m', 'copy,sendfile', '--receiver', mode, '--size', '64MiB', '--duration', '1s'].concat([
      '--repeat',
      String(REPEAT),
      '--precision',
      'off',
      '--json',
      out
    ]),
    { encoding: 'utf8', timeout: 120_000 }
  )
  if (r.status !== 0) throw new Error(`zcprof run --receiver ${mode} failed (${r.status}): ${r.stderr}`)
  return JSON.parse(readFileSync(out, 'utf8')) as Report
}

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-receivers-'))
  const t0 = Date.now()
  const rows = [['receiver', 'sender', 'n', 'Gbit/s', 'system cyc/bit [95% CI]', 'recv', 'mapped', 'contam.']]
  const reasons = new Set<string>()
  try {
    for (const mode of MODES) {
      const report = runMode(dir, mode)
      for (const a of report.end.aggregates) {
        const share = a.receiveMappedShare
        const contaminated = a.notes.find((x) => x.code === 'CONTAMINATED')?.trials ?? 0
        rows.push([
          mode,
          a.method,
          String(a.systemCyclesPerBit?.n ?? 0),
          a.throughputBitsPerSec ? (a.throughputBitsPerSec.median / 1e9).toFixed(2) : '-',
          ci(a.systemCyclesPerBit),
          a.receiverCyclesPerBit ? a.receiverCyclesPerBit.mean.toFixed(3) : '-',
          share === undefined || share === null ? '-' : `${(share * 100).toFixed(0)}%`,
          `${contaminated}/${a.trials}`
        ])
      }
      // the reason, once: each trial's words name its method first
      for (const w of report.end.warnings)
        if (w.code === 'RECV_MAPPED_LOW') reasons.add(w.message.replace(/^[a-z-]+: /, ''))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  printTable(rows)
  console.log('\nsystem and recv: cycles per bit (CPU time × clock without a PMU);')
  console.log('contam.: trials during which other programs used zcprof’s CPUs')
  for (const r of reasons) console.log('\n' + wrap(r, 'mapped: '))
  console.log(`\n${REPEAT} rounds a mode, 1 s trials; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`)
}

main()
