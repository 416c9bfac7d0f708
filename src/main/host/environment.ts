// What machine a run happened on, captured once per run with systeminformation.

import os from 'node:os'
import { readFileSync } from 'node:fs'
import si from 'systeminformation'
import * as native from '../../native'
import type { Environment, PmuState } from '../../shared/report'

export function readParanoid(): number | null {
  try {
    return Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim())
  } catch {
    return null
  }
}

export function pmuState(mode: 'auto' | 'off' = 'auto'): PmuState {
  const perfEventParanoid = readParanoid()
  if (mode === 'off')
    return { available: false, reason: 'hardware counters turned off by request (--pmu off)', perfEventParanoid }
  const p = native.pmuProbe()
  return { available: p.available, reason: p.available ? null : (p.reason ?? 'unknown'), perfEventParanoid }
}

/** Nominal clock, used only to turn CPU time into estimated cycles. */
function clockHzFromProc(): number | null {
  try {
    const mhz = [...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) =>
      Number(m[1])
    )
    return mhz.length ? Math.max(...mhz) * 1e6 : null
  } catch {
    return null
  }
}

let cached: Promise<Environment> | null = null

export function captureEnvironment(pmu: 'auto' | 'off' = 'auto'): Promise<Environment> {
  if (cached && pmu === 'auto') return cached
  const p = (async (): Promise<Environment> => {
    const [cpu, mem, osInfo, system] = await Promise.all([
      si.cpu(),
      si.mem(),
      si.osInfo(),
      si.system().catch(() => null)
    ])
    const siHz = (cpu.speedMax || cpu.speed || 0) * 1e9
    return {
      hostname: os.hostname(),
      cpuModel: `${cpu.manufacturer} ${cpu.brand}`.trim() || os.cpus()[0]?.model || 'unknown',
      cpuCores: cpu.cores || os.cpus().length,
      cpuPhysicalCores: cpu.physicalCores || cpu.cores,
      cpuClockHz: clockHzFromProc() ?? (siHz || 2e9),
      memoryBytes: mem.total,
      os: `${osInfo.distro} ${osInfo.release}`.trim(),
      kernel: osInfo.kernel || os.release(),
      arch: os.arch(),
      nodeVersion: process.version,
      virtualized: system ? Boolean(system.virtual) : null,
      pmu: pmuState(pmu)
    }
  })()
  if (pmu === 'auto') cached = p
  return p
}
