// How the run ended, first above everything else a run's view shows: the error that
// failed it, or that it was cancelled and what the figures cover.

import type { RunOutcome } from '../run-outcome'

const trials = (n: number) => `${n} measured trial${n === 1 ? '' : 's'}`

export function RunOutcomeBanner({ outcome }: { outcome: RunOutcome }) {
  if (outcome.kind === 'complete') return null
  if (outcome.kind === 'cancelled')
    return (
      <p className="banner warn" role="status" data-testid="run-outcome" data-outcome="cancelled">
        <b>This run is incomplete:</b> it was stopped before it ended;{' '}
        {outcome.finished
          ? `the figures cover the ${trials(outcome.finished)} that finished.`
          : 'no measured trial finished.'}
      </p>
    )
  const { finished, failed, error } = outcome
  return (
    <div className="banner error" role="alert" data-testid="run-outcome" data-outcome="failed">
      <b>This run failed:</b> {error.message}
      {error.hint && <div className="hint">{error.hint}</div>}
      <div className="muted">
        {finished === 0
          ? failed
            ? `Every one of its ${trials(failed)} failed: there are no figures.`
            : 'No measured trial ran: there are no figures.'
          : `An error stopped it after ${trials(finished)} finished: the figures cover those.`}
      </div>
    </div>
  )
}
