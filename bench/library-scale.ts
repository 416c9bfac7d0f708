// A team's library at scale: 500 and 5,000 reports (one host, two methods, a run a day
// with a step planted in sendfile), and what listing and drawing its trend cost, as a
// person meets it: a fresh `zcprof library list` and `zcprof trend` (new processes: the
// first after the reports arrived, then again with the index the first one left), and
// the app's calls in one process (list, list again, the trend of the listing).
// Run: npm run bench:library (builds first: the CLI timings run out/main/cli.js)

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ReportLibrary } from '../src/main/reports/report-library'
import { buildTrend } from '../src/shared/trend'
import { dailyRuns, writeHistory } from '../test/fixtures/reports/history'

const BIN = path.join(__dirname, '..', 'bin', 'zcprof.js')
const SIZES = [500, 5000]

function wallMs(args: string[], env: Record<string, string>): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30
  })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`zcprof ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

async function inProcess(
  folder: string
): Promise<{ listMs: number; againMs: number; trendMs: number; series: number }> {
  const lib = new ReportLibrary(folder)
  let t0 = performance.now()
  const listing = await lib.list()
  const listMs = performance.now() - t0
  t0 = performance.now()
  await lib.list()
  const againMs = performance.now() - t0
  t0 = performance.now()
  const trend = buildTrend(listing.entries)
  const trendMs = performance.now() - t0
  return { listMs, againMs, trendMs, series: trend.series.length }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`.padStart(8)

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'zcprof-scale-'))
  try {
    console.log('library scale: a run a day on one host, copy and sendfile, a step in sendfile')
    console.log(`(${os.cpus().length} CPUs, ${os.cpus()[0]?.model ?? 'unknown CPU'})\n`)
    console.log('reports   MB  | CLI: list  list again  trend  trend again | app: list  again  trend')
    for (const n of SIZES) {
      const folder = path.join(root, `lib-${n}`)
      new ReportLibrary(folder).save(
        (await import('../test/fixtures/reports/history')).historyReport(dailyRuns(1, () => ({ copy: 3 }))[0])
      )
      writeHistory(
        folder,
        dailyRuns(n - 1, (i) => ({ copy: 3, sendfile: i < n / 2 ? 2 : 2.4 }), { noise: 0.03 }, Date.UTC(2020, 0, 1))
      )
      const mb = (n * statSync(path.join(folder, `lab-a-2020-01-01T00-00-00-000Z-0.json`)).size) / 1e6
      // each CLI run its own cache: the index lives in the user's cache folder, not the library
      const env = { XDG_CACHE_HOME: path.join(root, `cache-${n}`) }
      const list = wallMs(['library', 'list', '--library', folder], env)
      const listAgain = wallMs(['library', 'list', '--library', folder], env)
      const trend = wallMs(['trend', '--library', folder], { XDG_CACHE_HOME: path.join(root, `cache-t-${n}`) })
      const trendAgain = wallMs(['trend', '--library', folder], { XDG_CACHE_HOME: path.join(root, `cache-t-${n}`) })
      const app = await inProcess(folder)
      console.log(
        `${String(n).padStart(7)} ${mb.toFixed(0).padStart(4)}  | ${s(list)} ${s(listAgain)}  ${s(trend)} ${s(trendAgain)}  |` +
          ` ${s(app.listMs)} ${s(app.againMs)} ${s(app.trendMs)}`
      )
    }
    console.log(
      '\nCLI: a new process each (what a person or a CI step waits for); "again": with the' +
        '\nindex the first run left. app: one process, as the UI lists and draws.'
    )
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
