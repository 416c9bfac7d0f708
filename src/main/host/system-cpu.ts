// Whole-system CPU from /proc/stat: busy time across all cores during a trial.

import { readFileSync } from 'node:fs'

// /proc/stat counts in USER_HZ ticks, 100 on every Linux ABI
const NS_PER_TICK = 1e9 / 100

export interface SystemCpu {
  busyNs: number
  totalNs: number
}

export function readSystemCpu(): SystemCpu {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]
  const f = line.trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal: steal is the hypervisor's, not ours
  const [user, nice, system, idle, iowait, irq, softirq, steal = 0] = f
  const busy = user + nice + system + irq + softirq
  return { busyNs: busy * NS_PER_TICK, totalNs: (busy + idle + iowait + steal) * NS_PER_TICK }
}

export function processCpuNs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}
