// `zcprof compare base.json other.json… [--threshold 5%]`: the table, and an exit
// status a CI gate can use (GATE_EXIT): 0 when every gated figure could have shown a
// change of the threshold's size and none did; 1 when one got worse by more than the
// threshold and the noise; 2 when an input cannot be read; 3 when the data cannot
// decide (too few repetitions, or too noisy for the threshold); 4 when the reports'
// plans or machines differ and --allow-plan-diff was not given.

import {
  COMPARE_METRICS,
  compareReports,
  DEFAULT_GATE_METRICS,
  parseThresholdFraction,
  type Comparison,
  type GateVerdict,
  type StatMetric
} from '../../shared/compare'
import { ALL_METHODS, isMethod, type MethodName } from '../../shared/methods'
import { printableDeep } from '../../shared/printable'
import { ZcprofError } from '../../shared/errors'
import {
  comparisonHtml,
  comparisonMarkdown,
  comparisonText,
  type ComparisonText,
  type RowKeyParts
} from '../../shared/export/compare-export'
import { rowKeyText } from '../../shared/export/figures'
import { checkOutput, writeFileAtomic } from '../storage/atomic-file'
import { colorFor, widthFor } from './terminal'
import { drawTable, paragraph } from './text-table'
import { loadReportArgument } from './report-argument'

export interface CompareFlags {
  /** where a report given by its id is looked up: the report library folder */
  library?: string
  md?: string | true
  html?: string
  threshold?: string
  baseline?: string
  metrics?: string
  gate?: string
  json?: string
  allowPlanDiff?: boolean
  method?: string
  wide?: boolean
}

/** the exit status of each gate verdict; 2 (bad input) comes from the CLI's error path */
export const GATE_EXIT: Record<GateVerdict, number> = { pass: 0, regression: 1, inconclusive: 3, 'not-comparable': 4 }

export function parseThreshold(text: string | undefined): number {
  if (text === undefined) return 0.05
  const v = parseThresholdFraction(text)
  if (v === null)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `threshold '${text}' is not a percentage`,
      hint: 'e.g. --threshold 5% (or 0.05)'
    })
  return v
}

function metricList(text: string | undefined, fallback: readonly StatMetric[], flag: string): StatMetric[] {
  if (text === undefined) return [...fallback]
  if (text === 'all') return COMPARE_METRICS.map((m) => m.key)
  const keys = text.split(',').map((s) => s.trim())
  const bad = keys.filter((k) => !COMPARE_METRICS.some((m) => m.key === k))
  if (bad.length)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `unknown metric ${bad.map((b) => `'${b}'`).join(', ')} in --${flag}`,
      hint: `metrics are: all, ${COMPARE_METRICS.map((m) => m.key).join(', ')}`
    })
  return keys as StatMetric[]
}

/** --method copy,sendfile: the methods whose rows are compared; an unknown name is bad input (exit 2) */
export function methodFilter(text: string | undefined): MethodName[] | undefined {
  if (text === undefined) return undefined
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const bad = names.filter((n) => !isMethod(n))
  if (bad.length || !names.length)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: bad.length
        ? `unknown method ${bad.map((b) => `'${b}'`).join(', ')} in --method`
        : `--method '${text}' names no method`,
      hint: `methods are: ${ALL_METHODS.join(', ')} (comma-separated, e.g. --method copy,sendfile)`
    })
  return names.filter(isMethod)
}

export interface RenderOptions {
  color?: boolean
  /** the terminal's width: tables and prose fit it (--wide lets the table run past it) */
  width?: number
  /** one table of every figure, each row named in full, on one line a row */
  wide?: boolean
}

/** the parts of a row's key after its method, as the wide table's head names them */
const KEY_PARTS: readonly Exclude<keyof RowKeyParts, 'method'>[] = ['target', 'size', 'chunk', 'streams']

/**
 * The comparison for a terminal: the same cells as the Markdown and HTML exports. By
 * default one narrow table a figure, each row named by its method and what else differs
 * between rows (the parts every row shares are said once above); --wide draws one table
 * with every figure and each row's whole key.
 */
export function renderComparison(t: ComparisonText, opts: RenderOptions = {}): string {
  const color = opts.color ?? false
  const proseWidth = opts.width ?? Number.POSITIVE_INFINITY
  const para = (text: string, first = '', rest = first) => paragraph(text, proseWidth, first, rest)
  const out: string[] = t.reports.flatMap((r) => para(r, '', '   '))
  if (opts.wide) out.push(drawTable(t.head, t.rows, { color }))
  else {
    const differs = KEY_PARTS.filter((p) => new Set(t.keys.map((k) => k[p])).size > 1)
    const shared = KEY_PARTS.filter((p) => !differs.includes(p) && t.keys[0]?.[p])
    if (shared.length)
      out.push(...para(`every row: ${shared.map((p) => t.keys[0][p]).join(' · ')} (${shared.join(' · ')})`, '', '  '))
    // a row names its key on its first report's line only, as the wide table does
    const keyCell = (row: string[], k: RowKeyParts) =>
      row[0] ? [k.method, ...differs.map((p) => (p === 'streams' ? k[p] || '1 stream' : k[p]))].join(' · ') : ''
    const keyHead = ['method', ...differs].join(' · ')
    t.metrics.forEach((label, m) => {
      out.push(
        drawTable(
          [keyHead, 'report', label, 'vs baseline (95% CI)'],
          t.rows.map((r, i) => [keyCell(r, t.keys[i]), r[1], r[2 + 2 * m], r[3 + 2 * m]]),
          { color, width: opts.width }
        ),
        ''
      )
    })
    out.pop()
  }
  out.push(...para(t.legend))
  if (t.environment.length)
    out.push('', 'environment differences:', ...t.environment.flatMap((e) => para(e, '  ', '    ')))
  for (const n of t.notes) out.push(...para(n, 'note: ', '      '))
  out.push('', ...para(t.verdict[0]), ...t.verdict.slice(1).flatMap((v) => para(v, '  ', '    ')))
  return out.join('\n')
}

/**
 * Reports that share no row compare nothing: that is an input error, not "no
 * regression". The message lists each report's rows, so the reason is in sight.
 */
function nothingAligned(cmp: Comparison, files: string[], methods?: MethodName[]): void {
  const aligned = cmp.rows.some(
    (r) => r.aggregates[cmp.baseline] && r.aggregates.some((a, i) => a && i !== cmp.baseline)
  )
  if (aligned) return
  const rowsOf = (i: number) => cmp.rows.filter((r) => r.aggregates[i]).map((r) => rowKeyText(r.key))
  throw new ZcprofError({
    code: 'ZC_NOTHING_ALIGNED',
    message:
      `the reports share no row to compare: rows align on method, target, size (or timed), chunk and streams.\n` +
      files
        .map((f, i) => `  ${f}${i === cmp.baseline ? ' (baseline)' : ''}: ${rowsOf(i).join('; ') || 'no rows'}`)
        .join('\n'),
    hint: methods
      ? `--method ${methods.join(',')} kept only those rows: name methods the reports ran`
      : 'compare runs made with the same methods, target, size (or both timed) and chunk'
  })
}

function writeOutput(file: string, text: string, format: string): void {
  writeFileAtomic(file, text)
  process.stderr.write(`${format}: ${file}\n`)
}

export function compareCommand(files: string[], flags: CompareFlags): number {
  if (files.length < 2)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: 'compare needs a baseline report and at least one other',
      hint: 'zcprof compare base.json other.json [more.json…]'
    })
  const baseline = flags.baseline === undefined ? 0 : Number(flags.baseline)
  if (!Number.isInteger(baseline) || baseline < 0 || baseline >= files.length)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--baseline ${flags.baseline} is not one of the ${files.length} reports`,
      hint: `give its position, 0 to ${files.length - 1} (0 is the first file)`
    })
  // the outputs are checked before the reports are read: a path that cannot take one is bad input
  if (flags.json) checkOutput(flags.json, '--json')
  if (typeof flags.md === 'string') checkOutput(flags.md, '--md')
  if (flags.html) checkOutput(flags.html, '--html')
  const methods = methodFilter(flags.method)
  // each a file, or a report in the library by its id (or the id's unique beginning)
  const reports = files.map((f) => loadReportArgument(f, { library: flags.library }).report)
  const gate = metricList(flags.gate, DEFAULT_GATE_METRICS, 'gate')
  const shown = metricList(flags.metrics, [...new Set([...DEFAULT_GATE_METRICS, ...gate])], 'metrics')
  const cmp = compareReports(reports, {
    baseline,
    thresholdFraction: parseThreshold(flags.threshold),
    gateMetrics: gate,
    allowPlanDiff: Boolean(flags.allowPlanDiff),
    methods
  })
  nothingAligned(cmp, files, methods)
  const text = comparisonText(cmp, shown, gate)
  // a file keeps the text as it is; the terminal gets printable text only
  const toTerminal = printableDeep(text)
  // --json - takes standard output: the table goes to stderr, so the JSON stays parseable
  const tableOut = flags.json === '-' ? process.stderr : process.stdout
  if (flags.md === true || flags.md === '-') tableOut.write(comparisonMarkdown(toTerminal))
  else
    tableOut.write(
      renderComparison(toTerminal, { color: colorFor(tableOut), width: widthFor(tableOut), wide: flags.wide }) + '\n'
    )
  if (flags.json === '-') process.stdout.write(JSON.stringify(cmp, null, 1) + '\n')
  else if (flags.json) writeFileAtomic(flags.json, JSON.stringify(cmp, null, 1) + '\n')
  if (typeof flags.md === 'string' && flags.md !== '-') writeOutput(flags.md, comparisonMarkdown(text), 'markdown')
  if (flags.html) writeOutput(flags.html, comparisonHtml(text), 'html')
  return GATE_EXIT[cmp.gate]
}
