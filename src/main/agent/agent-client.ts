// The engine's side of the control protocol, with a timeout on every wait.

import net from 'node:net'
import { ZcprofError } from '../../shared/errors'
import {
  BadMessage,
  FrameDecoder,
  PROTOCOL_VERSION,
  describeAddress,
  REPLY_TYPE,
  encodeFrame,
  type CallRequest,
  type ControlAddress,
  type Hello,
  type HelloReply,
  type Reply,
  type ReplyTo,
  type TrialResult
} from './protocol'

type Pending = {
  /** the reply type this request expects (protocol.ts's REPLY_TYPE) */
  expects: string
  type: string
  resolve: (r: Reply) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
}

export class AgentClient {
  private seq = 1
  private readonly pending = new Map<number, Pending>()
  private readonly results = new Map<number, { resolve: (r: TrialResult) => void; reject: (e: Error) => void }>()
  private readonly early = new Map<number, TrialResult>()
  private closedError: Error | null = null
  hello: HelloReply | null = null

  private constructor(
    private readonly sock: net.Socket,
    readonly where: string
  ) {
    const decoder = new FrameDecoder()
    const malformed = (why: string) => {
      this.fail(new ZcprofError({ code: 'ZC_PROTOCOL', message: `agent at ${where} sent a malformed message: ${why}` }))
      sock.destroy()
    }
    sock.on('data', (chunk) => {
      decoder.push(chunk)
      for (;;) {
        let raw: ReturnType<FrameDecoder['next']>
        try {
          raw = decoder.next()
        } catch (e) {
          return malformed((e as Error).message)
        }
        if (raw === null) return
        if (raw instanceof BadMessage) return malformed(raw.reason)
        this.dispatch(raw as unknown as Reply | TrialResult)
      }
    })
    sock.on('close', () =>
      this.fail(
        new ZcprofError({ code: 'ZC_AGENT_GONE', message: `the agent at ${where} closed the control connection` })
      )
    )
    sock.on('error', (e) =>
      this.fail(
        // an error or a close: either way the agent went away, and says so in the same words
        new ZcprofError({
          code: 'ZC_AGENT_GONE',
          message: `the agent at ${where} closed the control connection (${e.message})`
        })
      )
    )
  }

  private dispatch(m: Reply | TrialResult): void {
    if (m.type === 'result') {
      const r = m as TrialResult
      const waiter = this.results.get(r.trial)
      if (waiter) waiter.resolve(r)
      else this.early.set(r.trial, r)
      return
    }
    // an error that answers no request is about the connection (busy, timed out): it ends here
    if (m.type === 'error' && !this.pending.has(m.re)) {
      this.fail(new ZcprofError(m.error))
      return
    }
    const p = this.pending.get(m.re)
    if (!p) return
    this.pending.delete(m.re)
    clearTimeout(p.timer)
    if (m.type === 'error') p.reject(new ZcprofError(m.error))
    else if (m.type !== p.expects)
      p.reject(
        new ZcprofError({
          code: 'ZC_PROTOCOL',
          message: `agent at ${this.where} answered '${p.type}' with '${String(m.type).slice(0, 40)}', not '${p.expects}'`
        })
      )
    else p.resolve(m)
  }

  static connect(address: ControlAddress, opts: { token?: string; timeoutMs?: number } = {}): Promise<AgentClient> {
    const timeoutMs = opts.timeoutMs ?? 5000
    const where = describeAddress(address)
    return new Promise((resolve, reject) => {
      const sock = 'path' in address ? net.connect({ path: address.path }) : net.connect(address)
      const timer = setTimeout(() => {
        sock.destroy()
        reject(
          new ZcprofError({ code: 'ETIMEDOUT', message: `agent at ${where} did not answer within ${timeoutMs} ms` })
        )
      }, timeoutMs)
      sock.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        const hint =
          e.code === 'ECONNREFUSED'
            ? `nothing listens there: start \`zcprof agent --listen ${where} --token …\` on that host`
            : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH'
              ? 'check the address and the route to that host'
              : undefined
        reject(
          new ZcprofError({
            code: e.code ?? 'ZC_AGENT',
            message: `cannot reach the agent at ${where}: ${e.message}`,
            hint
          })
        )
      })
      sock.once('connect', async () => {
        clearTimeout(timer)
        sock.removeAllListeners('error')
        const c = new AgentClient(sock, where)
        try {
          const hello: Hello = { type: 'hello', version: PROTOCOL_VERSION }
          if (opts.token !== undefined) hello.token = opts.token
          c.hello = await c.request(hello, timeoutMs)
          resolve(c)
        } catch (e) {
          sock.destroy()
          reject(explainRefusal(e, where))
        }
      })
    })
  }

  /** one call of protocol.ts's table: the reply's type follows from the request's */
  request<R extends CallRequest>(body: R, timeoutMs = 5000): Promise<ReplyTo<R>> {
    if (this.closedError) return Promise.reject(this.closedError)
    const seq = this.seq++
    return new Promise<ReplyTo<R>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq)
        reject(
          new ZcprofError({
            code: 'ETIMEDOUT',
            message: `agent at ${this.where} did not answer '${body.type}' within ${timeoutMs} ms`
          })
        )
      }, timeoutMs)
      this.pending.set(seq, {
        expects: REPLY_TYPE[body.type],
        type: body.type,
        resolve: resolve as (r: Reply) => void,
        reject,
        timer
      })
      this.sock.write(encodeFrame({ ...body, seq }))
    })
  }

  /** Waits for a trial's unsolicited result. */
  result(trial: number, timeoutMs: number): Promise<TrialResult> {
    const early = this.early.get(trial)
    if (early) {
      this.early.delete(trial)
      return Promise.resolve(early)
    }
    if (this.closedError) return Promise.reject(this.closedError)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.results.delete(trial)
        reject(
          new ZcprofError({
            code: 'ETIMEDOUT',
            message: `agent at ${this.where} sent no result for trial ${trial} within ${timeoutMs} ms`
          })
        )
      }, timeoutMs)
      const settle = () => {
        clearTimeout(timer)
        this.results.delete(trial)
      }
      this.results.set(trial, {
        resolve: (r) => (settle(), resolve(r)),
        reject: (e) => (settle(), reject(e))
      })
    })
  }

  private fail(e: Error): void {
    if (this.closedError) return
    this.closedError = e
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(e)
    }
    this.pending.clear()
    for (const r of [...this.results.values()]) r.reject(e)
  }

  close(): void {
    this.sock.end()
    this.sock.destroy()
  }
}

/** The agent said no at hello: say why in words a user can act on. */
function explainRefusal(e: unknown, where: string): unknown {
  if (!(e instanceof ZcprofError)) return e
  switch (e.code) {
    case 'ZC_AUTH':
      return new ZcprofError({
        code: 'ZC_AUTH',
        message: `the agent at ${where} refused the token: ${e.message}`,
        hint: 'pass the token the agent was started with: --token T or ZCPROF_TOKEN=T'
      })
    case 'ZC_VERSION':
      return new ZcprofError({
        code: 'ZC_VERSION',
        message: `the agent at ${where} speaks another protocol version: ${e.message}`,
        hint: 'run the same zcprof version on both hosts'
      })
    case 'ZC_AGENT_GONE':
      return new ZcprofError({
        code: 'ZC_AGENT_GONE',
        message: `the agent at ${where} closed the connection during the handshake`,
        hint: 'is that port a zcprof agent? (for any other TCP sink use raw://HOST:PORT)'
      })
    default:
      return e
  }
}
