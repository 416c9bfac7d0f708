// What machine a run happened on, captured once per run with systeminformation
// (loaded on first use: it costs start-up time that --help and agent need not pay).

import os from 'node:os'
import { readFileSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import * as native from '../../native'
import { cpuClockHz } from './clock'
import type { MeasuredEnvironment, NetworkInterface, PmuState } from '../../shared/report'

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

function driverOf(iface: string): string | null {
  try {
    return path.basename(readlinkSync(`/sys/class/net/${iface}/device/driver`))
  } catch {
    return null // virtual links have no device
  }
}

const systeminformation = async () => (await import('systeminformation')).default

/** The NICs a transfer could cross (loopback left out: it is in every report). */
async function networkInterfaces(): Promise<NetworkInterface[]> {
  const si = await systeminformation()
  const all = await si.networkInterfaces().catch(() => [])
  return (Array.isArray(all) ? all : [all])
    .filter((i) => !i.internal)
    .map((i) => ({
      name: i.iface,
      speedMbps: typeof i.speed === 'number' && i.speed > 0 ? i.speed : null,
      mtu: i.mtu ?? null,
      virtual: Boolean(i.virtual) || driverOf(i.iface) === null,
      driver: driverOf(i.iface)
    }))
}

let cached: Promise<MeasuredEnvironment> | null = null

export function captureEnvironment(pmu: 'auto' | 'off' = 'auto'): Promise<MeasuredEnvironment> {
  if (cached && pmu === 'auto') return cached
  const p = (async (): Promise<MeasuredEnvironment> => {
    const si = await systeminformation()
    const [cpu, mem, osInfo, system, nics] = await Promise.all([
      si.cpu(),
      si.mem(),
      si.osInfo(),
      si.system().catch(() => null),
      networkInterfaces()
    ])
    const siHz = (cpu.speedMax || cpu.speed || 0) * 1e9
    return {
      hostname: os.hostname(),
      cpuModel: `${cpu.manufacturer} ${cpu.brand}`.trim() || os.cpus()[0]?.model || 'unknown',
      cpuCores: cpu.cores || os.cpus().length,
      cpuPhysicalCores: cpu.physicalCores || cpu.cores,
      cpuClockHz: cpuClockHz() ?? (siHz || 2e9),
      memoryBytes: mem.total,
      os: `${osInfo.distro} ${osInfo.release}`.trim(),
      kernel: osInfo.kernel || os.release(),
      arch: os.arch(),
      nodeVersion: process.version,
      virtualized: system ? Boolean(system.virtual) : null,
      pmu: pmuState(pmu),
      nics
    }
  })()
  if (pmu === 'auto') cached = p
  return p
}
