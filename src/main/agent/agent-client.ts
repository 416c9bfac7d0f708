// The engine's side of the control protocol, with a timeout on every wait.

import net from 'node:net'
import { ZcprofError } from '../../shared/errors'
import {
  BadMessage,
  FrameDecoder,
  PROTOCOL_VERSION,
  describeAddress,
  REPLY_TYPE,
  AUTH_DELAY_MAX_MS,
  authProof,
  encodeFrame,
  newNonce,
  proofMatches,
  type CallRequest,
  type ControlAddress,
  type Hello,
  type HelloReply,
  type Push,
  type Reply,
  type ReplyTo,
  type TrialResult
} from './protocol'
import { SendJobWatch, type SendJobOptions } from './send-job-watch'

type Pending = {
  /** the reply types this request accepts (protocol.ts's REPLY_TYPE) */
  expects: readonly string[]
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
  /** the send job's pushes (progress, report pieces, end): one job a connection */
  private readonly jobs = new SendJobWatch()
  private sendAsked = false
  hello: HelloReply | null = null

  private constructor(
    private readonly sock: net.Socket,
    readonly where: string
  ) {
    const decoder = new FrameDecoder()
    /** what the peer sent before its first whole frame, kept to tell what it is if no agent */
    let first: Buffer | null = Buffer.alloc(0)
    let sniffTimer: NodeJS.Timeout | null = null
    const notAgent = (why?: string) => {
      if (sniffTimer) clearTimeout(sniffTimer)
      this.fail(notAnAgent(where, first ?? Buffer.alloc(0), why))
      sock.destroy()
    }
    const malformed = (why: string) => {
      if (first) return notAgent()
      this.fail(new ZcprofError({ code: 'ZC_PROTOCOL', message: `agent at ${where} sent a malformed message: ${why}` }))
      sock.destroy()
    }
    sock.on('data', (chunk) => {
      decoder.push(chunk)
      if (first) {
        first = Buffer.concat([first, chunk]).subarray(0, SNIFF_BYTES)
        // an agent's first frame is under 1 MiB, so its first byte is 0: anything else
        // (an HTTP server's "HTTP/1.1 400", an SSH banner) is another kind of server.
        // Its first line may come in pieces: wait for a line end, enough bytes, its close or a moment
        if (first[0] !== 0) {
          if (first.includes(0x0a) || first.length >= SNIFF_ENOUGH_BYTES) return notAgent()
          sniffTimer ??= setTimeout(() => notAgent(), SNIFF_WAIT_MS)
          return
        }
      }
      for (;;) {
        let raw: ReturnType<FrameDecoder['next']>
        try {
          raw = decoder.next()
        } catch (e) {
          return malformed((e as Error).message)
        }
        if (raw === null) return
        if (raw instanceof BadMessage) return malformed(raw.reason)
        first = null
        this.dispatch(raw as unknown as Reply | Push)
      }
    })
    sock.on('close', () => {
      // closed before a whole frame: whatever it sent (or its silence) says what it is
      if (first) return notAgent()
      this.fail(
        new ZcprofError({ code: 'ZC_AGENT_GONE', message: `the agent at ${where} closed the control connection` })
      )
    })
    sock.on('error', (e) => {
      if (first) return notAgent(e.message)
      this.fail(
        // an error or a close: either way the agent went away, and says so in the same words
        new ZcprofError({
          code: 'ZC_AGENT_GONE',
          message: `the agent at ${where} closed the control connection (${e.message})`
        })
      )
    })
  }

  /** the agent broke the protocol: the connection cannot be trusted, and ends */
  private protocolError(why: string): void {
    this.fail(new ZcprofError({ code: 'ZC_PROTOCOL', message: `agent at ${this.where} ${why}` }))
    this.sock.destroy()
  }

  private dispatch(m: Reply | Push): void {
    if (m.type === 'send-progress' || m.type === 'send-report' || m.type === 'send-end') {
      const e = this.jobs.push(m)
      if (e) this.protocolError(e)
      return
    }
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
    // the job's number, taken before anything else is read: its pushes may follow in this same read
    if (m.type === 'sending' && p.expects.includes(m.type)) {
      const e = this.jobs.start(m.job)
      if (e) return this.protocolError(e)
    }
    this.pending.delete(m.re)
    clearTimeout(p.timer)
    if (m.type === 'error') p.reject(new ZcprofError(m.error))
    else if (!p.expects.includes(m.type))
      p.reject(
        new ZcprofError({
          code: 'ZC_PROTOCOL',
          message: `agent at ${this.where} answered '${p.type}' with '${String(m.type).slice(0, 40)}', not '${p.expects.join("' or '")}'`
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
          c.hello = await c.handshake(opts.token, timeoutMs)
          resolve(c)
        } catch (e) {
          sock.destroy()
          reject(explainRefusal(e, where))
        }
      })
    })
  }

  /**
   * hello with a fresh nonce; an agent with a token challenges it with its own, the
   * client answers HMAC proofs (protocol.ts's authProof) and checks the agent's in turn.
   * The token never travels, and an agent that cannot prove it is not trusted.
   */
  private async handshake(token: string | undefined, timeoutMs: number): Promise<HelloReply> {
    const clientNonce = newNonce()
    const hello: Hello = { type: 'hello', version: PROTOCOL_VERSION, nonce: clientNonce }
    const first = await this.request(hello, timeoutMs).catch((e: unknown) => {
      // connected but silent: an agent answers hello at once, so this is likely another server
      if (e instanceof ZcprofError && e.code === 'ETIMEDOUT')
        throw new ZcprofError({ code: e.code, message: `${e.message}: is it a zcprof agent?`, hint: NOT_AGENT_HINT })
      throw e
    })
    if (first.version !== PROTOCOL_VERSION)
      throw new ZcprofError({
        code: 'ZC_VERSION',
        message: `agent speaks protocol ${String(first.version).slice(0, 20)}; this zcprof speaks ${PROTOCOL_VERSION}`
      })
    const refused = (message: string, hint: string) =>
      new ZcprofError({ code: 'ZC_AUTH', message: `the agent at ${this.where} ${message}`, hint })
    if (first.type === 'hello') {
      if (token)
        throw refused(
          'asks for no token, so it cannot prove it is the agent you meant',
          'start that agent with --token, or leave --token and ZCPROF_TOKEN out for a tokenless loopback agent'
        )
      return first
    }
    if (!token)
      throw refused('requires a token', 'pass the token the agent was started with: --token T or ZCPROF_TOKEN=T')
    if (typeof first.nonce !== 'string')
      throw new ZcprofError({ code: 'ZC_PROTOCOL', message: `agent at ${this.where} sent a challenge with no nonce` })
    // a wrong token's refusal comes late on purpose: wait for it, so the user reads 'wrong token', not a timeout
    const reply = await this.request(
      { type: 'auth', proof: authProof(token, 'client', clientNonce, first.nonce) },
      timeoutMs + AUTH_DELAY_MAX_MS
    )
    if (!proofMatches(authProof(token, 'agent', clientNonce, first.nonce), reply.proof))
      throw refused(
        'took the proof but could not prove it holds the token itself',
        'this is not the agent you started: check the address'
      )
    return reply
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

  /**
   * Has the agent run a plan as the sender (protocol.ts's send) and answers its report's
   * JSON text, unchecked: the caller parses it as any report from elsewhere.
   */
  async sendJob(plan: unknown, opts: SendJobOptions): Promise<string> {
    if (this.sendAsked)
      // its pushes carry the one job number the connection knows: a second job is another connection's
      throw new ZcprofError({
        code: 'ZC_INTERNAL',
        message: `a connection runs one send job: connect to the agent at ${this.where} again for another`
      })
    this.sendAsked = true
    // a job says nothing for a whole trial: a sender host that vanished without a word
    // is found by keepalive probes, not waited for forever
    this.sock.setKeepAlive(true, SEND_KEEPALIVE_MS)
    try {
      await this.request({ type: 'send', plan, reference: opts.reference }, opts.timeoutMs)
    } catch (e) {
      // refused: no job started, so the connection may ask again
      this.sendAsked = false
      throw e
    }
    return this.jobs.watch(opts, this.closedError)
  }

  private fail(e: Error): void {
    if (this.closedError) return
    this.closedError = e
    this.jobs.fail(e)
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

/** idle time before keepalive probes on a connection waiting on a send job */
export const SEND_KEEPALIVE_MS = 10_000

/** what is kept of a peer's first bytes, and what is enough to tell what it is */
const SNIFF_BYTES = 256
const SNIFF_ENOUGH_BYTES = 64
/** how long to wait for the rest of a first line that came in pieces */
const SNIFF_WAIT_MS = 200
/** a quoted first line is cut to this many characters */
const QUOTE_CHARS = 60

/**
 * A peer's first line, quoted short, when it is text: printable ASCII (or tabs) up to
 * the first line end, else null. Binary bytes by chance rarely hold no control byte.
 */
function firstTextLine(first: Buffer): string | null {
  const end = first.findIndex((b) => b === 0x0d || b === 0x0a)
  const line = first.subarray(0, end < 0 ? first.length : end)
  if (line.length === 0 || !line.every((b) => (b >= 0x20 && b <= 0x7e) || b === 0x09)) return null
  const text = line.toString('latin1').replace(/\t/g, ' ')
  return text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS - 1)}…` : text
}

/** what kind of server a peer is, from the first bytes it sent (none: it closed at once) */
export function describePeer(first: Buffer): string {
  if (first.length === 0) return 'it closed the connection without a word'
  const hex = first.subarray(0, 8).toString('hex')
  // a TLS record: type 0x16 handshake or 0x15 alert, then version 3.x
  if ((first[0] === 0x16 || first[0] === 0x15) && first[1] === 0x03)
    return `a TLS server answered a TLS ${first[0] === 0x16 ? 'handshake' : 'alert'} (bytes ${hex})`
  const line = firstTextLine(first)
  if (line === null) return `an unknown server answered bytes ${hex}`
  if (line.startsWith('HTTP/')) return `an HTTP server answered "${line}"`
  if (line.startsWith('SSH-')) return `an SSH server answered "${line}"`
  return `a text server (SMTP, FTP, …) answered "${line}"`
}

/** a peer that is no zcprof agent, named as such with what it looks like */
function notAnAgent(where: string, first: Buffer, socketError?: string): ZcprofError {
  const said = describePeer(first)
  return new ZcprofError({
    code: 'ZC_NOT_AGENT',
    message: `${where} is not a zcprof agent: ${said}${socketError && first.length === 0 ? ` (${socketError})` : ''}`,
    hint: NOT_AGENT_HINT
  })
}

/** fits 80 columns after "  hint: "; raw:// is the target for any TCP sink that is no agent */
const NOT_AGENT_HINT = 'check the port, or start `zcprof agent` there (or use raw://HOST:PORT)'

/** The agent said no at hello: say why in words a user can act on. */
function explainRefusal(e: unknown, where: string): unknown {
  if (!(e instanceof ZcprofError)) return e
  switch (e.code) {
    case 'ZC_AUTH':
      if (e.message.startsWith('the agent at ')) return e
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
