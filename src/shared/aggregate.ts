// Per-method figures over repetitions, and what each method costs against copy (for a
// GPU target, against gpu-copy: read() into a pageable buffer, then the driver's copy).

import { ratio, ratioOfMeans, ratioSide, summarize, type RatioEstimate, type Stat } from './statistics'
import { baselineMethod } from './methods'
import type { CostVerdict, MethodAggregate, TrialRecord, TrialSummary, VsCopy } from './report'

type GroupKey = Pick<
  TrialRecord,
  'method' | 'target' | 'fileBytes' | 'chunkBytes' | 'durationMs' | 'trialBytes' | 'streams'
>

function key(t: GroupKey): string {
  return `${t.method}|${t.target}|${t.fileBytes}|${t.chunkBytes}|${t.durationMs}|${t.trialBytes}|${t.streams}`
}

/** the same measurement as another method's: everything but the method */
function sameConditions(a: GroupKey, b: GroupKey): boolean {
  return key({ ...a, method: 'copy' }) === key({ ...b, method: 'copy' })
}

/** what every host we measured pays per bit: the sending host, plus the receiving host when it is another */
export function allHostsCyclesPerBit(s: TrialSummary): number | null {
  const own = s.system?.cyclesPerBit
  if (own === null || own === undefined || !Number.isFinite(own)) return null
  const other = s.receiverSystem?.cyclesPerBit
  return other !== null && other !== undefined && Number.isFinite(other) ? own + other : own
}

/** a share of sends the kernel copied at or above this makes a zero-copy method's saving no zero-copy win */
export const KERNEL_COPIED_SHARE = 0.5

/**
 * The verdict on a method's cost against copy, from the intervals of its ratios.
 * A sender saving that the receiver or the whole system pays back is "cost moved",
 * never a saving; a zero-copy path the kernel copied anyway is never a win.
 */
export function costVerdict(
  method: MethodAggregate['method'],
  fallbackShare: number | null,
  r: Pick<VsCopy, 'senderCyclesPerBit' | 'receiverCyclesPerBit' | 'systemCyclesPerBit'>
): CostVerdict {
  if (method === baselineMethod(method)) return 'baseline'
  if (fallbackShare !== null && fallbackShare >= KERNEL_COPIED_SHARE) return 'kernel-copied'
  if (!r.systemCyclesPerBit) return 'unknown'
  const system = ratioSide(r.systemCyclesPerBit)
  if (system === null) return 'unrepeated'
  const sender = ratioSide(r.senderCyclesPerBit)
  const receiver = ratioSide(r.receiverCyclesPerBit)
  if (sender === 'below' && system !== 'below') return 'cost-moved'
  if (system === 'below') return receiver === 'above' ? 'partly-moved' : 'saves'
  return system === 'above' ? 'costs-more' : 'no-clear-change'
}

function ratioOf(a: Stat | null, base: Stat | null): RatioEstimate | null {
  return a && base ? ratioOfMeans(base, a) : null
}

export function aggregateTrials(trials: readonly TrialRecord[]): MethodAggregate[] {
  const groups = new Map<string, TrialRecord[]>()
  for (const t of trials) {
    if (t.warmup) continue
    const k = key(t)
    const g = groups.get(k)
    if (g) g.push(t)
    else groups.set(k, [t])
  }
  const out: MethodAggregate[] = []
  for (const group of groups.values()) {
    const first = group[0]
    // a failed or cancelled trial keeps its partial figures in the report, not in the statistics
    const ok = group
      .filter((t) => t.error === null)
      .map((t) => t.summary)
      .filter((s): s is TrialSummary => s !== null && s.bytes > 0)
    const pick = (f: (s: TrialSummary) => number | null | undefined) =>
      summarize(ok.map(f).filter((v): v is number => typeof v === 'number'))
    const zc = ok.map((s) => s.zeroCopy).filter((z) => z !== null)
    const zcSends = zc.reduce((a, z) => a + z.completed, 0)
    // each warning a trial carries (its failure included), on how many trials
    const noteCount = new Map<string, number>()
    for (const t of group) {
      const codes = new Set((t.summary?.notes ?? []).map((n) => n.code))
      if (t.error) codes.add(t.error.code)
      for (const c of codes) noteCount.set(c, (noteCount.get(c) ?? 0) + 1)
    }
    const sources = new Set(ok.map((s) => s.sender.cyclesSource))
    out.push({
      method: first.method,
      target: first.target,
      fileBytes: first.fileBytes,
      chunkBytes: first.chunkBytes,
      durationMs: first.durationMs,
      trialBytes: first.trialBytes,
      streams: first.streams,
      trials: group.length,
      failed: group.length - ok.length,
      throughputBitsPerSec: pick((s) => s.throughputBitsPerSec),
      senderCyclesPerBit: pick((s) => s.sender.cyclesPerBit),
      receiverCyclesPerBit: pick((s) => s.receiver?.cyclesPerBit),
      systemCyclesPerBit: pick((s) => s.system?.cyclesPerBit),
      receiverSystemCyclesPerBit: pick((s) => s.receiverSystem?.cyclesPerBit),
      allHostsCyclesPerBit: pick(allHostsCyclesPerBit),
      contextSwitchesPerGiB: pick((s) => s.sender.contextSwitchesPerGiB),
      syscallsPerGiB: pick((s) => s.sender.syscallsPerGiB),
      pageFaultsPerGiB: pick((s) => s.sender.pageFaultsPerGiB),
      uringEntersPerGiB: pick((s) => s.uring?.entersPerGiB),
      uringSqesPerGiB: pick((s) => s.uring?.sqesPerGiB),
      ...(ok.some((s) => s.gpu) && {
        gpuBitsPerSec: pick((s) => s.gpu?.gpuBitsPerSec),
        gpuPinMs: pick((s) => s.gpu?.pinMs)
      }),
      cyclesSource: sources.size === 1 ? [...sources][0] : ok.length === 0 ? 'none' : 'cpu-time-estimate',
      speedupVsCopy: null,
      vsCopy: null,
      zeroCopyFallbackShare: zcSends > 0 ? zc.reduce((a, z) => a + z.copied, 0) / zcSends : null,
      notes: [...noteCount].map(([code, n]) => ({ code, trials: n }))
    })
  }
  // against copy on the same target, size, chunk, bound and streams
  for (const a of out) {
    const base = out.find((b) => b.method === baselineMethod(a.method) && sameConditions(a, b))
    if (!base) continue
    a.speedupVsCopy = ratio(a.throughputBitsPerSec?.median, base.throughputBitsPerSec?.median)
    if (a === base) continue
    const r = {
      throughput: ratioOf(a.throughputBitsPerSec, base.throughputBitsPerSec),
      senderCyclesPerBit: ratioOf(a.senderCyclesPerBit, base.senderCyclesPerBit),
      receiverCyclesPerBit: ratioOf(a.receiverCyclesPerBit, base.receiverCyclesPerBit),
      systemCyclesPerBit: ratioOf(a.allHostsCyclesPerBit, base.allHostsCyclesPerBit)
    }
    a.vsCopy = { ...r, verdict: costVerdict(a.method, a.zeroCopyFallbackShare, r) }
    if (a.vsCopy.verdict === 'cost-moved' || a.vsCopy.verdict === 'partly-moved')
      a.notes.push({ code: 'COST_MOVED', trials: a.trials - a.failed })
  }
  return out
}
