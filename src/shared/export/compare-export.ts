// A comparison as text: one table and one verdict, drawn by the terminal, Markdown
// (for a pull-request comment) and self-contained HTML from the same cells.

import {
  COMPARE_METRICS,
  type Comparison,
  type GateVerdict,
  type Inconclusive,
  type MetricComparison,
  pairName,
  type RowKey,
  type StatMetric
} from '../compare'
import { halfWidthShare, intervalStatus, MAX_FINDING_HALF_WIDTH, MIN_FINDING_REPETITIONS } from '../statistics'
import { formatBytes } from '../units'
import { changeText, DASH, intervalText, meanText, pointsText, rowKeyText, sizeText } from './figures'
import { mdCell } from './markdown'
import { escapeXml as esc } from './svg-charts'

export interface ComparisonText {
  baseline: string
  /** each report by its letter (A, B, …), which the rows use: titles are long */
  reports: string[]
  head: string[]
  rows: string[][]
  /** each row's key in parts (rows of one compared row share it): a narrow terminal names only what differs */
  keys: RowKeyParts[]
  /** the compared figures' labels, in the order of their column pairs */
  metrics: string[]
  /** how means are compared */
  legend: string
  environment: string[]
  notes: string[]
  /** the gate's answer: the first line, then what it rests on (gateLines) */
  verdict: string[]
  gate: GateVerdict
}

/**
 * A compared figure's cell: the change and its interval where that is a finding; else
 * what is missing (statistics.intervalStatus), as every other view says it.
 */
export function comparisonVerdictCell(c: MetricComparison): string {
  if (c.verdict === 'missing') return DASH
  const r = c.ratio!
  const status = intervalStatus(r, c.n)
  if (c.verdict === 'no-spread' || status === 'too-few' || status === 'none') return `n = ${c.n}: too few to tell`
  const regression = c.regression ? ' ✗ REGRESSION' : ''
  // too wide to size: said without its ends; where it lies wholly on one side, its direction is a finding
  if (status === 'too-wide')
    return c.verdict === 'within-noise'
      ? `${pointsText(halfWidthShare(r)!)}: too noisy to tell`
      : `${c.verdict}, by an amount too noisy to size (${pointsText(halfWidthShare(r)!)})${regression}`
  const word = { better: 'better', worse: 'worse', 'within-noise': 'noise', 'no-spread': 'no spread', missing: '' }[
    c.verdict
  ]
  return `${changeText(r.ratio)}${intervalText(r)} ${word}${regression}`
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`

/** what would decide an inconclusive figure, in words */
function decideText(i: Inconclusive, threshold: number): string {
  // more repetitions cannot help a figure no ratio can be made of
  if (i.uncomparable) return `cannot compare: ${i.uncomparable}`
  const seen = i.detectable === null ? 'no interval' : `it could tell ±${percent(i.detectable)} from noise`
  const more =
    i.repetitionsNeeded === null
      ? `repeat each side ${MIN_FINDING_REPETITIONS} or more times`
      : `about ${i.repetitionsNeeded} repetitions a side would decide ±${percent(threshold)}`
  return `n = ${i.n} a side, ${seen}: ${more}`
}

/** the gate's answer in lines: the verdict, then what it rests on */
export function gateLines(cmp: Comparison, gate: readonly StatMetric[]): string[] {
  const pct = percent(cmp.thresholdFraction)
  const label = (m: StatMetric) => COMPARE_METRICS.find((x) => x.key === m)!.label
  const gated = COMPARE_METRICS.filter((m) => gate.includes(m.key))
    .map((m) => m.label)
    .join(', ')
  const where = (r: { report: number; key: RowKey; metric: StatMetric }) =>
    `${reportLetter(r.report)}: ${r.key.method} ${r.key.target} ${label(r.metric)}`
  switch (cmp.gate) {
    case 'not-comparable':
      return [
        `not comparable: the reports' plans or machines differ, so no regression is called (--allow-plan-diff to judge across them)`,
        ...cmp.planDifferences.map(
          (d) => `${d.label}: ${d.values.map((v, i) => `[${reportLetter(i)}] ${v}`).join('  vs  ')}`
        )
      ]
    case 'regression':
      return [
        `${cmp.regressions.length} regression(s) beyond ${pct} and the noise:`,
        ...cmp.regressions.map((r) => {
          const ci = { ratio: 1 + r.change, ci95Low: 1 + r.ci95[0], ci95High: 1 + r.ci95[1] }
          const width = halfWidthShare(ci)!
          // an interval too wide to print is said by its width alone
          return width > MAX_FINDING_HALF_WIDTH
            ? `${where(r)} worse, by an amount too noisy to size (${pointsText(width)})`
            : `${where(r)} ${changeText(ci.ratio)} (95% CI ${changeText(ci.ci95Low)} to ${changeText(ci.ci95High)})`
        })
      ]
    case 'inconclusive':
      return [
        `inconclusive: no regression seen, but ${cmp.inconclusive.length} gated figure(s) could not have shown a ${pct} change:`,
        ...cmp.inconclusive.map((i) => `${where(i)}: ${decideText(i, cmp.thresholdFraction)}`)
      ]
    default:
      return [`pass: no regression beyond ${pct} and the noise in ${gated}, and each could have shown one`]
  }
}

/** a row key's parts, as rowKeyText joins them; streams is '' for one stream */
export interface RowKeyParts {
  method: string
  target: string
  size: string
  chunk: string
  streams: string
}

export function rowKeyParts(k: RowKey): RowKeyParts {
  return {
    method: pairName(k),
    target: k.target,
    size: k.timed ? 'timed' : k.trialBytes !== null ? `${formatBytes(k.trialBytes)} per trial` : sizeText(k.fileBytes),
    chunk: formatBytes(k.chunkBytes),
    streams: k.streams > 1 ? `${k.streams} streams` : ''
  }
}

/** A, B, … Z, then 27, 28, …: a report's short name in tables, charts and exports */
export const reportLetter = (i: number) => (i < 26 ? String.fromCharCode(65 + i) : String(i + 1))

export function comparisonText(
  cmp: Comparison,
  shown: readonly StatMetric[],
  gate: readonly StatMetric[]
): ComparisonText {
  const metrics = COMPARE_METRICS.filter((m) => shown.includes(m.key))
  const rows: string[][] = []
  const keys: RowKeyParts[] = []
  for (const row of cmp.rows) {
    const name = rowKeyText(row.key)
    const parts = rowKeyParts(row.key)
    row.aggregates.forEach((a, i) => {
      const cells = metrics.flatMap((m) => {
        const value = meanText(m.key, a?.[m.key] ?? null)
        const c = row.comparisons[i]?.find((x) => x.metric === m.key)
        return [value, i === cmp.baseline ? 'baseline' : c ? comparisonVerdictCell(c) : DASH]
      })
      rows.push([i === 0 ? name : '', reportLetter(i), ...cells])
      keys.push(parts)
    })
  }
  const verdict = gateLines(cmp, gate)
  return {
    baseline: `${reportLetter(cmp.baseline)}: ${cmp.columns[cmp.baseline].label} (${cmp.columns[cmp.baseline].tool})`,
    reports: cmp.columns.map((c, i) => `${reportLetter(i)}: ${c.label}${i === cmp.baseline ? ' (baseline)' : ''}`),
    head: ['method · target · size · chunk', 'report', ...metrics.flatMap((m) => [m.label, 'vs baseline (95% CI)'])],
    rows,
    keys,
    metrics: metrics.map((m) => m.label),
    legend: 'means compared; "noise": the 95% interval of the ratio includes no change',
    environment: cmp.environment
      .filter((e) => e.differs)
      .map((e) => `${e.label}: ${e.values.map((v, i) => `[${reportLetter(i)}] ${v}`).join('  vs  ')}`),
    notes: cmp.notes,
    verdict,
    gate: cmp.gate
  }
}

/** for a pull-request comment: the verdict first, then the table */
export function comparisonMarkdown(t: ComparisonText): string {
  const out = [
    `### zcprof compare: ${mdCell(t.verdict[0])}`,
    '',
    ...t.verdict.slice(1).map((v) => `- ${mdCell(v)}`),
    ...(t.verdict.length > 1 ? [''] : []),
    'Reports:',
    '',
    ...t.reports.map((r) => `- ${mdCell(r)}`),
    '',
    `| ${t.head.map(mdCell).join(' | ')} |`,
    `|${t.head.map(() => ' --- ').join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
    '',
    `_${mdCell(t.legend)}_`
  ]
  if (t.environment.length)
    out.push('', '**Environment differences**', '', ...t.environment.map((e) => `- ${mdCell(e)}`))
  if (t.notes.length) out.push('', ...t.notes.map((n) => `- note: ${mdCell(n)}`))
  return out.join('\n') + '\n'
}

/** self-contained: inline CSS, no script, a CSP that loads nothing */
export function comparisonHtml(t: ComparisonText): string {
  const regressed = t.gate !== 'pass'
  const body = [
    '<h1>zcprof compare</h1>',
    `<p class="verdict ${regressed ? 'bad' : 'good'}">${t.verdict.map(esc).join('<br>')}</p>`,
    `<ul class="muted">${t.reports.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`,
    `<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
      t.rows
        .map(
          (r) =>
            `<tr>${r.map((v, i) => `<td${i > 1 ? ' class="num"' : ''}${v.includes('REGRESSION') ? ' data-regression' : ''}>${esc(v)}</td>`).join('')}</tr>`
        )
        .join('') +
      '</tbody></table>',
    `<p class="muted">${esc(t.legend)}</p>`
  ]
  if (t.environment.length)
    body.push(`<h2>Environment differences</h2><ul>${t.environment.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`)
  if (t.notes.length) body.push(`<ul>${t.notes.map((n) => `<li>note: ${esc(n)}</li>`).join('')}</ul>`)
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>zcprof compare</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1400px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:24px 0 8px}.muted{color:#666}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#f5f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}td[data-regression]{color:#b3261e;font-weight:600}
.verdict{padding:8px 12px;border-radius:6px}.verdict.good{background:#e8f5e9;border:1px solid #9ccc9c}.verdict.bad{background:#fdecea;border:1px solid #e6a19a}
</style></head>
<body>${body.join('\n')}</body></html>
`
}
