// `zcprof fleet run` end to end: four nodes, each a network namespace of our own with
// a real `zcprof agent` in it, on one bridge (10.77.0.0/24, inside our namespaces
// only); the runner in a fifth namespace on the same bridge, as a Kubernetes Job would
// run (no terminal, --library a folder). Discovery is a hosts file. A 4 × 4 matrix runs
// 12 ordered pairs, one report each; then one agent is killed, and the pairs that need
// it fail while the rest land. Needs root; skips only where the kernel refuses.
//
// What says each pair really ran from its sender node: the receiving agent's own log,
// which names the address every data connection came from (a trial's line), and that
// address is the sender namespace's, not the runner's.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import type { FleetView } from '../../src/shared/fleet-matrix'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { tempDir, ZCPROF_BIN } from '../helpers'
import { netnsRefused } from '../netns-pair'
import { skipWhen } from '../skips'
import { haveBrowser, launchBrowser, NO_BROWSER, withLibraryPage } from '../e2e/browser'

const TAG = String(process.pid)
const TOKEN = 'fleet-netns-token-5c1d09ab'
const SUBNET = '10.77.0'
const HUB = `zfH${TAG}`
const RUNNER_ADDR = `${SUBNET}.1`
/** the fleet: name, namespace, address, pool */
const NODES = ['a', 'b', 'c', 'd'].map((name, i) => ({
  name,
  ns: `zf${name}${TAG}`,
  addr: `${SUBNET}.${11 + i}`,
  pool: i < 2 ? 'pool-1' : 'pool-2'
}))
/** a tiny plan: a small file, one short trial of copy, nothing else */
const PLAN_FLAGS = [
  '-m',
  'copy',
  '-s',
  '1MiB',
  '-t',
  '200ms',
  '-r',
  '1',
  '--precision',
  'off',
  '-w',
  '0',
  '--no-reference'
]

function run(args: string[]): void {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`)
}

/** the hub namespace with its bridge, and each node's namespace on it by a veth pair */
function makeFleetNetwork(): void {
  run(['ip', 'netns', 'add', HUB])
  run(['ip', '-n', HUB, 'link', 'add', 'br0', 'type', 'bridge'])
  run(['ip', '-n', HUB, 'addr', 'add', `${RUNNER_ADDR}/24`, 'dev', 'br0'])
  run(['ip', '-n', HUB, 'link', 'set', 'br0', 'up'])
  run(['ip', '-n', HUB, 'link', 'set', 'lo', 'up'])
  for (const n of NODES) {
    const [dev, peer] = [`zfv${n.name}${TAG}`.slice(0, 15), `zfp${n.name}${TAG}`.slice(0, 15)]
    run(['ip', 'netns', 'add', n.ns])
    run(['ip', 'link', 'add', dev, 'netns', n.ns, 'type', 'veth', 'peer', 'name', peer, 'netns', HUB])
    run(['ip', '-n', HUB, 'link', 'set', peer, 'master', 'br0'])
    run(['ip', '-n', HUB, 'link', 'set', peer, 'up'])
    run(['ip', '-n', n.ns, 'addr', 'add', `${n.addr}/24`, 'dev', dev])
    run(['ip', '-n', n.ns, 'link', 'set', dev, 'up'])
    run(['ip', '-n', n.ns, 'link', 'set', 'lo', 'up'])
  }
}

function removeFleetNetwork(): void {
  for (const ns of [HUB, ...NODES.map((n) => n.ns)]) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' })
}

interface Agent {
  proc: ChildProcess
  /** everything it wrote on stderr: its log */
  log: string
}

/** `zcprof agent` in a node's namespace; resolves once it listens */
function startAgent(ns: string, addr: string): Promise<Agent> {
  const proc = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, ZCPROF_BIN, 'agent', '--listen', `${addr}:7733`, '--token', TOKEN],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  const agent: Agent = { proc, log: '' }
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (d: Buffer) => {
      agent.log += d.toString()
      if (agent.log.includes('listening on')) resolve(agent)
    })
    proc.once('exit', (c) => reject(new Error(`agent in ${ns} exited ${c}: ${agent.log}`)))
  })
}

/**
 * `zcprof fleet run …` in the runner's namespace, as a Job runs it: no terminal. Not
 * spawnSync: the agents' logs must be read while it runs.
 */
function fleetRun(
  args: string[],
  onStderr?: (text: string, proc: ChildProcess) => void
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn('ip', ['netns', 'exec', HUB, process.execPath, ZCPROF_BIN, 'fleet', 'run', ...args], {
    env: { ...process.env, ZCPROF_TOKEN: TOKEN },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  proc.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
    onStderr?.(stderr, proc)
  })
  return new Promise((resolve) => proc.once('close', (code) => resolve({ code, stdout, stderr })))
}

function reportsIn(dir: string): Report[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Report)
}

/** the 12 ordered pairs of 4 nodes, written out */
const ALL_PAIRS = ['a>b', 'a>c', 'a>d', 'b>a', 'b>c', 'b>d', 'c>a', 'c>b', 'c>d', 'd>a', 'd>b', 'd>c']
const pairOf = (r: Report) => `${r.start.fleet!.sender.name}>${r.start.fleet!.receiver.name}`
/** the addresses a receiving agent's log says its data connections came from */
const sendersSeen = (log: string) =>
  [...new Set([...log.matchAll(/session (\d+\.\d+\.\d+\.\d+):\d+: trial \d+,.*→ ok/g)].map((m) => m[1]))].sort()

const refused = netnsRefused(TAG)
const noBrowser = skipWhen(!haveBrowser, 'the Fleet view of a real fleet run', NO_BROWSER)

describe.skipIf(
  skipWhen(
    refused !== null,
    'zcprof fleet across four network namespaces',
    `the kernel refused a network namespace (${refused})`
  )
)('zcprof fleet across four network namespaces', () => {
  const agents = new Map<string, Agent>()
  /** the 4 × 4 run's library and its matrix as `fleet show` gave it: the Chromium test reads the same */
  let realRun: { library: string; cells: FleetView['matrices'][number]['cells'] } | null = null
  let dir = ''
  let hosts = ''

  beforeAll(async () => {
    removeFleetNetwork() // a run killed before its afterAll left ours behind
    makeFleetNetwork()
    for (const n of NODES) agents.set(n.name, await startAgent(n.ns, n.addr))
    dir = tempDir()
    hosts = path.join(dir, 'hosts')
    writeFileSync(hosts, `# the fleet\n${NODES.map((n) => `${n.name} ${n.addr}:7733 ${n.pool}`).join('\n')}\n`)
  }, 60_000)

  afterAll(() => {
    for (const a of agents.values()) a.proc.kill('SIGKILL')
    removeFleetNetwork()
  })

  it('a 4 × 4 matrix: 12 pairs, one report each, labelled with both nodes, each sent from its sender node', async () => {
    const library = path.join(dir, 'lib')
    const r = await fleetRun(['--hosts', hosts, '--library', library, '--parallel', '2', ...PLAN_FLAGS])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/12 done, 0 failed, 0 not finished/)
    expect(r.stdout).toMatch(/^the matrix: zcprof fleet show [\w-]+ --library DIR$/m)
    // plain lines, no terminal: one per pair as it ends, none wider than 80 columns
    const ends = r.stderr.split('\n').filter((l) => /^\[\s*\d+\/12\]/.test(l))
    expect(ends).toHaveLength(12)
    for (const l of r.stderr.split('\n')) expect(l.length).toBeLessThanOrEqual(80)
    expect(r.stderr).not.toContain('\x1b[')

    const reports = reportsIn(library)
    expect(reports.map(pairOf).sort()).toEqual(ALL_PAIRS)
    const fleetIds = new Set(reports.map((x) => x.start.fleet!.fleetId))
    expect(fleetIds.size).toBe(1)
    const byName = new Map(NODES.map((n) => [n.name, n]))
    for (const x of reports) {
      const { sender, receiver } = x.start.fleet!
      expect(sender.pool).toBe(byName.get(sender.name)!.pool)
      expect(receiver.pool).toBe(byName.get(receiver.name)!.pool)
      expect(x.start.plan.targets).toEqual([`agent://${byName.get(receiver.name)!.addr}:7733`])
      expect(x.meta.title).toBe(`fleet ${sender.name} → ${receiver.name}`)
      expect(x.meta.label).toBe(`${sender.name} → ${receiver.name}`)
      expect(x.trials.filter((t) => !t.warmup).map((t) => [t.method, t.error])).toEqual([['copy', null]])
    }
    // each agent received from the three others, from their own addresses: never the runner's
    for (const n of NODES) {
      const others = NODES.filter((o) => o !== n)
        .map((o) => o.addr)
        .sort()
      expect(sendersSeen(agents.get(n.name)!.log), `${n.name} received from; log:\n${agents.get(n.name)!.log}`).toEqual(
        others
      )
    }
    // the fleet view reads the same library: one 4 × 4 matrix, every pair's cell filled from its report
    const show = spawnSync(process.execPath, [ZCPROF_BIN, 'fleet', 'show', '--library', library, '--json', '-'], {
      encoding: 'utf8'
    })
    expect(show.status, show.stderr).toBe(0)
    const view = JSON.parse(show.stdout) as FleetView
    expect(view.fleet.fleetId).toBe([...fleetIds][0])
    expect(view.nodes.map((n) => n.name).sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(view.matrices.map((m) => m.method)).toEqual(['copy'])
    const cells = view.matrices[0].cells
    const byId = new Map(reports.map((x) => [x.start.fleet!.sender.name + '>' + x.start.fleet!.receiver.name, x]))
    for (const [i, from] of view.nodes.entries())
      for (const [j, to] of view.nodes.entries()) {
        const cell = cells[i][j]
        if (i === j) expect(cell.status).toBe('self')
        else {
          expect(cell.status, `${from.name}>${to.name}`).toBe('ok')
          const row = byId.get(`${from.name}>${to.name}`)!.end.aggregates.find((a) => a.method === 'copy')!
          expect(cell.gbps!.mean).toBe(row.throughputBitsPerSec!.mean)
        }
      }
    realRun = { library, cells: view.matrices[0].cells }
  }, 120_000)

  it.skipIf(noBrowser)(
    "the Fleet view in Chromium draws that real run's 4 × 4 matrix, each cell its report's",
    async () => {
      expect(realRun, 'the 4 × 4 run above must have landed').not.toBeNull()
      const browser = await launchBrowser()
      try {
        await withLibraryPage(browser, realRun!.library, { width: 800, height: 600 }, async (page) => {
          await page.getByRole('tab', { name: 'Fleet' }).click()
          await page.waitForSelector('[data-testid="fleet-matrix"]', { timeout: 30_000 })
          const texts = (await page.getByTestId('fleet-cell').allTextContents()).map((t) => t.trim())
          expect(texts).toHaveLength(16)
          // the view's own rounding of each cell's cost (3 significant figures), against the CLI's numbers
          const expected = realRun!.cells.flat().map((c) => (c.status === 'self' ? '·' : c.cpu!.mean.toPrecision(3)))
          expect(texts).toEqual(expected)
        })
      } finally {
        await browser.close()
      }
    },
    90_000
  )

  it('SIGTERM stops the run cleanly: the pairs that finished keep their reports, the rest are not run (exit 1)', async () => {
    const library = path.join(dir, 'lib-stopped')
    let signalled = false
    // longer trials, so the stop comes while a pair runs
    const flags = PLAN_FLAGS.map((f) => (f === '200ms' ? '1s' : f))
    const r = await fleetRun(['--hosts', hosts, '--library', library, ...flags], (text, proc) => {
      if (!signalled && /^\[ ?2\/12\]/m.test(text)) {
        signalled = true
        proc.kill('SIGTERM')
      }
    })
    expect(signalled).toBe(true)
    expect(r.code, r.stderr).toBe(1)
    expect(r.stderr).toContain('stopping; the pairs that finished are kept')
    const m = /(\d+) done, 0 failed, (\d+) not finished/.exec(r.stdout)
    expect(m, r.stdout).not.toBeNull()
    const done = Number(m![1])
    expect(done).toBeGreaterThanOrEqual(2)
    expect(done + Number(m![2])).toBe(12)
    // each pair that finished has its report, whole and labelled; nothing else was saved
    const reports = reportsIn(library)
    expect(reports).toHaveLength(done)
    expect(reports.every((x) => !x.end.incomplete && x.start.fleet !== undefined)).toBe(true)
  }, 120_000)

  it('an agent killed: the pairs that need it fail, the rest land, and the run says so (exit 1)', async () => {
    agents.get('d')!.proc.kill('SIGKILL')
    const library = path.join(dir, 'lib-killed')
    const outcome = path.join(dir, 'outcome.json')
    const r = await fleetRun(['--hosts', hosts, '--library', library, '--json', outcome, ...PLAN_FLAGS])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/6 done, 6 failed, 0 not finished/)
    const landed = ALL_PAIRS.filter((p) => !p.includes('d'))
    expect(reportsIn(library).map(pairOf).sort()).toEqual(landed)
    const pairs = (
      JSON.parse(readFileSync(outcome, 'utf8')) as {
        pairs: {
          sender: string
          receiver: string
          status: string
          entryId: string | null
          error: { message: string } | null
        }[]
      }
    ).pairs
    for (const p of pairs) {
      const touchesD = p.sender === 'd' || p.receiver === 'd'
      expect(p.status, `${p.sender}>${p.receiver}`).toBe(touchesD ? 'failed' : 'done')
      expect(p.entryId === null).toBe(touchesD)
      // d's address is named in each failure: reached from the runner (d sends) or from the sender
      if (touchesD) expect(p.error!.message).toContain(NODES[3].addr)
    }
  }, 120_000)
})
