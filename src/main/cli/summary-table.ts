// The tables `zcprof run` ends with: each method's figures, what it costs against
// copy (with intervals and a verdict), and the cores a link would need.

import Table from 'cli-table3'
import { summaryTables, type TextTable } from '../../shared/export/figures'
import type { Report } from '../../shared/report'

function draw(t: TextTable, color: boolean): string {
  const table = new Table({
    head: t.head,
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] }
  })
  for (const r of t.rows) table.push(r)
  return (t.caption ? `${t.caption}:\n` : '') + table.toString()
}

export function renderSummary(report: Report, color = false): string {
  const { groups, footnotes } = summaryTables(report, '  ')
  const out: string[] = []
  for (const g of groups) out.push(g.title, ...g.tables.map((t) => draw(t, color)))
  out.push(...footnotes)
  if (report.end.warnings.length) {
    out.push('', 'warnings:')
    for (const w of report.end.warnings) {
      const which = w.trials?.length ? ` [${w.trials.length} trial${w.trials.length > 1 ? 's' : ''}]` : ''
      out.push(`  - ${w.message}${which}`)
      if (w.hint) out.push(`    hint: ${w.hint}`)
    }
  }
  if (report.end.incomplete) out.push('', 'the run is INCOMPLETE: the figures above cover the trials that finished')
  return out.join('\n')
}
