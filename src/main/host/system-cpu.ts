// Whole-system CPU from /proc/stat: busy time across all cores during a trial, and
// per CPU (with its softirq share and /proc/softirqs' NET_RX/NET_TX) where the
// receive path ran.

import { readFileSync } from 'node:fs'
import type { CpuActivity } from '../../shared/report'

// /proc/stat counts in USER_HZ ticks, 100 on every Linux ABI
export const NS_PER_TICK = 1e9 / 100

export interface SystemCpu {
  busyNs: number
  totalNs: number
}

/** user nice system idle iowait irq softirq steal: steal is the hypervisor's, not ours */
function cpuTimes(fields: number[]): SystemCpu & { softirqNs: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = fields
  const busy = user + nice + system + irq + softirq
  return {
    busyNs: busy * NS_PER_TICK,
    totalNs: (busy + idle + iowait + steal) * NS_PER_TICK,
    softirqNs: softirq * NS_PER_TICK
  }
}

/** the first line only: what a sampler reads many times a second */
export function readSystemCpu(): SystemCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]
  const { busyNs, totalNs } = cpuTimes(line.trim().split(/\s+/).slice(1).map(Number))
  return { busyNs, totalNs }
}

export function processCpuNs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}

export interface PerCpu {
  cpu: number
  busyNs: number
  softirqNs: number
}

/** The host at one instant: totals, each CPU, and the network softirqs raised on each. */
export interface HostSnapshot {
  /** CLOCK_MONOTONIC on that host (process.hrtime is the clock the native loops stamp with) */
  atNs: number
  busyNs: number
  totalNs: number
  processCpuNs: number
  perCpu: PerCpu[]
  /** by CPU number; empty where /proc/softirqs cannot be read */
  netRx: Record<number, number>
  netTx: Record<number, number>
}

export function parseProcStatCpus(text: string): { total: SystemCpu; perCpu: PerCpu[] } {
  let total: SystemCpu = { busyNs: 0, totalNs: 0 }
  const perCpu: PerCpu[] = []
  for (const line of text.split('\n')) {
    const m = /^cpu(\d*)\s+(.*)$/.exec(line)
    if (!m) continue
    const t = cpuTimes(m[2].trim().split(/\s+/).map(Number))
    if (m[1] === '') total = { busyNs: t.busyNs, totalNs: t.totalNs }
    else perCpu.push({ cpu: Number(m[1]), busyNs: t.busyNs, softirqNs: t.softirqNs })
  }
  return { total, perCpu }
}

/** /proc/softirqs: a header of CPU names, then a row per softirq kind */
export function parseSoftirqs(text: string): { netRx: Record<number, number>; netTx: Record<number, number> } {
  const lines = text.split('\n')
  const cpus = (lines[0] ?? '')
    .trim()
    .split(/\s+/)
    .map((h) => Number(/^CPU(\d+)$/.exec(h)?.[1] ?? Number.NaN))
  const row = (name: string): Record<number, number> => {
    const line = lines.find((l) => l.trim().startsWith(`${name}:`))
    const out: Record<number, number> = {}
    if (!line) return out
    line
      .trim()
      .split(/\s+/)
      .slice(1)
      .forEach((v, i) => {
        if (Number.isInteger(cpus[i])) out[cpus[i]] = Number(v)
      })
    return out
  }
  return { netRx: row('NET_RX'), netTx: row('NET_TX') }
}

export function readHostSnapshot(): HostSnapshot {
  const { total, perCpu } = parseProcStatCpus(readFileSync('/proc/stat', 'utf8'))
  let soft = { netRx: {}, netTx: {} } as ReturnType<typeof parseSoftirqs>
  try {
    soft = parseSoftirqs(readFileSync('/proc/softirqs', 'utf8'))
  } catch {
    // containers may hide it: CPU times still tell where softirq work ran
  }
  return { atNs: Number(process.hrtime.bigint()), ...total, processCpuNs: processCpuNs(), perCpu, ...soft }
}

/** What each CPU did between two snapshots, over wallNs. */
export function cpuActivity(from: HostSnapshot, to: HostSnapshot, wallNs: number): CpuActivity[] {
  const before = new Map(from.perCpu.map((c) => [c.cpu, c]))
  return to.perCpu.map((c) => {
    const b = before.get(c.cpu)
    return {
      cpu: c.cpu,
      busyCores: b ? Math.max(0, c.busyNs - b.busyNs) / wallNs : 0,
      softirqCores: b ? Math.max(0, c.softirqNs - b.softirqNs) / wallNs : 0,
      netRx: Math.max(0, (to.netRx[c.cpu] ?? 0) - (from.netRx[c.cpu] ?? 0)),
      netTx: Math.max(0, (to.netTx[c.cpu] ?? 0) - (from.netTx[c.cpu] ?? 0))
    }
  })
}
