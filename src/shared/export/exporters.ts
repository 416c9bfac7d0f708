// One exporter per format behind one interface (hyperfine's shape): the CLI's
// `zcprof report`, the app's export buttons and the tests all go through this table.

import type { Report } from '../report'
import { methodsCsv, samplesCsv, trialsCsv } from './csv'
import { reportHtml } from './html'
import { reportMarkdown } from './markdown'
import { safeFileStem } from '../report-title'

export type ExportFormat = 'json' | 'csv-methods' | 'csv-trials' | 'csv-samples' | 'markdown' | 'html'

export interface Exporter {
  format: ExportFormat
  label: string
  extension: string
  mimeType: string
  render(report: Report): string
}

export const EXPORTERS: readonly Exporter[] = [
  {
    format: 'json',
    label: 'JSON report',
    extension: 'json',
    mimeType: 'application/json',
    render: (r) => JSON.stringify(r, null, 1) + '\n'
  },
  {
    format: 'csv-methods',
    label: 'CSV, a row per method (the headline)',
    extension: 'methods.csv',
    mimeType: 'text/csv',
    render: methodsCsv
  },
  {
    format: 'csv-trials',
    label: 'CSV, a row per trial',
    extension: 'trials.csv',
    mimeType: 'text/csv',
    render: trialsCsv
  },
  {
    format: 'csv-samples',
    label: 'CSV, a row per sample',
    extension: 'samples.csv',
    mimeType: 'text/csv',
    render: samplesCsv
  },
  { format: 'markdown', label: 'Markdown summary', extension: 'md', mimeType: 'text/markdown', render: reportMarkdown },
  { format: 'html', label: 'HTML report (offline)', extension: 'html', mimeType: 'text/html', render: reportHtml }
]

export function exporterFor(format: ExportFormat): Exporter {
  const e = EXPORTERS.find((x) => x.format === format)
  if (!e) throw new RangeError(`no exporter for ${format}`)
  return e
}

/** a file name for a report in a format: host-date.ext, safe on every file system */
export function exportFileName(report: Report, format: ExportFormat): string {
  const base = safeFileStem(`${report.start.environment.sender.hostname}-${report.start.timestamp.slice(0, 19)}`)
  return `${base}.${exporterFor(format).extension}`
}
