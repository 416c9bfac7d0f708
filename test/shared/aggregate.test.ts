import { describe, expect, it } from 'vitest'
import { aggregateTrials, costVerdict } from '../../src/shared/aggregate'
import { aggregateNotes } from '../../src/shared/export/figures'
import type { TrialRecord, VsCopy } from '../../src/shared/report'
import type { RatioEstimate } from '../../src/shared/statistics'
import type { MethodName } from '../../src/shared/methods'
import { plantedTrial } from './trial-records'

function trial(
  method: MethodName,
  gbits: number,
  cpb: number,
  warmup = false,
  receiverCpb = cpb,
  systemCpb = cpb * 2
): TrialRecord {
  const zeroCopy = method === 'msg-zerocopy' ? { sends: 10, completed: 10, copied: 10, fallbackShare: 1 } : null
  return plantedTrial({ method, gbits, sender: cpb, receiver: receiverCpb, system: systemCpb, warmup, zeroCopy })
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
  it('compares with copy: speed-up, and each figure as a ratio of means', () => {
    expect(by('sendfile').speedupVsCopy).toBeCloseTo(21 / 11)
    // copy's sender mean is (0.4 + 0.6) / 2 = 0.5, sendfile's 0.1
    expect(by('sendfile').vsCopy!.senderCyclesPerBit!.ratio).toBeCloseTo(0.1 / 0.5)
    expect(by('sendfile').vsCopy!.systemCyclesPerBit!.ratio).toBeCloseTo(0.2 / 1.0)
    expect(by('copy').speedupVsCopy).toBe(1)
    expect(by('copy').vsCopy).toBeNull()
  })
  it('a zero-copy path the kernel copied is never a zero-copy win', () => {
    expect(by('msg-zerocopy').vsCopy!.verdict).toBe('kernel-copied')
  })
  it('says where a sender saving went: planted trials, three repetitions each', () => {
    // copy: sender 0.40, receiver 0.10, system 0.50 (± a little)
    const copy = [0.39, 0.4, 0.41].map((c, i) => trial('copy', 10, c, false, 0.1 + i * 0.001, 0.5 + i * 0.01))
    // sendfile halves the sender, but the receiver doubles and the system stays where it was
    const moved = [0.19, 0.2, 0.21].map((c, i) => trial('sendfile', 10, c, false, 0.2 + i * 0.001, 0.49 + i * 0.02))
    // splice halves the sender, the receiver pays a third of it back: the system still saves
    const partly = [0.19, 0.2, 0.21].map((c, i) => trial('splice', 10, c, false, 0.15 + i * 0.001, 0.42 + i * 0.01))
    // mmap saves on every side
    const saves = [0.29, 0.3, 0.31].map((c, i) => trial('mmap', 10, c, false, 0.1 + i * 0.001, 0.4 + i * 0.01))
    const a = aggregateTrials([...copy, ...moved, ...partly, ...saves])
    const v = (m: MethodName) => a.find((x) => x.method === m)!.vsCopy!.verdict
    expect(v('sendfile')).toBe('cost-moved')
    expect(v('splice')).toBe('partly-moved')
    expect(v('mmap')).toBe('saves')
    // the row carries the mark every table shows
    expect(a.find((x) => x.method === 'sendfile')!.notes).toContainEqual({ code: 'COST_MOVED', trials: 3 })
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

describe('costVerdict, on planted intervals', () => {
  const r = (ratio: number, lo: number, hi: number): RatioEstimate => ({ ratio, ci95Low: lo, ci95High: hi })
  const below = r(0.5, 0.4, 0.6)
  const above = r(1.5, 1.3, 1.7)
  const around = r(1.0, 0.9, 1.1)
  const none = r(0.8, Number.NaN, Number.NaN)
  const v = (
    s: RatioEstimate | null,
    rc: RatioEstimate | null,
    sys: RatioEstimate | null,
    share: number | null = null
  ) =>
    costVerdict('sendfile', share, {
      senderCyclesPerBit: s,
      receiverCyclesPerBit: rc,
      systemCyclesPerBit: sys
    } as VsCopy)
  it.each([
    ['sender saves, system saves, receiver no worse', below, around, below, 'saves'],
    ['sender saves, system does not', below, above, around, 'cost-moved'],
    ['sender saves, system costs more', below, above, above, 'cost-moved'],
    ['system saves, receiver pays more', below, above, below, 'partly-moved'],
    ['nothing clear', around, around, around, 'no-clear-change'],
    ['system costs more', above, above, above, 'costs-more'],
    ['one repetition: no interval', below, below, none, 'unrepeated'],
    ['no system figure', below, below, null, 'unknown']
  ] as const)('%s', (_, s, rc, sys, expected) => {
    expect(v(s, rc, sys)).toBe(expected)
  })
  it('the kernel copying half the sends or more wins over any saving', () => {
    expect(v(below, below, below, 0.5)).toBe('kernel-copied')
    expect(v(below, below, below, 0.49)).toBe('saves')
  })
  it('copy is the baseline', () => {
    expect(
      costVerdict('copy', null, { senderCyclesPerBit: below, receiverCyclesPerBit: below, systemCyclesPerBit: below })
    ).toBe('baseline')
  })
})

describe('the mapped receiver’s share in the aggregate', () => {
  const mapped = (share: number, repetition: number, bytes = 1000): TrialRecord => {
    const t = plantedTrial({ method: 'sendfile', gbits: 10, sender: 0.1, repetition })
    // a stream of `bytes`: the share is what the trial's counts say
    t.summary!.receiveMapping = {
      mappedBytes: share * bytes,
      copiedBytes: (1 - share) * bytes,
      mappedShare: bytes ? share : null
    }
    return t
  }
  it('is the share of all the trials’ bytes: 0, 0.25 and 0.5 of 1000 bytes each make 0.25', () => {
    const [row] = aggregateTrials([mapped(0, 0), mapped(0.25, 1), mapped(0.5, 2)])
    expect(row.receiveMappedShare).toBe(0.25)
  })
  it('weighs each trial by its bytes, as "of bytes" says: 1.0 of 3000 and 0 of 1000 make 0.75, not 0.5', () => {
    const [row] = aggregateTrials([mapped(1, 0, 3000), mapped(0, 1, 1000)])
    expect(row.receiveMappedShare).toBe(0.75)
  })
  it('is no share (null), not 0 %, where the trials received nothing', () => {
    const [row] = aggregateTrials([mapped(0, 0, 0)])
    expect(row.receiveMappedShare).toBeNull()
  })
  it('the row says the share, in place of the low-share mark it stands for', () => {
    const trials = [mapped(0, 0), mapped(0.25, 1), mapped(0.5, 2)]
    for (const t of trials) t.summary!.notes = [{ code: 'RECV_MAPPED_LOW' } as never]
    const [row] = aggregateTrials(trials)
    expect(row.notes).toContainEqual({ code: 'RECV_MAPPED_LOW', trials: 3 })
    expect(aggregateNotes(row)).toBe('receiver mapped 25% of bytes')
  })
  it('is absent where the receiver mapped nothing at all (another mode)', () => {
    const [row] = aggregateTrials([plantedTrial({ method: 'sendfile', gbits: 10, sender: 0.1 })])
    expect(row.receiveMappedShare).toBeUndefined()
  })
})
