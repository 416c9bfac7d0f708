// The agent against hostile peers: half-open sockets, idle clients, a client that
// hogs trials or never reads, prototype keys sent as literal JSON, and its own caps
// when a client asks for more. Each holds with the agent's own limits.

import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentServer } from '../../src/main/agent/agent-server'
import { PROTOCOL_VERSION } from '../../src/main/agent/protocol'
import { isLoopbackIp } from '../../src/shared/targets'
import * as native from '../../src/native'
import { randomFile, runZcprof } from '../helpers'
import { prepareRequest, RawControl } from './control-client'

const hello = (seq = 1) => ({ type: 'hello', seq, version: PROTOCOL_VERSION })
/** a receiver set up without checksums or the PMU: these tests are about the agent's limits */
const prepare = (seq: number, extra: Record<string, unknown> = {}) =>
  prepareRequest(seq, { checksum: false, pmu: 'off', ...extra })

async function agent(limits: Record<string, number> = {}, helloTimeoutMs = 300) {
  const server = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, limits, helloTimeoutMs })
  const { port } = (await server.listen()) as { port: number }
  return { server, port }
}

async function greet(port: number, localAddress?: string) {
  const c = await RawControl.connect(port, localAddress)
  c.send(hello())
  const h = await c.reply(1)
  return { c, h }
}

describe('strangers (connected, no hello yet) cannot keep a real client out', () => {
  it('16 sockets that send 2 bytes each: capped per address, and a client from elsewhere is served', async () => {
    const { server, port } = await agent({ maxClients: 16 })
    const strangers: net.Socket[] = []
    const answered: string[] = []
    for (let i = 0; i < 16; i++) {
      const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' })
      s.on('error', () => undefined)
      // a stranger hears nothing until it is refused
      s.on('data', (b) => answered.push(b.toString('latin1')))
      await new Promise((r) => s.once('connect', r))
      s.write(Buffer.from([0, 0]))
      strangers.push(s)
    }
    // past the per-address allowance, the agent says so and closes
    for (let i = 0; i < 50 && answered.length < 12; i++) await new Promise((r) => setTimeout(r, 20))
    // 16 − 4 (the per-address allowance): twelve are told, the first four wait for their hello
    expect(answered.length).toBe(12)
    for (const a of answered) expect(a).toMatch(/ZC_BUSY.*not said hello/)
    const { c, h } = await greet(port, '127.0.0.2')
    expect(h?.type).toBe('hello')
    c.close()
    // and once the hello deadline passes, the strangers are gone: the same address is served again
    await new Promise((r) => setTimeout(r, 600))
    const again = await greet(port, '127.0.0.1')
    expect(again.h?.type).toBe('hello')
    again.c.close()
    for (const s of strangers) s.destroy()
    await server.close()
  })

  it('the fifth stranger from one address is told the agent is busy', async () => {
    const { server, port } = await agent({}, 5000)
    const held: RawControl[] = []
    // 4 per address, from the table; the answer comes at once, not at the hello timeout
    for (let i = 0; i < 4; i++) held.push(await RawControl.connect(port))
    const extra = await RawControl.connect(port)
    const m = await extra.next(() => true, 1000)
    expect(m).toMatchObject({
      type: 'error',
      error: { code: 'ZC_BUSY', message: expect.stringMatching(/not said hello/) }
    })
    for (const h of held) h.close()
    extra.close()
    await server.close()
  })
})

describe('greeted clients', () => {
  it('an idle client (no trial, no request) is dropped after the idle timeout', async () => {
    const { server, port } = await agent({ idleTimeoutMs: 300 })
    const { c } = await greet(port)
    const t0 = Date.now()
    expect(await c.waitClosed(3000)).toBe(true)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250)
    expect(c.messages.find((m) => m.type === 'error')).toMatchObject({ error: { code: 'ETIMEDOUT' } })
    await server.close()
  })

  it('one client cannot hold every trial slot: the per-client quota', async () => {
    const { server, port } = await agent({ maxTrials: 4, maxTrialsPerClient: 1 })
    const hog = await greet(port)
    hog.c.send(prepare(2))
    expect((await hog.c.reply(2))?.type).toBe('prepared')
    hog.c.send(prepare(3))
    expect(await hog.c.reply(3)).toMatchObject({
      type: 'error',
      error: { code: 'ZC_BUSY', message: expect.stringMatching(/one client may hold at most 1 trial/) }
    })
    // another client still gets a slot
    const other = await greet(port)
    other.c.send(prepare(2))
    expect((await other.c.reply(2))?.type).toBe('prepared')
    hog.c.close()
    other.c.close()
    await server.close()
  })

  it('a client that sends requests and never reads cannot grow the agent: it stops being read', async () => {
    const { server, port } = await agent()
    const { c } = await greet(port)
    c.sock.pause() // never read another reply
    const before = process.memoryUsage()
    // 300 000 requests whose replies come to about 30 MB
    const frame = Buffer.concat(
      Array.from({ length: 1000 }, (_, i) => {
        const body = Buffer.from(JSON.stringify({ type: 'sample', seq: i + 2, trial: 999 }))
        const head = Buffer.alloc(4)
        head.writeUInt32BE(body.length)
        return Buffer.concat([head, body])
      })
    )
    for (let i = 0; i < 300; i++) c.sock.write(frame)
    await new Promise((r) => setTimeout(r, 2000))
    const after = process.memoryUsage()
    const grew = after.external + after.arrayBuffers - (before.external + before.arrayBuffers)
    // the agent stopped reading at about 1 MiB of unread replies; our own unsent requests stay in our socket
    expect(grew).toBeLessThan(20 * 1024 * 1024)
    expect(c.sock.writableLength).toBeGreaterThan(1024 * 1024)
    c.close()
    await server.close()
  }, 30_000)
})

describe('prototype keys, sent as literal JSON to an agent in this process', () => {
  it('neither __proto__ nor constructor keys pollute the agent, and it keeps serving', async () => {
    const { server, port } = await agent()
    const { c } = await greet(port)
    const raw = [
      '{"type":"prepare","seq":2,"__proto__":{"polluted":true},"family":"inet","mode":"read","bufferBytes":65536,"checksum":false,"acceptTimeoutMs":1000,"pmu":"off"}',
      '{"type":"sample","seq":3,"trial":1,"constructor":{"prototype":{"polluted":true}}}',
      '{"type":"sample","seq":4,"__proto__":{"type":"cancel","polluted":true}}',
      '{"__proto__":{"type":"hello"},"seq":5}' // a type only on its prototype is no type: refused with re 0
    ]
    for (const text of raw) {
      const body = Buffer.from(text)
      const head = Buffer.alloc(4)
      head.writeUInt32BE(body.length)
      c.sock.write(Buffer.concat([head, body]))
    }
    for (const seq of [2, 3, 4]) expect(await c.reply(seq)).not.toBeNull()
    expect(await c.next((m) => m.re === 0)).toMatchObject({ type: 'error', error: { code: 'ZC_PROTOCOL' } })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    expect(Object.prototype).not.toHaveProperty('type')
    c.send({ type: 'sample', seq: 6, trial: 999 })
    expect((await c.reply(6))?.type).toBe('sample')
    c.close()
    await server.close()
  })
})

describe('the agent’s own caps, set on its command line, hold whatever a client asks', () => {
  let child: ChildProcess
  let port = 0
  const file = randomFile(8 * 1024 * 1024)
  beforeAll(async () => {
    child = spawn(
      process.execPath,
      [
        path.join(__dirname, '../../bin/zcprof.js'),
        'agent',
        '--listen',
        '127.0.0.1:0',
        '--announce',
        '--max-trial-bytes',
        '1MiB',
        '--max-trial-duration',
        '1500',
        '--max-session-pinned',
        '2MiB',
        '--max-agent-pinned',
        '3MiB',
        '--data-idle-timeout',
        '400'
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] }
    )
    port = await new Promise<number>((resolve) =>
      child.stdout!.once('data', (d) => resolve(JSON.parse(String(d)).port))
    )
  })
  afterAll(() => child.kill('SIGTERM'))

  it('asked for 1 GiB, it stops at its 1 MiB', async () => {
    const { c, h } = await greet(port)
    expect(h?.limits).toMatchObject({ maxTrialBytes: 1024 * 1024, maxTrialDurationMs: 1500 })
    c.send(prepare(2, { maxBytes: 1024 ** 3 }))
    const p = (await c.reply(2))!
    const sent = native.startSender({
      method: 'sendfile',
      file,
      chunkBytes: 65536,
      target: { family: 'inet', host: '127.0.0.1', port: (p.streams as { port: number }[])[0].port }
    })
    void sent.done.catch(() => undefined)
    const result = (await c.next((m) => m.type === 'result'))!
    const stream = (result.streams as { error: { code: string; message: string } }[])[0]
    expect(stream.error).toMatchObject({ code: 'ZC_LIMIT', message: expect.stringMatching(/limit of 1048576 bytes/) })
    c.close()
  })

  it('asked for an hour, it stops at its 1.5 s', async () => {
    const { c } = await greet(port)
    const t0 = Date.now()
    c.send(prepare(2, { maxDurationMs: 3_600_000, acceptTimeoutMs: 60_000 }))
    await c.reply(2)
    const result = (await c.next((m) => m.type === 'result', 10_000))!
    expect(Date.now() - t0).toBeLessThan(5000)
    const stream = (result.streams as { error: { code: string; message: string } }[])[0]
    expect(stream.error).toMatchObject({ code: 'ZC_LIMIT', message: expect.stringMatching(/1500 ms/) })
    c.close()
  })

  it('its pinned-buffer bounds and data idle timeout: in the hello, and a uring ring of 4 × 1 MiB (5 MiB with the read buffer) is refused', async () => {
    const { c, h } = await greet(port)
    expect(h?.limits).toMatchObject({
      maxSessionPinnedBytes: 2 * 1024 * 1024,
      maxAgentPinnedBytes: 3 * 1024 * 1024,
      dataIdleTimeoutMs: 400
    })
    c.send(prepare(2, { mode: 'uring', uringDepth: 4, bufferBytes: 1024 * 1024 }))
    expect(await c.reply(2)).toMatchObject({
      type: 'error',
      error: { code: 'ZC_LIMIT', message: expect.stringMatching(/would pin 5242880 bytes.*at most 2097152/) }
    })
    c.close()
  })
})

describe('the token rule looks at the bound address', () => {
  it('loopback by address, never by spelling', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'].map(isLoopbackIp)).toEqual([true, true, true, true])
    expect(['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', '1.127.0.0'].map(isLoopbackIp)).toEqual([
      false,
      false,
      false,
      false,
      false
    ])
  })
  it('a name that merely starts with 127. does not skip the token rule', () => {
    const r = runZcprof(['agent', '--listen', '127.zcsec.invalid:0'])
    expect(r.code).toBe(2)
    expect(r.stderr).not.toMatch(/listening on/)
  })
  // listening on all addresses without a token: the agent makes one (test/cli/agent-command.test.ts)
})
