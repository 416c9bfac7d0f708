// What makes two reports not the same experiment: the plan's choices that move every
// figure (verifying copies bytes, a trial's length and ramp, the chunk, the streams,
// the receiver, the cache, where threads ran) and the machine under it (CPU model,
// kernel). Compare names each difference; its gate calls no regression across one
// unless told to (--allow-plan-diff).

import { DEFAULT_URING_DEPTH } from './plan-rules'
import { formatBytes, formatCpuList, formatDurationMs } from './units'
import type { Plan, Report } from './report'

export interface PlanFact {
  key: string
  label: string
  value: string
}

export interface PlanDifference {
  key: string
  label: string
  /** one per report, in the order given */
  values: string[]
}

function trialText(p: Plan): string {
  if (p.durationMs !== null) {
    const omit = p.omitMs === null ? 'ramp by the rule' : `ramp ${formatDurationMs(p.omitMs)}`
    return `timed ${formatDurationMs(p.durationMs)} (${omit})`
  }
  return p.trialBytes !== null ? `${formatBytes(p.trialBytes)} per trial` : 'one pass over the file'
}

function pinningText(p: Plan): string {
  const cpus = (c: number[] | null) => (c ? formatCpuList(c) : 'any')
  if (!p.senderCpus && !p.receiverCpus) return 'not pinned'
  const where = `senders ${cpus(p.senderCpus)}, receivers ${cpus(p.receiverCpus)}`
  return p.autoPin ? `pinned by zcprof (${where})` : `pinned (${where})`
}

/** a report's plan and machine as the facts that decide whether it compares with another */
export function planFacts(r: Report): PlanFact[] {
  const p = r.start.plan
  const env = r.start.environment.sender
  const facts: PlanFact[] = [
    { key: 'checksum', label: 'verify', value: p.checksum ? 'on' : 'off' },
    { key: 'trial', label: 'trial', value: trialText(p) },
    { key: 'chunk', label: 'chunk', value: p.chunkBytes.map(formatBytes).join(', ') },
    { key: 'streams', label: 'streams', value: String(p.streams) },
    { key: 'receiver', label: 'receiver mode', value: p.receiverModes.join(', ') },
    { key: 'cache', label: 'page cache', value: p.cache },
    { key: 'pinning', label: 'pinning', value: pinningText(p) },
    { key: 'cpu', label: 'CPU model', value: env.cpuModel },
    { key: 'kernel', label: 'kernel', value: env.kernel }
  ]
  if (p.methods.some((m) => m.startsWith('uring-')))
    facts.push({
      key: 'uring',
      label: 'io_uring',
      value: `depth ${p.uringDepth ?? DEFAULT_URING_DEPTH}${p.uringSqpoll ? ', SQPOLL' : ''}`
    })
  return facts
}

/**
 * Every fact on which the reports differ. An imported report (iperf3) records no plan
 * of zcprof's: only its machine is held against the others.
 */
export function planDifferences(reports: readonly Report[]): PlanDifference[] {
  const facts = reports.map(planFacts)
  const out: PlanDifference[] = []
  // every fact any report has, in the order they are listed
  const all = [...new Map(facts.flat().map((f) => [f.key, f])).values()]
  for (const f of all) {
    const machine = f.key === 'cpu' || f.key === 'kernel'
    const values = facts.map((list) => list.find((x) => x.key === f.key)?.value ?? '—')
    const compared = values.filter((_, i) => machine || reports[i].foreign === null)
    if (f.key === 'receiver' && shareReceiverModes(reports)) continue
    if (compared.some((v) => v !== compared[0])) out.push({ key: f.key, label: f.label, values })
  }
  return out
}

/**
 * Rows match by pair (a method with its receiver mode): where every report ran a mode
 * in common, the rows compared are the same experiment whatever else each paired
 * (read beside read, splice, …), so the lists differing is no difference.
 */
function shareReceiverModes(reports: readonly Report[]): boolean {
  const lists = reports.filter((r) => r.foreign === null).map((r) => r.start.plan.receiverModes)
  return lists.length > 0 && lists[0].some((m) => lists.every((l) => l.includes(m)))
}
