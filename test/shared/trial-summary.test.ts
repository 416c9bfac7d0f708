import { describe, expect, it } from 'vitest'
import { diffTotals, sideFigures, type SideTotals } from '../../src/shared/trial-summary'

const GiB = 1024 ** 3
const base: SideTotals = {
  scope: 'thread',
  cpuNs: 500e6,
  cycles: null,
  instructions: null,
  contextSwitches: 40,
  contextSwitchesVoluntary: 30,
  contextSwitchesInvoluntary: 10,
  pageFaults: 8,
  syscalls: { read: 8192, write: 8192 },
  sources: { taskClock: 'perf-software' }
}

describe('sideFigures', () => {
  it('estimates cycles from CPU time × clock when the PMU is closed, and says so', () => {
    const f = sideFigures(base, GiB, 1e9, 2e9)
    expect(f.cyclesSource).toBe('cpu-time-estimate')
    expect(f.cycles).toBe(1e9) // 0.5 s × 2 GHz
    expect(f.cyclesPerBit).toBeCloseTo(1e9 / (GiB * 8))
    expect(f.sources.cycles).toBe('cpu-time-estimate')
  })
  it('uses counted cycles when there are some', () => {
    const f = sideFigures({ ...base, cycles: 3e9 }, GiB, 1e9, 2e9)
    expect(f.cyclesSource).toBe('pmu')
    expect(f.cycles).toBe(3e9)
  })
  it('normalises per GiB and per second', () => {
    const f = sideFigures(base, 2 * GiB, 2e9, 2e9)
    expect(f.contextSwitchesPerGiB).toBe(20)
    expect(f.contextSwitchesPerSec).toBe(20)
    expect(f.syscallsTotal).toBe(16384)
    expect(f.syscallsPerGiB).toBe(8192)
    expect(f.pageFaultsPerGiB).toBe(4)
  })
  it('keeps uncounted syscalls as null, not zero', () => {
    const f = sideFigures({ ...base, syscalls: null }, GiB, 1e9, 2e9)
    expect(f.syscallsTotal).toBeNull()
    expect(f.syscallsPerGiB).toBeNull()
  })
})

describe('diffTotals', () => {
  it('subtracts a baseline, field by field', () => {
    const d = diffTotals({ ...base, cpuNs: 900e6, contextSwitches: 50, syscalls: { read: 9000, write: 8192 } }, base)
    expect(d.cpuNs).toBeCloseTo(400e6)
    expect(d.contextSwitches).toBe(10)
    expect(d.syscalls).toEqual({ read: 808 })
  })
})
