import type { Environment } from '../../../shared/report'
import { formatBytes } from '../../../shared/units'

export function PmuBanner({ env }: { env: Environment }) {
  if (env.pmu.available) return null
  return (
    <p className="banner warn" role="status" data-testid="pmu-banner">
      <b>Cycles are estimated</b> from CPU time × {(env.cpuClockHz / 1e9).toFixed(2)} GHz: the PMU is closed here.{' '}
      {env.pmu.reason}
    </p>
  )
}

export function EnvironmentPanel({ env }: { env: Environment }) {
  const rows: [string, string][] = [
    ['host', env.hostname],
    [
      'CPU',
      `${env.cpuModel} · ${env.cpuCores} cores (${env.cpuPhysicalCores} physical) · ${(env.cpuClockHz / 1e9).toFixed(2)} GHz`
    ],
    ['memory', formatBytes(env.memoryBytes)],
    ['OS', `${env.os} · kernel ${env.kernel} · ${env.arch}`],
    ['virtualised', env.virtualized === null ? 'unknown' : env.virtualized ? 'yes' : 'no'],
    ['PMU', env.pmu.available ? 'open: cycles are counted' : 'closed'],
    ['perf_event_paranoid', env.pmu.perfEventParanoid === null ? 'unknown' : String(env.pmu.perfEventParanoid)],
    ['Node', env.nodeVersion]
  ]
  return (
    <aside className="environment" aria-label="environment">
      <h2>Environment</h2>
      <dl>
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </aside>
  )
}
