// One saved report, opened from the library: its title, where it was imported
// from, its results, and the environment it ran in.

import { reportTitle } from '../../../shared/report-title'
import { hasFigures, runOutcome } from '../run-outcome'
import type { Opened } from '../state/use-reports'
import { EnvironmentPanel } from './environment-panel'
import { ExportBar } from './export-bar'
import { ResultsView } from './results-view'

export function ReportTab({ opened }: { opened: Opened }) {
  return (
    <main>
      <div className="primary">
        <h2 data-testid="report-title">{reportTitle(opened.report)}</h2>
        {opened.report.foreign && (
          <p className="banner warn">
            Imported from {opened.report.foreign.format}: {opened.report.foreign.notes.join(' ')}
          </p>
        )}
        <ResultsView
          report={opened.report}
          actions={hasFigures(runOutcome(opened.report)) && <ExportBar report={opened.report} />}
        />
      </div>
      <EnvironmentPanel env={opened.report.start.environment.sender} gpus={opened.report.start.environment.gpus} />
    </main>
  )
}
