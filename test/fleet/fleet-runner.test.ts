// The fleet runner's own rules, on loopback: each pair's report labelled with its pair
// (title and label within the schema's limits whatever the names), checked before it
// is saved, a failure blamed on the sender only while its job runs, and never two pairs
// sharing a node at once. The sending agent is a real AgentServer whose sender is a
// stand-in handing back a fixed report (test/fleet/fleet-netns.test.ts runs real trials).

import { chmodSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { SendRun } from '../../src/main/agent/agent-sender'
import { AgentServer } from '../../src/main/agent/agent-server'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import type { FleetPairNodes } from '../../src/main/fleet/fleet-pairs'
import type { FleetNode } from '../../src/main/fleet/fleet-node'
import { runFleet, type FleetRunOptions, type PairOutcome } from '../../src/main/fleet/fleet-runner'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { ReportLibrary } from '../../src/main/reports/report-library'
import type { Report } from '../../src/shared/report'
import { tempDir } from '../helpers'

const TOKEN = 'fleet-runner-test-token-01234'
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'reports', 'machine-a.json')

let servers: AgentServer[] = []
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()))
  servers = []
})

/** an agent on loopback whose send jobs answer the fixture report (or what run does) */
async function sendingAgent(run?: (r: SendRun) => Promise<Report>): Promise<number> {
  const report = loadReportFile(FIXTURE).report
  const server = new AgentServer({
    address: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    sender: run ?? (async () => structuredClone(report))
  })
  servers.push(server)
  return ((await server.listen()) as { port: number }).port
}

const node = (name: string, port: number): FleetNode => ({ name, host: '127.0.0.1', port, pool: null })

function options(pairs: FleetPairNodes[], library: ReportLibrary, meta: Partial<Report['meta']> = {}): FleetRunOptions {
  return {
    pairs,
    plan: { ...DEFAULT_PLAN, targets: [] },
    token: TOKEN,
    parallel: 1,
    library,
    reference: false,
    agentTimeoutMs: 5000,
    meta: { title: null, tags: ['fleet'], label: null, ...meta },
    fleetId: 'fleet-20261207T000000-test00'
  }
}

describe("a pair's report", () => {
  it('keeps its title and label within the limits with the longest names, cut with …, and loads back', async () => {
    const port = await sendingAgent()
    // DNS names run to 253 characters; a title to 200, a label to 64
    const [a, b] = [node('a'.repeat(253), port), node('b'.repeat(253), port)]
    const library = new ReportLibrary(tempDir())
    const [out] = await runFleet(
      options([{ sender: a, receiver: b }], library, { title: 'T'.repeat(200), label: 'L'.repeat(64) })
    )
    expect(out.error).toBeNull()
    expect(out.status).toBe('done')
    const { report } = library.open(out.entryId!)
    expect(report.meta.title).toBe(`${'T'.repeat(199)}…`)
    expect(report.meta.label).toBe(`${'L'.repeat(63)}…`)
    expect(report.start.fleet?.sender.name).toBe(a.name)
  })

  it("with --label, each pair's label is the label and its own pair", async () => {
    const port = await sendingAgent()
    const [a, b] = [node('a', port), node('b', port)]
    const library = new ReportLibrary(tempDir())
    const outs = await runFleet(
      options(
        [
          { sender: a, receiver: b },
          { sender: b, receiver: a }
        ],
        library,
        { label: 'rack-7', title: 'nightly' }
      )
    )
    expect(outs.map((o) => o.status)).toEqual(['done', 'done'])
    const metas = outs.map((o) => library.open(o.entryId!).report.meta)
    expect(metas.map((m) => m.label)).toEqual(['rack-7: a → b', 'rack-7: b → a'])
    expect(metas.map((m) => m.title)).toEqual(['nightly: a → b', 'nightly: b → a'])
  })

  it('that would not load back once labelled is the pair’s failure, and nothing is saved', async () => {
    const port = await sendingAgent()
    const library = new ReportLibrary(tempDir())
    // a tag past the schema's 40 characters (the CLI refuses one; the runner's own check must too)
    const [out] = await runFleet(
      options([{ sender: node('a', port), receiver: node('b', port) }], library, { tags: ['x'.repeat(41)] })
    )
    expect(out.status).toBe('failed')
    expect(out.entryId).toBeNull()
    expect(out.error?.code).toBe('ZC_REPORT_SCHEMA')
    expect((await library.list()).entries).toHaveLength(0)
  })

  it("blames the sender for what fails in its job, and not for the library's failure after it", async () => {
    const failing = await sendingAgent(async () => {
      throw Object.assign(new Error('cannot reach the agent at 10.9.9.9:7733'), { code: 'ECONNREFUSED' })
    })
    const library = new ReportLibrary(tempDir())
    const [sendFail] = await runFleet(options([{ sender: node('a', failing), receiver: node('b', failing) }], library))
    expect(sendFail.error?.message).toMatch(/^on a: /)

    const port = await sendingAgent()
    const folder = tempDir()
    const unsafe = new ReportLibrary(folder)
    // a library others could write is refused when the report is saved (README "Security")
    chmodSync(folder, 0o777)
    const [saveFail] = await runFleet(options([{ sender: node('a', port), receiver: node('b', port) }], unsafe))
    expect(saveFail.status).toBe('failed')
    expect(saveFail.error?.code).toBe('ZC_UNSAFE_FOLDER')
    expect(saveFail.error?.message).not.toMatch(/^on a: /)
  })
})

describe('pairs at once', () => {
  it('runs up to --parallel pairs together, never two sharing a node (sender or receiver)', async () => {
    const nodes = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => node(n, 1))
    const pairs = nodes.flatMap((s) => nodes.filter((r) => r !== s).map((r) => ({ sender: s, receiver: r })))
    const busy = new Set<string>()
    const overlaps: string[] = []
    let running = 0
    let most = 0
    const standIn = async (index: number, pair: FleetPairNodes): Promise<PairOutcome> => {
      for (const n of [pair.sender.name, pair.receiver.name]) {
        if (busy.has(n)) overlaps.push(`pair ${index} took ${n} while busy`)
        busy.add(n)
      }
      most = Math.max(most, ++running)
      // pairs of uneven lengths, so the order they end in varies
      await new Promise((r) => setTimeout(r, 2 + (index % 4) * 3))
      running--
      busy.delete(pair.sender.name)
      busy.delete(pair.receiver.name)
      return {
        sender: pair.sender.name,
        receiver: pair.receiver.name,
        status: 'done',
        entryId: null,
        error: null,
        durationMs: 0
      }
    }
    const outs = await runFleet({ ...options(pairs, new ReportLibrary(tempDir())), parallel: 3 }, standIn)
    expect(outs.map((o) => o.status)).toEqual(pairs.map(() => 'done'))
    expect(overlaps).toEqual([])
    // six nodes hold three disjoint pairs: the limit is reached, never passed
    expect(most).toBe(3)
  })
})
