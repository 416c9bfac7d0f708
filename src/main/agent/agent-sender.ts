// Send jobs: a fleet runner asks this agent to be the sender of one pair (protocol.ts's
// send). The agent runs the plan in-process against other agents, reaching them with its
// own token, pushes progress after each trial, and the finished report in pieces. A job
// may only send to agent:// targets (never arbitrary data to arbitrary hosts), only a
// generated file (nothing of this host's disk goes out), at most maxSendJobs at once, and
// it is cancelled when the connection that asked goes away.

import type { ErrorInfo } from '../../shared/errors'
import { planShapeProblems } from '../../shared/plan-schema'
import { printable } from '../../shared/printable'
import { MAX_REPORT_BYTES, type Plan, type Report } from '../../shared/report'
import { formatBytes } from '../../shared/units'
import type { Client } from './agent-peer'
import { whoIs } from './agent-peer'
import { SEND_REPORT_PART_BYTES, type AgentLimits, type SendRequest } from './protocol'

/** what the agent hands its sender for one job */
export interface SendRun {
  plan: Plan
  /** measure the machine reference at the run's ends */
  reference: boolean
  /** this agent's own token: the targets are agents of the same fleet */
  token: string
  /** aborted when the runner goes away: the run stops, keeping nothing for anyone */
  signal: AbortSignal
  onProgress: (done: number, total: number, what: string) => void
}

/**
 * Runs a plan as the sender and answers its report. The agent layer cannot import the
 * engine (it sits below it): `zcprof agent` hands the engine's runPlan in.
 */
export type SendRunner = (run: SendRun) => Promise<Report>

/** a send request's plan only: the targets' scheme, checked before anything starts */
const AGENT_TARGET = /^agent:\/\/\S+$/i

/** why a send request is refused before it starts, or null: checked in this order */
export function sendRefusal(
  m: SendRequest,
  state: {
    token: string | null | undefined
    runner: SendRunner | null
    running: number
    maxSendJobs: number
    maxSendFileBytes: number
  }
): ErrorInfo | null {
  if (!state.runner || state.maxSendJobs < 1)
    return {
      code: 'ZC_UNSUPPORTED',
      message: 'this agent runs no send jobs',
      hint: 'start it with `zcprof agent --max-send-jobs 1` (the default) to let a fleet runner use it as a sender'
    }
  if (!state.token)
    return {
      code: 'ZC_AUTH',
      message: 'a send job needs an agent started with a token: it reaches the other agents with it',
      hint: 'start every agent of the fleet with the same --token (or ZCPROF_TOKEN)'
    }
  if (m.reference !== undefined && typeof m.reference !== 'boolean')
    return { code: 'ZC_PROTOCOL', message: 'send: reference must be true or false' }
  const shape = planShapeProblems(m.plan)
  if (shape.length) return { code: 'ZC_BAD_PLAN', message: `send: ${shape[0].message}`, hint: shape[0].hint }
  const plan = m.plan as Plan
  const other = plan.targets.find((t) => !AGENT_TARGET.test(t))
  if (other !== undefined || plan.targets.length === 0)
    return {
      code: 'ZC_BAD_TARGET',
      message: `send: target '${String(other ?? '').slice(0, 80)}' is not agent://HOST:PORT; a send job sends only to zcprof agents`,
      hint: 'a fleet pair is agent to agent: give the receiving node as agent://HOST:PORT'
    }
  if (plan.file !== null)
    return {
      code: 'ZC_BAD_PLAN',
      message: 'send: a send job sends a generated file, never a file of the agent host',
      hint: 'leave --file out; --size sets the generated file'
    }
  // each size is a file written and kept in the cache: their sum is what the job takes of the disk
  const fileBytes = [...new Set(plan.fileBytes)].reduce((a, b) => a + b, 0)
  if (fileBytes > state.maxSendFileBytes)
    return {
      code: 'ZC_BAD_PLAN',
      message: `send: the plan's generated files come to ${formatBytes(fileBytes)} (${plan.fileBytes.length} size${plan.fileBytes.length > 1 ? 's' : ''}), over the ${formatBytes(state.maxSendFileBytes)} this agent writes for one send job (--max-send-file-bytes)`,
      hint: 'use smaller or fewer --size values, or start the agent with a larger --max-send-file-bytes where its cache has the room'
    }
  if (state.running >= state.maxSendJobs)
    return {
      code: 'ZC_BUSY',
      message: `this agent runs at most ${state.maxSendJobs} send job${state.maxSendJobs > 1 ? 's' : ''} at once`,
      hint: 'run fewer pairs at once (zcprof fleet --parallel), or wait for the one running'
    }
  return null
}

export class SendJobs {
  private running = 0
  private nextJob = 1
  /** each client's jobs, aborted when it goes */
  private readonly byClient = new Map<Client, Set<AbortController>>()

  constructor(
    private readonly limits: AgentLimits,
    private readonly options: { readonly token?: string | null },
    private readonly runner: SendRunner | null,
    private readonly rawLog: (line: string) => void
  ) {}

  /** a line of the agent's log: what a client sent (targets, and errors quoting them) never reaches a terminal raw */
  private log(line: string): void {
    this.rawLog(printable(line))
  }

  /** answers the request (sending, or an error) and runs the job */
  start(client: Client, m: SendRequest, re: number): void {
    const refusal = sendRefusal(m, {
      token: this.options.token,
      runner: this.runner,
      running: this.running,
      maxSendJobs: this.limits.maxSendJobs,
      maxSendFileBytes: this.limits.maxSendFileBytes
    })
    if (refusal) {
      this.log(`session ${whoIs(client.sock)}: send refused: ${refusal.code} ${refusal.message}`)
      return client.send({ type: 'error', re, error: refusal })
    }
    const job = this.nextJob++
    const abort = new AbortController()
    const mine = this.byClient.get(client) ?? new Set()
    this.byClient.set(client, mine.add(abort))
    this.running++
    client.sending++
    // a runner whose host vanished without a word is found by keepalive probes, and its job ends
    client.sock.setKeepAlive(true, 10_000)
    client.send({ type: 'sending', re, job })
    const plan = m.plan as Plan
    this.log(`send job ${job} for ${whoIs(client.sock)}: to ${plan.targets.join(', ')}`)
    void this.run(client, job, plan, m.reference !== false, abort).finally(() => {
      this.running--
      client.sending--
      mine.delete(abort)
      if (mine.size === 0) this.byClient.delete(client)
    })
  }

  /** the client went away: its jobs stop */
  cancel(client: Client): void {
    for (const a of this.byClient.get(client) ?? []) a.abort()
  }

  private async run(client: Client, job: number, plan: Plan, reference: boolean, abort: AbortController) {
    let error: ErrorInfo | null = null
    try {
      const report = await this.runner!({
        plan,
        reference,
        token: this.options.token!,
        signal: abort.signal,
        onProgress: (done, total, what) =>
          client.send({ type: 'send-progress', job, done, total, what: what.slice(0, 200) })
      })
      if (abort.signal.aborted) return this.log(`send job ${job}: cancelled (its runner went away)`)
      error = await pushReport(client, job, report)
    } catch (e) {
      const info = e as Partial<ErrorInfo>
      error = { code: typeof info.code === 'string' ? info.code : 'ZC_INTERNAL', message: String(info.message ?? e) }
      if (error.code === 'ZC_NOT_AGENT') error.message = notAgentMessage(error.message, plan)
    }
    this.log(`send job ${job}: ${error ? `failed: ${error.code} ${error.message}` : 'report sent'}`)
    client.send({ type: 'send-end', job, error })
  }
}

/**
 * ZC_NOT_AGENT quotes what answered (a banner, an HTTP status line): fine for a user's own
 * run, but a send job's runner is told only where, never what a host of this network says
 */
function notAgentMessage(message: string, plan: Plan): string {
  // the address comes first, before anything the peer sent
  const where = /^(\S+) is not a zcprof agent/.exec(message)?.[1]
  return `${where ?? plan.targets.map((t) => t.replace(/^agent:\/\//i, '')).join(', ')} is not a zcprof agent`
}

/** the report in pieces, each waiting for the one before to leave: the backlog stays one piece deep */
async function pushReport(client: Client, job: number, report: Report): Promise<ErrorInfo | null> {
  const bytes = Buffer.from(JSON.stringify(report), 'utf8')
  if (bytes.length > MAX_REPORT_BYTES)
    return { code: 'ZC_LIMIT', message: `the report is ${bytes.length} bytes, over the ${MAX_REPORT_BYTES} one may be` }
  const parts = Math.max(1, Math.ceil(bytes.length / SEND_REPORT_PART_BYTES))
  for (let part = 0; part < parts; part++) {
    const sock = client.sock
    if (sock.destroyed) return null
    const data = bytes.subarray(part * SEND_REPORT_PART_BYTES, (part + 1) * SEND_REPORT_PART_BYTES)
    client.send({ type: 'send-report', job, part, parts, data: data.toString('base64') })
    if (sock.writableLength > SEND_REPORT_PART_BYTES)
      await new Promise<void>((resolve) => {
        const done = () => {
          sock.removeListener('drain', done)
          sock.removeListener('close', done)
          resolve()
        }
        sock.once('drain', done)
        sock.once('close', done)
      })
  }
  return null
}
