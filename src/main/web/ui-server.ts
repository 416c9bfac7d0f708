// Browser mode: serves the renderer and bridges ZcprofApi over a WebSocket.
// Every request needs the run's random token (from the URL once, then a cookie)
// and a Host header naming this server (so a rebound DNS name gets nothing); the
// WebSocket also checks Origin. Loopback unless told otherwise. No request, however
// malformed, may end the process: each handler answers 4xx instead of throwing.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { APP_CSP } from '../../shared/csp'
import { MAX_REPORT_BYTES } from '../../shared/report'
import { API_CALLS, type ApiCall, type ZcprofApi } from '../../shared/api'
import { isLoopbackIp } from '../../shared/targets'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json'
}
const COOKIE = 'zcprof_token'

export interface UiServerOptions {
  host: string
  port: number
  rendererDir: string
  api: ZcprofApi
  /** fixed for tests; random otherwise */
  token?: string
}

export interface UiServer {
  url: string
  origin: string
  token: string
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

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=')
    if (k === COOKIE) return safeDecode(v ?? '')
  }
  return null
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
export function allowedHosts(listenHost: string, bound: string, port: number): Set<string> {
  const bracket = (h: string) => (h.includes(':') ? `[${h}]` : h)
  const names = new Set([bound, listenHost])
  if (isLoopbackIp(bound)) for (const n of ['127.0.0.1', 'localhost', '::1']) names.add(n)
  return new Set([...names].map((h) => `${bracket(h).toLowerCase()}:${port}`))
}

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

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  if (!existsSync(path.join(opts.rendererDir, 'index.html'))) {
    throw new Error(`the UI is not built (${opts.rendererDir}/index.html is missing): run \`npm run build\``)
  }
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const root = path.resolve(opts.rendererDir)
  let origin = ''

  const authorised = (req: http.IncomingMessage, url: URL) =>
    same(token, url.searchParams.get('token')) || same(token, cookieToken(req))

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
    if (!authorised(req, url)) {
      res
        .writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('zcprof: this page needs the token printed by `zcprof ui`\n')
      return
    }
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
    const extra: Record<string, string> = {}
    // the token moves from the URL into a cookie the page's assets and WebSocket carry
    if (url.searchParams.has('token'))
      extra['Set-Cookie'] = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`
    res.writeHead(200, {
      ...headers,
      ...extra,
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream'
    })
    res.end(req.method === 'HEAD' ? undefined : readFileSync(file))
  }

  // large enough for a report being imported (the loader caps it at 100 MiB)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MESSAGE_CAP_BYTES.importReport })
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    const url = requestUrl(req)
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
    if (!hostOk(req)) return refuse('421 Misdirected Request')
    if (!url) return refuse('400 Bad Request')
    if (url.pathname !== '/api' || !authorised(req, url) || req.headers.origin !== origin)
      return refuse('403 Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, opts.api))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  const a = server.address() as { address: string; port: number }
  const host = a.address.includes(':') ? `[${a.address}]` : a.address
  origin = `http://${host}:${a.port}`
  hosts = allowedHosts(opts.host, a.address, a.port)
  return {
    origin,
    token,
    url: `${origin}/?token=${token}`,
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
function bridge(ws: WebSocket, api: ZcprofApi): void {
  const send = (value: unknown) => {
    if (ws.readyState !== ws.OPEN) return
    // a page that stops reading would otherwise grow this process without bound
    if (ws.bufferedAmount > MAX_QUEUED_BYTES) return ws.terminate()
    ws.send(JSON.stringify(value))
  }
  const off = api.onEvent((event) => send({ event }))
  ws.on('close', off)
  ws.on('error', () => ws.terminate())
  ws.on('message', (raw, isBinary) => {
    const data = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer)
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
    if (!API_CALLS.includes(msg.call as ApiCall) || !Array.isArray(msg.args)) {
      return send({ id, error: { message: `unknown call ${String(msg.call).slice(0, 40)}` } })
    }
    const fn = api[msg.call as ApiCall] as (...a: unknown[]) => Promise<unknown>
    // a call that throws synchronously is answered like one that rejects
    Promise.resolve()
      .then(() => fn.apply(api, msg.args as unknown[]))
      .then(
        (result) => send({ id, result }),
        (e: unknown) => send({ id, error: { message: e instanceof Error ? e.message : String(e) } })
      )
  })
}
