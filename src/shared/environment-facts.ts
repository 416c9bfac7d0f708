// An environment as labelled facts: one list the environment panel, the compare
// view's diff and the exports all print, so they never disagree on a label.

import type { Environment } from './report'
import { formatBytes } from './units'

export interface EnvironmentFact {
  key: string
  label: string
  value: string
}

const unknown = 'unknown'
const ghz = (hz: number | null) => (hz === null ? unknown : `${(hz / 1e9).toFixed(2)} GHz`)

export function nicText(env: Environment): string {
  if (env.nics === null) return 'not recorded'
  if (env.nics.length === 0) return 'none but loopback'
  return env.nics
    .map((n) => {
      const speed =
        n.speedMbps === null ? 'speed n/a' : n.speedMbps >= 1000 ? `${n.speedMbps / 1000} Gb/s` : `${n.speedMbps} Mb/s`
      return `${n.name} (${[n.driver ?? (n.virtual ? 'virtual' : 'no driver'), speed, n.mtu === null ? null : `MTU ${n.mtu}`].filter(Boolean).join(', ')})`
    })
    .join('; ')
}

export function pmuText(env: Environment): string {
  return env.pmu.available ? 'open: cycles are counted' : `closed${env.pmu.reason ? ` (${env.pmu.reason})` : ''}`
}

export function environmentFacts(env: Environment): EnvironmentFact[] {
  const cores = env.cpuCores === null ? unknown : `${env.cpuCores} cores (${env.cpuPhysicalCores ?? unknown} physical)`
  return [
    { key: 'hostname', label: 'host', value: env.hostname },
    { key: 'cpu', label: 'CPU', value: `${env.cpuModel} · ${cores} · ${ghz(env.cpuClockHz)}` },
    { key: 'memory', label: 'memory', value: env.memoryBytes === null ? unknown : formatBytes(env.memoryBytes) },
    { key: 'os', label: 'OS', value: env.os },
    { key: 'kernel', label: 'kernel', value: `${env.kernel} · ${env.arch}` },
    { key: 'nics', label: 'NICs', value: nicText(env) },
    {
      key: 'virtualized',
      label: 'virtualised',
      value: env.virtualized === null ? unknown : env.virtualized ? 'yes' : 'no'
    },
    { key: 'pmu', label: 'PMU', value: pmuText(env) },
    {
      key: 'paranoid',
      label: 'perf_event_paranoid',
      value: env.pmu.perfEventParanoid === null ? unknown : String(env.pmu.perfEventParanoid)
    },
    { key: 'node', label: 'Node', value: env.nodeVersion }
  ]
}
