import { describe, expect, it } from 'vitest'
import { aggregateTrials } from '../../src/shared/aggregate'
import type { TrialRecord, TrialSummary } from '../../src/shared/report'
import type { MethodName } from '../../src/shared/methods'

function trial(method: MethodName, gbits: number, cpb: number, warmup = false): TrialRecord {
  const side = {
    cyclesPerBit: cpb,
    cyclesSource: 'pmu',
    contextSwitchesPerGiB: 10,
    syscallsPerGiB: 100,
    pageFaultsPerGiB: 1
  }
  const summary = {
    bytes: 1,
    throughputBitsPerSec: gbits * 1e9,
    sender: side,
    receiver: side,
    system: { cyclesPerBit: cpb * 2 },
    zeroCopy: method === 'msg-zerocopy' ? { sends: 10, completed: 10, copied: 10, fallbackShare: 1 } : null
  } as unknown as TrialSummary
  return {
    index: 0,
    method,
    target: 'tcp://127.0.0.1',
    fileBytes: 100,
    chunkBytes: 10,
    repetition: 0,
    warmup,
    cache: 'warm',
    receiverMode: 'read',
    samples: [],
    sampling: { intervalMs: 100, samples: 0, busyMs: 0 },
    summary,
    error: null
  }
}

describe('aggregateTrials', () => {
  const trials = [
    trial('copy', 999, 999, true), // warm-up: ignored
    trial('copy', 10, 0.4),
    trial('sendfile', 20, 0.1),
    trial('copy', 12, 0.6),
    trial('sendfile', 22, 0.1),
    trial('msg-zerocopy', 11, 0.5)
  ]
  const agg = aggregateTrials(trials)
  const by = (m: MethodName) => agg.find((a) => a.method === m)!

  it('groups by method, target, size and chunk, without warm-ups', () => {
    expect(agg.map((a) => a.method)).toEqual(['copy', 'sendfile', 'msg-zerocopy'])
    expect(by('copy').trials).toBe(2)
    expect(by('copy').throughputBitsPerSec!.median).toBe(11e9)
  })
  it('compares with copy: speed-up and sender CPU saved', () => {
    expect(by('sendfile').speedupVsCopy).toBeCloseTo(21 / 11)
    expect(by('sendfile').senderCpuSavingVsCopy).toBeCloseTo(1 - 0.1 / 0.5)
    expect(by('copy').speedupVsCopy).toBe(1)
  })
  it('reports the zero-copy fallback share', () => {
    expect(by('msg-zerocopy').zeroCopyFallbackShare).toBe(1)
    expect(by('copy').zeroCopyFallbackShare).toBeNull()
  })
  it("keeps a cancelled trial's partial figures out of the statistics", () => {
    const cancelled = { ...trial('copy', 0.5, 9), error: { code: 'ZC_CANCELLED', message: 'cancelled' } }
    const a = aggregateTrials([trial('copy', 10, 1), cancelled, trial('copy', 12, 1)])[0]
    expect(a).toMatchObject({ trials: 3, failed: 1 })
    expect(a.throughputBitsPerSec!.min).toBe(10e9)
    expect(a.senderCyclesPerBit!.max).toBe(1)
  })
  it('counts failed trials', () => {
    const failed = { ...trial('copy', 1, 1), summary: null, error: { code: 'X', message: 'x' } }
    expect(aggregateTrials([failed, trial('copy', 10, 1)])[0]).toMatchObject({ trials: 2, failed: 1 })
  })
})
