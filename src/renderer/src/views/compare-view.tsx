// N reports side by side: rows aligned by method, target, size and chunk; each
// figure against a chosen baseline with its 95% interval, noise shown as noise;
// the environments' differences beside it; the charts next to each other.

import { useMemo, useState } from 'react'
import {
  COMPARE_METRICS,
  compareReports,
  parseThresholdFraction,
  type MetricComparison,
  type StatMetric
} from '../../../shared/compare'
import { changeText, DASH, intervalText, meanText, rowKeyText } from '../../../shared/export/figures'
import type { Report } from '../../../shared/report'
import { CompareBars } from '../charts/compare-charts'

const SHOWN: StatMetric[] = [
  'throughputBitsPerSec',
  'senderCyclesPerBit',
  'receiverCyclesPerBit',
  'contextSwitchesPerGiB'
]

const VERDICT_WORDS: Record<MetricComparison['verdict'], string> = {
  better: 'better',
  worse: 'worse',
  'within-noise': 'within noise',
  'no-spread': 'no spread',
  missing: ''
}

function Change({ c }: { c: MetricComparison | undefined }) {
  if (!c || c.verdict === 'missing' || !c.ratio) return <span className="muted">{DASH}</span>
  const r = c.ratio
  return (
    <span className={`verdict verdict-${c.verdict}${c.regression ? ' regression' : ''}`} data-verdict={c.verdict}>
      {changeText(r.ratio)}
      <span className="interval">{intervalText(r)}</span> {VERDICT_WORDS[c.verdict]}
      {c.regression && <b className="chip danger">regression</b>}
    </span>
  )
}

export function CompareView({ reports, onClose }: { reports: { id: string; report: Report }[]; onClose: () => void }) {
  const [baseline, setBaseline] = useState(0)
  const [thresholdText, setThresholdText] = useState('5%')
  const threshold = parseThresholdFraction(thresholdText)
  const cmp = useMemo(
    () =>
      compareReports(
        reports.map((r) => r.report),
        { baseline, thresholdFraction: threshold ?? 0.05 }
      ),
    [reports, baseline, threshold]
  )
  const metrics = COMPARE_METRICS.filter((m) => SHOWN.includes(m.key))
  const pct = `${((threshold ?? 0.05) * 100).toFixed(1)}%`
  return (
    <section className="compare" aria-label="compare reports">
      <div className="library-bar">
        <h2>Compare {reports.length} reports</h2>
        <label>
          Baseline{' '}
          <select data-testid="baseline" value={baseline} onChange={(e) => setBaseline(Number(e.target.value))}>
            {cmp.columns.map((c, i) => (
              <option key={i} value={i}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Regression threshold{' '}
          <input
            data-testid="threshold"
            value={thresholdText}
            size={5}
            onChange={(e) => setThresholdText(e.target.value)}
          />
        </label>
        {threshold === null && <span className="field-error">a percentage, e.g. 5%</span>}
        <button type="button" className="small" onClick={onClose}>
          Back to the library
        </button>
      </div>
      <p className={`banner ${cmp.regressions.length ? 'error' : 'ok'}`} data-testid="compare-verdict" role="status">
        {cmp.regressions.length === 0
          ? `No regression beyond ${pct} and the noise in throughput or sender cycles/bit.`
          : `${cmp.regressions.length} regression${cmp.regressions.length > 1 ? 's' : ''} beyond ${pct} and the noise: ` +
            cmp.regressions
              .map(
                (r) =>
                  `${cmp.columns[r.report].label}: ${r.key.method} ${COMPARE_METRICS.find((m) => m.key === r.metric)!.label} ${changeText(1 + r.change)}`
              )
              .join('; ')}
      </p>
      <div className="chart-row">
        <CompareBars
          comparison={cmp}
          testId="compare-throughput"
          title="Throughput"
          unit="Gbit/s"
          pick={(a) => a.throughputBitsPerSec}
          scale={1e-9}
        />
        <CompareBars
          comparison={cmp}
          testId="compare-cycles"
          title="Sender CPU per bit"
          unit="cycles/bit"
          pick={(a) => a.senderCyclesPerBit}
        />
      </div>
      <table className="compare-table" data-testid="compare-table">
        <thead>
          <tr>
            <th>method · target · size · chunk</th>
            <th>report</th>
            {metrics.map((m) => (
              <th key={m.key}>
                {m.label} <span className="unit">({m.better} is better)</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cmp.rows.flatMap((row) =>
            row.aggregates.map((a, i) => (
              <tr
                key={`${row.key.method}|${row.key.target}|${row.key.fileBytes}|${row.key.chunkBytes}|${i}`}
                data-testid={`cmp-${row.key.method}-${i}`}
                className={i === 0 ? 'group-start' : undefined}
              >
                <td>{i === 0 && rowKeyText(row.key)}</td>
                <td>{cmp.columns[i].label}</td>
                {metrics.map((m) => {
                  const value = meanText(m.key, a?.[m.key] ?? null)
                  return (
                    <td key={m.key}>
                      <span className="value">{value}</span>{' '}
                      {i === cmp.baseline ? (
                        <span className="muted">baseline</span>
                      ) : (
                        <Change c={row.comparisons[i]?.find((c) => c.metric === m.key)} />
                      )}
                    </td>
                  )
                })}
              </tr>
            ))
          )}
        </tbody>
      </table>
      <p className="muted">
        Means against the baseline's, with the 95% interval of the ratio (Welch). “Within noise”: the interval includes
        no change, whatever the point estimate. A regression is worse by more than the threshold and beyond the noise.
      </p>
      {cmp.notes.map((n) => (
        <p key={n} className="banner warn">
          {n}
        </p>
      ))}
      <h3>Environments</h3>
      <table className="env-diff" data-testid="env-diff">
        <thead>
          <tr>
            <th />
            {cmp.columns.map((c, i) => (
              <th key={i}>
                {c.label}
                {c.foreign && <span className="chip">imported</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cmp.environment.map((e) => (
            <tr key={e.label} className={e.differs ? 'differs' : undefined} data-differs={e.differs}>
              <th scope="row">
                {e.label}
                {e.differs && <span title="differs between the reports"> ≠</span>}
              </th>
              {e.values.map((v, i) => (
                <td key={i}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
