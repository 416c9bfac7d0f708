// A Markdown summary: what a person pastes into a pull request or a wiki.

import { environmentFacts } from '../environment-facts'
import type { Report } from '../report'
import { formatBytes, formatDurationMs } from '../units'
import { aggregateColumns, cyclesEstimated, ESTIMATE_FOOTNOTE, groupAggregates, sizeText } from './figures'
import { reportTitle } from './report-title'

/** | and newlines would break a table row */
export function mdCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[\r\n]+/g, ' ')
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.map(mdCell).join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)
  ]
}

export function reportMarkdown(report: Report): string {
  const out: string[] = [`# ${mdCell(reportTitle(report))}`, '']
  out.push(
    `${report.tool.name} ${report.tool.version} · ${report.start.timestamp} · ${formatDurationMs(report.end.durationMs)}` +
      (report.meta.tags.length ? ` · tags: ${report.meta.tags.map(mdCell).join(', ')}` : '')
  )
  if (report.foreign) {
    out.push('', `> Imported from ${report.foreign.format}: it measured ${report.foreign.measured.join(', ')} only.`)
    for (const n of report.foreign.notes) out.push(`> - ${mdCell(n)}`)
  }
  if (report.end.incomplete) out.push('', '**Incomplete run:** the figures cover the trials that finished.')
  const est = cyclesEstimated(report.end.aggregates)
  const columns = aggregateColumns(est)
  const groups = groupAggregates(report.end.aggregates)
  out.push('', '## Results')
  for (const [title, rows] of groups) {
    out.push('', `### ${mdCell(title)}`, '')
    out.push(
      ...table(
        columns.map((c) => c.head),
        rows.map((a) => columns.map((c) => c.cell(a)))
      )
    )
  }
  if (est) out.push('', `\\${ESTIMATE_FOOTNOTE}`)
  out.push('', '## Environment', '')
  out.push(
    ...table(
      ['', 'sender'],
      environmentFacts(report.start.environment.sender).map((f) => [f.label, f.value])
    )
  )
  for (const r of report.start.environment.receivers)
    if (r.environment)
      out.push(
        '',
        `Receiver ${mdCell(r.target)}: ${mdCell(
          environmentFacts(r.environment)
            .map((f) => `${f.label} ${f.value}`)
            .join(' · ')
        )}`
      )
  const p = report.start.plan
  out.push(
    '',
    `Plan: ${p.methods.join(', ')} → ${p.targets.join(', ')}; ${p.file ?? p.fileBytes.map(sizeText).join(', ')}; chunk ${p.chunkBytes.map(formatBytes).join(', ')}; ${p.repeat} repetitions after ${p.warmup} warm-up; cache ${p.cache}; receiver ${p.receiverMode}`
  )
  if (report.end.warnings.length) {
    out.push('', '## Warnings', '')
    for (const w of report.end.warnings) out.push(`- ${mdCell(w.message)}`)
  }
  return out.join('\n') + '\n'
}
