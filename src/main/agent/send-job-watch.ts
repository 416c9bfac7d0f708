// A client's view of its send jobs (protocol.ts's send): the pushes of each job, its
// progress passed on, its report put back together from its pieces, in order and within
// MAX_REPORT_BYTES, and its end. Pushes that come before the job is watched (they can
// arrive in the same read as the reply that names it) wait here for it.

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

interface Job {
  pieces: Buffer[]
  bytes: number
  parts: number | null
  onProgress?: SendJobOptions['onProgress']
  /** progress that came before the job was watched, passed on once it is */
  early: [number, number, string][]
  settle?: { resolve: (text: string) => void; reject: (e: Error) => void }
  /** the end, when it came before anyone watched */
  ended?: { text: string } | { error: Error }
}

export class SendJobWatch {
  private readonly jobs = new Map<number, Job>()

  private job(id: number): Job {
    let j = this.jobs.get(id)
    if (!j) this.jobs.set(id, (j = { pieces: [], bytes: 0, parts: null, early: [] }))
    return j
  }

  /** takes one push; answers what was wrong with it (the connection cannot be trusted after), or null */
  push(m: JobPush): string | null {
    if (!Number.isSafeInteger(m.job)) return `sent a ${m.type} with no job number`
    const j = this.job(m.job)
    if (m.type === 'send-progress') {
      if (typeof m.done !== 'number' || typeof m.total !== 'number') return 'sent malformed progress'
      const what = typeof m.what === 'string' ? m.what.slice(0, 200) : ''
      if (j.settle) j.onProgress?.(m.done, m.total, what)
      // a few a trial: bounded by the trials a plan may have
      else if (j.early.length < 10_000) j.early.push([m.done, m.total, what])
      return null
    }
    if (m.type === 'send-report') {
      if (typeof m.data !== 'string' || !Number.isSafeInteger(m.parts) || m.parts < 1 || m.parts > MAX_PARTS)
        return 'sent a malformed report piece'
      if (m.part !== j.pieces.length || (j.parts !== null && j.parts !== m.parts))
        return `sent report piece ${String(m.part)} out of order`
      const piece = Buffer.from(m.data, 'base64')
      j.parts = m.parts
      j.bytes += piece.length
      if (j.bytes > MAX_REPORT_BYTES) return `sent a report over the ${MAX_REPORT_BYTES} bytes one may be`
      j.pieces.push(piece)
      return null
    }
    const end: Job['ended'] = m.error
      ? { error: new ZcprofError(m.error) }
      : j.parts === null || j.pieces.length !== j.parts
        ? { error: new ZcprofError({ code: 'ZC_PROTOCOL', message: 'the send job ended without its whole report' }) }
        : { text: Buffer.concat(j.pieces).toString('utf8') }
    if (j.settle) this.finish(m.job, j, end)
    else j.ended = end
    return null
  }

  private finish(id: number, j: Job, end: NonNullable<Job['ended']>): void {
    this.jobs.delete(id)
    if ('text' in end) j.settle!.resolve(end.text)
    else j.settle!.reject(end.error)
  }

  /** the job's report text once it ends; its error, or the connection's, else */
  watch(id: number, opts: Pick<SendJobOptions, 'onProgress'>, closed: Error | null): Promise<string> {
    const j = this.job(id)
    j.onProgress = opts.onProgress
    for (const [done, total, what] of j.early.splice(0)) opts.onProgress?.(done, total, what)
    return new Promise((resolve, reject) => {
      j.settle = { resolve, reject }
      if (j.ended) this.finish(id, j, j.ended)
      else if (closed) this.finish(id, j, { error: closed })
    })
  }

  /** the connection is gone: every job still waited for fails with it */
  fail(e: Error): void {
    for (const [id, j] of [...this.jobs]) if (j.settle && !j.ended) this.finish(id, j, { error: e })
  }
}
