// The machine reference: a short measurement of the host taken as a run starts and
// as it ends (main/host/machine-reference.ts takes it). Hosts drift: the same pinned
// run on one VM moved from −24 % to −13 % in twenty minutes with no change to the
// code. When a figure steps and the reference stepped with it, the machine changed
// as well; a reference that moved within a run flags that run.
//
// The rule, the same for a run's two ends, for compare's reports and for a trend's
// neighbouring points: a reference figure changed when
//   1. its medians differ by more than DRIFT_FLOOR (10 %), and
//   2. every repeat on one side lies beyond every repeat on the other, in the
//      direction of that change.
// (2) is a rank test with an exact level: were both sides draws of one figure, the
// n + n repeats would fall in any order alike, and the two sides part completely in
// 2 of the C(2n, n) orders: with 5 repeats a side, 2 in 252 (under 1 %). It asks no
// distribution of the noise and needs no threshold tuned to one machine: a figure
// whose repeats scatter widely must step further to part. (1) keeps a step that is
// real but small (a turbo bin, a cache's luck) from being called a changed machine:
// figures of runs move that much without the host changing. Under MIN_REPEATS a side
// the test means nothing, and nothing is said.

import type { MachineReference, ReferenceFigure } from './report'

/** a smaller change of a reference figure is never called a change of the machine */
export const DRIFT_FLOOR = 0.1
/** below this many repeats a side, two references are not judged */
export const MIN_REPEATS = 3

export type ReferenceKey = 'memoryCopyGBps' | 'syscallNs' | 'loopbackCpuNsPerBit'

export interface ReferenceFigureInfo {
  key: ReferenceKey
  label: string
  unit: string
  /** which way the machine is faster */
  better: 'higher' | 'lower'
}

/** the reference's figures, in the order words list them */
export const REFERENCE_FIGURES: readonly ReferenceFigureInfo[] = [
  { key: 'memoryCopyGBps', label: 'memory copy', unit: 'GB/s', better: 'higher' },
  { key: 'syscallNs', label: 'system call', unit: 'ns', better: 'lower' },
  { key: 'loopbackCpuNsPerBit', label: 'loopback copy CPU/bit', unit: 'ns/bit', better: 'lower' }
]

/** a reference figure from its repeats: their median and their relative range */
export function referenceFigure(repeats: readonly number[]): ReferenceFigure {
  if (!repeats.length || repeats.some((r) => !Number.isFinite(r) || r <= 0))
    throw new RangeError(`a reference figure needs positive repeats, not [${repeats.join(', ')}]`)
  const sorted = [...repeats].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return { median, spread: (sorted.at(-1)! - sorted[0]) / median, repeats: [...repeats] }
}

/** how one reference figure moved from `before` to `after` */
export interface FigureDrift {
  key: ReferenceKey
  label: string
  unit: string
  before: number
  after: number
  /** after / before − 1 */
  change: number
  /** the rule above says the machine changed */
  drifted: boolean
  /** the machine got slower by this figure */
  slower: boolean
}

/** the rule above, for one figure */
export function figureDrifted(before: ReferenceFigure, after: ReferenceFigure): boolean {
  if (before.repeats.length < MIN_REPEATS || after.repeats.length < MIN_REPEATS) return false
  if (!(before.median > 0)) return false
  // as a difference, so a change of exactly the floor is not past it in floating point
  const step = after.median - before.median
  if (!(Math.abs(step) > DRIFT_FLOOR * before.median)) return false
  // the two sides part: the lower side's highest repeat is below the higher side's lowest
  const [low, high] = step > 0 ? [before.repeats, after.repeats] : [after.repeats, before.repeats]
  return Math.max(...low) < Math.min(...high)
}

/** each figure both references have, before → after, with the rule's verdict */
export function referenceDrift(before: MachineReference, after: MachineReference): FigureDrift[] {
  const out: FigureDrift[] = []
  for (const info of REFERENCE_FIGURES) {
    const a = before[info.key]
    const b = after[info.key]
    if (!a || !b) continue
    const change = b.median / a.median - 1
    out.push({
      key: info.key,
      label: info.label,
      unit: info.unit,
      before: a.median,
      after: b.median,
      change,
      drifted: figureDrifted(a, b),
      slower: info.better === 'higher' ? change < 0 : change > 0
    })
  }
  return out
}

/** a figure at three significant digits, as the tables show small ratios */
function figureText(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3)
}

/** "memory copy −18 % (12.1 → 9.93 GB/s, slower)" */
export function driftText(d: FigureDrift): string {
  const pct = Math.round(d.change * 100)
  const signed = pct > 0 ? `+${pct}` : pct < 0 ? `−${-pct}` : '0'
  return `${d.label} ${signed} % (${figureText(d.before)} → ${figureText(d.after)} ${d.unit}, ${d.slower ? 'slower' : 'faster'})`
}

/** the figures that drifted, in words, joined; '' when none did */
export function driftedText(drifts: readonly FigureDrift[]): string {
  return drifts
    .filter((d) => d.drifted)
    .map(driftText)
    .join(', ')
}

/** true when any figure the two references share drifted by the rule */
export function machineChanged(before: MachineReference, after: MachineReference): boolean {
  return referenceDrift(before, after).some((d) => d.drifted)
}
