// A report as the library lists it: its id, title, labels and a line of headline,
// said as every table says it (figures.ts), so it sits with the exporters.

import { formatBitsPerSec } from '../units'
import type { LibraryEntry } from '../library'
import type { Report } from '../report'
import { reportTitle } from '../report-title'
import { headlineText } from './figures'
import { cheapest } from './findings'
import { entryTrend } from '../trend'

/**
 * A report in a line: the method the whole machine pays least for against copy (a
 * saving that is a finding), else the lowest headline, said as every table says it
 * (with what is missing where it is no finding); else the fastest method.
 */
export function headline(report: Report): string {
  const aggs = report.end.aggregates.filter((a) => a.throughputBitsPerSec)
  const best =
    cheapest(aggs) ??
    aggs
      .filter((a) => a.headline?.ratio && a.headline.status !== 'baseline')
      .sort((a, b) => a.headline!.ratio!.ratio - b.headline!.ratio!.ratio)[0]
  if (best) return `${best.method}: system CPU/bit vs copy ${headlineText(best)}`
  const top = aggs.sort((a, b) => b.throughputBitsPerSec!.median - a.throughputBitsPerSec!.median)[0]
  return top ? `${top.method} ${formatBitsPerSec(top.throughputBitsPerSec!.median)}` : 'no completed trials'
}

export function entryFor(
  id: string,
  report: Report,
  bytes: number,
  schemaVersion: number,
  revision: string | null = null
): LibraryEntry {
  return {
    id,
    title: reportTitle(report),
    tags: report.meta.tags,
    host: report.start.environment.sender.hostname,
    timestamp: report.start.timestamp,
    tool: `${report.tool.name} ${report.tool.version}`,
    foreign: report.foreign !== null,
    methods: [...new Set(report.end.aggregates.map((a) => a.method))],
    headline: headline(report),
    bytes,
    schemaVersion,
    problem: null,
    incomplete: report.end.incomplete,
    revision,
    trend: entryTrend(report),
    ...(report.start.fleet ? { fleet: report.start.fleet } : {})
  }
}
