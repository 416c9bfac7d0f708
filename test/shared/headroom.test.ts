// Headroom arithmetic on planted figures: the expected values are worked out by hand.

import { describe, expect, it } from 'vitest'
import { headroomOf, lineRatesFor, ruleOfThumbCores } from '../../src/shared/headroom'
import type { MethodAggregate } from '../../src/shared/report'
import type { Stat } from '../../src/shared/statistics'

const stat = (median: number): Stat => ({
  n: 3,
  median,
  min: median,
  max: median,
  mean: median,
  stddev: 0,
  ci95Low: median,
  ci95High: median
})

function agg(sender: number, receiver: number, system: number, receiverSystem: number | null = null): MethodAggregate {
  return {
    senderCyclesPerBit: stat(sender),
    receiverCyclesPerBit: stat(receiver),
    systemCyclesPerBit: stat(system),
    receiverSystemCyclesPerBit: receiverSystem === null ? null : stat(receiverSystem)
  } as MethodAggregate
}

describe('headroom', () => {
  it('one host: a core at 2.5 GHz and 0.25 cycles/bit moves 10 Gbit/s; 100 Gbit/s needs 10 cores', () => {
    const h = headroomOf(agg(0.25, 0.125, 0.5), 2.5e9, 2.5e9, [10e9, 100e9])
    expect(h.perCoreBitsPerSec.sender).toBeCloseTo(10e9)
    expect(h.perCoreBitsPerSec.receiver).toBeCloseTo(20e9)
    expect(h.perCoreBitsPerSec.system).toBeCloseTo(5e9)
    expect(h.coresAt.map((c) => c.system)).toEqual([expect.closeTo(2, 9), expect.closeTo(20, 9)])
    expect(h.coresAt[1].sender).toBeCloseTo(10)
    expect(h.coresAt[1].receiver).toBeCloseTo(5)
  })
  it('two hosts: each host pays its own cycles at its own clock, and their cores add up', () => {
    // sending host 0.1 cycles/bit at 2 GHz: 5 cores at 100G; receiving host 0.2 at 4 GHz: 5 more
    const h = headroomOf(agg(0.05, 0.1, 0.1, 0.2), 2e9, 4e9, [100e9])
    expect(h.coresAt[0].system).toBeCloseTo(10)
    expect(h.perCoreBitsPerSec.system).toBeCloseTo(10e9)
    expect(h.coresAt[0].receiver).toBeCloseTo(2.5) // 100e9 × 0.1 / 4e9
  })
  it('unknown cost or clock: no figure, never a zero', () => {
    const h = headroomOf({ ...agg(0.1, 0.1, 0.1), systemCyclesPerBit: null } as MethodAggregate, null, null, [10e9])
    expect(h.coresAt[0]).toEqual({ lineRateBitsPerSec: 10e9, sender: null, receiver: null, system: null })
  })
  it('the rule of thumb: one cycle per bit, so a 3 GHz core fills 3 Gbit/s', () => {
    expect(ruleOfThumbCores(3e9, 300e9)).toBeCloseTo(100)
    expect(ruleOfThumbCores(null, 300e9)).toBeNull()
  })
  it('sizes for the rates asked, else the fastest physical NIC, else 10/25/100/400 Gbit/s', () => {
    const nic = (speedMbps: number | null, virtual = false) => ({
      name: 'x',
      speedMbps,
      mtu: 1500,
      virtual,
      driver: 'd'
    })
    expect(lineRatesFor({ lineRatesBitsPerSec: [25e9] }, { nics: [nic(100000)] })).toEqual([25e9])
    expect(lineRatesFor({ lineRatesBitsPerSec: null }, { nics: [nic(25000), nic(100000), nic(400000, true)] })).toEqual(
      [100e9]
    )
    expect(lineRatesFor({ lineRatesBitsPerSec: null }, { nics: [nic(null)] })).toEqual([10e9, 25e9, 100e9, 400e9])
    expect(lineRatesFor({ lineRatesBitsPerSec: null }, null)).toEqual([10e9, 25e9, 100e9, 400e9])
  })
})
