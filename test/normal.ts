// Standard normal draws from a seeded generator (Box–Muller over mulberry32): the same
// draws every run, so a simulation test cannot flake.

import { seededRandom } from '../src/shared/random'

export function normal(seed: number): () => number {
  const uniform = seededRandom(seed)
  return () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform())
}
