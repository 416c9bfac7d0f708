// The setup's foot: Run, and beside it what Run will do or what stops it.

import type { FieldErrors } from '../../../shared/plan-form'
import type { Plan } from '../../../shared/report'
import { formatDurationMs } from '../../../shared/units'

/** what Run will do, in a line beside it: the form's foot says it without scrolling up */
export function runSummary(plan: Plan): string {
  const n = plan.methods.length
  const trial = plan.durationMs ? ` of ${formatDurationMs(plan.durationMs)}` : ''
  const rounds = `${n} method${n === 1 ? '' : 's'} × ${plan.repeat} round${plan.repeat === 1 ? '' : 's'}${trial}`
  if (plan.precision === null || plan.precision === undefined) return rounds
  const budget = plan.maxTimeMs ? `, at most ${formatDurationMs(plan.maxTimeMs)}` : ''
  return `${rounds}, more until ±${+(plan.precision * 100).toFixed(2)}%${budget}`
}

export function RunBar({ plan, errors, busy }: { plan: Plan | null; errors: FieldErrors; busy: boolean }) {
  return (
    // sticks to the window's foot while the form runs past it: Run is always in view
    <div className="run-bar" data-testid="run-bar">
      <button type="submit" disabled={!plan || busy}>
        Run
      </button>
      {plan ? (
        <span className="muted" data-testid="run-summary">
          {runSummary(plan)}
        </span>
      ) : (
        <span className="field-error" data-testid="run-blocked">
          Fix {Object.keys(errors).join(', ')} to run
        </span>
      )}
    </div>
  )
}
