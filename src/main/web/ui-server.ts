// Browser mode: serves the renderer and bridges ZcprofApi over a WebSocket.
// Every request needs the run's random token in this instance's own cookie (its name
// carries the port, so two instances on one host keep theirs apart). The token never
// travels in a URL: a link holds a one-time code the server swaps once for the cookie,
// then redirects to the bare address. A Host header must name this server (so a
// rebound DNS name gets nothing) and the WebSocket's Origin must be the page it was
// asked from. Loopback unless told otherwise; beyond it, only the names allowed. No request, however
// malformed, may end the process: each handler answers 4xx instead of throwing.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { APP_CSP } from '../../shared/csp'
import { MAX_REPORT_BYTES } from '../../shared/report'
import { API_CALLS, type ApiCall, type ZcprofApi } from '../../shared/api'
import { isLoopbackIp } from '../../shared/targets'
import { LargeMessageGate } from './large-message-gate'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json'
}
/** the cookie that carries the token: one name per port, so instances do not overwrite each other */
export const cookieName = (port: number) => `zcprof_token_${port}`
/** how long a link's one-time code may wait to be opened */
export const CODE_LIFETIME_MS = 60_000

export interface UiServerOptions {
  host: string
  port: number
  rendererDir: string
  api: ZcprofApi
  /** fixed for tests; random otherwise */
  token?: string
  /** host names browsers may use beyond loopback (--allow-host); required to listen beyond it */
  allowHosts?: readonly string[]
  /** how long a code stays good; shorter in tests */
  codeLifetimeMs?: number
}

export interface UiServer {
  /** a link with a fresh one-time code: opens the UI once */
  url: string
  origin: string
  token: string
  /** another link, with its own one-time code */
  newLink(): string
  /** false when listening beyond loopback: the traffic, cookie included, crosses the network in clear */
  loopbackOnly: boolean
  close(): Promise<void>
}

function same(a: string, b: string | undefined | null): boolean {
  if (typeof b !== 'string') return false
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** decodeURIComponent that answers null for malformed escapes (`%`, `%E0`) instead of throwing */
export function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text)
  } catch {
    return null
  }
}

/** every value the request carries for this instance's cookie (another page may have added one of the same name) */
function cookieTokens(req: http.IncomingMessage, name: string): string[] {
  const out: string[] = []
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=')
    const value = k === name ? safeDecode(v ?? '') : null
    if (value !== null) out.push(value)
  }
  return out
}

/** the request's path and query, or null when the request line is not a usable URL */
function requestUrl(req: http.IncomingMessage): URL | null {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost')
    // an absolute-form request line (GET http://other/...) names another server
    return url.host === 'localhost' ? url : null
  } catch {
    return null
  }
}

/**
 * The Host values this server answers to: its bound address, the loopback names for
 * it, and the name it was asked to listen on. Anything else is a rebound DNS name.
 */
export function allowedHosts(
  listenHost: string,
  bound: string,
  port: number,
  extra: readonly string[] = []
): Set<string> {
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h)
  const names = new Set([...extra, bound, listenHost].filter((h) => !isWildcard(h)))
  // a wildcard listens on loopback too
  if (isLoopbackIp(bound) || isWildcard(bound)) for (const n of ['127.0.0.1', 'localhost', '::1']) names.add(n)
  return new Set([...names].map((h) => `${bracket(h).toLowerCase()}:${port}`))
}

const isWildcard = (ip: string) => ip === '0.0.0.0' || ip === '::' || ip === '::ffff:0.0.0.0'

/**
 * The largest WebSocket message each call may send: a report being imported may be
 * as big as a report may be; every other call carries a plan or an id.
 */
export const MESSAGE_CAP_BYTES = { importReport: MAX_REPORT_BYTES + 64 * 1024, other: 64 * 1024 } as const
/** a browser that stops reading its events is cut off past this much queued output */
const MAX_QUEUED_BYTES = 16 * 1024 * 1024

/** the call a message names, read from its first bytes so a big one is refused before it is parsed */
function callNamed(data: Buffer): string | null {
  const m = /^\s*\{\s*"id"\s*:\s*(?:\d+|null)\s*,\s*"call"\s*:\s*"([A-Za-z]{1,40})"/.exec(
    data.subarray(0, 200).toString('latin1')
  )
  return m ? m[1] : null
}

/** the --allow-host names, lower case; a name with a port or a scheme is refused */
function allowHostNames(names: readonly string[]): string[] {
  const allow = names.map((h) => h.trim().toLowerCase()).filter((h) => h !== '')
  // a name with a port or a scheme would never match a Host header: say so instead of answering 421 later
  const badName = allow.find((h) => net.isIP(h) === 0 && !/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.?)+$/.test(h))
  if (badName !== undefined)
    throw new Error(
      `--allow-host ${badName}: give a bare host name or address, without scheme or port (e.g. --allow-host lab-7.example)`
    )
  return allow
}

/** the links' one-time codes, each good once within lifetimeMs */
function oneTimeCodes(lifetimeMs: number): { mintCode: () => string; spend: (code: string) => boolean } {
  /** code -> when it stops being good (ms) */
  const codes = new Map<string, number>()
  const mintCode = () => {
    const now = Date.now()
    for (const [c, until] of codes) if (until <= now) codes.delete(c)
    const code = randomBytes(18).toString('base64url')
    codes.set(code, now + lifetimeMs)
    return code
  }
  /** true once for a good code: it is spent whatever the answer */
  const spend = (code: string) => {
    const until = codes.get(code)
    codes.delete(code)
    return until !== undefined && until > Date.now()
  }
  return { mintCode, spend }
}

/** a file of the built UI under root, for a request already let in; nothing outside root */
function serveFile(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  root: string,
  headers: Record<string, string>
): void {
  const plain = { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }
  const decoded = safeDecode(url.pathname)
  if (decoded === null || decoded.includes('\0')) {
    res.writeHead(400, plain).end('zcprof: malformed path\n')
    return
  }
  const rel = url.pathname === '/' ? 'index.html' : decoded.replace(/^\/+/, '')
  const file = path.resolve(root, rel)
  if (!file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, headers).end('not found')
    return
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream'
  })
  res.end(req.method === 'HEAD' ? undefined : readFileSync(file))
}

/**
 * listens; beyond loopback only with the names browsers will use (Host checks need
 * them), else it closes again and says which to give
 */
async function listenNamed(
  server: http.Server,
  host: string,
  port: number,
  allow: readonly string[]
): Promise<{ address: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  const a = server.address() as { address: string; port: number }
  if (!isLoopbackIp(a.address) && allow.length === 0) {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    throw new Error(
      `listening on ${host} reaches beyond this host: name the host names browsers will use, ` +
        `e.g. --allow-host ${os.hostname()} (comma-separated for several)`
    )
  }
  return a
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  if (!existsSync(path.join(opts.rendererDir, 'index.html'))) {
    throw new Error(`the UI is not built (${opts.rendererDir}/index.html is missing): run \`npm run build\``)
  }
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const allow = allowHostNames(opts.allowHosts ?? [])
  const root = path.resolve(opts.rendererDir)
  const lifetimeMs = opts.codeLifetimeMs ?? CODE_LIFETIME_MS
  let origin = ''
  let cookie = ''
  const { mintCode, spend } = oneTimeCodes(lifetimeMs)

  const authorised = (req: http.IncomingMessage) => cookieTokens(req, cookie).some((v) => same(token, v))
  /** the page's own origin, as the Host it was asked by names it */
  const sameOrigin = (req: http.IncomingMessage) =>
    (req.headers.origin ?? '').toLowerCase() === `http://${(req.headers.host ?? '').toLowerCase()}`

  let hosts = new Set<string>()
  const hostOk = (req: http.IncomingMessage) => hosts.has((req.headers.host ?? '').toLowerCase())

  const server = http.createServer((req, res) => {
    try {
      serve(req, res)
    } catch (e) {
      // a bug in serving one file must not end the server: say so to that client only
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`zcprof: internal error: ${(e as Error).message}\n`)
    }
  })
  // a request Node cannot parse at all gets 400 and the socket closes
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const headers = {
      'Content-Security-Policy': APP_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store'
    }
    const plain = { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }
    if (!hostOk(req)) {
      res
        .writeHead(421, plain)
        .end(`zcprof: this server does not answer to Host ${JSON.stringify(req.headers.host ?? '')}\n`)
      return
    }
    const url = requestUrl(req)
    if (!url) {
      res.writeHead(400, plain).end('zcprof: malformed request URL\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end('only GET')
      return
    }
    const code = url.searchParams.get('code')
    if (code !== null) {
      if (!spend(code)) {
        res
          .writeHead(403, plain)
          .end(
            'zcprof: this link was used or has expired: each opens once, within a minute; send `zcprof ui` SIGUSR2 (kill -USR2 PID) for a new one\n'
          )
        return
      }
      // the code becomes the cookie, and the address bar and history keep only the bare address
      res
        .writeHead(303, {
          ...plain,
          'Set-Cookie': `${cookie}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
          Location: '/'
        })
        .end()
      return
    }
    if (!authorised(req)) {
      res
        .writeHead(403, plain)
        .end('zcprof: this page needs a link printed by `zcprof ui` (kill -USR2 its PID prints a new one)\n')
      return
    }
    serveFile(req, res, url, root, headers)
  }

  // large enough for a report being imported (the loader caps it at 100 MiB)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MESSAGE_CAP_BYTES.importReport })
  // and only one that large arriving at a time, whatever the number of pages
  const gate = new LargeMessageGate(MESSAGE_CAP_BYTES.other)
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    const url = requestUrl(req)
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
    if (!hostOk(req)) return refuse('421 Misdirected Request')
    if (!url) return refuse('400 Bad Request')
    // a page from any other origin (another port, another site) gets nothing
    if (url.pathname !== '/api' || !authorised(req) || !sameOrigin(req)) return refuse('403 Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, opts.api, gate.watch(socket, ws)))
  })

  const a = await listenNamed(server, opts.host, opts.port, allow)
  const loopbackOnly = isLoopbackIp(a.address)
  // beyond loopback the link names the first allowed name: the one browsers elsewhere use
  const shown = loopbackOnly ? a.address : allow[0]
  origin = `http://${shown.includes(':') ? `[${shown}]` : shown}:${a.port}`
  hosts = allowedHosts(opts.host, a.address, a.port, allow)
  cookie = cookieName(a.port)
  const newLink = () => `${origin}/?code=${mintCode()}`
  return {
    origin,
    token,
    url: newLink(),
    newLink,
    loopbackOnly,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/** {id, call, args} in; {id, result} | {id, error} and {event} out. */
function bridge(ws: WebSocket, api: ZcprofApi, gate: ReturnType<LargeMessageGate['watch']>): void {
  const send = (value: unknown) => {
    if (ws.readyState !== ws.OPEN) return
    // a page that stops reading would otherwise grow this process without bound
    if (ws.bufferedAmount > MAX_QUEUED_BYTES) return ws.terminate()
    ws.send(JSON.stringify(value))
  }
  const off = api.onEvent((event) => send({ event }))
  ws.on('close', () => {
    off()
    gate.gone()
  })
  ws.on('error', () => ws.terminate())
  ws.on('message', (raw, isBinary) => {
    // a Buffer as it came: Buffer.from(buffer) would copy a 100 MiB report once more
    const data = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw)
    gate.arrived(data.length)
    // the next large message is read only once this one has been handled
    if (data.length > MESSAGE_CAP_BYTES.other) void Promise.resolve(handle(data, isBinary)).finally(gate.done)
    else void handle(data, isBinary)
  })
  function handle(data: Buffer, isBinary: boolean): Promise<void> | void {
    if (isBinary) return send({ id: null, error: { message: 'binary messages are not accepted' } })
    if (data.length > MESSAGE_CAP_BYTES.other) {
      const call = callNamed(data)
      if (call !== 'importReport')
        return send({
          id: null,
          error: {
            message: `a ${call ?? 'message'} of ${data.length} bytes is over the ${MESSAGE_CAP_BYTES.other} bytes it may be`
          }
        })
    }
    let msg: { id?: unknown; call?: unknown; args?: unknown }
    try {
      msg = JSON.parse(data.toString('utf8'))
    } catch {
      return send({ id: null, error: { message: 'not JSON' } })
    }
    if (typeof msg !== 'object' || msg === null) return send({ id: null, error: { message: 'not a call' } })
    const id = typeof msg.id === 'number' ? msg.id : null
    // JSON.parse keeps the last of two "call" keys, the check above read the first: the
    // call that runs must be the one the size was allowed for
    if (data.length > MESSAGE_CAP_BYTES.other && msg.call !== 'importReport')
      return send({
        id,
        error: {
          message: `a ${String(msg.call).slice(0, 40)} of ${data.length} bytes is over the ${MESSAGE_CAP_BYTES.other} bytes it may be (only importReport may be larger)`
        }
      })
    if (!API_CALLS.includes(msg.call as ApiCall) || !Array.isArray(msg.args)) {
      return send({ id, error: { message: `unknown call ${String(msg.call).slice(0, 40)}` } })
    }
    const fn = api[msg.call as ApiCall] as (...a: unknown[]) => Promise<unknown>
    // a call that throws synchronously is answered like one that rejects
    return Promise.resolve()
      .then(() => fn.apply(api, msg.args as unknown[]))
      .then(
        (result) => send({ id, result }),
        (e: unknown) => send({ id, error: { message: e instanceof Error ? e.message : String(e) } })
      )
  }
}
