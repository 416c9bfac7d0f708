// The table `zcprof run` ends with: one row per method, ratios against copy.

import Table from 'cli-table3'
import { aggregateColumns, cyclesEstimated, ESTIMATE_FOOTNOTE, groupAggregates } from '../../shared/export/figures'
import type { Report } from '../../shared/report'

export function renderSummary(report: Report, color = false): string {
  const est = cyclesEstimated(report.end.aggregates)
  const columns = aggregateColumns(est)
  const groups = groupAggregates(report.end.aggregates, '  ')
  const out: string[] = []
  for (const [title, rows] of groups) {
    const table = new Table({
      head: columns.map((c) => c.head),
      style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] }
    })
    for (const a of rows) table.push(columns.map((c) => c.cell(a)))
    out.push(title, table.toString())
  }
  if (est) out.push(ESTIMATE_FOOTNOTE)
  if (report.end.warnings.length) {
    out.push('', 'warnings:')
    for (const w of report.end.warnings) out.push(`  - ${w.message}`)
  }
  if (report.end.incomplete) out.push('', 'the run is INCOMPLETE: the figures above cover the trials that finished')
  return out.join('\n')
}
