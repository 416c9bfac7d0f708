// Targets as users write them: tcp://127.0.0.1:PORT, tcp://[::1], unix:///path, gpu://0.

import { ZcprofError } from './errors'

export type Target =
  /** loopback: a local agent receives */
  | { kind: 'tcp'; family: 'inet' | 'inet6'; host: string; port: number | null; text: string }
  | { kind: 'unix'; family: 'unix'; path: string | null; text: string }
  /** a zcprof agent on any host: port is its control port; receiver figures come back */
  | { kind: 'agent'; family: 'inet' | 'inet6'; host: string; port: number; text: string }
  /** any TCP sink: sender-side figures only */
  | { kind: 'raw'; family: 'inet' | 'inet6'; host: string; port: number; text: string }
  /** a GPU's memory, by CUDA device index: the gpu-* methods */
  | { kind: 'gpu'; device: number; text: string }

export type SocketTarget = Exclude<Target, { kind: 'gpu' }>

export const TARGET_FORMS =
  'tcp://127.0.0.1[:PORT], tcp://[::1][:PORT], unix:///path/to.sock (or unix://), agent://HOST:PORT, raw://HOST:PORT or gpu://N'

/** where a target needs no receiver of ours, or one we start ourselves */
export function isLocal(t: Target): t is Extract<Target, { kind: 'tcp' | 'unix' }> {
  return t.kind === 'tcp' || t.kind === 'unix'
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/

export function parseTarget(text: string): Target {
  const bad = (why: string): never => {
    throw new ZcprofError({
      code: 'ZC_BAD_TARGET',
      message: `target '${text}' ${why}`,
      hint: `use ${TARGET_FORMS}`
    })
  }
  const m = /^([a-z]+):\/\/(.*)$/.exec(text.trim())
  if (!m) return bad('has no scheme')
  const [, scheme, rest] = m
  if (scheme === 'gpu') {
    if (!/^\d{1,3}$/.test(rest)) return bad('needs a CUDA device index: gpu://0')
    return { kind: 'gpu', device: Number(rest), text }
  }
  if (scheme === 'unix') {
    if (rest === '') return { kind: 'unix', family: 'unix', path: null, text }
    if (!rest.startsWith('/')) return bad('needs an absolute socket path')
    if (new TextEncoder().encode(rest).length > 107) return bad('has a socket path longer than 107 bytes')
    return { kind: 'unix', family: 'unix', path: rest, text }
  }
  if (scheme !== 'tcp' && scheme !== 'agent' && scheme !== 'raw') return bad(`has an unknown scheme '${scheme}'`)
  let host: string
  let portText: string | undefined
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(rest)
  if (v6) {
    host = v6[1]
    portText = v6[2]
  } else {
    const v4 = /^([^:/]+)(?::(\d+))?$/.exec(rest)
    if (!v4) return bad('is not host[:port]')
    host = v4[1] === 'localhost' ? '127.0.0.1' : v4[1]
    portText = v4[2]
  }
  const family = host.includes(':') ? 'inet6' : 'inet'
  if (family === 'inet' && !IPV4.test(host)) return bad(`has '${host}', which is not a numeric IPv4 address`)
  const port = portText === undefined ? null : Number(portText)
  if (port !== null && (port < 1 || port > 65535)) return bad('has a port outside 1..65535')
  if (scheme === 'tcp') return { kind: 'tcp', family, host, port, text }
  if (port === null) return bad(`needs a port: ${scheme}://HOST:PORT`)
  return { kind: scheme, family, host, port, text }
}

/** an address a socket is bound to or comes from, as text: loopback by address, never by a name's spelling */
export function isLoopbackIp(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.')
}

/** the target's bytes stay on this machine (a GPU's memory is this machine's) */
export function isLoopback(t: Target): boolean {
  if (t.kind === 'unix' || t.kind === 'gpu') return true
  return t.family === 'inet' ? t.host.startsWith('127.') : t.host === '::1'
}
