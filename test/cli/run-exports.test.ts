// `zcprof run` exports directly, as hyperfine does, and carries a title and tags;
// `zcprof compare` writes Markdown and HTML.

import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { runZcprof, tempDir } from '../helpers'

const cache = { XDG_CACHE_HOME: tempDir('zcprof-exports-cache-') }
const F = path.join(__dirname, '..', 'fixtures', 'reports')

describe('zcprof run exports', () => {
  it('--md, --csv, --csv-samples and --html beside --json, with --title and --tag', () => {
    const dir = tempDir()
    const out = (f: string) => path.join(dir, f)
    const r = runZcprof(
      [
        'run',
        ...['-m', 'copy,sendfile', '-s', '2MiB', '--once', '-r', '2', '--no-progress'],
        ...['--json', out('r.json'), '--md', out('r.md'), '--csv', out('t.csv'), '--csv-samples', out('s.csv')],
        ...['--html', out('r.html'), '--title', 'before the kernel upgrade', '--tag', 'lab-a, baseline ,lab-a'],
        ...['--label', ' v0.4.0-12-gabc1234 ', '--no-reference']
      ],
      cache
    )
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(readFileSync(out('r.json'), 'utf8')) as Report
    expect(report.meta).toEqual({
      title: 'before the kernel upgrade',
      tags: ['lab-a', 'baseline'],
      label: 'v0.4.0-12-gabc1234'
    })
    // --no-reference: no machine reference at either end (a real run takes both: test/engine/run.test.ts)
    expect(report.start.reference).toBeUndefined()
    expect(report.end.reference).toBeUndefined()
    expect(readFileSync(out('r.md'), 'utf8')).toMatch(/^# before the kernel upgrade\n/)
    // one row per trial (warm-ups included) under a header
    expect(readFileSync(out('t.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + report.trials.length)
    expect(readFileSync(out('s.csv'), 'utf8').split('\n')[0]).toMatch(/trial/)
    const html = readFileSync(out('r.html'), 'utf8')
    expect(html).toContain('<title>before the kernel upgrade · zcprof</title>')
    expect(html).not.toMatch(/<script/i)
    for (const f of ['r.md', 't.csv', 's.csv', 'r.html']) expect(r.stderr).toContain(out(f))
  })

  it('a title, tag or label over the limits is refused before anything runs', () => {
    const dir = tempDir()
    const r = runZcprof(['run', '-m', 'copy', '--tag', 'x'.repeat(41), '--json', path.join(dir, 'r.json')], cache)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/over 40 characters/)
    // a label is one line of 64 characters at most: it names a point under a chart
    for (const label of ['y'.repeat(65), 'two\nlines']) {
      const l = runZcprof(['run', '-m', 'copy', '--label', label, '--json', path.join(dir, 'r.json')], cache)
      expect(l.code).toBe(2)
      expect(l.stderr).toMatch(/--label .* is not a label: one line of 64 characters at most/)
    }
    expect(existsSync(path.join(dir, 'r.json'))).toBe(false)
  })
})

describe('zcprof compare exports', () => {
  it('--md and --html to files, and --md alone to standard output', () => {
    const dir = tempDir()
    const a = path.join(F, 'machine-a.json')
    const b = path.join(F, 'machine-b.json')
    // B runs a newer kernel: judged across it, for the planted regression
    const files = runZcprof([
      'compare',
      a,
      b,
      '--allow-plan-diff',
      '--md',
      path.join(dir, 'c.md'),
      '--html',
      path.join(dir, 'c.html')
    ])
    expect(files.code).toBe(1) // the planted regression
    expect(readFileSync(path.join(dir, 'c.md'), 'utf8')).toMatch(/^### zcprof compare: 1 regression\\\(s\\\)/)
    expect(readFileSync(path.join(dir, 'c.html'), 'utf8')).toContain('class="verdict bad"')
    const md = runZcprof(['compare', a, b, '--allow-plan-diff', '--md'])
    expect(md.code).toBe(1)
    expect(md.stdout).toMatch(/^### zcprof compare: /)
    expect(md.stdout).not.toContain('┌') // the Markdown instead of the terminal table
  })
})
