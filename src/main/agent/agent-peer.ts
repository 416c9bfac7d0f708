// A control connection as the agent keeps it: who is on the other end (its address as
// the native peer check compares it and as log lines name it), what it owns, and a send
// that bounds the replies it leaves unread.

import net from 'node:net'
import { encodeFrame, type Push, type Reply } from './protocol'

/** replies a client does not read: past this the agent stops reading its requests; past 8× it drops it */
const REPLY_BACKLOG_BYTES = 1024 * 1024

export interface Client {
  sock: net.Socket
  /** on the agent's own unix socket: the same user, trusted with unix data sockets */
  local: boolean
  owned: Set<number>
  /** receive buffers its live trials hold, against maxSessionPinnedBytes */
  pinnedBytes: number
  /** send jobs it runs (agent-sender.ts): a client waiting on one is not idle */
  sending: number
  send(m: Reply | Push): void
}

/** ::ffff:10.0.0.1 → 10.0.0.1: the form the native peer check compares */
export function plainIp(ip: string | undefined): string {
  if (!ip) return ''
  return ip.startsWith('::ffff:') && net.isIPv4(ip.slice(7)) ? ip.slice(7) : ip
}

/** who a log line names: ADDRESS:PORT, or the local socket */
export function whoIs(sock: net.Socket): string {
  const ip = plainIp(sock.remoteAddress)
  if (!ip) return 'local (unix socket)'
  return `${ip.includes(':') ? `[${ip}]` : ip}:${sock.remotePort}`
}

/** a connection as the agent keeps it: what it owns, and a send that bounds its replies */
export function clientOf(sock: net.Socket, local: boolean): Client {
  return {
    sock,
    local,
    owned: new Set(),
    pinnedBytes: 0,
    sending: 0,
    send: (m) => {
      if (sock.destroyed || !sock.writable) return
      sock.write(encodeFrame(m))
      // a client that asks and never reads would grow our memory: stop reading it, then drop it
      if (sock.writableLength > 8 * REPLY_BACKLOG_BYTES) sock.destroy()
      else if (sock.writableLength > REPLY_BACKLOG_BYTES && !sock.isPaused()) {
        sock.pause()
        sock.once('drain', () => sock.resume())
      }
    }
  }
}
