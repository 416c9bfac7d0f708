// Which physical core each CPU belongs to, from sysfs: what automatic placement needs
// to keep a sender and a receiver off one core's SMT siblings.

import { readFileSync } from 'node:fs'
import type { CpuCore } from '../../shared/placement'

function readNumber(file: string): number | null {
  try {
    const v = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(v) ? v : null
  } catch {
    return null
  }
}

/** each CPU in `cpus` with its package and core; one that sysfs does not describe counts as a core of its own */
export function cpuCores(cpus: readonly number[], root = '/sys/devices/system/cpu'): CpuCore[] {
  return cpus.map((cpu) => {
    const dir = `${root}/cpu${cpu}/topology`
    const packageId = readNumber(`${dir}/physical_package_id`)
    const coreId = readNumber(`${dir}/core_id`)
    // unknown: a core of its own, numbered apart from every known core_id
    return packageId === null || coreId === null ? { cpu, packageId: 0, coreId: -1 - cpu } : { cpu, packageId, coreId }
  })
}
