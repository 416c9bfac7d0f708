// A client's view of its send job (protocol.ts's send): a connection runs exactly one,
// whose number the agent's `sending` reply gives. Its pushes pass on progress, put its
// report back together from its pieces, in order and within MAX_REPORT_BYTES, and end
// it. A push for any other job is a protocol error (nothing is kept for numbers an
// agent makes up), and pushes after the end are dropped. Pushes that come before the
// job is watched (they can arrive in the same read as the reply that names it) wait here.

import { ZcprofError } from '../../shared/errors'
import { MAX_REPORT_BYTES } from '../../shared/report'
import { SEND_REPORT_PART_BYTES, type SendEnd, type SendProgress, type SendReportPart } from './protocol'

export interface SendJobOptions {
  /** measure the machine reference at the run's ends on the sending agent */
  reference: boolean
  /** how long the agent may take to accept the job */
  timeoutMs: number
  onProgress?: (done: number, total: number, what: string) => void
}

type JobPush = SendProgress | SendReportPart | SendEnd

/** the most pieces a report within MAX_REPORT_BYTES comes in */
const MAX_PARTS = Math.ceil(MAX_REPORT_BYTES / SEND_REPORT_PART_BYTES)
/** progress kept before the job is watched: a few a trial, bounded by the trials a plan may have */
const MAX_EARLY_PROGRESS = 10_000

type Ended = { text: string } | { error: Error }

export class SendJobWatch {
  /** the connection's job, once the agent's `sending` named it */
  private id: number | null = null
  private pieces: Buffer[] = []
  private bytes = 0
  private parts: number | null = null
  private onProgress?: SendJobOptions['onProgress']
  /** progress that came before the job was watched, passed on once it is */
  private early: [number, number, string][] = []
  private settle?: { resolve: (text: string) => void; reject: (e: Error) => void }
  /** the end, once it came: later pushes are dropped */
  private ended: Ended | null = null
  /** handed to the watcher: nothing more happens */
  private done = false

  /** the agent's `sending` reply: the one job of this connection; answers what was wrong with it, or null */
  start(id: unknown): string | null {
    if (!Number.isSafeInteger(id)) return 'answered send with no job number'
    if (this.id !== null) return `started a second send job (${String(id)}) on a connection that runs one`
    this.id = id as number
    return null
  }

  /** takes one push; answers what was wrong with it (the connection cannot be trusted after), or null */
  push(m: JobPush): string | null {
    if (this.ended) return null
    if (!Number.isSafeInteger(m.job)) return `sent a ${m.type} with no job number`
    if (this.id === null) return `sent a ${m.type} for job ${m.job} before any job started`
    if (m.job !== this.id) return `sent a ${m.type} for job ${m.job}; this connection's job is ${this.id}`
    if (m.type === 'send-progress') {
      if (typeof m.done !== 'number' || typeof m.total !== 'number') return 'sent malformed progress'
      const what = typeof m.what === 'string' ? m.what.slice(0, 200) : ''
      if (this.settle) this.onProgress?.(m.done, m.total, what)
      else if (this.early.length < MAX_EARLY_PROGRESS) this.early.push([m.done, m.total, what])
      return null
    }
    if (m.type === 'send-report') {
      if (typeof m.data !== 'string' || !Number.isSafeInteger(m.parts) || m.parts < 1 || m.parts > MAX_PARTS)
        return 'sent a malformed report piece'
      if (m.part !== this.pieces.length || (this.parts !== null && this.parts !== m.parts))
        return `sent report piece ${String(m.part)} out of order`
      const piece = Buffer.from(m.data, 'base64')
      this.parts = m.parts
      this.bytes += piece.length
      if (this.bytes > MAX_REPORT_BYTES) return `sent a report over the ${MAX_REPORT_BYTES} bytes one may be`
      this.pieces.push(piece)
      return null
    }
    this.ended = m.error
      ? { error: new ZcprofError(m.error) }
      : this.parts === null || this.pieces.length !== this.parts
        ? { error: new ZcprofError({ code: 'ZC_PROTOCOL', message: 'the send job ended without its whole report' }) }
        : { text: Buffer.concat(this.pieces).toString('utf8') }
    this.pieces = []
    if (this.settle) this.finish(this.ended)
    return null
  }

  private finish(end: Ended): void {
    if (this.done) return
    this.done = true
    this.early = []
    if ('text' in end) this.settle!.resolve(end.text)
    else this.settle!.reject(end.error)
  }

  /** the job's report text once it ends; its error, or the connection's, else */
  watch(opts: Pick<SendJobOptions, 'onProgress'>, closed: Error | null): Promise<string> {
    this.onProgress = opts.onProgress
    for (const [done, total, what] of this.early.splice(0)) opts.onProgress?.(done, total, what)
    return new Promise((resolve, reject) => {
      this.settle = { resolve, reject }
      if (this.id === null)
        this.finish({
          error: new ZcprofError({ code: 'ZC_INTERNAL', message: 'a send job watched before it started' })
        })
      else if (this.ended) this.finish(this.ended)
      else if (closed) this.finish({ error: closed })
    })
  }

  /** the connection is gone: the job, if still waited for, fails with it */
  fail(e: Error): void {
    if (this.settle && !this.ended) this.finish({ error: e })
  }
}
