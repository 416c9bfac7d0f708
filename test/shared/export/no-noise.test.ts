// Never print noise as a finding: with 1, 2 or 3 repetitions, and with a noisy method,
// no output (the terminal's tables at every width, Markdown, HTML, the per-method CSV,
// the opening sentences) shows an interval wider than the rule (±25 points), or any
// interval under 3 repetitions; each says what is missing instead. And every one of them
// leads with the whole system, not the sender. The rule's own arithmetic is redone
// here (printedIntervals), not borrowed from the code under test.

import { describe, expect, it } from 'vitest'
import { renderSummary } from '../../../src/main/cli/summary-table'
import { methodsCsv } from '../../../src/shared/export/csv'
import { findings } from '../../../src/shared/export/findings'
import { reportHtml } from '../../../src/shared/export/html'
import { reportMarkdown } from '../../../src/shared/export/markdown'
import type { Report } from '../../../src/shared/report'
import { noisy, printedIntervals, senderDisagrees, withRepetitions } from '../../fixtures/reports/variants'

/** every output a person reads, as text */
function outputs(r: Report): Record<string, string> {
  return {
    'terminal, 80 columns': renderSummary(r, { width: 80 }),
    'terminal, 100 columns': renderSummary(r, { width: 100 }),
    'terminal, --wide': renderSummary(r, { wide: true }),
    // Markdown as it reads once its escapes are undone
    markdown: reportMarkdown(r).replace(/\\(.)/g, '$1'),
    // the page's text, not its markup
    html: reportHtml(r).replace(/<[^>]+>/g, ' '),
    'per-method CSV': methodsCsv(r),
    sentences: findings(r).join('\n')
  }
}

/** the rule, written out: ±25 points of the larger cost, and the rounding a printed figure carries */
const RULE = 0.25 + 0.005

describe('never print noise as a finding', () => {
  it.each([1, 2])('n = %i: no interval anywhere; each says too few, and what would settle it', (n) => {
    const r = withRepetitions(n)
    for (const [where, text] of Object.entries(outputs(r))) {
      expect(printedIntervals(text), where).toEqual([])
      if (where !== 'per-method CSV') expect(text, where).toMatch(new RegExp(`n = ${n}(: too few|\\))`))
    }
    expect(outputs(r)['terminal, 100 columns']).toMatch(
      /n = \d: too few to tell[\s\S]*(about \d+ more repetitions? would resolve ±5%|repeat it 3 or more times to tell)/
    )
    // the CSV keeps the interval's cells empty and says why in words; the JSON keeps the numbers
    const row = methodsCsv(r)
      .split('\r\n')
      .find((l) => l.startsWith('sendfile,'))!
    expect(row).toMatch(/,,,,\d+,too-few,/)
    expect(r.end.aggregates.find((a) => a.method === 'sendfile')!.headline!.ratio!.ratio).toBeGreaterThan(0)
  })

  it('n = 3: the interval is printed, and within the rule everywhere', () => {
    const all = outputs(withRepetitions(3))
    for (const [where, text] of Object.entries(all)) {
      if (where === 'per-method CSV') continue
      const found = printedIntervals(text)
      expect(found.length, where).toBeGreaterThan(0)
      for (const i of found) expect(i.halfWidth, `${where}: ${i.text}`).toBeLessThanOrEqual(RULE)
    }
  })

  it('a method noisier than the rule: its size is not printed, its noise is named, in every output', () => {
    const r = noisy()
    const h = r.end.aggregates.find((a) => a.method === 'sendfile')!.headline!
    // the raw interval is in the JSON, far wider than the rule
    expect(h.halfWidth!).toBeGreaterThan(0.25)
    for (const [where, text] of Object.entries(outputs(r))) {
      for (const i of printedIntervals(text)) expect(i.halfWidth, `${where}: ${i.text}`).toBeLessThanOrEqual(RULE)
      if (where !== 'per-method CSV') expect(text, where).toMatch(/too noisy/i)
    }
  })

  it('every output leads with the whole system: sendfile +10% for the machine, though its sender is −75%', () => {
    const r = senderDisagrees()
    const a = r.end.aggregates.find((x) => x.method === 'sendfile')!
    expect(a.vsCopy!.senderCyclesPerBit!.ratio).toBeCloseTo(0.25, 6)
    expect(a.headline!.ratio!.ratio).toBeCloseTo(1.1, 6)
    const o = outputs(r)
    // the compact table's headline cell, the sentences, Markdown's and HTML's first table, the CSV
    expect(o['terminal, 100 columns']).toMatch(/\nsendfile +\+10\.0% \[\+\d+\.\d, \+\d+\.\d\]/)
    expect(o.sentences).toMatch(
      /sendfile saved nothing for the whole machine \(\+10\.0% \[[^\]]+\]\): its sender's saving moved to the receiver/
    )
    expect(o.sentences).not.toMatch(/−75/)
    expect(o.markdown).toMatch(/\| sendfile \| \+10\.0% \[\+\d+\.\d, \+\d+\.\d\] \|/)
    expect(o.html).toMatch(/sendfile +\+10\.0% \[\+\d+\.\d, \+\d+\.\d\]/)
    const csvRow = o['per-method CSV'].split('\r\n').find((l) => l.startsWith('sendfile,'))!
    expect(Number(csvRow.split(',')[9])).toBeCloseTo(0.1, 6)
    // the HTML's chart of the headline draws the whole system's ratio, not the sender's
    expect(reportHtml(r)).toMatch(/<title>sendfile: 1\.(1|09)\d*<\/title>/)
    expect(reportHtml(r)).not.toMatch(/<title>sendfile: 0\.25/)
  })
})
