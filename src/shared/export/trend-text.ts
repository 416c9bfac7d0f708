// A trend's series in words, for the app's Trend view: the same sentences `zcprof trend`
// prints (cli/trend-command.ts), so a change reads alike in the terminal and the window.

import { changeText, figureText, meanText } from './figures'
import { printable } from '../printable'
import { WORSE_CHANGE_HELD_RUNS, type TrendChange, type TrendMetric, type TrendSeries } from '../trend'
import { formatBytes, minuteText } from '../units'

const labelOf = (label: string | null) => (label ? ` "${printable(label)}"` : '')

/** method target · chunk · streams · machine */
export function trendSeriesTitle(s: TrendSeries): string {
  const streams = s.streams > 1 ? ` · ${s.streams} streams` : ''
  // a host name or target comes from a report file anyone may have written: printable only
  return printable(`${s.method} ${s.target} · ${formatBytes(s.chunkBytes)}${streams} · ${s.machine}`)
}

/** the change in full: the levels, its size, where it starts and how sure (the CLI's line) */
export function changeLine(c: TrendChange, metric: TrendMetric): string {
  const size = c.change === null ? '' : ` (${changeText(c.change + 1)})`
  const kernel = c.kernelChanged ? '; the kernel changed there too' : ''
  // the run's machine reference stepped between the same two runs: the host, not only the code
  const machine = c.machineChanged ? '; the machine changed as well (its reference moved)' : ''
  return (
    `${c.worse ? 'worse' : 'better'}: ${figureText(metric, c.before)} → ` +
    `${figureText(metric, c.after)}${size} from ${minuteText(c.timestamp)}${labelOf(c.label)}, ` +
    `p ${c.pValue < 0.001 ? '< 0.001' : c.pValue.toFixed(3)}${kernel}${machine}`
  )
}

/** the newest run against the level it follows (the CLI's line) */
export function newestLine(s: TrendSeries, metric: TrendMetric): string {
  const p = s.points.at(-1)!
  const head = `newest ${meanText(metric, p.stat)} (${minuteText(p.timestamp)}${labelOf(p.label)})`
  const g = s.gate
  if (!g) return `${head}: the first run of this series`
  const c = g.comparison
  const runs = `${g.levelRuns} run${g.levelRuns === 1 ? '' : 's'}`
  // a young worse change is still gated: its new level against the one before it
  const level =
    g.heldChange !== undefined
      ? `the ${runs} before the worse change from ${minuteText(s.points[g.heldChange].timestamp)} (its new level held, ${s.points.length - g.heldChange} of ${WORSE_CHANGE_HELD_RUNS} runs)`
      : `its level over ${runs}`
  if (!c.ratio) return `${head}: no figure to hold against ${level}`
  const interval = Number.isFinite(c.ratio.ci95Low)
    ? ` [${changeText(c.ratio.ci95Low)}, ${changeText(c.ratio.ci95High)}]`
    : ''
  const verdict = c.regression
    ? 'worse, beyond the threshold and the noise'
    : c.inconclusive
      ? 'too few runs to tell'
      : c.verdict === 'within-noise'
        ? 'within noise'
        : c.verdict
  return `${head}: ${changeText(c.ratio.ratio)}${interval} against ${level}, ${verdict}`
}
