// Every exporter on a real report: the numbers survive, text cannot break the format.

import path from 'node:path'
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { loadReportFile, parseReport } from '../../../src/main/reports/report-loader'
import { csvCell } from '../../../src/shared/export/csv'
import { EXPORTERS, exporterFor, exportFileName } from '../../../src/shared/export/exporters'
import type { Report } from '../../../src/shared/report'

const fixtures = path.join(__dirname, '../../fixtures/reports')
const real = loadReportFile(path.join(fixtures, 'real-loopback-v2.json')).report
const render = (format: Parameters<typeof exporterFor>[0], r: Report = real) => exporterFor(format).render(r)

/** a small RFC 4180 reader, enough to read our own output back */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') ((cell += '"'), i++)
      else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') (row.push(cell), (cell = ''))
    else if (c === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++)
    else cell += c
  }
  return rows
}

const evil = (): Report => {
  const r = structuredClone(real)
  r.meta.title = '<script>alert(1)</script> | "quoted", =cmd'
  r.meta.tags = ['a|b', '<b>']
  r.trials[0].error = { code: 'ZC_X', message: '=HYPERLINK("http://x"), "line\nbreak"' }
  return r
}

describe('exporters', () => {
  it('JSON export loads back equal', () => {
    expect(parseReport(render('json'), 'export.json').report).toEqual(real)
  })

  it('CSV per trial: a row per trial, the numbers as written', () => {
    const rows = parseCsv(render('csv-trials'))
    const head = rows[0]
    expect(rows).toHaveLength(real.trials.length + 1)
    expect(rows.every((r) => r.length === head.length)).toBe(true)
    const col = (name: string) => head.indexOf(name)
    for (const [i, t] of real.trials.entries()) {
      expect(rows[i + 1][col('method')]).toBe(t.method)
      expect(Number(rows[i + 1][col('throughput_bits_per_sec')])).toBe(t.summary!.throughputBitsPerSec)
      expect(Number(rows[i + 1][col('sender_cycles_per_bit')])).toBe(t.summary!.sender.cyclesPerBit)
    }
  })

  it('CSV per sample: a row per sample', () => {
    const rows = parseCsv(render('csv-samples'))
    const samples = real.trials.flatMap((t) => t.samples)
    expect(samples.length).toBeGreaterThan(10)
    expect(rows).toHaveLength(samples.length + 1)
    const col = rows[0].indexOf('sender_bytes_per_sec')
    expect(Number(rows[1][col])).toBe(samples[0].sender.bytesPerSec)
  })

  it('CSV quotes commas, quotes and newlines, and defuses formulas', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('=1+1')).toBe("'=1+1")
    expect(csvCell(-3)).toBe('-3')
    expect(csvCell(Number.NaN)).toBe('')
    const rows = parseCsv(render('csv-trials', evil()))
    const msg = rows[1][rows[0].indexOf('error_message')]
    expect(msg).toBe('\'=HYPERLINK("http://x"), "line\nbreak"')
  })

  it('Markdown: a table row per method, and text cannot break a row', () => {
    const md = render('markdown', evil())
    for (const a of real.end.aggregates) expect(md).toMatch(new RegExp(`^\\| ${a.method} \\|`, 'm'))
    expect(md).toContain('# &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\| "quoted", =cmd')
    expect(md).toMatch(/## Environment/)
    // every row of every table has as many cells as its header: nothing broke out of a cell
    const cells = (l: string) => l.split(/(?<!\\)\|/).length
    const lines = md.split('\n')
    let tables = 0
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('|') || lines[i - 1]?.startsWith('|')) continue
      tables++
      for (let j = i; lines[j]?.startsWith('|'); j++) expect(cells(lines[j]), lines[j]).toBe(cells(lines[i]))
    }
    expect(tables).toBeGreaterThanOrEqual(4) // figures, against copy, headroom, environment
  })

  it('Markdown: no text from a report becomes HTML, a link, an image, a heading or a new block', () => {
    const r = structuredClone(real)
    r.meta.title = '<img src=x onerror=alert(1)> [click](http://evil.example) ![t](http://evil.example/t.png)'
    r.meta.tags = ['**bold**', '`code`']
    // a newline in the plan's file or a target used to inject whole blocks: the plan line skipped escaping
    r.start.plan.file = '/tmp/x\n\n# Pwned\n\n<script>alert(2)</script>\n[link](http://evil.example)'
    r.start.plan.targets = ['tcp://127.0.0.1\n<iframe src=http://evil.example>']
    r.end.warnings[0] = { ...r.end.warnings[0], message: '\u001b]0;pwned\u0007 _under_ <b>x</b>' }
    const md = render('markdown', r)
    // rendered by an independent CommonMark/GFM parser, as a wiki or pull request would
    const html = marked.parse(md, { async: false }) as string
    expect(html).not.toMatch(/<(img|script|iframe|b)[\s>]/i)
    for (const injected of ['<strong>bold</strong>', '<code>code</code>', '<em>under</em>'])
      expect(html).not.toContain(injected)
    expect(html).not.toMatch(/<a /i)
    expect(html.match(/<h1[ >]/g)).toHaveLength(1)
    expect(html).not.toMatch(/Pwned<\/h1>/)
    expect(md).not.toContain('\u001b')
    // and the text itself survives, shown as text
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; [click](http://evil.example)')
  })

  it('HTML: self-contained (no script, nothing fetched), escaped, with a chart per figure', () => {
    const html = render('html', evil())
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).not.toMatch(/(src|href)=["']?(https?:|\/\/)/i)
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/)
    // throughput, cycles/bit, cores needed at line rate, throughput over time
    expect(html.match(/<svg /g)!.length).toBe(4)
    expect(html).toContain('Cores needed at line rate')
  })

  it('HTML of a long run: charts thinned to what a chart can show, no stack overflow', () => {
    const long = structuredClone(real)
    const s0 = long.trials[0].samples[0]
    long.trials[0].samples = Array.from({ length: 250_000 }, (_, i) => ({ ...s0, tMs: i * 10 }))
    long.trials[0].samples[7].sender.bytesPerSec = Number.NaN // a gap must not break the line
    const html = render('html', long)
    const longest = Math.max(...[...html.matchAll(/points="([^"]*)"/g)].map((m) => m[1].split(' ').length))
    expect(longest).toBeLessThanOrEqual(600)
    expect(html).not.toMatch(/NaN/)
  })

  it('every format has a distinct file name', () => {
    const names = EXPORTERS.map((e) => exportFileName(real, e.format))
    expect(new Set(names).size).toBe(EXPORTERS.length)
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9._-]+$/)
  })
})
