// Each target's baseline: copy for sockets, gpu-copy for GPUs. A fixed table of every
// method, then a gpu:// run's rows, where gpu-copy is the baseline and the other gpu-*
// methods are read against it (expected figures worked out by hand below).

import { describe, expect, it } from 'vitest'
import { aggregateTrials, costVerdict } from '../../src/shared/aggregate'
import { headlineText, VS_COPY_COLUMNS } from '../../src/shared/export/figures'
import { groupFindings } from '../../src/shared/export/findings'
import { ALL_METHODS, baselineMethod, isBaselineMethod, type MethodName } from '../../src/shared/methods'
import type { TrialRecord } from '../../src/shared/report'
import type { RatioEstimate } from '../../src/shared/statistics'
import { plantedTrial } from './trial-records'

/** method → [its baseline, whether it is one] */
const TABLE: Record<MethodName, [MethodName, boolean]> = {
  copy: ['copy', true],
  mmap: ['copy', false],
  sendfile: ['copy', false],
  splice: ['copy', false],
  'msg-zerocopy': ['copy', false],
  'uring-send': ['copy', false],
  'uring-splice': ['copy', false],
  'uring-send-zc': ['copy', false],
  'node-stream': ['copy', false],
  'gpu-copy': ['gpu-copy', true],
  'gpu-pinned': ['gpu-copy', false],
  'gpu-register': ['gpu-copy', false],
  'gpu-mapped': ['gpu-copy', false],
  'gpu-cufile': ['gpu-copy', false],
  'gpu-mem-pageable': ['gpu-copy', false],
  'gpu-mem-pinned': ['gpu-copy', false]
}

describe('baselines, a fixed table', () => {
  it('covers every method', () => {
    expect(Object.keys(TABLE).sort()).toEqual([...ALL_METHODS].sort())
  })
  it.each(Object.entries(TABLE).map(([m, [base, is]]) => [m as MethodName, base, is] as const))(
    '%s: against %s, a baseline: %s',
    (m, base, is) => {
      expect(baselineMethod(m)).toBe(base)
      expect(isBaselineMethod(m)).toBe(is)
    }
  )
})

function trial(method: MethodName, repetition: number, gbits: number, cpb: number): TrialRecord {
  // a GPU target has no receiver of ours and no second host; the system twice the sender
  return plantedTrial({ method, repetition, gbits, sender: cpb, receiver: null, target: 'gpu://0' })
}

/*
 * gpu-copy: sender 0.40 0.41 0.39 cycles/bit (system twice that: mean 0.80), 10 Gbit/s
 * gpu-pinned: sender 0.20 0.21 0.19 (system mean 0.40), 20 Gbit/s
 * gpu-pinned against gpu-copy: 0.40 / 0.80 = 0.5 of its CPU per bit, twice its throughput: saves
 */
const jitter = [0, 0.01, -0.01]
const rows = aggregateTrials([
  ...jitter.map((j, i) => trial('gpu-copy', i, 10, 0.4 + j)),
  ...jitter.map((j, i) => trial('gpu-pinned', i, 20, 0.2 + j))
])
const row = (m: MethodName) => rows.find((a) => a.method === m)!

describe('a gpu:// run: gpu-copy is the baseline', () => {
  it('gpu-pinned is read against gpu-copy: half its CPU per bit, a saving', () => {
    const pinned = row('gpu-pinned')
    expect(pinned.headline).toMatchObject({ baseline: 'gpu-copy', n: 3, status: 'finding', verdict: 'saves' })
    expect(pinned.headline!.ratio!.ratio).toBeCloseTo(0.5, 12)
    expect(pinned.speedupVsCopy).toBeCloseTo(2, 12)
  })
  it('gpu-copy has no verdict of its own: it is the baseline', () => {
    const copy = row('gpu-copy')
    expect(copy.headline).toMatchObject({ baseline: 'gpu-copy', status: 'baseline', verdict: 'baseline' })
    expect(copy.vsCopy).toBeNull()
    // asked directly with intervals that would otherwise say "saves"
    const below: RatioEstimate = { ratio: 0.5, ci95Low: 0.4, ci95High: 0.6 }
    expect(
      costVerdict('gpu-copy', null, {
        senderCyclesPerBit: below,
        receiverCyclesPerBit: null,
        systemCyclesPerBit: below
      })
    ).toBe('baseline')
  })
  it('every view says so: the headline cell, the against-copy columns and the findings', () => {
    expect(headlineText(row('gpu-copy'))).toBe('baseline')
    const cell = (head: string) => VS_COPY_COLUMNS.find((c) => c.head === head)!.cell
    expect(cell('throughput')(row('gpu-copy'))).toBe('baseline')
    expect(cell('verdict')(row('gpu-copy'))).toBe('baseline')
    expect(cell('system CPU/bit')(row('gpu-copy'))).toBe('')
    // the findings speak of gpu-pinned against gpu-copy, and of nothing else
    const findings = groupFindings(rows)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatch(/^gpu-pinned is the cheapest for the whole machine: .* against gpu-copy/)
  })
})
