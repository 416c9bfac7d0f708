// `zcprof trend [--gate]`: the library's history as series (shared/trend.ts), each with a
// chart of its points in a line, the levels it moved between, and where the newest run
// sits against its level; --gate exits as compare's gate does (GATE_EXIT).

import { existsSync } from 'node:fs'
import { ZcprofError } from '../../shared/errors'
import { changeLine, newestLine, trendSeriesTitle } from '../../shared/export/trend-text'
import { printable } from '../../shared/printable'
import { isMethod, ALL_METHODS } from '../../shared/methods'
import {
  buildTrend,
  DEFAULT_TREND_WINDOW,
  TREND_METRICS,
  type Trend,
  type TrendMetric,
  type TrendSeries
} from '../../shared/trend'
import { defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { checkOutput, writeFileAtomic } from '../storage/atomic-file'
import { GATE_EXIT, parseThreshold } from './compare-command'
import { parseDateBound } from './library-command'
import { bold, colorFor, dim, widthFor } from './terminal'
import { paragraph } from './text-table'

export interface TrendFlags {
  library?: string
  host?: string
  method?: string
  label?: string
  since?: string
  until?: string
  metric?: string
  by?: string
  threshold?: string
  window?: string
  json?: string
  gate?: boolean
}

/** the names --metric takes, and the figure each is */
const METRIC_NAMES: Record<string, TrendMetric> = { cost: 'allHostsCyclesPerBit', throughput: 'throughputBitsPerSec' }
const MIN_WIDTH = 80
/** the chart's eight heights, lowest first */
const BARS = '▁▂▃▄▅▆▇█'
/**
 * the chart spans at least this share of its mean: a steady series draws as a flat line,
 * not as its noise blown up to the chart's full height
 */
const MIN_CHART_SPAN = 0.2
/** change points said in words per series, newest last */
const CHANGES_SAID = 3

function bad(message: string, hint: string): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

function metricOf(text: string | undefined): TrendMetric {
  if (text === undefined) return TREND_METRICS[0]
  const m = METRIC_NAMES[text] ?? TREND_METRICS.find((k) => k === text)
  if (!m) bad(`--metric '${text}' is not a figure trend follows`, 'cost (what every host pays per bit) or throughput')
  return m
}

function windowOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TREND_WINDOW
  const n = Number(text)
  if (!Number.isInteger(n) || n < 6 || n > 5000)
    bad(`--window '${text}' is not a number of runs from 6 to 5000`, `e.g. --window ${DEFAULT_TREND_WINDOW}`)
  return n
}

/** the points as bars, the newest at the right; the change points marked under them */
export function chartLines(s: TrendSeries, width: number): string[] {
  const shown = s.points.slice(-width)
  const from = s.points.length - shown.length
  const means = shown.map((p) => p.stat.mean)
  const mid = (Math.min(...means) + Math.max(...means)) / 2
  const half = Math.max((Math.max(...means) - Math.min(...means)) / 2, (MIN_CHART_SPAN / 2) * Math.abs(mid))
  const bar = (v: number) => BARS[half > 0 ? Math.round(((v - mid + half) / (2 * half)) * (BARS.length - 1)) : 3]
  const marks = Array.from(shown, () => ' ')
  for (const c of s.changes) if (c.index >= from) marks[c.index - from] = '^'
  const lines = [means.map(bar).join('')]
  if (marks.includes('^')) lines.push(marks.join('').trimEnd())
  return lines
}

function seriesBlock(s: TrendSeries, metric: TrendMetric, width: number, color: boolean): string[] {
  const title = trendSeriesTitle(s)
  const runs = `${s.points.length} run${s.points.length === 1 ? '' : 's'}`
  const gap = Math.max(1, width - [...title].length - runs.length)
  const out = [bold(`${title}${' '.repeat(gap)}${runs}`, color)]
  out.push(...chartLines(s, width - 2).map((l) => `  ${l}`))
  for (const c of s.changes.slice(-CHANGES_SAID)) out.push(...paragraph(changeLine(c, metric), width, '  ', '    '))
  if (s.changes.length > CHANGES_SAID)
    out.push(`  (${s.changes.length - CHANGES_SAID} earlier changes: --json lists them)`)
  out.push(...paragraph(newestLine(s, metric), width, '  ', '    '))
  return out
}

export function renderTrend(t: Trend, metric: TrendMetric, width: number, color: boolean, gate: boolean): string {
  const better = t.metric.better === 'lower' ? 'lower is better' : 'higher is better'
  const head = [
    ...paragraph(
      `${t.series.length} series of ${t.metric.label} (${better}), oldest to newest; change points by ` +
        'E-divisive means, p ≤ 0.05',
      width
    ).map((l) => dim(l, color)),
    ''
  ]
  const blocks = t.series.map((s) => seriesBlock(s, metric, width, color).join('\n'))
  return [...head, blocks.join('\n\n'), ...(gate ? ['', ...gateLines(t, width, color)] : [])].join('\n') + '\n'
}

/** the gate's verdict and the series that decided it */
function gateLines(t: Trend, width: number, color: boolean): string[] {
  return [bold(`gate: ${t.gate}`, color), ...t.gateReasons.flatMap((r) => paragraph(printable(r), width, '  ', '    '))]
}

export async function trendCommand(flags: TrendFlags): Promise<number> {
  if (flags.method !== undefined && !isMethod(flags.method))
    bad(`--method '${flags.method}' is not a method`, `methods are: ${ALL_METHODS.join(', ')}`)
  if (flags.by !== undefined && flags.by !== 'host' && flags.by !== 'cpu')
    bad(`--by '${flags.by}' is not a grouping`, 'host (one series per host name) or cpu (per CPU model)')
  if (flags.json && flags.json !== '-') checkOutput(flags.json, '--json')
  const metric = metricOf(flags.metric)
  // a library named and not there is a mistyped path, not an empty history
  if (flags.library !== undefined && !existsSync(flags.library))
    bad(`--library ${flags.library} does not exist`, 'give the folder `zcprof run --save` or the app saves into')
  const library = new ReportLibrary(flags.library ?? defaultLibraryFolder())
  const listing = await library.list()
  const trend = buildTrend(listing.entries, {
    metric,
    by: flags.by === 'cpu' ? 'cpu' : 'host',
    host: flags.host ?? null,
    method: flags.method ?? null,
    label: flags.label ?? null,
    since: flags.since === undefined ? null : parseDateBound(flags.since, '--since'),
    until: flags.until === undefined ? null : parseDateBound(flags.until, '--until'),
    thresholdFraction: parseThreshold(flags.threshold),
    window: windowOf(flags.window)
  })
  const out = flags.json === '-' ? process.stderr : process.stdout
  const width = Math.max(MIN_WIDTH, widthFor(out))
  if (!trend.series.length) {
    out.write(
      `no series: ${listing.entries.length ? 'no report the filters keep has a finished row' : `the library ${listing.folder} is empty`}\n`
    )
    if (flags.gate) out.write(gateLines(trend, width, colorFor(out)).join('\n') + '\n')
  } else out.write(renderTrend(trend, metric, width, colorFor(out), flags.gate === true))
  if (flags.json === '-') process.stdout.write(JSON.stringify(trend, null, 1) + '\n')
  else if (flags.json) writeFileAtomic(flags.json, JSON.stringify(trend, null, 1) + '\n')
  return flags.gate ? GATE_EXIT[trend.gate] : 0
}
