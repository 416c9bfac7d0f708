// What reading and exporting reports costs: a long run's report (many samples) is
// loaded through the full checks (size, nesting, keys, JSON, schema), exported as HTML
// and per-sample CSV, and three reports compared. Run: npm run bench:reports

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ReportLibrary } from '../src/main/reports/report-library'
import { loadReportFile } from '../src/main/reports/report-loader'
import { compareReports } from '../src/shared/compare'
import { exporterFor } from '../src/shared/export/exporters'
import type { Report } from '../src/shared/report'

const fixtures = path.join(__dirname, '..', 'test', 'fixtures', 'reports')
// a real run's report, brought to the current schema once: the sizes below time current reports
const base: Report = loadReportFile(path.join(fixtures, 'real-loopback-v2.json')).report
const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-bench-'))

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now()
  const v = f()
  return [v, performance.now() - t0]
}

/**
 * A library of 1,000 reports (a real run's, 60 KB each): the time to the first list
 * from a cold start, the time to list again (cached), and the longest the event loop
 * was held meanwhile, which is what a user feels as a frozen window.
 */
async function libraryListing(): Promise<void> {
  const folder = path.join(dir, 'library')
  const lib = new ReportLibrary(folder)
  const text = JSON.stringify(base)
  lib.save(base) // makes the folder
  for (let i = 0; i < 999; i++) writeFileSync(path.join(folder, `r-${i}.json`), text)
  const listOnce = async () => {
    const lag = monitorEventLoopDelay({ resolution: 5 })
    lag.enable()
    const t0 = performance.now()
    const listing = await lib.list()
    const ms = performance.now() - t0
    lag.disable()
    return { n: listing.entries.length, ms, maxStallMs: lag.max / 1e6 }
  }
  const cold = await listOnce()
  const warm = await listOnce()
  console.log(
    `library of ${cold.n} reports (${(text.length / 1e3).toFixed(0)} KB each): first list ${cold.ms.toFixed(0)} ms, ` +
      `longest event-loop stall ${cold.maxStallMs.toFixed(1)} ms; listed again (cached) ${warm.ms.toFixed(0)} ms`
  )
}

async function main(): Promise<void> {
  console.log('report size      samples   load+check   MB/s   HTML export   samples CSV')
  for (const perTrial of [100, 2_000, 20_000]) {
    const r = structuredClone(base)
    for (const t of r.trials) {
      const s0 = t.samples[0] ?? base.trials[1].samples[0]
      t.samples = Array.from({ length: perTrial }, (_, i) => ({ ...s0, tMs: i * 100 }))
    }
    const file = path.join(dir, `r-${perTrial}.json`)
    writeFileSync(file, JSON.stringify(r))
    const mb = readFileSync(file).length / 1e6
    const [{ report }, loadMs] = time(() => loadReportFile(file))
    const [, htmlMs] = time(() => exporterFor('html').render(report))
    const [, csvMs] = time(() => exporterFor('csv-samples').render(report))
    console.log(
      `${mb.toFixed(1).padStart(7)} MB ${String(perTrial * r.trials.length).padStart(12)} ${loadMs.toFixed(0).padStart(9)} ms ${(mb / (loadMs / 1000)).toFixed(0).padStart(6)} ${htmlMs.toFixed(0).padStart(10)} ms ${csvMs.toFixed(0).padStart(10)} ms`
    )
  }
  const a = loadReportFile(path.join(fixtures, 'machine-a.json')).report
  const b = loadReportFile(path.join(fixtures, 'machine-b.json')).report
  const [, cmpMs] = time(() => {
    for (let i = 0; i < 1000; i++) compareReports([a, b, a])
  })
  console.log(`compare 3 reports (2 methods × 7 figures): ${(cmpMs / 1000).toFixed(3)} ms`)
  await libraryListing()
}

main()
  .catch((e) => {
    console.error(e)
    process.exitCode = 1
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }))
