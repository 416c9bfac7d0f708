// The tables `zcprof run` and `zcprof report` end with. By default one narrow table
// (fits 100 columns: each method's throughput, its whole-system cost per bit and that
// against copy) and the cores each needs; --wide adds every figure: per side, context
// switches, syscalls, each change against copy, the per-core rates.

import { summaryTables } from '../../shared/export/figures'
import { findings } from '../../shared/export/findings'
import type { Report } from '../../shared/report'
import { drawTable, paragraph } from './text-table'
import { bold } from './terminal'
import { groupWarnings } from '../../shared/warnings'

export interface SummaryOptions {
  color?: boolean
  /** every column, in three tables */
  wide?: boolean
  /** the terminal's width: the notes wrap to it */
  width?: number
  /** every warning in full, with its hint; by default one line a kind */
  verbose?: boolean
}

export function renderSummary(report: Report, opts: SummaryOptions = {}): string {
  const color = opts.color ?? false
  // the sender × receiver grid splits its receivers over tables that fit the width
  const { groups, footnotes, legend } = summaryTables(
    report,
    '  ',
    opts.wide ? 'wide' : 'compact',
    opts.wide ? undefined : opts.width
  )
  const out: string[] = []
  const proseWidth = opts.width ?? Number.POSITIVE_INFINITY
  /** prose wrapped to the width, its first line after `first`, the rest after `rest` */
  const para = (text: string, first = '', rest = first) => paragraph(text, proseWidth, first, rest)
  // the answer first, in words; the tables after it hold the figures behind it
  const said = findings(report)
  for (const s of said) out.push(...para(s))
  if (said.length) out.push('')
  for (const g of groups) {
    out.push(bold(g.title, color))
    for (const t of g.tables) {
      if (t.caption) out.push(...para(`${t.caption}:`))
      // --wide keeps every row on one line: it is for wide terminals and files
      const width = opts.wide ? undefined : opts.width
      const drawn = drawTable(t.head, t.rows, { color: false, width })
      const tooNarrow = width !== undefined && drawn.split('\n').some((l) => l.length > width)
      if (tooNarrow && t.head.at(-1) === 'notes') {
        // no room for a notes column: the notes go under the table, one line a method
        out.push(
          drawTable(
            t.head.slice(0, -1),
            t.rows.map((r) => r.slice(0, -1)),
            { color, width, lastUnder: t.head.at(-2) === 'verdict' }
          )
        )
        for (const r of t.rows) if (r.at(-1)) out.push(...para(`${r[0]}: ${r.at(-1)}`, '  ', '    '))
        out.push('')
      } else out.push(drawTable(t.head, t.rows, { color, width, lastUnder: t.head.at(-1) === 'verdict' }), '')
    }
  }
  for (const f of footnotes) out.push(...para(f))
  if (legend.length) {
    out.push('', 'terms:')
    for (const g of legend) out.push(...para(`${g.term}: ${g.definition}`, '  ', '    '))
  }
  out.push(...warningLines(report, opts.verbose ?? false, para))
  if (report.end.incomplete)
    out.push(
      '',
      report.trials.some((t) => !t.warmup && t.summary)
        ? 'the run is INCOMPLETE: the figures above cover the trials that finished'
        : 'the run is INCOMPLETE: no trial finished, so there are no figures'
    )
  return out.join('\n')
}

/** one line a kind of warning (errors first) and how to see them whole; or, verbose, each in full */
function warningLines(
  report: Report,
  verbose: boolean,
  para: (text: string, first?: string, rest?: string) => string[]
): string[] {
  const warnings = report.end.warnings
  if (!warnings.length) return []
  const out: string[] = ['']
  if (!verbose) {
    out.push('warnings (each in full, with what to do: --verbose):')
    for (const g of groupWarnings(warnings)) out.push(...para(g.line, '  - ', '    '))
    return out
  }
  out.push('warnings:')
  for (const w of warnings) {
    const which = w.trials?.length ? ` [${w.trials.length} trial${w.trials.length > 1 ? 's' : ''}]` : ''
    out.push(...para(`${w.message}${which}`, '  - ', '    '))
    if (w.hint) out.push(...para(w.hint, '    hint: ', '          '))
  }
  return out
}
