// Where the finished run went, in one line above its results.

import type { Report } from '../../../shared/report'
import { hasFigures, runOutcome } from '../run-outcome'
import type { Saved } from '../state/use-run'
import { ExportBar } from './export-bar'

/**
 * Where the finished run went, said as it is: saved as failed or incomplete where it
 * was, "saving" until the library answers (the line keeps its place, so nothing moves
 * when it does), and the export buttons only where there are figures to export.
 */
export function SavedLine({ report, saved, onOpen }: { report: Report; saved: Saved; onOpen(id: string): void }) {
  const outcome = runOutcome(report)
  const marked =
    outcome.kind === 'failed' ? ', marked failed' : outcome.kind === 'cancelled' ? ', marked incomplete' : ''
  return (
    <div
      className="saved-line"
      data-testid="saved-line"
      data-saved={saved ? ('entry' in saved ? 'yes' : 'no') : 'pending'}
    >
      {/* one line, "saving" then "saved" (a long title cut short): the results below do not move when it answers */}
      {!saved && <span className="saved-text muted">Saving to the library…</span>}
      {saved && 'entry' in saved && (
        <>
          <span className="saved-text" title={`“${saved.entry.title}”`}>
            Saved to the library as “{saved.entry.title}”{marked}.
          </span>
          <button type="button" className="small" onClick={() => onOpen(saved.entry.id)}>
            Open it
          </button>
        </>
      )}
      {saved && 'error' in saved && (
        <span className="field-error" role="alert">
          Not saved to the library: {saved.error.message}.{hasFigures(outcome) && ' Export it below so it is not lost.'}
        </span>
      )}
      {hasFigures(outcome) && <ExportBar report={report} />}
    </div>
  )
}
