// The agent's resource bounds: receive buffers pinned per client and in all, silent
// data connections, the frame size before and after hello, and the pre-auth caps.
// Expected figures come from the tables, written out here, not from the code.

import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentServer } from '../../src/main/agent/agent-server'
import { PROTOCOL_VERSION } from '../../src/main/agent/protocol'
import { prepareRequest, RawControl } from './control-client'

const MiB = 1024 * 1024
const hello = (seq = 1) => ({ type: 'hello', seq, version: PROTOCOL_VERSION })
const prepare = (seq: number, extra: Record<string, unknown> = {}) =>
  prepareRequest(seq, { checksum: false, pmu: 'off', ...extra })

const servers: AgentServer[] = []
const controls: RawControl[] = []
afterEach(async () => {
  for (const c of controls.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function agent(limits: Record<string, number> = {}, helloTimeoutMs = 5000) {
  const server = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, limits, helloTimeoutMs, log: null })
  servers.push(server)
  return ((await server.listen()) as { port: number }).port
}

async function connect(port: number, localAddress?: string): Promise<RawControl> {
  const c = await RawControl.connect(port, localAddress)
  controls.push(c)
  return c
}

async function greet(port: number, localAddress?: string) {
  const c = await connect(port, localAddress)
  c.send(hello())
  const h = await c.reply(1)
  expect(h?.type).toBe('hello')
  return { c, h: h! }
}

/** a frame whose JSON body is exactly `bytes` long, padded in a string field */
function frameOf(msg: Record<string, unknown>, bytes: number): Buffer {
  const bare = JSON.stringify({ ...msg, pad: '' })
  const body = Buffer.from(JSON.stringify({ ...msg, pad: 'x'.repeat(bytes - bare.length) }))
  expect(body.length).toBe(bytes)
  const head = Buffer.alloc(4)
  head.writeUInt32BE(bytes)
  return Buffer.concat([head, body])
}

describe('receive buffers a client may pin (issue 25 item 1)', () => {
  it('the issue’s plan, uring depth 4096 × 512 KiB, is refused with the figure, the limit and the fix', async () => {
    const port = await agent()
    const { c, h } = await greet(port)
    // the defaults, as documented: 512 MiB per client, 1 GiB per agent
    expect(h.limits).toMatchObject({ maxSessionPinnedBytes: 512 * MiB, maxAgentPinnedBytes: 1024 * MiB })
    c.send(prepare(2, { mode: 'uring', uringDepth: 4096, bufferBytes: 512 * 1024 }))
    const r = await c.reply(2)
    expect(r).toMatchObject({ type: 'error', error: { code: 'ZC_LIMIT' } })
    const message = (r!.error as { message: string }).message
    // (4096 ring entries + the read buffer every receiver has) × 512 KiB
    expect(message).toContain(String(4097 * 512 * 1024))
    expect(message).toContain(String(512 * MiB))
    expect(message).toMatch(/maxSessionPinnedBytes.*fewer streams, a smaller uringDepth or a smaller buffer/)
  })

  it('a uring depth counts as the power of two the ring is made of, plus the read buffer: 3 × 1 MiB pins 5 MiB', async () => {
    const port = await agent({ maxSessionPinnedBytes: 3.5 * MiB })
    const { c } = await greet(port)
    c.send(prepare(2, { mode: 'uring', uringDepth: 3, bufferBytes: MiB }))
    const r = await c.reply(2)
    expect(r).toMatchObject({ type: 'error', error: { code: 'ZC_LIMIT' } })
    expect((r!.error as { message: string }).message).toContain(`would pin ${5 * MiB} bytes`)
    // the same bytes in mode read are 3 streams × 1 MiB: under the bound
    c.send(prepare(3, { streams: 3, bufferBytes: MiB }))
    expect((await c.reply(3))?.type).toBe('prepared')
  })

  it('a client’s live trials add up, and a finished trial gives its bytes back', async () => {
    const port = await agent({ maxSessionPinnedBytes: 4 * MiB, maxTrialsPerClient: 4, maxTrials: 8 })
    const { c } = await greet(port)
    c.send(prepare(2, { streams: 2, bufferBytes: MiB }))
    const first = await c.reply(2)
    expect(first?.type).toBe('prepared')
    c.send(prepare(3, { streams: 2, bufferBytes: MiB }))
    expect((await c.reply(3))?.type).toBe('prepared') // 4 MiB: at the bound
    c.send(prepare(4, { bufferBytes: 1 }))
    expect(await c.reply(4)).toMatchObject({
      type: 'error',
      error: { code: 'ZC_LIMIT', message: expect.stringContaining(`already pin ${4 * MiB}`) }
    })
    c.send({ type: 'cancel', seq: 5, trial: first!.trial })
    await c.next((m) => m.type === 'result' && m.trial === first!.trial)
    c.send(prepare(6, { streams: 2, bufferBytes: MiB }))
    expect((await c.reply(6))?.type).toBe('prepared')
  })

  it('the agent’s total holds across clients: the second is told it is busy, a smaller trial fits', async () => {
    const port = await agent({ maxSessionPinnedBytes: 4 * MiB, maxAgentPinnedBytes: 3 * MiB })
    const a = await greet(port)
    a.c.send(prepare(2, { streams: 2, bufferBytes: MiB }))
    expect((await a.c.reply(2))?.type).toBe('prepared')
    const b = await greet(port)
    b.c.send(prepare(2, { streams: 2, bufferBytes: MiB }))
    expect(await b.c.reply(2)).toMatchObject({
      type: 'error',
      error: { code: 'ZC_BUSY', message: expect.stringMatching(/maxAgentPinnedBytes/) }
    })
    b.c.send(prepare(3, { bufferBytes: MiB }))
    expect((await b.c.reply(3))?.type).toBe('prepared')
  })

  it('a trial that ends gives its bytes back to the agent’s total, not only to its client’s', async () => {
    // each client may pin 4 MiB, the agent 3 MiB in all: only the agent's total can refuse here
    const port = await agent({ maxSessionPinnedBytes: 4 * MiB, maxAgentPinnedBytes: 3 * MiB })
    const a = await greet(port)
    const b = await greet(port)
    for (let round = 0; round < 3; round++) {
      a.c.send(prepare(10 + round, { streams: 2, bufferBytes: MiB }))
      const trial = await a.c.reply(10 + round)
      expect(trial?.type, `round ${round}`).toBe('prepared')
      b.c.send(prepare(20 + round, { streams: 2, bufferBytes: MiB }))
      expect((await b.c.reply(20 + round))?.error).toMatchObject({ code: 'ZC_BUSY' })
      a.c.send({ type: 'cancel', seq: 30 + round, trial: trial!.trial })
      await a.c.next((m) => m.type === 'result' && m.trial === trial!.trial)
      // a's 2 MiB are back: b's trial fits the agent's 3 MiB, then ends too
      b.c.send(prepare(40 + round, { streams: 2, bufferBytes: MiB }))
      const other = await b.c.reply(40 + round)
      expect(other?.type, `round ${round}`).toBe('prepared')
      b.c.send({ type: 'cancel', seq: 50 + round, trial: other!.trial })
      await b.c.next((m) => m.type === 'result' && m.trial === other!.trial)
    }
  })
})

describe('silent data connections (issue 25 item 5)', () => {
  it('an accepted data connection that sends nothing ends its trial with ETIMEDOUT, and the slot is free again', async () => {
    // a 20 s trial limit: only the data idle timeout can end it within the test
    const port = await agent({ dataIdleTimeoutMs: 300, maxTrialsPerClient: 1, maxTrialDurationMs: 20_000 })
    const { c } = await greet(port)
    c.send(prepare(2, { acceptTimeoutMs: 20_000 }))
    const p = await c.reply(2)
    const dataPort = (p!.streams as { port: number }[])[0].port
    const silent = net.connect({ host: '127.0.0.1', port: dataPort })
    silent.on('error', () => undefined)
    const t0 = Date.now()
    const result = await c.next((m) => m.type === 'result', 4000)
    silent.destroy()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250)
    expect((result!.streams as { error: { code: string; message: string } }[])[0].error).toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringMatching(/sent nothing for 300 ms/)
    })
    c.send(prepare(3))
    expect((await c.reply(3))?.type).toBe('prepared')
  })
})

describe('the frame size limit holds for every frame, before parsing (issue 25 item 2)', () => {
  it('before hello: 4096 bytes are read, 4097 are refused', async () => {
    const port = await agent()
    const ok = await connect(port)
    ok.sock.write(frameOf(hello(), 4096))
    expect((await ok.reply(1))?.type).toBe('hello')
    const over = await connect(port)
    over.sock.write(frameOf(hello(), 4097))
    expect(((await over.next())!.error as { message: string }).message).toMatch(
      /4097 bytes exceeds the 4096-byte limit/
    )
    expect(await over.waitClosed()).toBe(true)
  })

  it('after hello: 65536 bytes are read, 65537 are refused and the connection closed', async () => {
    const port = await agent()
    const { c } = await greet(port)
    c.sock.write(frameOf({ type: 'sample', seq: 2, trial: 9 }, 65536))
    expect((await c.reply(2))?.type).toBe('sample')
    c.sock.write(frameOf({ type: 'sample', seq: 3, trial: 9 }, 65537))
    expect(((await c.next())!.error as { message: string }).message).toMatch(/65537 bytes exceeds the 65536-byte limit/)
    expect(await c.waitClosed()).toBe(true)
  })

  it('the issue’s attack: a 5 MiB message with two "call" keys after hello is refused from its length alone', async () => {
    const port = await agent()
    const { c } = await greet(port)
    const body = Buffer.from(`{"type":"sample","call":"a","call":"b","seq":2,"trial":1,"pad":"${'x'.repeat(5 * MiB)}"}`)
    const head = Buffer.alloc(4)
    head.writeUInt32BE(body.length)
    // only the head and a little of the body: the refusal may not wait for the rest
    c.sock.write(Buffer.concat([head, body.subarray(0, 1000)]))
    const m = await c.next(() => true, 2000)
    expect((m!.error as { message: string }).message).toMatch(/exceeds the 65536-byte limit/)
    expect(m!.re).toBe(0) // refused before parsing: it never learned the seq
    expect(await c.waitClosed()).toBe(true)
  })
})

describe('pre-auth caps, by behaviour', () => {
  it('the fifth stranger from one address is told the agent is busy, while another address is served', async () => {
    const port = await agent()
    for (let i = 0; i < 4; i++) await connect(port, '127.0.0.1')
    const fifth = await connect(port, '127.0.0.1')
    expect(await fifth.next(() => true, 1000)).toMatchObject({
      type: 'error',
      error: { code: 'ZC_BUSY', message: expect.stringMatching(/not said hello/) }
    })
    await greet(port, '127.0.0.2')
  })

  it('64 strangers in all: the 65th, from an address of its own, is told the agent is busy', async () => {
    const port = await agent()
    // 16 addresses × 4 each: every per-address allowance within bounds, the total full
    for (let a = 1; a <= 16; a++) for (let i = 0; i < 4; i++) await connect(port, `127.0.1.${a}`)
    const extra = await connect(port, '127.0.2.1')
    expect(await extra.next(() => true, 1000)).toMatchObject({
      type: 'error',
      error: { code: 'ZC_BUSY', message: expect.stringMatching(/not said hello/) }
    })
  })
})
