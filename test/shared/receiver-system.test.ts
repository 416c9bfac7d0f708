// The run's headline and verdict read every host measured: the sending host's system
// figure plus the receiving host's, when that is another host. Planted trial summaries
// where leaving the receiving host out would change the verdict; every expected figure
// is worked out by hand in the comments.

import { describe, expect, it } from 'vitest'
import { aggregateTrials, allHostsCyclesPerBit, analysisOf } from '../../src/shared/aggregate'
import type { MethodName } from '../../src/shared/methods'
import type { TrialRecord } from '../../src/shared/report'
import { plantedTrial } from './trial-records'

interface Planted {
  sender: number
  receiver: number
  /** the sending host's whole-system cycles per bit */
  system: number
  /** the receiving host's; null where it is this host (or nobody of ours receives) */
  receiverSystem: number | null
}

function trial(method: MethodName, repetition: number, p: Planted): TrialRecord {
  return plantedTrial({ method, repetition, target: 'agent://10.0.0.2:5201', ...p })
}

const summaryOf = (p: Planted) => trial('copy', 0, p).summary!

describe('allHostsCyclesPerBit: the sending host plus the receiving host, a fixed table', () => {
  it.each([
    ['both hosts measured', { system: 0.5, receiverSystem: 0.3 }, 0.8],
    ['the receiving host is this one', { system: 0.5, receiverSystem: null }, 0.5],
    ['the receiving host moved nothing (NaN)', { system: 0.5, receiverSystem: Number.NaN }, 0.5],
    ['no sending-host figure: nothing to add to', { system: Number.NaN, receiverSystem: 0.3 }, null]
  ] as const)('%s', (_, hosts, expected) => {
    const s = summaryOf({ sender: 0.2, receiver: 0.1, ...hosts })
    if (expected === null) expect(allHostsCyclesPerBit(s)).toBeNull()
    else expect(allHostsCyclesPerBit(s)).toBeCloseTo(expected, 12)
  })
})

/*
 * Three repetitions each, against copy, on another host's agent:
 *
 *   copy      sending host 0.50 0.51 0.49 (mean 0.50)  receiving host 0.30 0.31 0.29 (mean 0.30)
 *             all hosts 0.80 0.82 0.78: mean 0.80
 *   sendfile  sending host 0.30 0.31 0.29 (mean 0.30)  receiving host 0.60 0.61 0.59 (mean 0.60)
 *             all hosts 0.90 0.92 0.88: mean 0.90
 *
 * sendfile's sender halves (0.1 against 0.2), and its sending host alone would read
 * 0.30 / 0.50 = 0.6 of copy's: a saving. With the receiving host it is 0.90 / 0.80 =
 * 1.125 of copy's: the saving moved to the receiving host and more. The verdict: cost-moved.
 */
const jitter = [0, 0.01, -0.01]
const copyTrials = jitter.map((j, i) =>
  trial('copy', i, { sender: 0.2 + j / 10, receiver: 0.1 + j / 10, system: 0.5 + j, receiverSystem: 0.3 + j })
)
const sendfileTrials = jitter.map((j, i) =>
  trial('sendfile', i, { sender: 0.1 + j / 10, receiver: 0.3 + j / 10, system: 0.3 + j, receiverSystem: 0.6 + j })
)

describe('the verdict and headline read the receiving host too', () => {
  it('the row carries each host and their sum', () => {
    const [copy, sendfile] = aggregateTrials([...copyTrials, ...sendfileTrials])
    expect(copy.systemCyclesPerBit!.mean).toBeCloseTo(0.5, 12)
    expect(copy.receiverSystemCyclesPerBit!.mean).toBeCloseTo(0.3, 12)
    expect(copy.allHostsCyclesPerBit!.mean).toBeCloseTo(0.8, 12)
    expect(sendfile.allHostsCyclesPerBit!.mean).toBeCloseTo(0.9, 12)
  })

  it('a sender saving the receiving host pays back is cost moved, not a saving: ratio 0.90 / 0.80', () => {
    const sendfile = aggregateTrials([...copyTrials, ...sendfileTrials]).find((a) => a.method === 'sendfile')!
    expect(sendfile.vsCopy!.senderCyclesPerBit!.ratio).toBeCloseTo(0.5, 12)
    expect(sendfile.vsCopy!.systemCyclesPerBit!.ratio).toBeCloseTo(1.125, 12)
    expect(sendfile.headline!.ratio!.ratio).toBeCloseTo(1.125, 12)
    expect(sendfile.headline!.ratio!.ci95Low).toBeGreaterThan(1)
    expect(sendfile.headline).toMatchObject({ baseline: 'copy', n: 3, status: 'finding', verdict: 'cost-moved' })
    expect(sendfile.vsCopy!.verdict).toBe('cost-moved')
    expect(sendfile.notes).toContainEqual({ code: 'COST_MOVED', trials: 3 })
  })

  it('paired round by round, the same: each round 0.90/0.80, 0.92/0.82, 0.88/0.78', () => {
    const rows = aggregateTrials(
      [...copyTrials, ...sendfileTrials],
      analysisOf({ order: 'shuffled', precision: null, methods: ['copy', 'sendfile'] })
    )
    const sendfile = rows.find((a) => a.method === 'sendfile')!
    // the paired ratio is a geometric mean of each round's: (0.9/0.8 × 0.92/0.82 × 0.88/0.78)^(1/3)
    const expected = Math.cbrt((0.9 / 0.8) * (0.92 / 0.82) * (0.88 / 0.78))
    expect(sendfile.headline!.ratio!.ratio).toBeCloseTo(expected, 6)
    expect(sendfile.headline).toMatchObject({ design: 'paired', n: 3, verdict: 'cost-moved' })
  })

  it('the same trials with the receiving host on this host (no second figure): the sending host decides, a saving', () => {
    const local = (t: TrialRecord): TrialRecord => ({
      ...t,
      summary: { ...t.summary!, receiverSystem: null }
    })
    const sendfile = aggregateTrials([...copyTrials, ...sendfileTrials].map(local)).find(
      (a) => a.method === 'sendfile'
    )!
    // 0.30 / 0.50: the planted fixture is one where the receiving host is what changes the verdict
    expect(sendfile.headline!.ratio!.ratio).toBeCloseTo(0.6, 12)
    expect(sendfile.vsCopy!.verdict).not.toBe('cost-moved')
  })

  it('a receiving host that saves turns a flat sending host into a saving', () => {
    /*
     * splice: sending host as copy's (0.50), sender as copy's; the receiving host 0.10
     * instead of 0.30. All hosts 0.60 against 0.80: 0.75 of copy's, a saving; the
     * sending host alone (1.0) would say no clear change.
     */
    const splice = jitter.map((j, i) =>
      trial('splice', i, { sender: 0.2 + j / 10, receiver: 0.05 + j / 10, system: 0.5 + j, receiverSystem: 0.1 + j })
    )
    const row = aggregateTrials([...copyTrials, ...splice]).find((a) => a.method === 'splice')!
    expect(row.headline!.ratio!.ratio).toBeCloseTo(0.6 / 0.8, 12)
    expect(row.headline!.verdict).toBe('saves')
  })
})
