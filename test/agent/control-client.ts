// A bare control-protocol client for tests: sends what it is told, byte for byte.

import net from 'node:net'
import {
  BadMessage,
  FrameDecoder,
  PROTOCOL_VERSION,
  authProof,
  encodeFrame,
  newNonce,
  type Prepare
} from '../../src/main/agent/protocol'

export class RawControl {
  readonly messages: Record<string, unknown>[] = []
  closed = false
  private waiters: (() => void)[] = []

  private constructor(readonly sock: net.Socket) {
    const d = new FrameDecoder()
    sock.on('data', (c) => {
      d.push(c)
      for (let m = d.next(); m !== null; m = d.next()) if (!(m instanceof BadMessage)) this.messages.push(m)
      this.wake()
    })
    sock.on('close', () => {
      this.closed = true
      this.wake()
    })
    sock.on('error', () => undefined)
  }

  static connect(port: number, localAddress?: string): Promise<RawControl> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port, localAddress })
      sock.once('connect', () => resolve(new RawControl(sock)))
      sock.once('error', reject)
    })
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  send(msg: unknown): void {
    this.sock.write(encodeFrame(msg))
  }

  /** the next message matching, or null when the connection closes first */
  async next(
    match: (m: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 5000
  ): Promise<Record<string, unknown> | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.messages.findIndex(match)
      if (i >= 0) return this.messages.splice(i, 1)[0]
      if (this.closed) return null
      if (Date.now() > deadline)
        throw new Error(`no matching message in ${timeoutMs} ms; have ${JSON.stringify(this.messages)}`)
      await new Promise<void>((r) => {
        this.waiters.push(r)
        setTimeout(r, 50)
      })
    }
  }

  async reply(seq: number): Promise<Record<string, unknown> | null> {
    return this.next((m) => m.re === seq)
  }

  async waitClosed(timeoutMs = 3000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    return this.closed
  }

  close(): void {
    this.sock.destroy()
  }
}

/** a valid prepare request for a TCP receiver */
export const PREPARE: Prepare = {
  type: 'prepare',
  family: 'inet',
  mode: 'read',
  bufferBytes: 65536,
  checksum: true,
  acceptTimeoutMs: 5000,
  pmu: 'auto'
}

/** the same, as raw bytes would carry it: extra fields override, wrong ones included */
export function prepareRequest(seq: number, extra: Record<string, unknown> = {}) {
  return { ...PREPARE, seq, ...extra }
}

/**
 * The handshake a real client does, byte for byte: hello with a nonce (seq), and when
 * challenged an auth (seq + 1) proving token. Resolves to the agent's last answer: its
 * hello, or the refusal (null if it closed first).
 */
export async function greet(c: RawControl, token?: string, seq = 1): Promise<Record<string, unknown> | null> {
  const clientNonce = newNonce()
  c.send({ type: 'hello', seq, version: PROTOCOL_VERSION, nonce: clientNonce })
  const first = await c.reply(seq)
  if (first?.type !== 'challenge') return first
  c.send({
    type: 'auth',
    seq: seq + 1,
    proof: token === undefined ? undefined : authProof(token, 'client', clientNonce, first.nonce as string)
  })
  return c.reply(seq + 1)
}
