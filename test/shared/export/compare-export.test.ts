// A comparison as Markdown (for a pull-request comment) and as HTML: the same cells as
// the terminal, the Markdown read back by an independent parser (marked's lexer).

import path from 'node:path'
import { marked, type Tokens } from 'marked'
import { describe, expect, it } from 'vitest'
import { loadReportFile } from '../../../src/main/reports/report-loader'
import { compareReports, DEFAULT_GATE_METRICS } from '../../../src/shared/compare'
import { comparisonHtml, comparisonMarkdown, comparisonText } from '../../../src/shared/export/compare-export'

const F = path.join(__dirname, '..', '..', 'fixtures', 'reports')
const load = (name: string) => loadReportFile(path.join(F, name)).report
// machine-b carries a planted 20% throughput drop on sendfile (make-two-machines.ts), on a newer
// kernel: a plan difference the gate is told to judge across
const cmp = compareReports([load('machine-a.json'), load('machine-b.json')], {
  gateMetrics: DEFAULT_GATE_METRICS,
  allowPlanDiff: true
})
const text = comparisonText(cmp, DEFAULT_GATE_METRICS, DEFAULT_GATE_METRICS)
/** what a cell or line reads as once Markdown's escapes are undone */
const unescape = (s: string) => s.replace(/\\(.)/g, '$1')

describe('a comparison exported', () => {
  it('as Markdown: the verdict as the heading, each report by its letter, one table row per report and row', () => {
    const tokens = marked.lexer(comparisonMarkdown(text))
    const heading = tokens.find((t) => t.type === 'heading') as Tokens.Heading
    expect(heading.depth).toBe(3)
    expect(unescape(heading.text)).toBe('zcprof compare: 1 regression(s) beyond 5.0% and the noise:')
    const items = tokens
      .filter((t): t is Tokens.List => t.type === 'list')
      .flatMap((l) => l.items.map((i) => unescape(i.text)))
    expect(items).toContain('B: sendfile tcp://127.0.0.1 throughput −20.0% (95% CI −22.1% to −17.8%)')
    expect(items).toContain('A: lab-a baseline (baseline)')
    expect(items).toContain('kernel: [A] 6.18.44 · x64  vs  [B] 6.19.2 · x64')
    const table = tokens.find((t) => t.type === 'table') as Tokens.Table
    // 2 methods × 2 reports, as the fixture has
    expect(table.rows).toHaveLength(4)
    const sendfileB = table.rows[3].map((c) => unescape(c.text))
    expect(sendfileB[1]).toBe('B')
    // the headline's columns first (all hosts cycles/bit, within noise here), then throughput's
    expect(table.header.map((c) => unescape(c.text))[2]).toBe('all hosts cycles/bit')
    expect(sendfileB[3]).toMatch(/ noise$/)
    expect(sendfileB[5]).toBe('−20.0% [−22.1%, −17.8%] worse ✗ REGRESSION')
  })

  it('as HTML: self-contained, no script, the regression marked in its cell', () => {
    const html = comparisonHtml(text)
    expect(html).not.toMatch(/<script|src=|href=/i)
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`)
    expect(html).toContain('<p class="verdict bad">')
    const flagged = [...html.matchAll(/<td[^>]*data-regression>([^<]*)<\/td>/g)].map((m) => m[1])
    expect(flagged).toEqual(['−20.0% [−22.1%, −17.8%] worse ✗ REGRESSION'])
  })

  it('with no regression: the verdict says what was gated, and that each could have shown one', () => {
    const same = compareReports([load('machine-a.json'), load('machine-a.json')])
    const t = comparisonText(same, DEFAULT_GATE_METRICS, DEFAULT_GATE_METRICS)
    expect(t.verdict).toEqual([
      'pass: no regression beyond 5.0% and the noise in all hosts cycles/bit, throughput, and each could have shown one'
    ])
    expect(comparisonHtml(t)).toContain('<p class="verdict good">')
    // two reports that read alike are told apart by their order
    expect(same.columns.map((c) => c.label)).toEqual(['lab-a baseline #1', 'lab-a baseline #2'])
  })
})
