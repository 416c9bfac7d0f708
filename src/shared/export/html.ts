// A self-contained HTML report: inline CSS and SVG, no script, no fetch. It opens
// offline in any browser, and its CSP forbids anything else from loading.

import { environmentFacts } from '../environment-facts'
import { headroomOf, ruleOfThumbCores } from '../headroom'
import { METHOD_COLORS } from '../method-colors'
import { isBaselineMethod } from '../methods'
import type { MethodAggregate, Report } from '../report'
import { formatDurationMs, formatLineRate } from '../units'
import { groupWarnings } from '../warnings'
import { headroomInputs, summaryTables, type TextTable } from './figures'
import { findings } from './findings'
import { planText } from './markdown'
import { reportTitle } from '../report-title'
import { barChartSvg, escapeXml as esc, groupedBarChartSvg, lineChartSvg } from './svg-charts'

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1200px;color:#1d1d1f;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:18px 0 6px}
.muted{color:#666}table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
th{background:#f5f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:16px}.charts svg{border:1px solid #eee;border-radius:6px}
.banner{background:#fff8e1;border:1px solid #f0c36d;padding:8px 12px;border-radius:6px}
`

/** each method in its colour, in every chart */
const colorOf = (m: MethodAggregate['method']) => METHOD_COLORS[m] ?? '#888'

function chartsFor(title: string, rows: MethodAggregate[], report: Report): string {
  const throughput = barChartSvg(
    'Throughput, median with min–max',
    'Gbit/s',
    rows.map((a) => ({
      label: a.method,
      value: (a.throughputBitsPerSec?.median ?? Number.NaN) / 1e9,
      low: a.throughputBitsPerSec ? a.throughputBitsPerSec.min / 1e9 : undefined,
      high: a.throughputBitsPerSec ? a.throughputBitsPerSec.max / 1e9 : undefined,
      color: colorOf(a.method)
    }))
  )
  const headline = headlineChart(rows)
  // throughput over time: every measured trial of this group, one colour per method
  const trials = report.trials.filter(
    (t) =>
      !t.warmup &&
      rows.some(
        (a) =>
          a.method === t.method &&
          a.target === t.target &&
          a.fileBytes === t.fileBytes &&
          a.chunkBytes === t.chunkBytes &&
          a.durationMs === t.durationMs &&
          a.streams === t.streams
      )
  )
  const overTime = lineChartSvg(
    'Throughput over each trial',
    'seconds into the trial',
    'Gbit/s',
    trials.map((t) => ({
      label: t.method,
      color: colorOf(t.method),
      points: t.samples.map((s) => [s.tMs / 1000, (s.sender.bytesPerSec * 8) / 1e9] as [number, number])
    }))
  )
  // the headline's chart first, as every view leads with it
  return `<div class="charts" data-group="${esc(title)}">${headline}${throughput}${headroomChart(rows, report)}${trials.some((t) => t.samples.length) ? overTime : ''}</div>`
}

/**
 * The headline as a chart: the whole system's CPU per bit relative to the baseline
 * (1 = copy), with the 95% interval as a whisker where it is a finding; a row that is
 * not one says why in place of its bar, as the tables do.
 */
export function headlineChart(rows: readonly MethodAggregate[]): string {
  const base = rows.find((a) => isBaselineMethod(a.method))?.method ?? 'copy'
  return barChartSvg(
    `Whole-system CPU per bit against ${base}, 95% interval`,
    `× ${base}`,
    rows.map((a) => {
      const h = a.headline
      const color = colorOf(a.method)
      if (isBaselineMethod(a.method)) return { label: a.method, value: 1, color }
      if (!h?.ratio || h.status !== 'finding')
        return { label: a.method, value: Number.NaN, color, note: h?.ratio ? 'too little data' : 'n/a' }
      return { label: a.method, value: h.ratio.ratio, low: h.ratio.ci95Low, high: h.ratio.ci95High, color }
    }),
    { value: 1, label: base }
  )
}

/** cores the whole system needs to fill each line rate, per method, beside the 1 cycle/bit rule */
export function headroomChart(rows: readonly MethodAggregate[], report: Report): string {
  const { senderClockHz, receiverClockHz, lineRates } = headroomInputs(report)
  const per = rows.map((a) => ({ a, h: headroomOf(a, senderClockHz, receiverClockHz, lineRates) }))
  return groupedBarChartSvg(
    'Cores needed at line rate (whole system)',
    'cores',
    lineRates.map((rate, i) => ({
      label: `${formatLineRate(rate)}bit/s`,
      bars: [
        ...per.map(({ a, h }) => ({
          label: a.method,
          value: h.coresAt[i].system,
          color: METHOD_COLORS[a.method] ?? '#888'
        })),
        { label: '1 cycle/bit', value: ruleOfThumbCores(senderClockHz, rate), color: '#888', dashed: true }
      ]
    }))
  )
}

function htmlTable(t: TextTable): string {
  return (
    (t.caption ? `<h3>${esc(t.caption[0].toUpperCase() + t.caption.slice(1))}</h3>` : '') +
    `<table><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>` +
    t.rows.map((r) => `<tr>${r.map((v, i) => `<td${i ? ' class="num"' : ''}>${esc(v)}</td>`).join('')}</tr>`).join('') +
    '</tbody></table>'
  )
}

export function reportHtml(report: Report): string {
  const title = reportTitle(report)
  const { groups, footnotes, legend } = summaryTables(report)
  const parts: string[] = []
  parts.push(`<h1>${esc(title)}</h1>`)
  parts.push(
    `<p class="muted">${esc(`${report.tool.name} ${report.tool.version} · ${report.start.timestamp} · ${formatDurationMs(report.end.durationMs)}`)}${report.meta.tags.length ? ` · tags: ${report.meta.tags.map(esc).join(', ')}` : ''}</p>`
  )
  if (report.foreign)
    parts.push(
      `<p class="banner">Imported from ${esc(report.foreign.format)}: it measured ${esc(report.foreign.measured.join(', '))} only.<br>${report.foreign.notes.map(esc).join('<br>')}</p>`
    )
  if (report.end.incomplete)
    parts.push('<p class="banner">Incomplete run: the figures cover the trials that finished.</p>')
  const said = findings(report)
  if (said.length)
    parts.push(`<ul class="findings" data-testid="findings">${said.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>`)
  for (const g of groups) {
    parts.push(`<h2>${esc(g.title)}</h2>`)
    if (!g.grid) parts.push(chartsFor(g.title, g.aggregates, report))
    parts.push(...g.tables.map(htmlTable))
  }
  for (const f of footnotes) parts.push(`<p class="muted">${esc(f)}</p>`)
  if (legend.length)
    parts.push(
      `<dl class="legend muted" data-testid="legend">${legend.map((g) => `<dt>${esc(g.term)}</dt><dd>${esc(g.definition)}</dd>`).join('')}</dl>`
    )
  parts.push(`<p class="muted">Plan: ${esc(planText(report))}</p>`)
  parts.push('<h2>Environment</h2><table><tbody>')
  for (const f of environmentFacts(report.start.environment.sender))
    parts.push(`<tr><th>${esc(f.label)}</th><td>${esc(f.value)}</td></tr>`)
  parts.push('</tbody></table>')
  // one line a kind, each warning in full behind it: forty lines would bury the report
  if (report.end.warnings.length)
    parts.push(
      `<h2>Warnings</h2><ul data-testid="warnings">${groupWarnings(report.end.warnings)
        .map(
          (g) =>
            `<li data-code="${esc(g.code)}">${esc(g.line)}<details><summary>details</summary><ul>${g.warnings
              .map(
                (w) =>
                  `<li>${esc(w.message)}${w.trials?.length ? ` (${w.trials.length} trials)` : ''}${w.hint ? `<br><span class="muted">${esc(w.hint)}</span>` : ''}</li>`
              )
              .join('')}</ul></details></li>`
        )
        .join('')}</ul>`
    )
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="zcprof ${esc(report.tool.version)}">
<title>${esc(title)} · zcprof</title><style>${STYLE}</style></head>
<body>${parts.join('\n')}</body></html>
`
}
