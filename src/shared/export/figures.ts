// How a figure is written for people, in every format (terminal table, Markdown,
// HTML, the app): one place, so a number reads the same everywhere.

import type { RatioEstimate, RowKey, StatMetric } from '../compare'
import type { MethodAggregate } from '../report'
import type { Stat } from '../statistics'
import { formatBytes, formatRatio } from '../units'

export const DASH = '—'

/** a trial's size: a file's bytes, or a timed stream (imports from iperf3 send for a duration) */
export function sizeText(fileBytes: number): string {
  return fileBytes === 0 ? 'timed stream' : formatBytes(fileBytes)
}

export function gbitsRange(s: Stat | null): string {
  if (!s) return DASH
  const g = (v: number) => (v / 1e9).toFixed(2)
  return `${g(s.median)} (${g(s.min)}–${g(s.max)})`
}

export function medianText(s: Stat | null, digits = 3): string {
  return s ? formatRatio(s.median, digits) : DASH
}

export function percentText(v: number | null): string {
  return v === null ? DASH : `${v >= 0 ? '' : '−'}${Math.abs(v * 100).toFixed(0)}%`
}

export function timesText(v: number | null): string {
  return v === null ? DASH : `${v.toFixed(2)}×`
}

/** a signed change, e.g. −20.0% */
export function changeText(ratio: number): string {
  const c = (ratio - 1) * 100
  return `${c >= 0 ? '+' : '−'}${Math.abs(c).toFixed(1)}%`
}

export function aggregateNotes(a: MethodAggregate): string {
  const n: string[] = []
  if (a.failed) n.push(`${a.failed} failed`)
  if (a.zeroCopyFallbackShare !== null && a.zeroCopyFallbackShare > 0)
    n.push(`zc copied ${(a.zeroCopyFallbackShare * 100).toFixed(0)}%`)
  if (a.method === 'node-stream') n.push('process-level')
  if (a.target.startsWith('raw://')) n.push('sender only')
  if (a.cyclesSource === 'none') n.push('no cycles (import)')
  return n.join('; ')
}

/** the columns of a per-method table, shared by the CLI, Markdown and HTML */
export function aggregateColumns(estimated: boolean): { head: string; cell: (a: MethodAggregate) => string }[] {
  const cyc = estimated ? 'cyc/bit*' : 'cyc/bit'
  return [
    { head: 'method', cell: (a) => a.method },
    { head: 'Gbit/s median (min–max)', cell: (a) => gbitsRange(a.throughputBitsPerSec) },
    { head: `${cyc} send`, cell: (a) => medianText(a.senderCyclesPerBit) },
    { head: `${cyc} recv`, cell: (a) => medianText(a.receiverCyclesPerBit) },
    {
      head: `${cyc} system`,
      // across hosts: sending host / receiving host
      cell: (a) =>
        a.receiverSystemCyclesPerBit
          ? `${medianText(a.systemCyclesPerBit)} / ${medianText(a.receiverSystemCyclesPerBit)}`
          : medianText(a.systemCyclesPerBit)
    },
    { head: 'ctxsw/GiB', cell: (a) => medianText(a.contextSwitchesPerGiB, 3) },
    { head: 'syscalls/GiB', cell: (a) => medianText(a.syscallsPerGiB, 4) },
    { head: 'speed-up vs copy', cell: (a) => timesText(a.speedupVsCopy) },
    { head: 'send CPU saved vs copy', cell: (a) => percentText(a.senderCpuSavingVsCopy) },
    { head: 'notes', cell: aggregateNotes }
  ]
}

export const ESTIMATE_FOOTNOTE = '* cycles estimated from CPU time × clock rate (no PMU count); see warnings'

/** true when any figure's cycles are estimates (or missing), so tables carry the footnote */
export function cyclesEstimated(aggregates: readonly MethodAggregate[]): boolean {
  return aggregates.some((a) => a.cyclesSource !== 'pmu')
}

/**
 * Aggregates grouped by what they were measured over, keyed by a title naming it:
 * `target · file 256MiB · chunk 128KiB` (the terminal table spaces instead of dots).
 */
export function groupAggregates(
  aggregates: readonly MethodAggregate[],
  separator = ' · '
): Map<string, MethodAggregate[]> {
  const groups = new Map<string, MethodAggregate[]>()
  for (const a of aggregates) {
    const k = [a.target, `file ${sizeText(a.fileBytes)}`, `chunk ${formatBytes(a.chunkBytes)}`].join(separator)
    groups.set(k, [...(groups.get(k) ?? []), a])
  }
  return groups
}

/** a comparison row's name: method · target · size · chunk */
export function rowKeyText(k: RowKey): string {
  return `${k.method} · ${k.target} · ${sizeText(k.fileBytes)} · ${formatBytes(k.chunkBytes)}`
}

/** a compared figure's mean, in the unit people read it in */
export function meanText(metric: StatMetric, s: Stat | null): string {
  if (!s) return DASH
  return metric === 'throughputBitsPerSec' ? `${(s.mean / 1e9).toFixed(2)} Gbit/s` : formatRatio(s.mean, 3)
}

/** ' [−21.8%, −18.2%]', or nothing when no interval could be had */
export function intervalText(r: RatioEstimate): string {
  return Number.isNaN(r.ci95Low) ? '' : ` [${changeText(r.ci95Low)}, ${changeText(r.ci95High)}]`
}
