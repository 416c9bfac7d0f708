// Planted trial records for the aggregate's tests: one trial, its summary holding only
// the figures the rows are made of (cycles per bit on each side and host, throughput).

import type { MethodName, ReceiverMode } from '../../src/shared/methods'
import type { TrialRecord, TrialSummary } from '../../src/shared/report'

export interface PlantedTrial {
  method: MethodName
  /** 0 unless given */
  repetition?: number
  /** false unless given */
  warmup?: boolean
  /** 'tcp://127.0.0.1' unless given */
  target?: string
  /** Gbit/s; 10 unless given */
  gbits?: number
  /** the sender's cycles per bit */
  sender: number
  /** the receiver's; the sender's unless given; null where there is no receiver of ours (a GPU target) */
  receiver?: number | null
  /** the sending host's whole-system cycles per bit; twice the sender's unless given */
  system?: number
  /** the receiving host's; null (unless given) where it is this host, or nobody of ours receives */
  receiverSystem?: number | null
  /** null unless given */
  zeroCopy?: TrialSummary['zeroCopy']
  /** 'read' unless given */
  receiverMode?: ReceiverMode
}

/** one side's figures: c cycles per bit, the rest fixed */
function side(c: number) {
  return {
    cyclesPerBit: c,
    cyclesSource: 'pmu',
    contextSwitchesPerGiB: 10,
    syscallsPerGiB: 100,
    pageFaultsPerGiB: 1
  }
}

export function plantedTrial(p: PlantedTrial): TrialRecord {
  const receiver = p.receiver === undefined ? p.sender : p.receiver
  const receiverSystem = p.receiverSystem ?? null
  const summary = {
    bytes: 1,
    throughputBitsPerSec: (p.gbits ?? 10) * 1e9,
    sender: side(p.sender),
    receiver: receiver === null ? null : side(receiver),
    system: { cyclesPerBit: p.system ?? p.sender * 2 },
    receiverSystem: receiverSystem === null ? null : { cyclesPerBit: receiverSystem },
    notes: [],
    zeroCopy: p.zeroCopy ?? null
  } as unknown as TrialSummary
  return {
    index: 0,
    method: p.method,
    target: p.target ?? 'tcp://127.0.0.1',
    fileBytes: 100,
    chunkBytes: 10,
    durationMs: 2000,
    omitMs: 200,
    trialBytes: null,
    streams: 1,
    repetition: p.repetition ?? 0,
    warmup: p.warmup ?? false,
    cache: 'warm',
    receiverMode: p.receiverMode ?? 'read',
    samples: [],
    sampling: { intervalMs: 100, samples: 0, busyMs: 0 },
    summary,
    error: null
  }
}
