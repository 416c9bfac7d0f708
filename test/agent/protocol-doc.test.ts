// docs/protocol.md lists every field of every message an agent sends. A real agent
// serves a real trial here, and each message it sent is held against that list both
// ways: nothing undocumented on the wire, nothing documented missing from it.

import { readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '../../src/main/agent/agent-client'
import { AgentServer } from '../../src/main/agent/agent-server'
import { encodeFrame, FrameDecoder, newNonce, PROTOCOL_VERSION } from '../../src/main/agent/protocol'
import * as native from '../../src/native'
import { randomFile } from '../helpers'
import { greet, PREPARE, RawControl } from './control-client'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import type { Report } from '../../src/shared/report'

/** the "Message fields" list: shape name → [field, optional] */
function documented(): Map<string, { name: string; optional: boolean }[]> {
  const text = readFileSync(path.join(__dirname, '../../docs/protocol.md'), 'utf8')
  const section = text.slice(text.indexOf('## Message fields'), text.indexOf('## Versioning'))
  const shapes = new Map<string, { name: string; optional: boolean }[]>()
  for (const line of section.split('\n')) {
    const m = /^- \*\*`([\w.[\]-]+)`\*\*(?: \([^)]*\))?: (.*)$/.exec(line)
    if (!m) continue
    const fields = [...m[2].matchAll(/`(\w+)(\?)?`/g)].map((f) => ({ name: f[1], optional: f[2] === '?' }))
    shapes.set(m[1], fields)
  }
  // "the fields of `progress`, and …": the result repeats progress's
  const result = shapes.get('result.streams[i].result')!
  shapes.set('result.streams[i].result', [...shapes.get('progress')!, ...result.filter((f) => f.name !== 'progress')])
  return shapes
}

function expectShape(shapes: ReturnType<typeof documented>, shape: string, value: unknown): void {
  const fields = shapes.get(shape)
  expect(fields, `docs/protocol.md lists no fields for ${shape}`).toBeDefined()
  const keys = Object.keys(value as object).sort()
  const known = fields!.map((f) => f.name)
  expect(
    keys.filter((k) => !known.includes(k)),
    `${shape}: on the wire but not in docs/protocol.md`
  ).toEqual([])
  expect(
    fields!.filter((f) => !f.optional && !keys.includes(f.name)).map((f) => f.name),
    `${shape}: in docs/protocol.md but not on the wire`
  ).toEqual([])
}

let server: AgentServer
let port: number
beforeAll(async () => {
  server = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, environment: async () => null })
  port = ((await server.listen()) as { port: number }).port
})
afterAll(() => server.close())

describe('docs/protocol.md', () => {
  it('lists every field of every message a real agent sends, and no other', async () => {
    const shapes = documented()
    const client = await AgentClient.connect({ host: '127.0.0.1', port })
    const hello = client.hello!
    expectShape(shapes, 'hello', hello)
    expectShape(shapes, 'limits', hello.limits)

    const prepared = await client.request({ ...PREPARE, streams: 2 })
    expectShape(shapes, 'prepared', prepared)
    expectShape(shapes, 'prepared.streams[i]', prepared.streams[0])

    // a detailed sample while the receivers wait to accept: progress, counters with their
    // splits, the host (a receiver thread has counters once it has started)
    let sample = await client.request({ type: 'sample', trial: prepared.trial, detail: true })
    for (let i = 0; i < 200 && !sample.streams.every((s) => s.counters); i++) {
      await new Promise((r) => setTimeout(r, 10))
      sample = await client.request({ type: 'sample', trial: prepared.trial, detail: true })
    }
    expectShape(shapes, 'sample', sample)
    expect(sample.streams).toHaveLength(2)
    expectShape(shapes, 'sample.streams[i]', sample.streams[0])
    expectShape(shapes, 'progress', sample.streams[0].progress)
    expectShape(shapes, 'counters', sample.streams[0].counters)
    expectShape(shapes, 'counters.sources', sample.streams[0].counters!.sources)
    expectShape(shapes, 'host', sample.host)

    const file = randomFile(4 * 1024 * 1024 + 3)
    const senders = prepared.streams.map((s) =>
      native.startSender({
        method: 'sendfile',
        file,
        chunkBytes: 65536,
        target: { family: 'inet', host: '127.0.0.1', port: s.port }
      })
    )
    await Promise.all(senders.map((s) => s.done))
    const result = await client.result(prepared.trial, 10_000)
    expectShape(shapes, 'result', result)
    expectShape(shapes, 'result.streams[i]', result.streams[0])
    expectShape(shapes, 'result.streams[i].result', result.streams[0].result)
    expectShape(shapes, 'counters', result.streams[0].result!.counters)
    expectShape(shapes, 'host', result.hostEnd)
    expect(result.streams.map((s) => s.result!.bytes)).toEqual([4 * 1024 * 1024 + 3, 4 * 1024 * 1024 + 3])

    expectShape(shapes, 'ok', await client.request({ type: 'cancel', trial: prepared.trial }))
    client.close()

    // the handshake of an agent with a token: its challenge, and its hello with a proof
    const guarded = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, token: 'doc-test-token-1234567' })
    const guardedPort = ((await guarded.listen()) as { port: number }).port
    const challenged = await RawControl.connect(guardedPort)
    challenged.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: newNonce() })
    expectShape(shapes, 'challenge', await challenged.reply(1))
    challenged.close()
    const proven = await AgentClient.connect(
      { host: '127.0.0.1', port: guardedPort },
      { token: 'doc-test-token-1234567' }
    )
    expect(proven.hello!.proof).toBeDefined()
    expectShape(shapes, 'hello', proven.hello)
    proven.close()
    await guarded.close()

    // a send job's messages (its sender a stand-in: what is checked is what travels)
    const sender = new AgentServer({
      address: { host: '127.0.0.1', port: 0 },
      token: 'doc-test-token-1234567',
      sender: async (r) => (r.onProgress(1, 1, 'round 1 copy'), { schemaVersion: 0 } as unknown as Report)
    })
    const senderPort = ((await sender.listen()) as { port: number }).port
    const asker = await RawControl.connect(senderPort)
    await greet(asker, 'doc-test-token-1234567')
    asker.send({ type: 'send', seq: 2, plan: { ...DEFAULT_PLAN, targets: ['agent://127.0.0.1:7733'] } })
    expectShape(shapes, 'sending', await asker.reply(2))
    expectShape(shapes, 'send-progress', await asker.next((m) => m.type === 'send-progress'))
    expectShape(shapes, 'send-report', await asker.next((m) => m.type === 'send-report'))
    expectShape(shapes, 'send-end', await asker.next((m) => m.type === 'send-end'))
    asker.close()
    await sender.close()

    // an error reply, as it arrives
    const raw = await RawControl.connect(port)
    raw.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION })
    await raw.reply(1)
    raw.send({ type: 'prepare', seq: 2, mode: 'sideways' })
    const error = (await raw.reply(2))!
    expect(error.type).toBe('error')
    expectShape(shapes, 'error', error)
    raw.close()
  })
})

describe('a typed client', () => {
  it('refuses a reply of another type than its call expects', async () => {
    // an "agent" that answers every request after hello with ok
    const liar = net.createServer((sock) => {
      const decoder = new FrameDecoder()
      sock.on('data', (chunk) => {
        decoder.push(chunk)
        for (let m = decoder.next(); m; m = decoder.next()) {
          const msg = m as { type: string; seq: number }
          if (msg.type === 'hello')
            sock.write(
              encodeFrame({
                type: 'hello',
                re: msg.seq,
                version: PROTOCOL_VERSION,
                tool: { name: 'zcprof', version: 'x' },
                receiverModes: ['read'],
                families: ['inet'],
                limits: {},
                environment: null,
                cpus: [0]
              })
            )
          else sock.write(encodeFrame({ type: 'ok', re: msg.seq }))
        }
      })
    })
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r))
    const client = await AgentClient.connect({ host: '127.0.0.1', port: (liar.address() as net.AddressInfo).port })
    await expect(client.request({ type: 'sample', trial: 1 })).rejects.toMatchObject({
      code: 'ZC_PROTOCOL',
      message: expect.stringMatching(/answered 'sample' with 'ok', not 'sample'/)
    })
    client.close()
    liar.close()
  })
})
