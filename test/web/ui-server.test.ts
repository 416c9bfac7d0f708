// Browser mode's server against hostile requests: malformed cookies, URLs and request
// lines get 4xx and the server keeps serving; only its own Host is answered; each
// WebSocket message is capped by the call it makes.

import net from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ZcprofApi } from '../../src/shared/api'
import { MAX_REPORT_BYTES } from '../../src/shared/report'
import { MESSAGE_CAP_BYTES, startUiServer, type UiServer } from '../../src/main/web/ui-server'

const TOKEN = 'test-token-0123456789'
const calls: { call: string; bytes: number }[] = []
// a fake API: the server's job is the transport, not the engine
const api = {
  capabilities: async () => ({ version: 'test' }),
  importReport: async (name: string, text: string) => {
    calls.push({ call: 'importReport', bytes: text.length })
    return { ok: true, value: { id: name } }
  },
  library: async () => {
    throw new Error('library exploded')
  },
  startRun: async (plan: unknown) => {
    calls.push({ call: 'startRun', bytes: JSON.stringify(plan).length })
    return { ok: true, runId: 'r' }
  },
  onEvent: () => () => {}
} as unknown as ZcprofApi

let ui: UiServer
let port = 0

beforeAll(async () => {
  ui = await startUiServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir: path.join(__dirname, '../../out/renderer'),
    api,
    token: TOKEN
  })
  port = Number(new URL(ui.origin).port)
})
afterAll(() => ui.close())

/** a raw request, exactly as written, and the status line of the answer ('' if the socket just closed) */
function raw(request: string): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request))
    let got = ''
    s.on('data', (d) => (got += d.toString('latin1')))
    s.on('error', () => resolve(got.split('\r\n')[0]))
    s.on('close', () => resolve(got.split('\r\n')[0]))
    s.setTimeout(3000, () => s.destroy())
  })
}

const get = (target: string, headers: Record<string, string> = {}) =>
  raw(
    `GET ${target} HTTP/1.1\r\n` +
      Object.entries({ Host: `127.0.0.1:${port}`, Connection: 'close', ...headers })
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      '\r\n'
  )

const alive = async () => expect(await get(`/?token=${TOKEN}`)).toMatch(/^HTTP\/1\.1 200/)

describe('malformed requests get 4xx and the server lives on', () => {
  it.each([
    ['a cookie that is a lone %', '/', { Cookie: 'zcprof_token=%' }],
    ['a cookie with a broken escape', '/', { Cookie: 'zcprof_token=%E0%A4%A' }],
    ['a path with a broken escape, token in the URL', `/%E0?token=${TOKEN}`, {}],
    ['a path with a NUL', `/%00?token=${TOKEN}`, {}],
    ['an absolute-form request line naming a bad host', 'http://[zz', {}],
    ['an absolute-form request line naming another server', `http://evil.example/?token=${TOKEN}`, {}]
  ])('%s', async (_what, target, headers) => {
    expect(await get(target, headers)).toMatch(/^HTTP\/1\.1 4\d\d/)
    await alive()
  })

  it('a WebSocket upgrade with a malformed cookie', async () => {
    const status = await raw(
      `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${ui.origin}\r\n` +
        'Cookie: zcprof_token=%\r\n\r\n'
    )
    expect(status).toMatch(/^HTTP\/1\.1 4\d\d/)
    await alive()
  })

  it('garbage that is not HTTP at all', async () => {
    expect(await raw('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n')).toMatch(/^(HTTP\/1\.1 400|)/)
    await alive()
  })
})

describe('only its own Host is answered (DNS rebinding)', () => {
  it('refuses another name, even with the token', async () => {
    expect(await get(`/?token=${TOKEN}`, { Host: `evil.example:${port}` })).toMatch(/^HTTP\/1\.1 421/)
    expect(await get(`/?token=${TOKEN}`, { Host: `127.0.0.1:${port + 1}` })).toMatch(/^HTTP\/1\.1 421/)
    expect(await get(`/?token=${TOKEN}`, { Host: '' })).toMatch(/^HTTP\/1\.1 4\d\d/)
  })
  it('answers its loopback names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`])
      expect(await get(`/?token=${TOKEN}`, { Host: host })).toMatch(/^HTTP\/1\.1 200/)
  })
  it('refuses a WebSocket under another name', async () => {
    const status = await new Promise<number | 'open'>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
        headers: { Host: `evil.example:${port}`, Origin: ui.origin, Cookie: `zcprof_token=${TOKEN}` }
      })
      ws.on('open', () => (ws.close(), resolve('open')))
      ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0))
      ws.on('error', () => resolve(0))
    })
    expect(status).toBe(421)
  })
})

describe('WebSocket messages', () => {
  let ws: WebSocket
  const answers: { id: number | null; result?: unknown; error?: { message: string } }[] = []
  beforeAll(async () => {
    ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
      headers: { Origin: ui.origin, Cookie: `zcprof_token=${TOKEN}` }
    })
    ws.on('message', (d) => answers.push(JSON.parse(d.toString())))
    await new Promise((r) => ws.once('open', r))
  })
  afterAll(() => ws.close())
  const next = async () => {
    const n = answers.length
    for (let i = 0; i < 200 && answers.length === n; i++) await new Promise((r) => setTimeout(r, 10))
    return answers[n]
  }

  it('a call other than importReport is capped at 64 KiB, and refused before it is parsed', async () => {
    calls.length = 0
    const plan = { pad: 'x'.repeat(MESSAGE_CAP_BYTES.other) }
    ws.send(JSON.stringify({ id: 1, call: 'startRun', args: [plan] }))
    const a = await next()
    expect(a.error?.message).toMatch(/startRun of \d+ bytes is over the 65536/)
    expect(calls).toEqual([])
    // a big message that hides its call is refused too
    ws.send(JSON.stringify({ args: [plan], id: 2, call: 'importReport' }))
    expect((await next()).error?.message).toMatch(/over the 65536/)
  })
  it('importReport may carry a report as big as a report may be', async () => {
    calls.length = 0
    const text = 'y'.repeat(5 * 1024 * 1024)
    ws.send(JSON.stringify({ id: 3, call: 'importReport', args: ['a.json', text] }))
    expect((await next()).result).toEqual({ ok: true, value: { id: 'a.json' } })
    expect(calls).toEqual([{ call: 'importReport', bytes: text.length }])
    expect(MESSAGE_CAP_BYTES.importReport).toBeGreaterThan(MAX_REPORT_BYTES)
  })
  it('not JSON, not an object, binary, or a throwing call: each answered, the socket stays', async () => {
    ws.send('{')
    expect((await next()).error?.message).toBe('not JSON')
    ws.send('null')
    expect((await next()).error?.message).toBe('not a call')
    ws.send(Buffer.from('{"id":4}'), { binary: true })
    expect((await next()).error?.message).toMatch(/binary/)
    ws.send(JSON.stringify({ id: 5, call: 'library', args: [] }))
    expect(await next()).toEqual({ id: 5, error: { message: 'library exploded' } })
    ws.send(JSON.stringify({ id: 6, call: 'capabilities', args: [] }))
    expect((await next()).result).toEqual({ version: 'test' })
  })
})
