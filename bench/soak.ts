// Soak: 1,000 small trials back to back through the UI bridge (the WebSocket browser
// mode uses, on the real engine and addon), as runs of SOAK_TRIALS_PER_RUN, each saved
// to a library the way the app saves them. Prints this process's open file
// descriptors and RSS at the start (after a warm-up run) and at the end: both should
// stay flat. Run: npm run bench:soak   (SOAK_TRIALS=1000 SOAK_TRIALS_PER_RUN=10)

import { readdirSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { EngineApi } from '../src/main/api/engine-api'
import { startUiServer } from '../src/main/web/ui-server'
import type { Plan } from '../src/shared/report'
import { DEFAULT_PLAN } from '../src/main/engine/run'

const TRIALS = Number(process.env.SOAK_TRIALS ?? 1000)
const PER_RUN = Number(process.env.SOAK_TRIALS_PER_RUN ?? 10)
const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-soak-'))
const file = path.join(dir, 'data.bin')
writeFileSync(file, Buffer.alloc(256 * 1024, 7))

const fds = () => readdirSync('/proc/self/fd').length
const rssMiB = () => process.memoryUsage().rss / 2 ** 20

async function main(): Promise<void> {
  const api = new EngineApi({ settingsFile: path.join(dir, 'settings.json'), libraryFolder: path.join(dir, 'library') })
  const ui = await startUiServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir: path.join(__dirname, '..', 'out', 'renderer'),
    api,
    token: 'soak'
  })
  const ws = new WebSocket(ui.origin.replace('http', 'ws') + '/api', {
    headers: { Origin: ui.origin, Cookie: 'zcprof_token=soak' }
  })
  await new Promise((r) => ws.once('open', r))
  let nextId = 1
  const waiting = new Map<number, (v: unknown) => void>()
  let ended: ((type: string) => void) | null = null
  let saved = 0
  ws.on('message', (d) => {
    const m = JSON.parse(String(d))
    if (m.event) {
      const t = m.event.event.type
      if (t === 'report-saved') saved++
      if ((t === 'report-saved' || t === 'report-save-failed' || t === 'run-failed') && ended) ended(t)
      return
    }
    waiting.get(m.id)?.(m.result ?? m.error)
  })
  const call = (name: string, ...args: unknown[]) =>
    new Promise<any>((resolve) => {
      const id = nextId++
      waiting.set(id, resolve)
      ws.send(JSON.stringify({ id, call: name, args }))
    })
  const plan: Plan = {
    ...DEFAULT_PLAN,
    methods: ['copy'],
    file,
    fileBytes: [],
    repeat: PER_RUN,
    warmup: 0,
    durationMs: null,
    omitMs: null,
    trialBytes: null,
    sampleIntervalMs: 10
  }
  const run = async () => {
    const done = new Promise<string>((r) => (ended = r))
    const r = await call('startRun', plan)
    if (!r.ok) throw new Error(r.error.message)
    const how = await done
    if (how !== 'report-saved') throw new Error(`run ended with ${how}`)
  }
  await run() // warm-up: the first run loads what every later one reuses
  global.gc?.()
  const start = { fds: fds(), rss: rssMiB(), t: performance.now() }
  console.log(`start: ${start.fds} fds, RSS ${start.rss.toFixed(1)} MiB (after one warm-up run of ${PER_RUN} trials)`)
  const runs = Math.ceil(TRIALS / PER_RUN)
  for (let i = 1; i <= runs; i++) {
    await run()
    if (i % Math.max(1, Math.floor(runs / 4)) === 0)
      console.log(`  ${i * PER_RUN} trials: ${fds()} fds, RSS ${rssMiB().toFixed(1)} MiB`)
  }
  global.gc?.()
  const secs = (performance.now() - start.t) / 1000
  console.log(
    `end:   ${fds()} fds, RSS ${rssMiB().toFixed(1)} MiB after ${runs * PER_RUN} trials in ${runs} runs (${secs.toFixed(0)} s); ${saved} reports saved`
  )
  console.log(`change: ${fds() - start.fds} fds, ${(rssMiB() - start.rss).toFixed(1)} MiB RSS`)
  ws.close()
  await ui.close()
}

main()
  .catch((e) => {
    console.error(e)
    process.exitCode = 1
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }))
