// The comparison's tables: each row's figures against the baseline's, with the
// change, its interval and what the repetitions can detect; and the environments
// side by side, what differs marked.

import {
  detectableChange,
  type Comparison,
  type MetricComparison,
  type MetricInfo,
  type StatMetric
} from '../../../shared/compare'
import { comparisonVerdictCell, reportLetter as letter } from '../../../shared/export/compare-export'
import { changeText, DASH, intervalText, meanText, rowKeyText } from '../../../shared/export/figures'
import { intervalStatus } from '../../../shared/statistics'

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

interface TableProps {
  cmp: Comparison
  metrics: readonly MetricInfo[]
  gate: readonly StatMetric[]
  threshold: number
}

export function CompareTable({ cmp, metrics, gate, threshold }: TableProps) {
  return (
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
              {metrics.map((m) => (
                <td key={m.key} data-metric={m.key}>
                  <span className="value">{meanText(m.key, a?.[m.key] ?? null)}</span>{' '}
                  {i === cmp.baseline ? (
                    <span className="muted">baseline</span>
                  ) : (
                    <Change
                      c={row.comparisons[i]?.find((c) => c.metric === m.key)}
                      gated={gate.includes(m.key)}
                      threshold={threshold}
                    />
                  )}
                </td>
              ))}
            </tr>
          ))
        )}
      </tbody>
    </table>
  )
}

export function EnvironmentDiff({ cmp }: { cmp: Comparison }) {
  return (
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
  )
}
