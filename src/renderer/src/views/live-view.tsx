// While it runs: the running trial as it goes (each stream, cycles per bit, context
// switches) and a point per finished trial.

import { useEffect, useState } from 'react'
import { rowLabel } from '../../../shared/pair-grid'
import { formatDurationMs } from '../../../shared/units'
import { StreamsChart, TrialChart, TrialPointsChart } from '../charts/live-charts'
import { HEADLINE_HEAD, headlineWords, pointsText } from '../../../shared/export/figures'
import { isBaselineMethod } from '../../../shared/methods'
import { isTight } from '../../../shared/statistics'
import { etaSeconds, liveSpanSec, type RunState } from '../state/run-state'

/** a GPU target's PCIe link at its best, as the throughput chart's reference line */
function pcieReference(run: RunState, target: string | null): { reference?: number; referenceLabel?: string } {
  const link = run.gpus.find((g) => g.target === target)?.pcie
  if (!link) return {}
  return { reference: (link.maxBytesPerSec * 8) / 1e9, referenceLabel: `PCIe gen${link.maxGen} x${link.maxWidth}` }
}

/**
 * The headline so far, after each round: each method's whole-system change against
 * copy with its interval where that is a finding, and its half-width against the
 * precision the run aims at; what is not yet tight says so. Before the first round ends
 * its rows wait, one a method, so the table does not push the charts down when it fills.
 */
function RoundTable({ run, precision }: { run: RunState; precision: number | null }) {
  const r = run.round
  const shown = (r?.rows ?? []).filter((x) => x.status !== 'baseline')
  const waiting = (run.plan?.methods ?? []).filter((m) => !isBaselineMethod(m) && !shown.some((x) => x.method === m))
  if (!r && !waiting.length) return null
  return (
    <table className="round-table" data-testid={r ? 'round-table' : 'round-table-waiting'} data-round={r?.round ?? 0}>
      <caption>
        {r ? `After round ${r.round}` : 'After each round'}: whole-system CPU per bit against copy
        {precision !== null ? `, until each is within ${pointsText(precision)} points` : ''}
      </caption>
      <thead>
        <tr>
          <th>method</th>
          <th>{HEADLINE_HEAD}</th>
          <th>± so far</th>
          <th>state</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((x) => (
          <tr
            key={`${x.method}|${x.receiverMode}|${x.target}|${x.fileBytes}|${x.chunkBytes}`}
            data-testid={`round-${x.method}`}
          >
            <th scope="row">{rowLabel(x, run.plan?.receiverModes ?? [])}</th>
            <td title={x.headline ? headlineWords(x.headline) : undefined}>
              {/* no trial of it (or of copy beside it) finished this far: say so, not a bare dash */}
              {x.headline ? headlineWords(x.headline) : 'no figure yet'}
            </td>
            <td>{x.halfWidth === null ? '—' : pointsText(x.halfWidth)}</td>
            <td>
              {x.active
                ? 'measuring'
                : isTight(x.halfWidth, precision)
                  ? 'tight'
                  : r!.stop
                    ? 'done'
                    : 'left out: nothing to tighten'}
            </td>
          </tr>
        ))}
        {waiting.map((m) => (
          <tr key={m} data-testid={`round-waiting-${m}`}>
            <th scope="row">{m}</th>
            <td>—</td>
            <td>—</td>
            <td>{r ? 'not measured' : 'first round running'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
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
  const spanSec = liveSpanSec(run.live, c?.durationMs ?? null)
  const precision = run.plan?.precision ?? null
  // measured trials that failed: said beside the progress as they happen, the first one's error with them
  const failed = run.trials.filter((t) => !t.warmup && t.error !== null)
  return (
    <section className="live" aria-label="live run">
      <div className="progress-row">
        <progress value={run.doneTrials} max={run.totalTrials || 1} data-testid="progress" />
        <span data-testid="progress-text">
          {precision !== null && c
            ? `${c.warmup ? 'warm-up round' : `round ${c.repetition + 1}`}, trial ${c.inRoundIndex + 1}/${c.inRound}`
            : `${run.doneTrials}/${run.totalTrials} trials (${pct.toFixed(0)}%)`}
          {c &&
            ` · ${rowLabel(c, run.plan?.receiverModes ?? [])}${c.durationMs !== null ? ` for ${formatDurationMs(c.durationMs)}` : ''}${streams > 1 ? `, ${streams} streams` : ''}`}
          {eta !== null && ` · ${formatDurationMs(Math.ceil(eta) * 1000)} left`}
        </span>
        {failed.length > 0 && (
          <span className="field-error" data-testid="live-failures" title={failed[0].error ?? undefined}>
            {failed.length} failed: {failed[0].error}
          </span>
        )}
        <button type="button" onClick={onCancel} disabled={run.status !== 'running'}>
          Cancel
        </button>
      </div>
      <RoundTable run={run} precision={precision} />
      <h3 className="chart-heading">This trial{method ? `: ${method}` : ''}</h3>
      <div className="chart-grid">
        <TrialChart
          points={run.live}
          spanSec={spanSec}
          metric="systemCyclesPerBit"
          title="Whole-system cycles per bit"
          unit="cycles/bit"
          method={method}
          reference={1}
          estimated
        />
        {streams > 1 ? (
          <StreamsChart points={run.live} streams={streams} spanSec={spanSec} />
        ) : (
          <TrialChart
            points={run.live}
            spanSec={spanSec}
            metric="gbps"
            title="Throughput"
            unit="Gbit/s"
            method={method}
            {...pcieReference(run, c?.target ?? null)}
          />
        )}
        <TrialChart
          points={run.live}
          spanSec={spanSec}
          metric="cyclesPerBit"
          title="Sender cycles per bit"
          unit="cycles/bit"
          method={method}
          reference={1}
          estimated={estimated}
        />
        <TrialChart
          points={run.live}
          spanSec={spanSec}
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
