// Remote targets end to end: a real agent process, raw sinks, and the faults a link has.

import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION, encodeFrame } from '../../src/main/agent/protocol'
import { runPlan } from '../../src/main/engine/run'
import type { Plan } from '../../src/shared/report'
import { randomFile, tempDir, testPlan, ZCPROF_BIN } from '../helpers'
import { RawControl, greet } from '../agent/control-client'

const TOKEN = 'remote-test-token'
const SIZE = 8 * 1024 * 1024 + 17
const file = randomFile(SIZE)
const plan = (p: Partial<Plan>): Plan => testPlan(file, p)

const children: ChildProcess[] = []
const servers: net.Server[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
  for (const s of servers.splice(0)) s.close()
})

async function startAgent(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [ZCPROF_BIN, 'agent', '--listen', '127.0.0.1:0', '--announce'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ZCPROF_TOKEN: TOKEN }
  })
  children.push(child)
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port))
    child.once('exit', (c) => reject(new Error(`agent exited ${c}`)))
  })
  return { child, port }
}

async function server(onConnection: (s: net.Socket) => void, opts: net.ServerOpts = {}): Promise<number> {
  const s = net.createServer(opts, onConnection)
  servers.push(s)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  return (s.address() as net.AddressInfo).port
}

describe('agent:// targets', () => {
  it('bring back the receiver’s figures and its host’s environment and CPU', async () => {
    const { port } = await startAgent()
    const target = `agent://127.0.0.1:${port}`
    const report = await runPlan({
      plan: plan({ targets: [target], methods: ['copy', 'sendfile', 'node-stream'] }),
      token: TOKEN
    })
    expect(report.end.incomplete).toBe(false)
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      const s = t.summary!
      expect(s.bytes).toBe(SIZE)
      expect(s.integrity).toMatchObject({ checked: true, ok: true })
      expect(s.receiver!.cpuNs).toBeGreaterThan(0)
      expect(s.receiver!.syscallsTotal).toBeGreaterThan(0)
      expect(s.receiverSystem).not.toBeNull()
      expect(s.confirmed).toBe(true)
    }
    expect(report.start.environment.receivers).toEqual([
      { target, environment: expect.objectContaining({ kernel: expect.any(String) }) }
    ])
    expect(report.end.aggregates[0].receiverSystemCyclesPerBit).not.toBeNull()
  })

  it('serve two runs at once, and more after them, without a restart', async () => {
    const { child, port } = await startAgent()
    const target = `agent://127.0.0.1:${port}`
    const run = () =>
      runPlan({ plan: plan({ targets: [target], methods: ['copy', 'sendfile'], repeat: 2 }), token: TOKEN })
    const both = await Promise.all([run(), run()])
    const after = await run()
    for (const report of [...both, after]) {
      expect(report.end.incomplete).toBe(false)
      expect(report.trials).toHaveLength(4)
      for (const t of report.trials) expect(t.summary!.integrity.ok, t.method).toBe(true)
    }
    expect(child.exitCode).toBeNull()
  })

  it('killed mid-trial: the run keeps what it measured, says what happened, and ends incomplete', async () => {
    const { child, port } = await startAgent()
    const big = randomFile(256 * 1024 * 1024, tempDir())
    let ended = 0
    let killed = false
    const report = await runPlan({
      plan: plan({
        file: big,
        targets: [`agent://127.0.0.1:${port}`],
        methods: ['copy'],
        repeat: 20,
        chunkBytes: [4096],
        checksum: false
      }),
      token: TOKEN,
      onEvent: (e) => {
        if (e.type === 'trial-end') ended++
        if (e.type === 'sample' && ended >= 1 && !killed) {
          killed = true
          child.kill('SIGKILL')
        }
      }
    })
    expect(killed).toBe(true)
    expect(report.end.incomplete).toBe(true)
    expect(report.trials[0].error).toBeNull()
    expect(report.trials[0].summary!.bytes).toBe(256 * 1024 * 1024)
    const last = report.trials.at(-1)!
    expect(last.error?.code).toBe('ZC_AGENT_GONE')
    expect(last.error?.message).toMatch(/agent at 127\.0\.0\.1:\d+ closed the control connection/)
    // what the sender measured of the interrupted trial is kept
    expect(last.summary!.bytes).toBeGreaterThan(0)
    expect(report.end.warnings.some((w) => w.code === 'ZC_AGENT_GONE')).toBe(true)
  })

  it('a hung agent: every wait has a timeout, and the message says which', async () => {
    const port = await server(() => undefined) // accepts, never answers
    const report = await runPlan({
      plan: plan({ targets: [`agent://127.0.0.1:${port}`], methods: ['copy'] }),
      agentTimeoutMs: 300
    })
    expect(report.end.incomplete).toBe(true)
    expect(report.end.warnings.find((w) => w.code === 'ETIMEDOUT')?.message).toMatch(
      /did not answer 'hello' within 300 ms/
    )
  })

  it('a version mismatch names both sides and the fix', async () => {
    const port = await server((s) =>
      s.once('data', () =>
        s.end(
          encodeFrame({
            type: 'error',
            re: 1,
            error: {
              code: 'ZC_VERSION',
              message: `agent speaks protocol ${PROTOCOL_VERSION + 1}; the client sent version ${PROTOCOL_VERSION}`
            }
          })
        )
      )
    )
    const report = await runPlan({ plan: plan({ targets: [`agent://127.0.0.1:${port}`], methods: ['copy'] }) })
    const w = report.end.warnings.find((x) => x.code === 'ZC_VERSION')!
    expect(w.message).toMatch(/speaks another protocol version/)
    expect(w.hint).toMatch(/same zcprof version on both hosts/)
  })

  it('a client that vanishes mid-trial: the agent ends its trial and serves others', async () => {
    const { child, port } = await startAgent()
    const c = await RawControl.connect(port)
    expect((await greet(c, TOKEN))?.type).toBe('hello')
    c.send({
      type: 'prepare',
      seq: 3,
      family: 'inet',
      mode: 'read',
      bufferBytes: 4096,
      checksum: false,
      acceptTimeoutMs: 30_000,
      pmu: 'auto'
    })
    const p = (await c.reply(3))!
    expect(p.type).toBe('prepared')
    // a data connection mid-trial: connected, some bytes in, more to come
    const data = net.connect({ host: '127.0.0.1', port: (p.streams as { port: number }[])[0].port })
    data.on('error', () => undefined)
    data.resume() // read, or a clean FIN from the agent would never surface as 'close'
    const t0 = Date.now()
    const seen: string[] = []
    for (const ev of ['end', 'error', 'close'] as const) data.on(ev, () => seen.push(`${ev}@${Date.now() - t0}ms`))
    await new Promise((r) => data.once('connect', r))
    data.write(Buffer.alloc(64 * 1024))
    const closedByAgent = new Promise<void>((r) => data.once('close', () => r()))
    // the client vanishes (connection reset): the agent must end its trial, closing the data connection
    c.sock.resetAndDestroy()
    const outcome = await Promise.race([
      closedByAgent.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('still open'), 15_000))
    ])
    expect(outcome, `data socket saw: ${seen.join(', ') || 'nothing'}`).toBe('closed')
    // and it still serves a well-formed client
    const report = await runPlan({
      plan: plan({ targets: [`agent://127.0.0.1:${port}`], methods: ['sendfile'] }),
      token: TOKEN
    })
    expect(report.trials[0].error).toBeNull()
    expect(report.trials[0].summary!.integrity.ok).toBe(true)
    expect(child.exitCode).toBeNull()
  })
})

describe('raw:// targets', () => {
  it('send to a plain TCP discard server: sender-side figures only, stated as such', async () => {
    let received = 0
    const port = await server((s) => {
      s.on('data', (d) => (received += d.length))
      s.on('end', () => s.end()) // a well-behaved discard server closes after the sender's end
    })
    const report = await runPlan({
      plan: plan({ targets: [`raw://127.0.0.1:${port}`], methods: ['copy', 'sendfile', 'splice'] })
    })
    expect(report.end.incomplete).toBe(false)
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      expect(t.summary!.bytes).toBe(SIZE)
      expect(t.summary!.receiver).toBeNull()
      expect(t.summary!.receiverSystem).toBeNull()
      expect(t.summary!.integrity.checked).toBe(false)
      expect(t.summary!.confirmed).toBe(true)
      expect(t.summary!.sender.cyclesPerBit).toBeGreaterThan(0)
    }
    expect(received).toBe(3 * SIZE)
    expect(report.end.warnings.find((w) => w.code === 'SENDER_ONLY')?.message).toMatch(/sender-side figures only/)
    expect(report.start.environment.receivers[0].environment).toBeNull()
  })

  it('a sink that never closes: the time ends at the last send, and the trial says so', async () => {
    // half-open: it reads to the end and never closes its side
    const port = await server((s) => s.resume(), { allowHalfOpen: true })
    const report = await runPlan({ plan: plan({ targets: [`raw://127.0.0.1:${port}`], methods: ['sendfile'] }) })
    const t = report.trials[0]
    expect(t.error).toBeNull()
    expect(t.summary!.confirmed).toBe(false)
    expect(t.summary!.notes).toContainEqual(
      expect.objectContaining({ code: 'NOT_CONFIRMED', message: expect.stringMatching(/did not close.*last send/) })
    )
  })

  it('nothing listening: connection refused, named', async () => {
    const port = await server(() => undefined)
    servers.pop()!.close()
    await new Promise((r) => setTimeout(r, 50))
    const report = await runPlan({ plan: plan({ targets: [`raw://127.0.0.1:${port}`], methods: ['copy'] }) })
    expect(report.trials[0].error).toMatchObject({
      code: 'ECONNREFUSED',
      message: expect.stringMatching(/nothing is listening at raw:\/\/127\.0\.0\.1/)
    })
  })
})
