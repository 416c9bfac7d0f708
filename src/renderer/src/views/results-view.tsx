// After a run: per-method figures with their spread, charts relative to copy, and
// the warnings in plain words.

import {
  cyclesEstimated,
  gbitsRange,
  groupAggregates,
  medianText,
  percentText,
  timesText
} from '../../../shared/export/figures'
import type { MethodAggregate, Report, Warning } from '../../../shared/report'
import type { Stat } from '../../../shared/statistics'
import { CyclesBars, ThroughputBars } from '../charts/result-charts'

/** half the 95% interval of the mean, in Gbit/s */
function ci(s: Stat | null): string {
  return s && s.n > 1 ? `±${((s.ci95High - s.ci95Low) / 2 / 1e9).toFixed(2)}` : '—'
}

/** what a warning means for the reader, and what to do about it */
export function plainWarning(w: Warning): string {
  switch (w.code) {
    case 'CYCLES_ESTIMATED':
      return `Cycles are estimated from CPU time, not counted. ${w.message.split(': ').slice(1).join(': ')}`
    case 'CONTAMINATED':
      return 'Other programs used the CPU during some trials; their figures are marked and less trustworthy. Close them and run again.'
    case 'TRIAL_NOTE':
      if (/MSG_ZEROCOPY fell back/.test(w.message))
        return `${w.message}. The kernel copied the data after all, so MSG_ZEROCOPY cannot save anything here; it only pays off across a real network device.`
      if (/receiver window limited/.test(w.message))
        return `${w.message}: the receiver did not keep up, so the sender waited. A cheaper receiver mode (splice, discard) or a faster receiving host shows the sender's own limit.`
      if (/send buffer limited/.test(w.message))
        return `${w.message}: a larger socket send buffer may raise throughput.`
      return w.message
    default:
      return w.message
  }
}

function Row({ a }: { a: MethodAggregate }) {
  return (
    <tr data-testid={`result-${a.method}`}>
      <th scope="row">{a.method}</th>
      <td>{gbitsRange(a.throughputBitsPerSec)}</td>
      <td>{ci(a.throughputBitsPerSec)}</td>
      <td>{medianText(a.senderCyclesPerBit)}</td>
      <td>{medianText(a.receiverCyclesPerBit)}</td>
      <td>{medianText(a.systemCyclesPerBit)}</td>
      <td>{medianText(a.contextSwitchesPerGiB)}</td>
      <td>{medianText(a.syscallsPerGiB, 4)}</td>
      <td>{timesText(a.speedupVsCopy)}</td>
      <td>{percentText(a.senderCpuSavingVsCopy)}</td>
      <td>
        {a.failed ? `${a.failed} failed ` : ''}
        {a.zeroCopyFallbackShare ? `copied ${(a.zeroCopyFallbackShare * 100).toFixed(0)}%` : ''}
      </td>
    </tr>
  )
}

export function ResultsView({ report }: { report: Report }) {
  const aggs = report.end.aggregates
  const estimated = cyclesEstimated(aggs)
  const groups = [...groupAggregates(aggs)]
  return (
    <section className="results" aria-label="results">
      {report.end.incomplete && (
        <p className="banner warn">This run is incomplete: the figures cover the trials that finished.</p>
      )}
      {aggs.length === 0 && (
        <p data-testid="no-results">
          No measured trial finished{report.end.incomplete ? ' before the run stopped' : ''}: there is nothing to
          compare yet.
        </p>
      )}
      {groups.map(([title, rows]) => (
        <div key={title}>
          <h3>{title}</h3>
          <table data-testid="results-table">
            <thead>
              <tr>
                <th>method</th>
                <th>Gbit/s median (min–max)</th>
                <th>95% CI</th>
                <th>cyc/bit send{estimated ? '*' : ''}</th>
                <th>recv</th>
                <th>system</th>
                <th>ctxsw/GiB</th>
                <th>syscalls/GiB</th>
                <th>speed-up vs copy</th>
                <th>send CPU saved</th>
                <th>notes</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <Row key={a.method} a={a} />
              ))}
            </tbody>
          </table>
          <div className="chart-row">
            <ThroughputBars aggregates={rows} />
            <CyclesBars aggregates={rows} />
          </div>
        </div>
      ))}
      {estimated && <p className="muted">* cycles estimated from CPU time × clock rate</p>}
      {report.end.warnings.length > 0 && (
        <ul className="warnings" data-testid="warnings">
          {report.end.warnings.map((w, i) => (
            <li key={i}>{plainWarning(w)}</li>
          ))}
        </ul>
      )}
    </section>
  )
}
