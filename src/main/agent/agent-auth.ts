// The handshake before a connection is trusted: the allowance strangers get
// (PRE_AUTH_LIMITS), what a hello and an auth must hold, and the back-off that makes
// guessing the token slow (AUTH_FAILURES). The token never travels: a proof over
// both sides' nonces stands for it.

import type net from 'node:net'
import type { ErrorInfo } from '../../shared/errors'
import { plainIp, whoIs } from './agent-peer'
import { AUTH_DELAY_MAX_MS, PROTOCOL_VERSION, authProof, isNonce, proofMatches, type Request } from './protocol'

/**
 * Connections that have not said hello are strangers: they get their own small
 * allowance, per address and in all, apart from --max-clients, and a few seconds to
 * authenticate. A flood of half-open sockets cannot keep a real client out.
 */
export const PRE_AUTH_LIMITS = { perAddress: 4, total: 64, helloTimeoutMs: 3000 } as const

/**
 * Failed proofs, per address: each refusal waits base × 2^(failures−1) ms (up to max),
 * holding its pre-auth slot meanwhile, so one address guesses a few times a second at
 * first and one every few seconds soon after. Logged at most once per logIntervalMs
 * per address; an address is forgotten forgetMs after its last failure.
 */
export const AUTH_FAILURES = {
  delayBaseMs: 250,
  delayMaxMs: AUTH_DELAY_MAX_MS,
  logIntervalMs: 10_000,
  forgetMs: 15 * 60_000,
  /** addresses remembered at once: a spray from many addresses cannot grow memory */
  maxAddresses: 4096
}

/** the hello's nonce and the agent's challenge, once an agent with a token has challenged */
export interface Nonces {
  client: string
  agent: string
}

interface Failures {
  count: number
  lastMs: number
  loggedMs: number
  /** failures since the last line that said so */
  unlogged: number
}

/** connections that have not said hello yet, by remote address (PRE_AUTH_LIMITS) */
export class Strangers {
  private readonly byAddress = new Map<string, number>()
  private total = 0

  /**
   * Counts a connection that has not said hello against PRE_AUTH_LIMITS: null when it
   * is one too many, else the call that stops counting it (once it is known, or gone).
   */
  admit(from: string): (() => void) | null {
    const here = this.byAddress.get(from) ?? 0
    if (here >= PRE_AUTH_LIMITS.perAddress || this.total >= PRE_AUTH_LIMITS.total) return null
    this.byAddress.set(from, here + 1)
    this.total++
    let stranger = true
    return () => {
      if (!stranger) return
      stranger = false
      this.total--
      const n = (this.byAddress.get(from) ?? 1) - 1
      if (n > 0) this.byAddress.set(from, n)
      else this.byAddress.delete(from)
    }
  }
}

/** failed proofs by remote address (AUTH_FAILURES) */
export class AuthFailures {
  private readonly byAddress = new Map<string, Failures>()

  constructor(
    private readonly auth: typeof AUTH_FAILURES,
    private readonly log: (line: string) => void
  ) {}

  /** counts a wrong proof from sock's address, logs it (rate-limited); how long its refusal waits */
  failed(sock: net.Socket): number {
    const from = plainIp(sock.remoteAddress) || 'local'
    const A = this.auth
    const now = Date.now()
    let f = this.byAddress.get(from)
    if (!f || now - f.lastMs > A.forgetMs) f = { count: 0, lastMs: now, loggedMs: -Infinity, unlogged: 0 }
    // most recent last, so the oldest goes when too many addresses are remembered
    this.byAddress.delete(from)
    this.byAddress.set(from, f)
    if (this.byAddress.size > A.maxAddresses) this.byAddress.delete(this.byAddress.keys().next().value as string)
    f.count++
    f.unlogged++
    f.lastMs = now
    const delayMs = Math.min(A.delayBaseMs * 2 ** (f.count - 1), A.delayMaxMs)
    if (now - f.loggedMs >= A.logIntervalMs) {
      this.log(
        `auth failed from ${whoIs(sock)}: wrong token (${f.count} in a row from ${from}, ${f.unlogged} since the last line; its refusals now wait ${delayMs} ms)`
      )
      f.loggedMs = now
      f.unlogged = 0
    }
    return delayMs
  }

  /** an address that proved the token starts its count afresh */
  forget(from: string): void {
    this.byAddress.delete(from)
  }
}

/** why a first message is not a hello this agent accepts; null when it is */
export function helloRefusal(m: Request, token: string | null | undefined): ErrorInfo | null {
  if (m.type !== 'hello') return { code: 'ZC_PROTOCOL', message: `'${String(m.type).slice(0, 40)}' before hello` }
  // the version first: a hello holds nothing secret, and an old client must hear why
  if (m.version !== PROTOCOL_VERSION)
    return {
      code: 'ZC_VERSION',
      message: `agent speaks protocol ${PROTOCOL_VERSION}; the client sent version ${String(m.version).slice(0, 20)}`
    }
  if (token && !isNonce(m.nonce))
    return { code: 'ZC_AUTH', message: 'this agent requires a token: send a nonce in hello and prove the token' }
  return null
}

/** why the message after a challenge does not prove the token; null when it does */
export function authRefusal(m: Request, nonces: Nonces, token: string | null | undefined): ErrorInfo | null {
  if (m.type !== 'auth') return { code: 'ZC_PROTOCOL', message: `'${String(m.type).slice(0, 40)}' before auth` }
  if (m.proof === undefined) return { code: 'ZC_AUTH', message: 'this agent requires a token' }
  const expected = authProof(token ?? '', 'client', nonces.client, nonces.agent)
  return proofMatches(expected, m.proof) ? null : { code: 'ZC_AUTH', message: 'wrong token' }
}
