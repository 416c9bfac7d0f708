// `zcprof trend`: a library's history in a terminal, and a gate a CI can run after each
// run it saves. Libraries are planted (fixtures/reports/history.ts) with known steps.

import { chmodSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Trend } from '../../src/shared/trend'
import { dailyRuns, writeHistory, type HistoryRun } from '../fixtures/reports/history'
import { runZcprof, tempDir, unwrapHangingIndent } from '../helpers'

function library(runs: readonly HistoryRun[]): string {
  const dir = tempDir('zcprof-trend-')
  chmodSync(dir, 0o755)
  writeHistory(dir, runs)
  return dir
}

const trend = (dir: string, ...args: string[]) => runZcprof(['trend', '--library', dir, ...args], { COLUMNS: '80' })

describe('zcprof trend', () => {
  it('draws each series in 80 columns, marks where it changed and says the change and the newest run', () => {
    const runs = dailyRuns(30, (i) => ({ copy: 3, sendfile: i < 20 ? 2 : 2.4 }), { noise: 0.03 }).map((r, i) => ({
      ...r,
      label: `c${i}`
    }))
    const r = trend(library(runs))
    expect(r.code, r.stderr).toBe(0)
    for (const line of r.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80)
    const lines = r.stdout.split('\n')
    const head = lines.findIndex((l) => l.startsWith('sendfile tcp://127.0.0.1'))
    expect(lines[head]).toMatch(/ 30 runs$/)
    // the chart: a bar a run, low for the first 20 and high after; the change marked under run 20
    const bars = lines[head + 1].trim()
    expect([...bars]).toHaveLength(30)
    expect(new Set([...bars.slice(0, 20)].filter((b) => '▁▂▃'.includes(b))).size).toBeGreaterThan(0)
    expect([...bars.slice(20)].every((b) => '▆▇█'.includes(b))).toBe(true)
    expect(lines[head + 2].indexOf('^') - 2).toBeGreaterThanOrEqual(19)
    expect(lines[head + 2].indexOf('^') - 2).toBeLessThanOrEqual(21)
    const text = unwrapHangingIndent(r.stdout)
    expect(text).toMatch(
      /worse: 2\.0\d → 2\.[34]\d \(\+(1[5-9]|2[0-5])\.\d%\) from 2026-10-2[012] 00:00 "c2[012]", p 0\.0\d\d/
    )
    expect(text).toMatch(/newest 2\.\d+ \(2026-10-30 00:00 "c29"\): [+−]\d\.\d% \[.*\] against its level over \d+ runs/)
    // copy did not change: no change line under it
    const copy = lines
      .slice(
        lines.findIndex((l) => l.startsWith('copy ')),
        head
      )
      .join('\n')
    expect(copy).not.toMatch(/worse|better:/)
  })

  it('--gate: 0 at the level, 1 when the newest is worse beyond the threshold and noise, 3 when it cannot tell', () => {
    const flat = dailyRuns(12, () => ({ sendfile: 2 }), { noise: 0.02 })
    expect(trend(library(flat), '--gate').code).toBe(0)
    const worse = dailyRuns(12, (i) => ({ sendfile: i < 11 ? 2 : 2.6 }), { noise: 0.02 })
    const r = trend(library(worse), '--gate')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/gate: regression\n {2}worse: sendfile tcp:\/\/127\.0\.0\.1 on lab-a\n/)
    // the same step under a threshold larger than it: no regression
    expect(trend(library(worse), '--gate', '--threshold', '40%').code).toBe(0)
    const few = trend(library(dailyRuns(2, () => ({ sendfile: 2 }))), '--gate')
    expect(few.code).toBe(3)
    expect(unwrapHangingIndent(few.stdout)).toMatch(/gate: inconclusive\n {2}cannot tell: sendfile .* \(1 earlier runs/)
    // without --gate the exit says only that trend ran
    expect(trend(library(worse)).code).toBe(0)
  })

  it('--json - is the trend on standard output and the chart on standard error', () => {
    const r = trend(library(dailyRuns(8, () => ({ copy: 3, sendfile: 2 }))), '--json', '-', '--metric', 'throughput')
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout) as Trend
    expect(t.metric.key).toBe('throughputBitsPerSec')
    expect(t.series.map((s) => [s.method, s.points.length])).toEqual([
      ['copy', 8],
      ['sendfile', 8]
    ])
    expect(r.stderr).toMatch(/2 series of throughput \(higher is better\)/)
  })

  it('filters as library search does, and says when nothing is left', () => {
    const dir = library(dailyRuns(6, () => ({ copy: 3, sendfile: 2 })))
    const r = trend(dir, '--method', 'sendfile', '--since', '2026-10-04')
    expect(r.stdout).toMatch(/^sendfile .* 3 runs$/m)
    expect(r.stdout).not.toMatch(/^copy /m)
    expect(trend(dir, '--host', 'nowhere').stdout).toBe('no series: no report the filters keep has a finished row\n')
  })

  it('bad input exits 2 naming the flag and what it takes', () => {
    const dir = library([])
    for (const [args, said] of [
      [['--metric', 'speed'], /--metric 'speed' is not a figure trend follows/],
      [['--by', 'rack'], /--by 'rack' is not a grouping/],
      [['--method', 'teleport'], /--method 'teleport' is not a method/],
      [['--window', '3'], /--window '3' is not a number of runs from 6 to 5000/],
      [['--since', '2026-13-01'], /--since '2026-13-01' is not a date/],
      [['--threshold', 'lots'], /threshold 'lots' is not a percentage/]
    ] as const) {
      const r = trend(dir, ...args)
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(said)
    }
    expect(trend(dir).stdout).toMatch(/^no series: the library .* is empty\n$/)
    const typo = trend(`${dir}-typo`)
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(/--library .*-typo does not exist/)
    // a gate with nothing to judge cannot tell, and says why
    const gate = trend(dir, '--gate')
    expect(gate.code).toBe(3)
    expect(gate.stdout).toMatch(
      /is empty\ngate: inconclusive\n {2}no report the filters keep has a finished row: nothing to judge\n$/
    )
  })
})
