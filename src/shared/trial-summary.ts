// From raw counter totals to the figures a person reads. Pure, so the engine,
// the UI and the tests compute them the same way.

import { BYTES_PER_GIB } from './units'
import type { SideFigures, ThreadPlacement } from './report'

/** What a side measured over one trial, straight from its counters. */
export interface SideTotals {
  scope: 'thread' | 'process'
  cpuNs: number
  /** counted by the PMU; null when it is closed */
  cycles: number | null
  instructions: number | null
  contextSwitches: number
  contextSwitchesVoluntary: number | null
  contextSwitchesInvoluntary: number | null
  pageFaults: number
  syscalls: Record<string, number> | null
  sources: Record<string, string>
}

export function sumValues(r: Record<string, number> | null): number | null {
  return r === null ? null : Object.values(r).reduce((a, b) => a + b, 0)
}

/** Cycles from CPU time × clock rate, when no PMU count exists. */
export function estimateCycles(cpuNs: number, clockHz: number): number {
  return (cpuNs / 1e9) * clockHz
}

export function sideFigures(t: SideTotals, bytes: number, durationNs: number, clockHz: number): SideFigures {
  const bits = bytes * 8
  const gib = bytes / BYTES_PER_GIB
  const seconds = durationNs / 1e9
  const counted = t.cycles !== null
  const cycles = counted ? (t.cycles as number) : estimateCycles(t.cpuNs, clockHz)
  const syscallsTotal = sumValues(t.syscalls)
  const per = (v: number) => (bits > 0 ? v / gib : Number.NaN)
  return {
    scope: t.scope,
    cpuNs: t.cpuNs,
    cycles,
    cyclesSource: counted ? 'pmu' : 'cpu-time-estimate',
    cyclesPerBit: bits > 0 ? cycles / bits : Number.NaN,
    instructions: t.instructions,
    contextSwitches: t.contextSwitches,
    contextSwitchesVoluntary: t.contextSwitchesVoluntary,
    contextSwitchesInvoluntary: t.contextSwitchesInvoluntary,
    contextSwitchesPerGiB: per(t.contextSwitches),
    contextSwitchesPerSec: seconds > 0 ? t.contextSwitches / seconds : Number.NaN,
    syscalls: t.syscalls,
    syscallsTotal,
    syscallsPerGiB: syscallsTotal === null ? null : per(syscallsTotal),
    pageFaults: t.pageFaults,
    pageFaultsPerGiB: per(t.pageFaults),
    sources: { ...t.sources, cycles: counted ? 'pmu' : 'cpu-time-estimate' }
  }
}

/** Counters are cumulative; a trial's figure is the end minus the start. */
export function diffTotals(end: SideTotals, start: SideTotals | null): SideTotals {
  if (!start) return end
  const d = (a: number | null, b: number | null) => (a === null || b === null ? a : a - b)
  let syscalls = end.syscalls
  if (end.syscalls && start.syscalls) {
    syscalls = {}
    for (const [k, v] of Object.entries(end.syscalls)) {
      const delta = v - (start.syscalls[k] ?? 0)
      if (delta > 0) syscalls[k] = delta
    }
  }
  return {
    ...end,
    cpuNs: end.cpuNs - start.cpuNs,
    cycles: d(end.cycles, start.cycles),
    instructions: d(end.instructions, start.instructions),
    contextSwitches: end.contextSwitches - start.contextSwitches,
    contextSwitchesVoluntary: d(end.contextSwitchesVoluntary, start.contextSwitchesVoluntary),
    contextSwitchesInvoluntary: d(end.contextSwitchesInvoluntary, start.contextSwitchesInvoluntary),
    pageFaults: end.pageFaults - start.pageFaults,
    syscalls
  }
}

/** Streams' counters together: every count adds up; a count any stream lacks stays unknown. */
export function sumTotals(list: readonly SideTotals[]): SideTotals {
  if (list.length === 0) throw new RangeError('sumTotals needs at least one side')
  if (list.length === 1) return list[0]
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b)
  return list.slice(1).reduce<SideTotals>((acc, t) => {
    let syscalls: Record<string, number> | null = null
    if (acc.syscalls && t.syscalls) {
      syscalls = { ...acc.syscalls }
      for (const [k, v] of Object.entries(t.syscalls)) syscalls[k] = (syscalls[k] ?? 0) + v
    }
    return {
      ...acc,
      cpuNs: acc.cpuNs + t.cpuNs,
      cycles: add(acc.cycles, t.cycles),
      instructions: add(acc.instructions, t.instructions),
      contextSwitches: acc.contextSwitches + t.contextSwitches,
      contextSwitchesVoluntary: add(acc.contextSwitchesVoluntary, t.contextSwitchesVoluntary),
      contextSwitchesInvoluntary: add(acc.contextSwitchesInvoluntary, t.contextSwitchesInvoluntary),
      pageFaults: acc.pageFaults + t.pageFaults,
      syscalls
    }
  }, list[0])
}

const sameSet = (a: readonly number[], b: readonly number[]) =>
  a.length === new Set(b).size && a.every((x) => b.includes(x))

/**
 * Where a thread ran. Pinning held when the loop was seen only on the CPUs asked for
 * and its mask at the end is still that set: a cpuset change mid-run shows in either.
 */
export function threadPlacement(
  tid: number,
  requestedCpus: number[] | null,
  ranOn: number[],
  migrations: number,
  allowedAtEnd: number[] | null
): ThreadPlacement {
  const held =
    requestedCpus === null
      ? null
      : ranOn.every((c) => requestedCpus.includes(c)) && (allowedAtEnd === null || sameSet(allowedAtEnd, requestedCpus))
  return { tid, requestedCpus, ranOn, migrations, allowedAtEnd, held }
}
