// A Markdown summary: what a person pastes into a pull request or a wiki.

import { environmentFacts } from '../environment-facts'
import { printable } from '../printable'
import type { Report } from '../report'
import { formatBytes, formatCpuList, formatDurationMs } from '../units'
import { boundText, sizeText, summaryTables } from './figures'
import { findings } from './findings'
import { reportTitle } from '../report-title'

/**
 * Text from a report as Markdown that reads as the same text: nothing in it may start
 * a block (newlines), end a table cell (|), or become HTML, a link, an image or
 * emphasis. HTML's three specials become entities; every other Markdown punctuation
 * mark is backslash-escaped (CommonMark: any ASCII punctuation may be), and so are
 * the parts of bare URLs and e-mail addresses GFM would make links of.
 */
export function mdCell(text: string): string {
  return (
    printable(text)
      .replace(/[\r\n\t]+/g, ' ')
      .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
      .replace(/[\\`*_{}[\]()#+!|~@]/g, (c) => `\\${c}`)
      // GFM turns bare URLs into links: break the patterns it looks for
      .replace(/:\/\//g, ':\\/\\/')
      .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\\.`)
  )
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
  const { groups, footnotes, legend } = summaryTables(report)
  const said = findings(report)
  if (said.length) out.push('', '## Findings', '', ...said.map((s) => `- ${mdCell(s)}`))
  out.push('', '## Results')
  for (const g of groups) {
    out.push('', `### ${mdCell(g.title)}`)
    for (const t of g.tables)
      out.push('', ...(t.caption ? [`**${mdCell(t.caption)}**`, ''] : []), ...table(t.head, t.rows))
  }
  // a leading * would start a list
  for (const f of footnotes) out.push('', mdCell(f).replace(/^\*/, '\\*'))
  if (legend.length)
    out.push('', '**Terms**', '', ...legend.map((g) => `- **${mdCell(g.term)}**: ${mdCell(g.definition)}`))
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
  out.push('', `Plan: ${mdCell(planText(report))}`)
  if (report.end.warnings.length) {
    out.push('', '## Warnings', '')
    for (const w of report.end.warnings)
      out.push(
        `- **${mdCell(w.code)}** ${mdCell(w.message)}${w.trials?.length ? ` (${w.trials.length} trials)` : ''}${w.hint ? ` — ${mdCell(w.hint)}` : ''}`
      )
  }
  return out.join('\n') + '\n'
}

/** the plan in one line: what ran, how long, where */
export function planText(report: Report): string {
  const p = report.start.plan
  const bound = boundText({
    durationMs: p.durationMs,
    trialBytes: p.trialBytes,
    fileBytes: p.fileBytes[0] ?? 0
  })
  const parts = [
    `${p.methods.join(', ')} → ${p.targets.join(', ')}`,
    `${p.file ?? p.fileBytes.map(sizeText).join(', ')}`,
    p.durationMs !== null ? `${bound} (ramp of ${formatDurationMs(report.trials[0]?.omitMs ?? 0)} left out)` : bound,
    `chunk ${p.chunkBytes.map(formatBytes).join(', ')}`,
    `${p.streams} stream${p.streams > 1 ? 's' : ''}`,
    typeof p.precision === 'number'
      ? `rounds until each headline is within ±${(p.precision * 100).toFixed(1)}%, at least ${p.repeat}${p.maxTimeMs ? `, none started past ${formatDurationMs(p.maxTimeMs)}` : ''}${report.end.rounds ? ` (${report.end.rounds.measured} run, ended: ${report.end.rounds.stop})` : ''}`
      : `${p.repeat} repetitions`,
    `after ${p.warmup} warm-up`,
    p.order === 'shuffled' ? `each round shuffled (seed ${p.seed})` : "each round in the plan's order",
    `cache ${p.cache}`,
    `receiver ${p.receiverModes.join(', ')}`
  ]
  const by = p.autoPin ? ' (chosen by zcprof)' : ''
  if (p.senderCpus) parts.push(`sender CPUs ${formatCpuList(p.senderCpus)}${by}`)
  if (p.receiverCpus) parts.push(`receiver CPUs ${formatCpuList(p.receiverCpus)}${by}`)
  return parts.join('; ')
}
