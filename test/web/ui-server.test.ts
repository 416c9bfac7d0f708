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
let letImportEnd = () => {}
// a fake API: the server's job is the transport, not the engine
const api = {
  capabilities: async () => ({ version: 'test' }),
  importReport: async (name: string, text: string) => {
    // an import named hold… runs until the test lets it end
    if (name.startsWith('hold')) await new Promise<void>((r) => (letImportEnd = r))
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

/** a server on a random loopback port over the fake API, and its port */
async function startTestUi(token: string): Promise<[UiServer, number]> {
  const s = await startUiServer({
    host: '127.0.0.1',
    port: 0,
    rendererDir: path.join(__dirname, '../../out/renderer'),
    api,
    token
  })
  return [s, Number(new URL(s.origin).port)]
}

beforeAll(async () => {
  ;[ui, port] = await startTestUi(TOKEN)
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

/** this instance's cookie, as the browser sends it after a link was opened */
const own = () => ({ Cookie: `zcprof_token_${port}=${TOKEN}` })
const alive = async () => expect(await get('/', own())).toMatch(/^HTTP\/1\.1 200/)

describe('malformed requests get 4xx and the server lives on', () => {
  it.each([
    ['a cookie that is a lone %', '/', () => ({ Cookie: `zcprof_token_${port}=%` })],
    ['a cookie with a broken escape', '/', () => ({ Cookie: `zcprof_token_${port}=%E0%A4%A` })],
    ['a path with a broken escape', '/%E0', own],
    ['a path with a NUL', '/%00', own],
    ['an absolute-form request line naming a bad host', 'http://[zz', () => ({})],
    ['an absolute-form request line naming another server', 'http://evil.example/', own]
  ])('%s', async (_what, target, headers) => {
    expect(await get(target, headers())).toMatch(/^HTTP\/1\.1 4\d\d/)
    await alive()
  })

  it('a WebSocket upgrade with a malformed cookie', async () => {
    const status = await raw(
      `GET /api HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: ${ui.origin}\r\n` +
        `Cookie: zcprof_token_${port}=%\r\n\r\n`
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
    expect(await get('/', { ...own(), Host: `evil.example:${port}` })).toMatch(/^HTTP\/1\.1 421/)
    expect(await get('/', { ...own(), Host: `127.0.0.1:${port + 1}` })).toMatch(/^HTTP\/1\.1 421/)
    expect(await get('/', { ...own(), Host: '' })).toMatch(/^HTTP\/1\.1 4\d\d/)
  })
  it('answers its loopback names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`])
      expect(await get('/', { ...own(), Host: host })).toMatch(/^HTTP\/1\.1 200/)
  })
  it('refuses a WebSocket under another name', async () => {
    const status = await new Promise<number | 'open'>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
        headers: { Host: `evil.example:${port}`, Origin: ui.origin, Cookie: `zcprof_token_${port}=${TOKEN}` }
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
      headers: { Origin: ui.origin, Cookie: `zcprof_token_${port}=${TOKEN}` }
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
  it('a 5 MiB message with two "call" keys (importReport first, startRun last) is refused: the cap follows the call that runs', async () => {
    calls.length = 0
    const pad = 'x'.repeat(5 * 1024 * 1024)
    // written by hand: JSON.stringify cannot repeat a key
    ws.send(`{"id":7,"call":"importReport","call":"startRun","args":[{"pad":"${pad}"}]}`)
    expect((await next()).error?.message).toMatch(/startRun of \d+ bytes is over the 65536/)
    expect(calls).toEqual([])
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

describe('one large message arrives at a time, across pages', () => {
  /** a page's socket and the answers it has had */
  async function page() {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, {
      headers: { Origin: ui.origin, Cookie: `zcprof_token_${port}=${TOKEN}` }
    })
    const got: { id: number | null; result?: unknown }[] = []
    ws.on('message', (d) => got.push(JSON.parse(d.toString())))
    await new Promise((r) => ws.once('open', r))
    return { ws, got }
  }
  const settle = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const until = async (cond: () => boolean) => {
    for (let i = 0; i < 300 && !cond(); i++) await settle(10)
    return cond()
  }

  it('a second import waits, unread, while the first is half sent; small calls do not', async () => {
    const a = await page()
    const b = await page()
    const c = await page()
    try {
      const big = (id: number) =>
        JSON.stringify({ id, call: 'importReport', args: [`${id}.json`, 'r'.repeat(1 << 20)] })
      const first = big(1)
      // page A sends half of a 1 MiB import and stops: it holds the gate
      a.ws.send(first.slice(0, first.length / 2), { fin: false })
      await settle(100)
      // page B's whole 1 MiB import is not read while A's is in flight
      b.ws.send(big(2))
      // page C's small call is answered meanwhile
      c.ws.send(JSON.stringify({ id: 3, call: 'capabilities', args: [] }))
      expect(await until(() => c.got.length === 1)).toBe(true)
      await settle(300)
      expect(b.got).toEqual([])
      // A's last frame arrives: A is answered, then B is read and answered
      a.ws.send(first.slice(first.length / 2), { fin: true })
      expect(await until(() => a.got.length === 1 && b.got.length === 1)).toBe(true)
      expect(a.got[0].result).toEqual({ ok: true, value: { id: '1.json' } })
      expect(b.got[0].result).toEqual({ ok: true, value: { id: '2.json' } })
    } finally {
      for (const p of [a, b, c]) p.ws.close()
    }
  })

  it('and while the first is being imported: one large message is held at a time, not two', async () => {
    const a = await page()
    const b = await page()
    try {
      const big = (name: string) => JSON.stringify({ id: 1, call: 'importReport', args: [name, 'r'.repeat(300_000)] })
      a.ws.send(big('hold.json'))
      await settle(100)
      b.ws.send(big('2.json'))
      await settle(300)
      expect(b.got).toEqual([])
      letImportEnd()
      expect(await until(() => a.got.length === 1 && b.got.length === 1)).toBe(true)
    } finally {
      a.ws.close()
      b.ws.close()
    }
  })

  it('a call of exactly the small cap (its frame is a little more) does not keep the gate from the next import', async () => {
    const a = await page()
    const b = await page()
    try {
      const head = JSON.stringify({ id: 1, call: 'capabilities', args: [], pad: '' })
      const call = head.replace('"pad":""', `"pad":"${'p'.repeat(MESSAGE_CAP_BYTES.other - head.length)}"`)
      expect(call.length).toBe(MESSAGE_CAP_BYTES.other)
      a.ws.send(call)
      expect(await until(() => a.got.length === 1)).toBe(true)
      b.ws.send(JSON.stringify({ id: 7, call: 'importReport', args: ['7.json', 'r'.repeat(300_000)] }))
      expect(await until(() => b.got.length === 1)).toBe(true)
    } finally {
      a.ws.close()
      b.ws.close()
    }
  })

  it('a page that leaves mid-message lets the next one in', async () => {
    const a = await page()
    const b = await page()
    try {
      a.ws.send('{"id":1,"call":"importReport","args":["1.json","' + 'r'.repeat(300_000), { fin: false })
      await settle(100)
      b.ws.send(JSON.stringify({ id: 2, call: 'importReport', args: ['2.json', 'r'.repeat(300_000)] }))
      await settle(200)
      expect(b.got).toEqual([])
      a.ws.terminate()
      expect(await until(() => b.got.length === 1)).toBe(true)
    } finally {
      b.ws.close()
    }
  })
})

/** the whole answer to a GET: status, headers (lower-case names), as a raw socket sees them */
function answer(
  target: string,
  headers: Record<string, string>,
  p = port
): Promise<{ status: number; headers: Record<string, string> }> {
  return new Promise((resolve) => {
    const s = net.connect(p, '127.0.0.1', () =>
      s.write(
        `GET ${target} HTTP/1.1\r\n` +
          Object.entries({ Host: `127.0.0.1:${p}`, Connection: 'close', ...headers })
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join('') +
          '\r\n'
      )
    )
    let got = ''
    s.on('data', (d) => (got += d.toString('latin1')))
    s.on('close', () => {
      const [head] = got.split('\r\n\r\n')
      const [status, ...lines] = head.split('\r\n')
      const h: Record<string, string> = {}
      for (const l of lines) h[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim()
      resolve({ status: Number(status.split(' ')[1] ?? 0), headers: h })
    })
    s.on('error', () => undefined)
  })
}

/** what a WebSocket upgrade to /api gets: 'open', or the HTTP status that refused it */
function upgrade(headers: Record<string, string>, p = port): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${p}/api`, { headers })
    ws.on('open', () => (ws.close(), resolve('open')))
    ws.on('unexpected-response', (_q, r) => resolve(r.statusCode ?? 0))
    ws.on('error', () => resolve(0))
  })
}

const codeOf = (link: string) => new URL(link).searchParams.get('code')!

describe('the cookie belongs to one instance (its port in the name)', () => {
  const OTHER_TOKEN = 'other-token-9876543210'
  let other: UiServer
  let otherPort = 0
  beforeAll(async () => {
    ;[other, otherPort] = await startTestUi(OTHER_TOKEN)
  })
  afterAll(() => other.close())

  it('a link sets zcprof_token_<port>, HttpOnly, SameSite=Strict, Path=/', async () => {
    const r = await answer(`/?code=${codeOf(ui.newLink())}`, {})
    expect(r.headers['set-cookie']).toBe(`zcprof_token_${port}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`)
  })
  it('each server accepts only its own cookie name; another port’s is ignored', async () => {
    const mine = `zcprof_token_${port}=${TOKEN}`
    const theirs = `zcprof_token_${otherPort}=${OTHER_TOKEN}`
    expect((await answer('/', { Cookie: mine })).status).toBe(200)
    expect((await answer('/', { Cookie: theirs })).status).toBe(403)
    expect((await answer('/', { Cookie: theirs }, otherPort)).status).toBe(200)
    expect((await answer('/', { Cookie: mine }, otherPort)).status).toBe(403)
    // the right token under another port's name, or the old shared name, is not this instance's cookie
    expect((await answer('/', { Cookie: `zcprof_token_${otherPort}=${TOKEN}` })).status).toBe(403)
    expect((await answer('/', { Cookie: `zcprof_token=${TOKEN}` })).status).toBe(403)
    expect(await upgrade({ Origin: ui.origin, Cookie: `zcprof_token_${otherPort}=${TOKEN}` })).toBe(403)
    // both browsers' cookies side by side: each server still finds its own
    expect((await answer('/', { Cookie: `${theirs}; ${mine}` })).status).toBe(200)
  })
  it('a same-named cookie tossed in by another local page does not lock the owner out', async () => {
    expect((await answer('/', { Cookie: `zcprof_token_${port}=junk; zcprof_token_${port}=${TOKEN}` })).status).toBe(200)
  })
})

describe('a link holds a one-time code, never the token', () => {
  it('the link has no token; its code works once and redirects to the bare address', async () => {
    const link = ui.newLink()
    expect(link).not.toContain(TOKEN)
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/\\?code=[A-Za-z0-9_-]{20,}$`))
    const first = await answer(`/?code=${codeOf(link)}`, {})
    expect(first.status).toBe(303)
    expect(first.headers.location).toBe('/')
    expect((await answer(`/?code=${codeOf(link)}`, {})).status).toBe(403)
  })
  it('a guessed code, an empty one, or the token itself in the URL is refused', async () => {
    for (const q of ['code=guess', 'code=', `token=${TOKEN}`, `code=${TOKEN}`])
      expect((await answer(`/?${q}`, {})).status).toBe(403)
  })
  it('an expired code is refused', async () => {
    const quick = await startUiServer({
      host: '127.0.0.1',
      port: 0,
      rendererDir: path.join(__dirname, '../../out/renderer'),
      api,
      codeLifetimeMs: 30
    })
    const p = Number(new URL(quick.origin).port)
    await new Promise((r) => setTimeout(r, 80))
    expect((await answer(`/?code=${codeOf(quick.url)}`, {}, p)).status).toBe(403)
    // a fresh one, used in time, still works
    expect((await answer(`/?code=${codeOf(quick.newLink())}`, {}, p)).status).toBe(303)
    await quick.close()
  })
})

describe('the WebSocket answers only its own page’s origin', () => {
  const cookie = () => `zcprof_token_${port}=${TOKEN}`
  it('refuses a foreign Origin, another local port, or none, even with the cookie', async () => {
    expect(await upgrade({ Origin: 'http://evil.example', Cookie: cookie() })).toBe(403)
    expect(await upgrade({ Origin: `http://127.0.0.1:${port + 1}`, Cookie: cookie() })).toBe(403)
    expect(await upgrade({ Cookie: cookie() })).toBe(403)
    // a page on 127.0.0.1 is not the page on localhost
    expect(await upgrade({ Host: `localhost:${port}`, Origin: ui.origin, Cookie: cookie() })).toBe(403)
  })
  it('opens for the page under each loopback name it was loaded by', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`])
      expect(await upgrade({ Host: host, Origin: `http://${host}`, Cookie: cookie() })).toBe('open')
  })
})

describe('beyond loopback', () => {
  const start = (allowHosts?: string[]) =>
    startUiServer({
      host: '0.0.0.0',
      port: 0,
      rendererDir: path.join(__dirname, '../../out/renderer'),
      api,
      token: TOKEN,
      allowHosts
    })
  it('is refused without the host names browsers will use', async () => {
    await expect(start()).rejects.toThrow(/beyond this host.*--allow-host/)
  })
  it('refuses an allowed name with a scheme or a port, naming it', async () => {
    for (const name of ['lab.example:8080', 'bad:8080', 'http://lab.example', 'lab example'])
      await expect(start([name])).rejects.toThrow(`--allow-host ${name}: give a bare host name`)
  })
  it('answers the allowed names and loopback, page and WebSocket; nothing else', async () => {
    const wide = await start(['Zcprof-Test.example'])
    const p = Number(new URL(wide.origin).port)
    expect(wide.loopbackOnly).toBe(false)
    expect(wide.url).toMatch(new RegExp(`^http://zcprof-test\\.example:${p}/\\?code=`))
    const c = { Cookie: `zcprof_token_${p}=${TOKEN}` }
    expect((await answer('/', { ...c, Host: `zcprof-test.example:${p}` }, p)).status).toBe(200)
    expect((await answer('/', { ...c, Host: `localhost:${p}` }, p)).status).toBe(200)
    expect((await answer('/', { ...c, Host: `other.example:${p}` }, p)).status).toBe(421)
    expect((await answer('/', { ...c, Host: `0.0.0.0:${p}` }, p)).status).toBe(421)
    const host = `zcprof-test.example:${p}`
    expect(await upgrade({ ...c, Host: host, Origin: `http://${host}` }, p)).toBe('open')
    await wide.close()
  })
})
