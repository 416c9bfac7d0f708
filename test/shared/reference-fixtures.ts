// Machine references as a run would record them, for the rule's, the run's and
// compare's tests: the medians and spreads written out by hand from the repeats.

import type { MachineReference, ReferenceFigure } from '../../src/shared/report'

export const fig = (median: number, spread: number, repeats: number[]): ReferenceFigure => ({
  median,
  spread,
  repeats
})

export const STEADY: MachineReference = {
  timestamp: '2026-12-07T00:00:00.000Z',
  tookMs: 200,
  memoryCopyGBps: fig(10, 0.04, [9.8, 9.9, 10, 10.1, 10.2]),
  syscallNs: fig(1000, 0.04, [980, 990, 1000, 1010, 1020]),
  loopbackCpuNsPerBit: fig(0.05, 0.08, [0.049, 0.048, 0.05, 0.051, 0.052])
}

/** STEADY's machine slower: memory copy −20 % and system call +30 % (both past the rule), loopback +6 % (under its floor) */
export const SLOWER: MachineReference = {
  ...STEADY,
  timestamp: '2026-12-07T00:20:00.000Z',
  memoryCopyGBps: fig(8, 0.025, [7.9, 7.95, 8, 8.05, 8.1]),
  syscallNs: fig(1300, 0.03, [1280, 1290, 1300, 1310, 1320]),
  loopbackCpuNsPerBit: fig(0.053, 0.08, [0.051, 0.052, 0.053, 0.054, 0.055])
}
