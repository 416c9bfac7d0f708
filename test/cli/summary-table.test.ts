// The run's and report's closing text: a legend of the terms the tables show (and no
// others), and the warnings one line a kind, each in full only with --verbose.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderSummary } from '../../src/main/cli/summary-table'
import { loadReportFile } from '../../src/main/reports/report-loader'
import type { Report, Warning } from '../../src/shared/report'

const base = loadReportFile(path.join(__dirname, '..', 'fixtures', 'reports', 'machine-a.json')).report

const w = (code: string, message: string, hint: string | null, method?: 'copy' | 'sendfile'): Warning => ({
  code,
  message,
  hint,
  scope: method ? 'method' : 'run',
  ...(method ? { method } : {})
})

/** machine-a with five warnings of three kinds, two of them repeated per method */
function withWarnings(): Report {
  const r = structuredClone(base)
  r.end.warnings = [
    w('NOT_TIGHT', 'copy: ±7.0 points after 15 repetitions', 'give it more time', 'copy'),
    w('NOT_TIGHT', 'sendfile: ±9.0 points after 15 repetitions', 'give it more time', 'sendfile'),
    w('SHORT_TRIAL', 'copy: trials of 80 ms', 'make trials longer', 'copy'),
    w('SHORT_TRIAL', 'sendfile: trials of 80 ms', 'make trials longer', 'sendfile'),
    w('AUTO_PINNED', 'zcprof pinned the threads: sender threads on CPU 0', 'use --no-pin')
  ]
  return r
}

const lines = (text: string) => text.split('\n')
const section = (text: string, head: RegExp) => {
  const all = lines(text)
  const i = all.findIndex((l) => head.test(l))
  if (i < 0) return []
  const rest = all.slice(i + 1)
  const end = rest.findIndex((l) => !l.startsWith(' '))
  return end < 0 ? rest : rest.slice(0, end)
}

describe('the closing text of run and report', () => {
  it('warnings: one line a kind naming the methods; messages and hints only with --verbose', () => {
    const short = renderSummary(withWarnings(), { width: 80 })
    const shortWarnings = section(short, /^warnings/)
    // three kinds, each on one line (wrapped lines start deeper)
    expect(shortWarnings.filter((l) => l.startsWith('  - '))).toHaveLength(3)
    expect(short).toMatch(/- not tight \(copy, sendfile\):/)
    expect(short).toMatch(/- short \(copy, sendfile\):/)
    expect(short).toMatch(/--verbose/)
    expect(short).not.toMatch(/±9\.0 points after 15/)
    expect(short).not.toMatch(/hint:/)
    const verbose = renderSummary(withWarnings(), { width: 80, verbose: true })
    const full = section(verbose, /^warnings/)
    expect(full.filter((l) => l.startsWith('  - '))).toHaveLength(5)
    expect(verbose).toMatch(/sendfile: ±9\.0 points after 15 repetitions/)
    expect(verbose.match(/hint: /g)).toHaveLength(5)
  })

  it('a legend of the terms the tables show, each one found in the text above it', () => {
    const text = renderSummary(base, { width: 80 })
    const legend = section(text, /^terms:$/)
    expect(legend.length).toBeGreaterThan(2)
    const above = text.slice(0, text.indexOf('\nterms:'))
    for (const l of legend.filter((x) => /^ {2}\S/.test(x))) {
      const term = l.trim().slice(0, l.trim().indexOf(': '))
      expect(above, `legend term "${term}"`).toContain(term)
    }
    // machine-a's tables show the headline and its interval, and no row is marked "kernel copied"
    expect(legend.join('\n')).toMatch(/system CPU\/bit: /)
    expect(legend.join('\n')).toMatch(/95% CI: /)
    expect(legend.join('\n')).not.toMatch(/kernel copied/)
    for (const l of lines(text)) expect([...l].length, l).toBeLessThanOrEqual(80)
  })
})
