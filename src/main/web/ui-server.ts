// Browser mode: serves the renderer and bridges ZcprofApi over a WebSocket.
// Every request needs the run's random token (from the URL once, then a cookie);
// the WebSocket also checks Origin. Loopback unless told otherwise.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_REPORT_BYTES } from '../../shared/report'
import { API_CALLS, type ApiCall, type ZcprofApi } from '../../shared/api'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json'
}
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
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

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=')
    if (k === COOKIE) return decodeURIComponent(v ?? '')
  }
  return null
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

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const headers = {
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store'
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
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '')
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
  })

  // large enough for a report being imported (the loader caps it at 100 MiB)
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REPORT_BYTES + (1 << 20) })
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/api' || !authorised(req, url) || req.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => bridge(ws, opts.api))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, opts.host, () => resolve())
  })
  const a = server.address() as { address: string; port: number }
  const host = a.address.includes(':') ? `[${a.address}]` : a.address
  origin = `http://${host}:${a.port}`
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
  const off = api.onEvent((event) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event }))
  })
  ws.on('close', off)
  ws.on('message', (data) => {
    let msg: { id?: unknown; call?: unknown; args?: unknown }
    try {
      msg = JSON.parse(data.toString())
    } catch {
      return ws.send(JSON.stringify({ id: null, error: { message: 'not JSON' } }))
    }
    const id = typeof msg.id === 'number' ? msg.id : null
    if (!API_CALLS.includes(msg.call as ApiCall) || !Array.isArray(msg.args)) {
      return ws.send(JSON.stringify({ id, error: { message: `unknown call ${String(msg.call).slice(0, 40)}` } }))
    }
    const fn = api[msg.call as ApiCall] as (...a: unknown[]) => Promise<unknown>
    fn.apply(api, msg.args).then(
      (result) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ id, result })),
      (e: Error) => ws.readyState === ws.OPEN && ws.send(JSON.stringify({ id, error: { message: e.message } }))
    )
  })
}
