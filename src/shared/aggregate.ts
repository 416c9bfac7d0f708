// Per-method figures over repetitions, and how each method compares with copy.

import { ratio, summarize } from './statistics'
import type { MethodAggregate, TrialRecord, TrialSummary } from './report'

function key(t: Pick<TrialRecord, 'method' | 'target' | 'fileBytes' | 'chunkBytes'>): string {
  return `${t.method}|${t.target}|${t.fileBytes}|${t.chunkBytes}`
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
    out.push({
      method: first.method,
      target: first.target,
      fileBytes: first.fileBytes,
      chunkBytes: first.chunkBytes,
      trials: group.length,
      failed: group.length - ok.length,
      throughputBitsPerSec: pick((s) => s.throughputBitsPerSec),
      senderCyclesPerBit: pick((s) => s.sender.cyclesPerBit),
      receiverCyclesPerBit: pick((s) => s.receiver?.cyclesPerBit),
      systemCyclesPerBit: pick((s) => s.system?.cyclesPerBit),
      receiverSystemCyclesPerBit: pick((s) => s.receiverSystem?.cyclesPerBit),
      contextSwitchesPerGiB: pick((s) => s.sender.contextSwitchesPerGiB),
      syscallsPerGiB: pick((s) => s.sender.syscallsPerGiB),
      pageFaultsPerGiB: pick((s) => s.sender.pageFaultsPerGiB),
      cyclesSource: ok.length > 0 && ok.every((s) => s.sender.cyclesSource === 'pmu') ? 'pmu' : 'cpu-time-estimate',
      speedupVsCopy: null,
      senderCpuSavingVsCopy: null,
      zeroCopyFallbackShare: zcSends > 0 ? zc.reduce((a, z) => a + z.copied, 0) / zcSends : null
    })
  }
  // ratios against copy on the same target, size and chunk
  for (const a of out) {
    const base = out.find(
      (b) =>
        b.method === 'copy' && b.target === a.target && b.fileBytes === a.fileBytes && b.chunkBytes === a.chunkBytes
    )
    if (!base) continue
    a.speedupVsCopy = ratio(a.throughputBitsPerSec?.median, base.throughputBitsPerSec?.median)
    const r = ratio(a.senderCyclesPerBit?.median, base.senderCyclesPerBit?.median)
    a.senderCpuSavingVsCopy = r === null ? null : 1 - r
  }
  return out
}
