// N reports side by side: rows aligned by method, target, size and chunk; each
// figure against a chosen baseline with its 95% interval, noise shown as noise;
// the environments' differences beside it; the charts next to each other.

import { useMemo, useState } from 'react'
import {
  COMPARE_METRICS,
  compareReports,
  DEFAULT_GATE_METRICS,
  detectableChange,
  parseThresholdFraction,
  type Comparison,
  type MetricComparison,
  type StatMetric
} from '../../../shared/compare'
import {
  comparisonHtml,
  comparisonMarkdown,
  comparisonText,
  comparisonVerdictCell,
  gateLines,
  reportLetter as letter
} from '../../../shared/export/compare-export'
import { intervalStatus } from '../../../shared/statistics'
import { changeText, DASH, intervalText, meanText, rowKeyText } from '../../../shared/export/figures'
import type { Report } from '../../../shared/report'
import { CompareBars } from '../charts/compare-charts'
import { downloadText } from '../download'

// the headline (every host measured, per bit) first; the sides' figures as detail beside it
const SHOWN: StatMetric[] = [
  'allHostsCyclesPerBit',
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

const pctText = (f: number) => `${(f * 100).toFixed(f < 0.1 ? 1 : 0)}%`

function Change({ c, gated, threshold }: { c: MetricComparison | undefined; gated: boolean; threshold: number }) {
  if (!c || c.verdict === 'missing' || !c.ratio) return <span className="muted">{DASH}</span>
  const status = intervalStatus(c.ratio, c.n)
  // too few repetitions or an interval too wide to read: the cell says what is missing, as every view does
  if (c.verdict === 'no-spread' || status !== 'finding')
    return (
      <span className="verdict verdict-undecided" data-verdict="undecided">
        {comparisonVerdictCell(c)}
        {c.repetitionsNeeded !== null && (
          <span className="detectable blind" data-testid="detectable">
            {` · about ${c.repetitionsNeeded} a side would decide ±${pctText(threshold)}`}
          </span>
        )}
      </span>
    )
  const r = c.ratio
  const detectable = detectableChange(c)
  // "within noise" from too few repetitions must not read as "no change"
  const blind = detectable !== null && detectable > threshold && c.verdict === 'within-noise'
  return (
    <span className={`verdict verdict-${c.verdict}${c.regression ? ' regression' : ''}`} data-verdict={c.verdict}>
      {changeText(r.ratio)}
      <span className="interval">{intervalText(r)}</span> {VERDICT_WORDS[c.verdict]}
      {c.regression && (
        <b className={`chip ${gated ? 'danger' : 'warn'}`}>{gated ? 'regression' : 'worse (not gated)'}</b>
      )}
      <span className={`detectable${blind ? ' blind' : ''}`} data-testid="detectable">
        {detectable === null
          ? ' · no interval: repeat the runs'
          : ` · detects ±${pctText(detectable)}${blind ? `: too few repetitions to see ${pctText(threshold)}` : ''}`}
      </span>
    </span>
  )
}

/** the banner's colour: green only when the gate passes, as the CLI's exit 0 */
const BANNER: Record<Comparison['gate'], string> = {
  pass: 'ok',
  regression: 'error',
  inconclusive: 'warn',
  'not-comparable': 'warn'
}

/** every worse-beyond-threshold-and-noise figure the gate does not cover */
function ungatedRegressions(cmp: Comparison, gate: readonly StatMetric[]) {
  return cmp.rows.flatMap((row) =>
    row.comparisons.flatMap((cs, i) =>
      (cs ?? [])
        .filter((c) => c.regression && !gate.includes(c.metric))
        .map((c) => ({ report: i, method: row.key.method, metric: c.metric, ratio: c.ratio! }))
    )
  )
}

export function CompareView({ reports, onClose }: { reports: { id: string; report: Report }[]; onClose: () => void }) {
  const [baseline, setBaseline] = useState(0)
  const [thresholdText, setThresholdText] = useState('5%')
  const [gate, setGate] = useState<StatMetric[]>([...DEFAULT_GATE_METRICS])
  const [allowPlanDiff, setAllowPlanDiff] = useState(false)
  const threshold = parseThresholdFraction(thresholdText)
  const cmp = useMemo(
    () =>
      compareReports(
        reports.map((r) => r.report),
        { baseline, thresholdFraction: threshold ?? 0.05, gateMetrics: gate, allowPlanDiff }
      ),
    [reports, baseline, threshold, gate, allowPlanDiff]
  )
  // the table shows every gated figure too
  const metrics = COMPARE_METRICS.filter((m) => SHOWN.includes(m.key) || gate.includes(m.key))
  const pct = `${((threshold ?? 0.05) * 100).toFixed(1)}%`
  const labelOf = (key: StatMetric) => COMPARE_METRICS.find((m) => m.key === key)!.label
  const outside = ungatedRegressions(cmp, gate)
  const exported = () =>
    comparisonText(
      cmp,
      metrics.map((m) => m.key),
      gate
    )
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
      <fieldset className="gate" data-testid="gate">
        <legend>Gated figures (a regression in these fails the comparison, as --gate does)</legend>
        {COMPARE_METRICS.map((m) => (
          <label key={m.key}>
            <input
              type="checkbox"
              name={`gate-${m.key}`}
              checked={gate.includes(m.key)}
              onChange={(e) => setGate((g) => (e.target.checked ? [...g, m.key] : g.filter((k) => k !== m.key)))}
            />{' '}
            {m.label}
          </label>
        ))}
      </fieldset>
      {cmp.planDifferences.length > 0 && (
        <label className="allow-plan-diff">
          <input
            type="checkbox"
            data-testid="allow-plan-diff"
            checked={allowPlanDiff}
            onChange={(e) => setAllowPlanDiff(e.target.checked)}
          />{' '}
          Judge across the plan and machine differences (as --allow-plan-diff does)
        </label>
      )}
      <div className={`banner ${BANNER[cmp.gate]}`} data-testid="compare-verdict" data-gate={cmp.gate} role="status">
        {gateLines(cmp, gate).map((line, i) =>
          i === 0 ? (
            <p key={i}>
              <b>{line}</b>
            </p>
          ) : (
            <p key={i} className="gate-detail">
              {line}
            </p>
          )
        )}
        {outside.length > 0 && (
          <p data-testid="ungated-regressions">
            Worse beyond {pct} and the noise, but not gated:{' '}
            {outside
              .map((r) => `${letter(r.report)}: ${r.method} ${labelOf(r.metric)} ${changeText(r.ratio.ratio)}`)
              .join('; ')}
            .
          </p>
        )}
      </div>
      <div className="export-bar">
        Export the comparison:{' '}
        <button
          type="button"
          className="small"
          data-testid="compare-export-md"
          onClick={() => downloadText('zcprof-compare.md', comparisonMarkdown(exported()), 'text/markdown')}
        >
          Markdown (for a pull request)
        </button>{' '}
        <button
          type="button"
          className="small"
          data-testid="compare-export-html"
          onClick={() => downloadText('zcprof-compare.html', comparisonHtml(exported()), 'text/html')}
        >
          HTML
        </button>
      </div>
      <ul className="report-letters">
        {cmp.columns.map((c, i) => (
          <li key={i}>
            <b>{letter(i)}</b> {c.label}
            {i === cmp.baseline && <span className="muted"> (baseline)</span>}
          </li>
        ))}
      </ul>
      <div className="chart-row">
        <CompareBars
          comparison={cmp}
          testId="compare-cycles"
          title="Whole-system CPU per bit (every host measured)"
          unit="cycles/bit"
          pick={(a) => a.allHostsCyclesPerBit}
        />
        <CompareBars
          comparison={cmp}
          testId="compare-throughput"
          title="Throughput"
          unit="Gbit/s"
          pick={(a) => a.throughputBitsPerSec}
          scale={1e-9}
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
                <td title={cmp.columns[i].label}>{letter(i)}</td>
                {metrics.map((m) => {
                  const value = meanText(m.key, a?.[m.key] ?? null)
                  return (
                    <td key={m.key} data-metric={m.key}>
                      <span className="value">{value}</span>{' '}
                      {i === cmp.baseline ? (
                        <span className="muted">baseline</span>
                      ) : (
                        <Change
                          c={row.comparisons[i]?.find((c) => c.metric === m.key)}
                          gated={gate.includes(m.key)}
                          threshold={threshold ?? 0.05}
                        />
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
        no change, whatever the point estimate; “detects ±x%” is the smallest change its repetitions can tell from
        noise. A regression is worse by more than the threshold and beyond the noise. Under 3 repetitions a side, or
        with an interval wider than ±25 points, a cell says what is missing, and the gate cannot decide.
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
                {letter(i)}: {c.label}
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
