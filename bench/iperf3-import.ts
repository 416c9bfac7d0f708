// What an iperf3 import costs at its bound (32 MiB, MAX_IPERF3_IMPORT_BYTES): peak
// memory, wall time and the longest event-loop stall of the largest allowed file
// imported through the app's path (EngineApi.importReport), of four sent at once (one
// runs, three are refused as busy), of four in turn (as the Library view sends them),
// and how fast a 99 MiB one is refused. Each case runs in its own process, so each peak
// is its own. Then the browser mode's side: four pages of `zcprof ui` sending an import
// as large as a WebSocket message may be, at once: the server's peak (VmHWM) and wall.
// Run: npm run bench:imports

import { spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { EngineApi } from '../src/main/api/engine-api'
import { ReportLibrary } from '../src/main/reports/report-library'
import { startUiServer, MESSAGE_CAP_BYTES } from '../src/main/web/ui-server'
import { MAX_IPERF3_IMPORT_BYTES } from '../src/shared/iperf3-import'
import WebSocket from 'ws'
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

/** the server side of the WebSocket case: a real engine behind `zcprof ui`'s server */
async function serve(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-bench-ui-'))
  const api = new EngineApi({ settingsFile: path.join(dir, 's.json'), libraryFolder: path.join(dir, 'lib') })
  const token = randomBytes(24).toString('base64url')
  const ui = await startUiServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir: path.join(__dirname, '..', 'out', 'renderer'),
    api,
    token
  })
  console.log(JSON.stringify({ origin: ui.origin, token }))
  process.stdin.resume()
  process.stdin.on('end', () => {
    void ui.close().then(() => rmSync(dir, { recursive: true, force: true }))
  })
}

const vmKiB = (pid: number, field: string) =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])

/** four pages send an iperf3 import as large as a message may be, at once */
async function fourPages(): Promise<void> {
  // compact iperf3 output, escaped into one call, as near the 100 MiB message cap as fits
  let n = 2700
  let message = ''
  do {
    n -= 100
    const text = JSON.stringify(JSON.parse(iperf3Output(n, STREAMS)))
    message = JSON.stringify({ id: 1, call: 'importReport', args: ['big.json', text] })
  } while (message.length > MESSAGE_CAP_BYTES.importReport)
  const server = spawn(process.execPath, [...process.execArgv, __filename, 'serve'], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  try {
    const first = await new Promise<string>((resolve) => server.stdout.once('data', (d) => resolve(String(d))))
    const { origin, token } = JSON.parse(first) as { origin: string; token: string }
    const port = new URL(origin).port
    const rest = vmKiB(server.pid!, 'VmRSS') / 1024
    const pages = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<WebSocket>((resolve, reject) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
              headers: { Origin: origin, Cookie: `zcprof_token_${port}=${token}` }
            })
            ws.once('open', () => resolve(ws))
            ws.once('error', reject)
          })
      )
    )
    const t0 = performance.now()
    const answers = await Promise.all(
      pages.map(
        (ws) =>
          new Promise<string>((resolve) => {
            ws.on('message', (d) => {
              const m = JSON.parse(String(d)) as { id?: number; result?: { ok: boolean; error?: { code: string } } }
              if (m.id === 1) resolve(m.result?.ok ? 'imported' : (m.result?.error?.code ?? 'error'))
            })
            ws.send(message)
          })
      )
    )
    const ms = performance.now() - t0
    const peak = vmKiB(server.pid!, 'VmHWM') / 1024
    for (const ws of pages) ws.close()
    console.log(
      `four pages      ${(message.length / MiB).toFixed(1).padStart(5)} MiB ${ms.toFixed(0).padStart(6)} ms ` +
        `${rest.toFixed(0).padStart(6)} → ${peak.toFixed(0)} MiB (server, rest → peak)   ${answers.join(', ')}`
    )
  } finally {
    server.stdin.end()
    server.kill()
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
  console.log('\nbrowser mode: four pages each send one message this large at once (a WebSocket each)')
  void fourPages()
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

if (process.argv[2] === 'serve') void serve()
else if (process.argv[2]) void child(process.argv[2], process.argv[3])
else main()
