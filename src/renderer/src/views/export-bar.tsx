// Export a report in every format the exporters table holds; rendered right here,
// since the exporters are plain functions of the report.

import { EXPORTERS, exportFileName } from '../../../shared/export/exporters'
import type { Report } from '../../../shared/report'
import { downloadText } from '../download'

export function ExportBar({ report }: { report: Report }) {
  return (
    <div className="export-bar" role="group" aria-label="export">
      <span className="muted">Export:</span>
      {EXPORTERS.map((e) => (
        <button
          key={e.format}
          type="button"
          className="small"
          data-testid={`export-${e.format}`}
          onClick={() => downloadText(exportFileName(report, e.format), e.render(report), e.mimeType)}
        >
          {e.label}
        </button>
      ))}
    </div>
  )
}
