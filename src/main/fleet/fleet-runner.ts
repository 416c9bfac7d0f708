// Runs a fleet's pairs: for each, the sender's agent is asked to run the plan against
// the receiver's agent (protocol.ts's send), and the report it sends back is checked as
// any report from elsewhere, labelled with both nodes (start.fleet, the title, the
// label) and saved into the library. At most K pairs at once, and never two that share
// a node, so pairs do not disturb each other. A pair that fails is that pair's failure:
// the rest go on. A stop (the signal) cancels the pairs running and starts no more.

import { cutText } from '../../shared/printable'
import type { ErrorInfo } from '../../shared/errors'
import { ZcprofError } from '../../shared/errors'
import { MAX_LABEL_LENGTH, MAX_TITLE_LENGTH, type FleetPair, type Plan, type Report } from '../../shared/report'
import { AgentClient } from '../agent/agent-client'
import type { ReportLibrary } from '../reports/report-library'
import { checkReport, parseReport } from '../reports/report-loader'
import type { FleetPairNodes } from './fleet-pairs'
import type { FleetNode } from './fleet-node'

export interface FleetRunOptions {
  pairs: readonly FleetPairNodes[]
  /** the plan every pair runs; its targets are replaced by the pair's receiver */
  plan: Plan
  /** every agent's token: the runner reaches senders with it, the senders receivers */
  token: string
  /** pairs at once (≥ 1) */
  parallel: number
  library: ReportLibrary
  /** measure the machine reference at each pair's ends, on the sender */
  reference: boolean
  /** how long an agent may take to answer (connecting, accepting the job) */
  agentTimeoutMs: number
  /** the user's title, tags and label; each report's title and label also name its pair */
  meta: Report['meta']
  fleetId: string
  signal?: AbortSignal
  onPair?: (e: PairEvent) => void
}

/** done: a report with every trial; failed: no report, or one with a failed trial; stopped: cancelled by the stop; not run: the stop came first */
export type PairStatus = 'done' | 'failed' | 'stopped' | 'not run'

export interface PairOutcome {
  sender: string
  receiver: string
  status: PairStatus
  /** the report's library id, when one was saved */
  entryId: string | null
  error: ErrorInfo | null
  durationMs: number
}

export type PairEvent =
  | { type: 'pair-start'; index: number; pair: FleetPairNodes }
  | { type: 'pair-progress'; index: number; done: number; total: number; what: string }
  | { type: 'pair-end'; index: number; outcome: PairOutcome }

/** agent://HOST:PORT for a node, IPv6 in brackets */
export function agentTarget(n: FleetNode): string {
  return `agent://${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port}`
}

/** a fleet run's id: when it began, and a random tail so two begun the same second differ */
export function newFleetId(now = new Date()): string {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '')
  return `fleet-${stamp}-${Math.random().toString(36).slice(2, 8)}`
}

/** the report labelled as its pair: start.fleet, and a title and label naming both nodes */
export function labelReport(report: Report, pair: FleetPairNodes, opts: Pick<FleetRunOptions, 'meta' | 'fleetId'>) {
  const fleet: FleetPair = {
    fleetId: opts.fleetId,
    sender: { name: pair.sender.name, pool: pair.sender.pool },
    receiver: { name: pair.receiver.name, pool: pair.receiver.pool }
  }
  const names = `${pair.sender.name} → ${pair.receiver.name}`
  report.start.fleet = fleet
  // node names run to 253 characters: the title and label are cut, never past the schema's limits
  report.meta = {
    title: cutText(opts.meta.title ? `${opts.meta.title}: ${names}` : `fleet ${names}`, MAX_TITLE_LENGTH),
    tags: opts.meta.tags,
    label: cutText(opts.meta.label ? `${opts.meta.label}: ${names}` : names, MAX_LABEL_LENGTH)
  }
  return report
}

function errorInfo(e: unknown): ErrorInfo {
  return e instanceof ZcprofError ? e.toInfo() : { code: 'ZC_INTERNAL', message: (e as Error).message }
}

/** runs one pair to its outcome (runPair; a test hands in a stand-in) */
export type PairRunner = (index: number, pair: FleetPairNodes, o: FleetRunOptions) => Promise<PairOutcome>

/** one pair: the job on the sender's agent, its report into the library */
async function runPair(index: number, pair: FleetPairNodes, o: FleetRunOptions): Promise<PairOutcome> {
  const t0 = Date.now()
  const outcome = (status: PairStatus, entryId: string | null, error: ErrorInfo | null): PairOutcome => ({
    sender: pair.sender.name,
    receiver: pair.receiver.name,
    status,
    entryId,
    error,
    durationMs: Date.now() - t0
  })
  let client: AgentClient | null = null
  /** once the sender took the job, what fails is the sender's doing (it reaching the receiver, say) */
  let onSender = false
  const stop = () => client?.close()
  o.signal?.addEventListener('abort', stop)
  try {
    client = await AgentClient.connect(
      { host: pair.sender.host, port: pair.sender.port },
      { token: o.token, timeoutMs: o.agentTimeoutMs }
    )
    if (o.signal?.aborted) return outcome('stopped', null, null)
    onSender = true
    const text = await client.sendJob(
      { ...o.plan, targets: [agentTarget(pair.receiver)] },
      {
        reference: o.reference,
        timeoutMs: o.agentTimeoutMs,
        onProgress: (done, total, what) => o.onPair?.({ type: 'pair-progress', index, done, total, what })
      }
    )
    // the job is over: what fails from here (the report, the library) is no doing of the sender's
    onSender = false
    const report = labelReport(parseReport(text, `the report from ${pair.sender.name}`).report, pair, o)
    // checked as it will be read back: a report the library could not load is the pair's failure, never a file counted done
    checkReport(report, `the report of ${pair.sender.name} → ${pair.receiver.name}, labelled`)
    const entry = o.library.save(report, `${o.fleetId}-${pair.sender.name}-to-${pair.receiver.name}`)
    const failed = report.end.incomplete || report.trials.some((t) => t.error && !t.warmup)
    return outcome(failed ? 'failed' : 'done', entry.id, null)
  } catch (e) {
    const info = errorInfo(e)
    if (onSender) info.message = `on ${pair.sender.name}: ${info.message}`
    // a stop cancels the job on purpose: that is no error of the pair's
    return o.signal?.aborted ? outcome('stopped', null, null) : outcome('failed', null, info)
  } finally {
    o.signal?.removeEventListener('abort', stop)
    client?.close()
  }
}

/** every pair, K at once and none sharing a node with one running; outcomes in the pairs' order */
export function runFleet(o: FleetRunOptions, runOne: PairRunner = runPair): Promise<PairOutcome[]> {
  const outcomes: (PairOutcome | null)[] = o.pairs.map(() => null)
  const pending = o.pairs.map((_, i) => i)
  const busy = new Set<FleetNode>()
  let running = 0
  return new Promise((resolve) => {
    const pump = () => {
      while (!o.signal?.aborted && running < Math.max(1, o.parallel)) {
        const k = pending.findIndex((i) => !busy.has(o.pairs[i].sender) && !busy.has(o.pairs[i].receiver))
        if (k < 0) break
        const index = pending.splice(k, 1)[0]
        const pair = o.pairs[index]
        busy.add(pair.sender).add(pair.receiver)
        running++
        o.onPair?.({ type: 'pair-start', index, pair })
        void runOne(index, pair, o).then((outcome) => {
          outcomes[index] = outcome
          busy.delete(pair.sender)
          busy.delete(pair.receiver)
          running--
          o.onPair?.({ type: 'pair-end', index, outcome })
          pump()
        })
      }
      if (running > 0) return
      if (pending.length && !o.signal?.aborted) return
      resolve(
        outcomes.map(
          (x, i) =>
            x ?? {
              sender: o.pairs[i].sender.name,
              receiver: o.pairs[i].receiver.name,
              status: 'not run',
              entryId: null,
              error: null,
              durationMs: 0
            }
        )
      )
    }
    pump()
  })
}
