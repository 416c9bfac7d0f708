// The tables `zcprof run` ends with: each method's figures, what it costs against
// copy (with intervals and a verdict), and the cores a link would need.

import Table from 'cli-table3'
import {
  aggregateColumns,
  cyclesEstimated,
  ESTIMATE_FOOTNOTE,
  groupAggregates,
  HEADROOM_FOOTNOTE,
  headroomColumns,
  ruleOfThumbRow,
  VS_COPY_COLUMNS,
  VS_COPY_FOOTNOTE,
  type Column
} from '../../shared/export/figures'
import { lineRatesFor } from '../../shared/headroom'
import type { MethodAggregate, Report } from '../../shared/report'

function table(columns: readonly Column[], rows: MethodAggregate[], color: boolean, extra: string[][] = []): string {
  const t = new Table({
    head: columns.map((c) => c.head),
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] }
  })
  for (const a of rows) t.push(columns.map((c) => c.cell(a)))
  for (const r of extra) t.push(r)
  return t.toString()
}

export function renderSummary(report: Report, color = false): string {
  const est = cyclesEstimated(report.end.aggregates)
  const env = report.start.environment
  const senderClock = env.sender.cpuClockHz
  const receiverClock = env.receivers.find((r) => r.environment)?.environment?.cpuClockHz ?? senderClock
  const lineRates = lineRatesFor(report.start.plan, env.sender)
  const out: string[] = []
  for (const [title, rows] of groupAggregates(report.end.aggregates, '  ')) {
    out.push(title, table(aggregateColumns(est), rows, color))
    if (rows.some((a) => a.vsCopy)) out.push('against copy:', table(VS_COPY_COLUMNS, rows, color))
    out.push(
      'headroom:',
      table(headroomColumns(lineRates, senderClock, receiverClock), rows, color, [ruleOfThumbRow(lineRates, senderClock)])
    )
  }
  if (report.end.aggregates.some((a) => a.vsCopy)) out.push(VS_COPY_FOOTNOTE)
  if (report.end.aggregates.length) out.push(HEADROOM_FOOTNOTE)
  if (est) out.push(ESTIMATE_FOOTNOTE)
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
