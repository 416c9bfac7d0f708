// A PCIe link's bandwidth, one direction, from its generation and width: the line a
// GPU transfer is drawn against, as 1 cycle/bit is for sockets. Per lane: the transfer
// rate times the line code's efficiency (8b/10b to gen 2, 128b/130b from gen 3, and
// gen 6's FLIT mode, 242 of 256 bytes payload).

/** GT/s per lane, and the share of it that carries data, by generation */
const GENERATIONS: Record<number, { gtPerSec: number; efficiency: number }> = {
  1: { gtPerSec: 2.5, efficiency: 8 / 10 },
  2: { gtPerSec: 5, efficiency: 8 / 10 },
  3: { gtPerSec: 8, efficiency: 128 / 130 },
  4: { gtPerSec: 16, efficiency: 128 / 130 },
  5: { gtPerSec: 32, efficiency: 128 / 130 },
  6: { gtPerSec: 64, efficiency: 242 / 256 }
}

/** bytes per second one direction of a gen × width link carries before protocol overhead; null when unknown */
export function pcieBytesPerSec(gen: number, width: number): number | null {
  const g = GENERATIONS[gen]
  if (!g || width <= 0) return null
  return (g.gtPerSec * 1e9 * g.efficiency * width) / 8
}
