// What a comparison is judged by: the baseline, the regression threshold, the gated
// figures, and whether plan and machine differences may be judged across.

import { COMPARE_METRICS, type Comparison, type StatMetric } from '../../../shared/compare'

interface BarProps {
  /** how many reports are compared */
  count: number
  cmp: Comparison
  baseline: number
  onBaseline: (i: number) => void
  thresholdText: string
  /** null: the text is not a percentage */
  threshold: number | null
  onThresholdText: (text: string) => void
  onClose: () => void
}

export function CompareBar({
  count,
  cmp,
  baseline,
  onBaseline,
  thresholdText,
  threshold,
  onThresholdText,
  onClose
}: BarProps) {
  return (
    <div className="library-bar">
      <h2>Compare {count} reports</h2>
      <label>
        Baseline{' '}
        <select data-testid="baseline" value={baseline} onChange={(e) => onBaseline(Number(e.target.value))}>
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
          onChange={(e) => onThresholdText(e.target.value)}
        />
      </label>
      {threshold === null && <span className="field-error">a percentage, e.g. 5%</span>}
      <button type="button" className="small" onClick={onClose}>
        Back to the library
      </button>
    </div>
  )
}

interface GateProps {
  cmp: Comparison
  gate: StatMetric[]
  onGate: (change: (g: StatMetric[]) => StatMetric[]) => void
  allowPlanDiff: boolean
  onAllowPlanDiff: (allow: boolean) => void
}

export function GateChoice({ cmp, gate, onGate, allowPlanDiff, onAllowPlanDiff }: GateProps) {
  return (
    <>
      <fieldset className="gate" data-testid="gate">
        <legend>Gated figures (a regression in these fails the comparison, as --gate does)</legend>
        {COMPARE_METRICS.map((m) => (
          <label key={m.key}>
            <input
              type="checkbox"
              name={`gate-${m.key}`}
              checked={gate.includes(m.key)}
              onChange={(e) => onGate((g) => (e.target.checked ? [...g, m.key] : g.filter((k) => k !== m.key)))}
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
            onChange={(e) => onAllowPlanDiff(e.target.checked)}
          />{' '}
          Judge across the plan and machine differences (as --allow-plan-diff does)
        </label>
      )}
    </>
  )
}
