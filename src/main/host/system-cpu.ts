// Whole-system CPU from /proc/stat: busy time across all cores during a trial, and
// per CPU (with its softirq share and /proc/softirqs' NET_RX/NET_TX) where the
// receive path ran; and the CPU of the processes that are not zcprof's, which the
// whole-system figure leaves out.

import { readdirSync, readFileSync } from 'node:fs'
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
  /**
   * CPU of every user-space process but this one and the ones named as ours (utime +
   * stime from /proc/PID/stat; kernel threads stay in: they may be working for us).
   * Absent from agents before 0.4
   */
  othersCpuNs?: number
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

/** a kernel thread's flag in /proc/PID/stat (PF_KTHREAD): it works for the kernel, and may be working for us */
const PF_KTHREAD = 0x00200000

/**
 * The CPU time of every user-space process on this host but this one and `ours`, in ns:
 * utime + stime of each /proc/PID/stat (all its threads, alive or gone). A process that
 * exits between two readings drops out of the sum (its time then counts as ours: the
 * figure errs towards leaving other work in, never towards taking ours out).
 */
export function readOthersCpuNs(ours: readonly number[] = []): number {
  const skip = new Set([process.pid, ...ours])
  let ticks = 0
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid) || skip.has(pid)) continue
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1')
    } catch {
      continue // gone since the listing
    }
    // after the command's closing parenthesis: state ppid … flags (6th) … utime (12th) stime (13th)
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(f[6]) & PF_KTHREAD) continue
    ticks += Number(f[11]) + Number(f[12])
  }
  return ticks * NS_PER_TICK
}

/**
 * The host at one instant. With `others`, the CPU of processes not ours too: read before
 * /proc/stat at a window's start and after it at its end ('start' | 'end'), so the
 * reading's own CPU falls outside the window it measures.
 */
export function readHostSnapshot(others?: { edge: 'start' | 'end'; ours?: readonly number[] }): HostSnapshot {
  const before = others?.edge === 'start' ? readOthersCpuNs(others.ours) : undefined
  const { total, perCpu } = parseProcStatCpus(readFileSync('/proc/stat', 'utf8'))
  const atNs = Number(process.hrtime.bigint())
  const own = processCpuNs()
  let soft = { netRx: {}, netTx: {} } as ReturnType<typeof parseSoftirqs>
  try {
    soft = parseSoftirqs(readFileSync('/proc/softirqs', 'utf8'))
  } catch {
    // containers may hide it: CPU times still tell where softirq work ran
  }
  const othersCpuNs = before ?? (others ? readOthersCpuNs(others.ours) : undefined)
  return { atNs, ...total, processCpuNs: own, perCpu, ...soft, ...(othersCpuNs !== undefined ? { othersCpuNs } : {}) }
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
