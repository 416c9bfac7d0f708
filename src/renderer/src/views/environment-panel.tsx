import { environmentFacts } from '../../../shared/environment-facts'
import type { Environment, GpuEnvironment } from '../../../shared/report'
import { formatBytes } from '../../../shared/units'

/**
 * The PMU note in one line, the reason one click away: it must not fill the first
 * screen, and it stays the same height from setup to results so nothing below it moves.
 */
export function PmuBanner({ env }: { env: Environment }) {
  if (env.pmu.available) return null
  return (
    <details className="banner warn pmu-note" role="status" data-testid="pmu-banner">
      <summary>
        <b>Cycles are estimated</b> from CPU time ×{' '}
        {env.cpuClockHz === null ? 'an unknown clock' : `${(env.cpuClockHz / 1e9).toFixed(2)} GHz`}, not counted
      </summary>
      {env.pmu.reason ?? 'the PMU is closed here'}
    </details>
  )
}

/** a gpu:// target's GPU, as the report records it */
function gpuFacts(g: GpuEnvironment): { label: string; value: string }[] {
  const link = g.pcie
  return [
    { label: 'GPU', value: `${g.name} (${g.target}, compute ${g.computeCapability}, ${formatBytes(g.memoryBytes)})` },
    { label: 'driver', value: `${g.driverVersion ?? 'unknown'} · CUDA ${g.cudaVersion}` },
    {
      label: 'PCIe',
      value: link
        ? `gen${link.gen} x${link.width} (max gen${link.maxGen} x${link.maxWidth}: ${(link.maxBytesPerSec / 1e9).toFixed(1)} GB/s)`
        : 'unknown (no NVML)'
    },
    { label: 'NUMA node', value: g.numaNode === null ? 'unknown' : String(g.numaNode) },
    {
      label: 'cuFile',
      value: g.cufile === 'gds' ? 'GPUDirect Storage' : g.cufile === 'compat' ? 'compatibility mode' : 'none'
    }
  ]
}

function Facts({ facts, testId }: { facts: { label: string; value: string }[]; testId?: string }) {
  return (
    <dl data-testid={testId}>
      {facts.map((f) => (
        <div key={f.label}>
          <dt>{f.label}</dt>
          <dd>{f.value}</dd>
        </div>
      ))}
    </dl>
  )
}

export function EnvironmentPanel({ env, gpus = [] }: { env: Environment; gpus?: GpuEnvironment[] }) {
  return (
    <aside className="environment" aria-label="environment">
      <h2>Environment</h2>
      <Facts facts={environmentFacts(env)} />
      {gpus.map((g) => (
        <Facts key={g.target} facts={gpuFacts(g)} testId={`gpu-environment-${g.device}`} />
      ))}
    </aside>
  )
}
