// A seeded generator for what a run draws (its rounds' order): the same seed gives the
// same order, so a report's seed replays its run's order exactly.

/** mulberry32: 32 bits of state, uniform in [0, 1) */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** a shuffled copy (Fisher–Yates) */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[out[i], out[j]] = [out[j], out[i]]
  }
  return out
}

/** a seed for a run that names none */
export function newSeed(): number {
  return Math.floor(Math.random() * 2 ** 32) >>> 0
}
