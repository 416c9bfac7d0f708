// A PCIe link's one-way bandwidth, against the PCI-SIG figures per lane: 250 MB/s (gen 1),
// 500 (gen 2), 984.6 (gen 3), 1969 (gen 4), 3938 (gen 5), and gen 6's FLIT payload share.

import { describe, expect, it } from 'vitest'
import { pcieBytesPerSec } from '../../src/shared/pcie'

describe('pcieBytesPerSec', () => {
  it.each([
    [1, 1, 0.25e9],
    [2, 8, 4e9],
    [3, 16, 15.754e9],
    [4, 16, 31.508e9],
    [5, 16, 63.015e9],
    [6, 16, 121e9]
  ])('gen %i x%i is %d bytes/s', (gen, width, bytes) => {
    expect(pcieBytesPerSec(gen, width)! / bytes).toBeCloseTo(1, 3)
  })
  it('an unknown generation or no lanes: unknown, not zero', () => {
    expect(pcieBytesPerSec(0, 16)).toBeNull()
    expect(pcieBytesPerSec(7, 16)).toBeNull()
    expect(pcieBytesPerSec(4, 0)).toBeNull()
  })
})
