// The only file that touches window.zcprof or the WebSocket bridge.

import { API_CALLS, type ApiCall, type ApiEvent, type ZcprofApi } from '../../shared/api'

declare global {
  interface Window {
    zcprof?: ZcprofApi
  }
}

/** Browser mode: the same API over the WebSocket `zcprof ui` serves. */
export function webSocketApi(url: string): ZcprofApi {
  const listeners = new Set<(e: ApiEvent) => void>()
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let nextId = 1
  const ws = new WebSocket(url)
  const open = new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve())
    ws.addEventListener('error', () => reject(new Error('cannot reach the zcprof UI server')))
  })
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new Error('the connection to zcprof closed'))
    pending.clear()
  })
  ws.addEventListener('message', (m) => {
    const msg = JSON.parse(String(m.data)) as {
      id?: number
      result?: unknown
      error?: { message: string }
      event?: ApiEvent
    }
    if (msg.event) {
      for (const l of listeners) l(msg.event)
      return
    }
    const p = msg.id == null ? undefined : pending.get(msg.id)
    if (!p) return
    pending.delete(msg.id!)
    if (msg.error) p.reject(new Error(msg.error.message))
    else p.resolve(msg.result)
  })
  const call =
    <T>(name: ApiCall) =>
    async (...args: unknown[]): Promise<T> => {
      await open
      const id = nextId++
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
        ws.send(JSON.stringify({ id, call: name, args }))
      })
    }
  return {
    ...(Object.fromEntries(API_CALLS.map((c) => [c, call(c)])) as Omit<ZcprofApi, 'onEvent'>),
    onEvent: (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    }
  }
}

export function connectApi(): ZcprofApi {
  if (window.zcprof) return window.zcprof
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  return webSocketApi(`${proto}//${location.host}/api`)
}
