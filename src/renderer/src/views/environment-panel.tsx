import { environmentFacts } from '../../../shared/environment-facts'
import type { Environment } from '../../../shared/report'

export function PmuBanner({ env }: { env: Environment }) {
  if (env.pmu.available) return null
  return (
    <p className="banner warn" role="status" data-testid="pmu-banner">
      <b>Cycles are estimated</b> from CPU time ×{' '}
      {env.cpuClockHz === null ? 'an unknown clock' : `${(env.cpuClockHz / 1e9).toFixed(2)} GHz`}, not counted:{' '}
      {env.pmu.reason ?? 'the PMU is closed here'}
    </p>
  )
}

export function EnvironmentPanel({ env }: { env: Environment }) {
  return (
    <aside className="environment" aria-label="environment">
      <h2>Environment</h2>
      <dl>
        {environmentFacts(env).map((f) => (
          <div key={f.key}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
    </aside>
  )
}
