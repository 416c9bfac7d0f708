// `zcprof compare base.json other.json… [--threshold 5%]`: the table, and an exit
// status a CI gate can use: 1 when a figure got worse by more than the threshold
// and by more than the noise, 0 otherwise, 2 when an input cannot be read.

import Table from 'cli-table3'
import {
  COMPARE_METRICS,
  compareReports,
  DEFAULT_GATE_METRICS,
  parseThresholdFraction,
  type Comparison,
  type MetricComparison,
  type StatMetric
} from '../../shared/compare'
import { printableDeep } from '../../shared/printable'
import { ZcprofError } from '../../shared/errors'
import { changeText, DASH, intervalText, meanText, rowKeyText } from '../../shared/export/figures'
import { writeFileAtomic } from '../engine/report-store'
import { colorFor } from './terminal'
import { loadReportFile } from '../reports/report-loader'

export interface CompareFlags {
  threshold?: string
  baseline?: string
  metrics?: string
  gate?: string
  json?: string
}

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

function verdictText(c: MetricComparison): string {
  if (c.verdict === 'missing') return DASH
  const r = c.ratio!
  const word = { better: 'better', worse: 'worse', 'within-noise': 'noise', 'no-spread': 'no spread', missing: '' }[
    c.verdict
  ]
  return `${changeText(r.ratio)}${intervalText(r)} ${word}${c.regression ? ' ✗ REGRESSION' : ''}`
}

export function renderComparison(
  cmp: Comparison,
  shown: readonly StatMetric[],
  gate: readonly StatMetric[],
  color = false
): string {
  const metrics = COMPARE_METRICS.filter((m) => shown.includes(m.key))
  const out: string[] = []
  out.push(`baseline: ${cmp.columns[cmp.baseline].label} (${cmp.columns[cmp.baseline].tool})`)
  const table = new Table({
    head: ['method · target · size · chunk', 'report', ...metrics.flatMap((m) => [m.label, `vs baseline (95% CI)`])],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] }
  })
  for (const row of cmp.rows) {
    const name = rowKeyText(row.key)
    row.aggregates.forEach((a, i) => {
      const cells = metrics.flatMap((m) => {
        const value = meanText(m.key, a?.[m.key] ?? null)
        const c = row.comparisons[i]?.find((x) => x.metric === m.key)
        return [value, i === cmp.baseline ? 'baseline' : c ? verdictText(c) : DASH]
      })
      table.push([i === 0 ? name : '', cmp.columns[i].label, ...cells])
    })
  }
  out.push(table.toString())
  out.push(`means compared; "noise": the 95% interval of the ratio includes no change`)
  const differs = cmp.environment.filter((e) => e.differs)
  if (differs.length) {
    out.push('', 'environment differences:')
    for (const e of differs)
      out.push(`  ${e.label}: ${e.values.map((v, i) => `[${cmp.columns[i].label}] ${v}`).join('  vs  ')}`)
  }
  for (const n of cmp.notes) out.push(`note: ${n}`)
  const pct = `${(cmp.thresholdFraction * 100).toFixed(1)}%`
  const gated = COMPARE_METRICS.filter((m) => gate.includes(m.key))
    .map((m) => m.label)
    .join(', ')
  if (cmp.regressions.length === 0) out.push('', `no regression beyond ${pct} and the noise in ${gated}`)
  else {
    out.push('', `${cmp.regressions.length} regression(s) beyond ${pct} and the noise:`)
    for (const r of cmp.regressions) {
      const label = COMPARE_METRICS.find((m) => m.key === r.metric)!.label
      out.push(
        `  ${cmp.columns[r.report].label}: ${r.key.method} ${r.key.target} ${label} ${changeText(1 + r.change)} (95% CI ${changeText(1 + r.ci95[0])} to ${changeText(1 + r.ci95[1])})`
      )
    }
  }
  return out.join('\n')
}

/**
 * Reports that share no row compare nothing: that is an input error, not "no
 * regression". The message lists each report's rows, so the reason is in sight.
 */
function nothingAligned(cmp: Comparison, files: string[]): void {
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
    hint: 'compare runs made with the same methods, target, size (or both timed) and chunk'
  })
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
  const reports = files.map((f) => loadReportFile(f).report)
  const gate = metricList(flags.gate, DEFAULT_GATE_METRICS, 'gate')
  const shown = metricList(flags.metrics, [...new Set([...DEFAULT_GATE_METRICS, ...gate])], 'metrics')
  const cmp = compareReports(reports, {
    baseline,
    thresholdFraction: parseThreshold(flags.threshold),
    gateMetrics: gate
  })
  nothingAligned(cmp, files)
  process.stdout.write(renderComparison(printableDeep(cmp), shown, gate, colorFor(process.stdout)) + '\n')
  if (flags.json) writeFileAtomic(flags.json, JSON.stringify(cmp, null, 1) + '\n')
  return cmp.regressions.length > 0 ? 1 : 0
}
