// What an iperf3 import costs at its bound (32 MiB, MAX_IPERF3_IMPORT_BYTES): peak
// memory, wall time and the longest event-loop stall of the largest allowed file
// imported through the app's path (EngineApi.importReport), of four sent at once (one
// runs, three are refused as busy), of four in turn (as the Library view sends them),
// and how fast a 99 MiB one is refused. Each case runs in its own process, so each peak
// is its own. Run: npm run bench:imports

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { EngineApi } from '../src/main/api/engine-api'
import { ReportLibrary } from '../src/main/reports/report-library'
import { MAX_IPERF3_IMPORT_BYTES } from '../src/shared/iperf3-import'
import { iperf3Output } from './iperf3-output'

const STREAMS = 128 // iperf3's -P maximum: the most bytes per interval
const MiB = 1024 * 1024

/** the longest 128-stream run (1 s intervals) whose -J output fits the bound */
function largestAllowed(): string {
  const perInterval = iperf3Output(2, STREAMS).length - iperf3Output(1, STREAMS).length
  let n = Math.floor(MAX_IPERF3_IMPORT_BYTES / perInterval)
  let text = iperf3Output(n, STREAMS)
  while (text.length > MAX_IPERF3_IMPORT_BYTES) text = iperf3Output(--n, STREAMS)
  return text
}

const rssMiB = () => process.memoryUsage().rss / MiB

/** one case, in a process of its own; the files were written by the parent */
async function child(scenario: string, files: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-bench-import-'))
  try {
    const api = new EngineApi({ settingsFile: path.join(dir, 's.json'), libraryFolder: path.join(dir, 'lib') })
    // the schema checker is built on first use: warm it on a small import, as a running app has
    const small = readFileSync(
      path.join(__dirname, '..', 'test', 'fixtures', 'reports', 'iperf3-loopback.json'),
      'utf8'
    )
    await api.importReport('warm.json', small)
    globalThis.gc?.()
    const rest = rssMiB()
    const file = path.join(files, scenario === 'over' ? 'over.json' : 'allowed.json')
    // the texts the app would hold as they arrive (a WebSocket message each)
    const texts =
      scenario === 'over' ? [] : Array.from({ length: scenario === 'one' ? 1 : 4 }, () => readFileSync(file, 'utf8'))
    globalThis.gc?.()
    const before = rssMiB()
    const lag = monitorEventLoopDelay({ resolution: 5 })
    lag.enable()
    const t0 = performance.now()
    let outcome: string
    if (scenario === 'over') {
      try {
        new ReportLibrary(path.join(dir, 'lib')).importFile(file)
        outcome = 'imported (!)'
      } catch (e) {
        outcome = `refused: ${(e as Error).message.split('\n')[0].split(': ')[1]}`
      }
    } else if (scenario === 'four-at-once') {
      const results = await Promise.all(texts.map((t, i) => api.importReport(`run-${i}.json`, t)))
      outcome = results.map((r) => (r.ok ? 'imported' : r.error.code)).join(', ')
    } else {
      const results = []
      for (const [i, t] of texts.entries()) results.push(await api.importReport(`run-${i}.json`, t))
      outcome = results.map((r) => (r.ok ? 'imported' : r.error.code)).join(', ')
    }
    const ms = performance.now() - t0
    lag.disable()
    const peak = process.resourceUsage().maxRSS / 1024
    console.log(
      JSON.stringify({
        scenario,
        fileBytes: statSync(file).size,
        ms,
        rssRestMiB: rest,
        rssBeforeMiB: before,
        peakRssMiB: peak,
        maxStallMs: lag.max / 1e6,
        outcome
      })
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function main(): void {
  const files = mkdtempSync(path.join(os.tmpdir(), 'zcprof-bench-iperf3-'))
  writeFileSync(path.join(files, 'allowed.json'), largestAllowed())
  writeFileSync(path.join(files, 'over.json'), iperf3Output(2700, STREAMS)) // 99 MiB, as in the audit
  console.log(`iperf3 import bound: ${MAX_IPERF3_IMPORT_BYTES} bytes; files of ${STREAMS} streams at 1 s intervals`)
  console.log('RSS: at rest (modules loaded, schema built) → holding the texts → peak during the imports')
  console.log('case            file      wall    RSS: rest → texts → peak    longest stall   outcome')
  try {
    for (const scenario of ['one', 'four-at-once', 'four-in-turn', 'over']) report(scenario, files)
  } finally {
    rmSync(files, { recursive: true, force: true })
  }
}

function report(scenario: string, files: string): void {
  const args = [...process.execArgv, '--expose-gc', __filename, scenario, files]
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${scenario}: ${r.stderr}`)
  const m = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
  console.log(
    `${scenario.padEnd(14)} ${(m.fileBytes / MiB).toFixed(1).padStart(5)} MiB ${m.ms.toFixed(0).padStart(6)} ms ` +
      `${m.rssRestMiB.toFixed(0).padStart(6)} → ${m.rssBeforeMiB.toFixed(0)} → ${m.peakRssMiB.toFixed(0)} MiB ${m.maxStallMs.toFixed(0).padStart(9)} ms   ${m.outcome}`
  )
}

if (process.argv[2]) void child(process.argv[2], process.argv[3])
else main()
