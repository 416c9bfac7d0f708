// What a result says before any table: one plain sentence per finding, from the
// headline alone (whole-system CPU per bit against copy, with its interval and
// verdict). The terminal, the app, Markdown and HTML open with these same sentences.

import { isBaselineMethod } from '../methods'
import type { MethodAggregate, Report } from '../report'
import { isTight } from '../statistics'
import { changeWithInterval, groupAggregates, moreRepetitionsText, pointsText, shareText } from './figures'

/** names in a sentence: "a", "a and b", "a, b and c" */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('')
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`
}

type Row = MethodAggregate & { headline: NonNullable<MethodAggregate['headline']> }

const decided = (a: Row) => a.headline.status === 'finding'
const change = (a: Row) => changeWithInterval(a.headline.ratio)
/** its verdict says the whole machine pays less than copy (the receiver may pay more) */
const saves = (a: Row) => a.headline.verdict === 'saves' || a.headline.verdict === 'partly-moved'

/**
 * The cheapest method for the whole machine: the lowest headline among the rows whose
 * interval says they save CPU against copy; null where none does.
 */
export function cheapest(rows: readonly MethodAggregate[]): MethodAggregate | null {
  const savers = rows
    .filter((a): a is Row => Boolean(a.headline?.ratio) && decided(a as Row))
    .filter(saves)
    .sort((a, b) => a.headline.ratio!.ratio - b.headline.ratio!.ratio)
  return savers[0] ?? null
}

/** the sentences for one group of rows (one target, size and chunk) */
export function groupFindings(rows: readonly MethodAggregate[]): string[] {
  const measured = rows.filter((a): a is Row => !isBaselineMethod(a.method) && Boolean(a.headline?.ratio))
  if (measured.length === 0) return []
  const out: string[] = []
  const base = measured[0].headline.baseline
  const best = cheapest(measured) as Row | null
  if (best) {
    const r = best.headline.ratio!
    // methods whose intervals reach the cheapest's estimate: the data cannot rank them
    const level = measured.filter(
      (a) => a !== best && decided(a) && saves(a) && a.headline.ratio!.ci95Low <= r.ci95High
    )
    out.push(
      `${best.method} is the cheapest for the whole machine: ${change(best)} CPU per bit against ${base}` +
        (best.headline.verdict === 'partly-moved' ? ', though its receiver pays more' : '') +
        (level.length
          ? `; ${listText(level.map((a) => `${a.method} (${change(a)})`))} ${level.length > 1 ? 'are' : 'is'} as cheap within the intervals`
          : '') +
        '.'
    )
  } else if (measured.some(decided)) out.push(`No method is clearly cheaper than ${base} for the whole machine.`)
  const copied = measured.filter((a) => a.headline.verdict === 'kernel-copied')
  if (copied.length)
    out.push(
      `${listText(copied.map((a) => a.method))} saved nothing: the kernel copied ${copied.length > 1 ? 'their' : 'its'} sends ` +
        `(${listText(copied.map((a) => `${Math.round((a.zeroCopyFallbackShare ?? 1) * 100)}%`))}).`
    )
  for (const a of measured.filter((x) => decided(x) && x.headline.verdict === 'cost-moved'))
    out.push(
      `${a.method} saved nothing for the whole machine (${change(a)}): its sender's saving moved to the receiver.`
    )
  const level = measured.filter((a) => decided(a) && a.headline.verdict === 'no-clear-change')
  if (level.length)
    out.push(
      `${listText(level.map((a) => `${a.method} (${change(a)})`))} ${level.length > 1 ? 'show' : 'shows'} no clear change against ${base}.`
    )
  const dearer = measured.filter((a) => decided(a) && a.headline.verdict === 'costs-more')
  if (dearer.length)
    out.push(
      `${listText(dearer.map((a) => `${a.method} (${change(a)})`))} ${dearer.length > 1 ? 'cost' : 'costs'} the whole machine more than ${base}.`
    )
  // what is not yet a finding, by what is missing; the one that needs the most says what would settle them
  const worstOf = (rows: Row[]) =>
    [...rows].sort((a, b) => (b.headline.repetitionsNeeded ?? Infinity) - (a.headline.repetitionsNeeded ?? Infinity))[0]
  const few = measured.filter(
    (a) => !decided(a) && a.headline.status !== 'too-wide' && a.headline.verdict !== 'kernel-copied'
  )
  if (few.length)
    out.push(
      `Too little data to tell for ${listText(few.map((a) => `${a.method} (n = ${a.headline.n})`))}: ` +
        `${moreRepetitionsText(worstOf(few).headline)}.`
    )
  const noisy = measured.filter((a) => a.headline.status === 'too-wide' && a.headline.verdict !== 'kernel-copied')
  if (noisy.length)
    out.push(
      `Too noisy to size ${listText(noisy.map((a) => `${a.method} (${pointsText(a.headline.halfWidth!)} after ${a.headline.n})`))}: ` +
        `${moreRepetitionsText(worstOf(noisy).headline)}.`
    )
  const loose = measured.filter(
    (a) =>
      decided(a) &&
      a.headline.precisionAsked &&
      a.headline.halfWidth !== null &&
      !isTight(a.headline.halfWidth, a.headline.target)
  )
  if (loose.length)
    out.push(
      `${listText(loose.map((a) => a.method))} did not reach ±${shareText(loose[0].headline.target)} in the time given.`
    )
  return out
}

/** every group's sentences; with more than one group, each names its group */
export function findings(report: Report): string[] {
  const groups = [...groupAggregates(report.end.aggregates)]
  return groups.flatMap(([title, rows]) => groupFindings(rows).map((s) => (groups.length > 1 ? `${title}: ${s}` : s)))
}
