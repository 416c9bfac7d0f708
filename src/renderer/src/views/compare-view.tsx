// N reports side by side: rows aligned by method, target, size and chunk; each
// figure against a chosen baseline with its 95% interval, noise shown as noise;
// the environments' differences beside it; the charts next to each other.

import { useMemo, useState } from 'react'
import {
  COMPARE_METRICS,
  compareReports,
  DEFAULT_GATE_METRICS,
  parseThresholdFraction,
  type Comparison,
  type StatMetric
} from '../../../shared/compare'
import {
  comparisonHtml,
  comparisonMarkdown,
  comparisonText,
  gateLines,
  reportLetter as letter
} from '../../../shared/export/compare-export'
import { changeText } from '../../../shared/export/figures'
import type { Report } from '../../../shared/report'
import { CompareBars } from '../charts/compare-charts'
import { downloadText } from '../download'
import { CompareBar, GateChoice } from './compare-controls'
import { CompareTable, EnvironmentDiff } from './compare-table'

// the headline (every host measured, per bit) first; the sides' figures as detail beside it
const SHOWN: StatMetric[] = [
  'allHostsCyclesPerBit',
  'throughputBitsPerSec',
  'senderCyclesPerBit',
  'receiverCyclesPerBit',
  'contextSwitchesPerGiB'
]

/** the banner's colour: green only when the gate passes, as the CLI's exit 0 */
const BANNER: Record<Comparison['gate'], string> = {
  pass: 'ok',
  regression: 'error',
  inconclusive: 'warn',
  'not-comparable': 'warn'
}

const labelOf = (key: StatMetric) => COMPARE_METRICS.find((m) => m.key === key)!.label

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

/** the gate's verdict, as the CLI says it, and what is worse but not gated */
function CompareVerdict({ cmp, gate, threshold }: { cmp: Comparison; gate: StatMetric[]; threshold: number }) {
  const outside = ungatedRegressions(cmp, gate)
  return (
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
          Worse beyond {`${(threshold * 100).toFixed(1)}%`} and the noise, but not gated:{' '}
          {outside
            .map((r) => `${letter(r.report)}: ${r.method} ${labelOf(r.metric)} ${changeText(r.ratio.ratio)}`)
            .join('; ')}
          .
        </p>
      )}
    </div>
  )
}

function CompareExport({ exported }: { exported: () => ReturnType<typeof comparisonText> }) {
  return (
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
  )
}

/** which letter is which report, and the headline charts side by side */
function CompareCharts({ cmp }: { cmp: Comparison }) {
  return (
    <>
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
    </>
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
  const exported = () =>
    comparisonText(
      cmp,
      metrics.map((m) => m.key),
      gate
    )
  return (
    <section className="compare" aria-label="compare reports">
      <CompareBar
        count={reports.length}
        cmp={cmp}
        baseline={baseline}
        onBaseline={setBaseline}
        thresholdText={thresholdText}
        threshold={threshold}
        onThresholdText={setThresholdText}
        onClose={onClose}
      />
      <GateChoice
        cmp={cmp}
        gate={gate}
        onGate={setGate}
        allowPlanDiff={allowPlanDiff}
        onAllowPlanDiff={setAllowPlanDiff}
      />
      <CompareVerdict cmp={cmp} gate={gate} threshold={threshold ?? 0.05} />
      <CompareExport exported={exported} />
      <CompareCharts cmp={cmp} />
      <CompareTable cmp={cmp} metrics={metrics} gate={gate} threshold={threshold ?? 0.05} />
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
      <EnvironmentDiff cmp={cmp} />
    </section>
  )
}
