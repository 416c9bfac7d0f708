// While it runs: throughput, cycles per bit and context switches per method, live.

import { useEffect, useState } from 'react'
import { LiveChart } from '../charts/live-charts'
import { etaSeconds, type RunState } from '../state/run-state'

export function LiveView({ run, onCancel }: { run: RunState; onCancel(): void }) {
  const [now, setNow] = useState(() => performance.now())
  useEffect(() => {
    const t = setInterval(() => setNow(performance.now()), 500)
    return () => clearInterval(t)
  }, [])
  const eta = etaSeconds(run, now)
  const pct = run.totalTrials ? (100 * run.doneTrials) / run.totalTrials : 0
  const estimated = run.environment ? !run.environment.pmu.available : true
  return (
    <section className="live" aria-label="live run">
      <div className="progress-row">
        <progress value={run.doneTrials} max={run.totalTrials || 1} data-testid="progress" />
        <span data-testid="progress-text">
          {run.doneTrials}/{run.totalTrials} trials ({pct.toFixed(0)}%)
          {run.current && ` · ${run.current.warmup ? 'warm-up ' : ''}${run.current.method}`}
          {eta !== null && ` · about ${Math.ceil(eta)} s left`}
        </span>
        <button type="button" onClick={onCancel} disabled={run.status !== 'running'}>
          Cancel
        </button>
      </div>
      <LiveChart series={run.series} metric="gbps" title="Throughput" unit="Gbit/s" />
      <LiveChart
        series={run.series}
        metric="cyclesPerBit"
        title="Sender cycles per bit"
        unit="cycles/bit"
        reference={1}
        estimated={estimated}
      />
      <LiveChart series={run.series} metric="ctxPerSec" title="Sender context switches" unit="per second" />
    </section>
  )
}
