// While it runs: the running trial as it goes (each stream, cycles per bit, context
// switches) and a point per finished trial.

import { useEffect, useState } from 'react'
import { formatDurationMs } from '../../../shared/units'
import { StreamsChart, TrialChart, TrialPointsChart } from '../charts/live-charts'
import { etaSeconds, type RunState } from '../state/run-state'

/** a GPU target's PCIe link at its best, as the throughput chart's reference line */
function pcieReference(run: RunState, target: string | null): { reference?: number; referenceLabel?: string } {
  const link = run.gpus.find((g) => g.target === target)?.pcie
  if (!link) return {}
  return { reference: (link.maxBytesPerSec * 8) / 1e9, referenceLabel: `PCIe gen${link.maxGen} x${link.maxWidth}` }
}

export function LiveView({ run, onCancel }: { run: RunState; onCancel(): void }) {
  const [now, setNow] = useState(() => performance.now())
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 500)
    return () => clearInterval(t)
  }, [])
  const eta = etaSeconds(run, now)
  const pct = run.totalTrials ? (100 * run.doneTrials) / run.totalTrials : 0
  const estimated = run.environment ? !run.environment.pmu.available : true
  const c = run.current
  const streams = c?.streams ?? run.plan?.streams ?? 1
  const method = c?.method ?? null
  return (
    <section className="live" aria-label="live run">
      <div className="progress-row">
        <progress value={run.doneTrials} max={run.totalTrials || 1} data-testid="progress" />
        <span data-testid="progress-text">
          {run.doneTrials}/{run.totalTrials} trials ({pct.toFixed(0)}%)
          {c &&
            ` · ${c.warmup ? 'warm-up ' : ''}${c.method}${c.durationMs !== null ? ` for ${formatDurationMs(c.durationMs)}` : ''}${streams > 1 ? `, ${streams} streams` : ''}`}
          {eta !== null && ` · about ${Math.ceil(eta)} s left`}
        </span>
        <button type="button" onClick={onCancel} disabled={run.status !== 'running'}>
          Cancel
        </button>
      </div>
      <h3 className="chart-heading">This trial{method ? `: ${method}` : ''}</h3>
      <div className="chart-grid">
        {streams > 1 ? (
          <StreamsChart points={run.live} streams={streams} />
        ) : (
          <TrialChart
            points={run.live}
            metric="gbps"
            title="Throughput"
            unit="Gbit/s"
            method={method}
            {...pcieReference(run, c?.target ?? null)}
          />
        )}
        <TrialChart
          points={run.live}
          metric="cyclesPerBit"
          title="Sender cycles per bit"
          unit="cycles/bit"
          method={method}
          reference={1}
          estimated={estimated}
        />
        <TrialChart
          points={run.live}
          metric="ctxPerSec"
          title="Sender context switches"
          unit="per second"
          method={method}
        />
      </div>
      <h3 className="chart-heading">Every finished trial</h3>
      <div className="chart-grid">
        <TrialPointsChart trials={run.trials} metric="gbps" title="Throughput by trial" unit="Gbit/s" />
        <TrialPointsChart
          trials={run.trials}
          metric="systemCyclesPerBit"
          title="System cycles per bit by trial"
          unit="cycles/bit"
        />
      </div>
    </section>
  )
}
