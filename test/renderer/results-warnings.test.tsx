// @vitest-environment jsdom
// The results view's warnings a line a kind (the methods each touched, every warning in
// full behind a disclosure) and, under the tables, a legend of the terms they show.

import { describe, expect, it } from 'vitest'
import { glossary } from '../../src/shared/glossary'
import { ResultsView } from '../../src/renderer/src/views/results-view'
import { fixture } from '../fixtures/reports/variants'
import { render } from './render'

describe('the results view', () => {
  it('folds the warnings to one line per kind, each kind’s methods named and its warnings behind a disclosure', () => {
    // a run's warnings as they come: a kind per method and trial, the PMU's note among them
    const report = fixture('machine-a.json')
    report.end.warnings = [
      ...report.end.warnings,
      { code: 'CYCLES_ESTIMATED', message: 'cycles are estimated', hint: 'open the PMU', scope: 'run' },
      {
        code: 'CONTAMINATED',
        message: 'copy: others took CPU',
        hint: null,
        scope: 'trial',
        method: 'copy',
        trials: [1]
      },
      {
        code: 'CONTAMINATED',
        message: 'mmap: others took CPU',
        hint: null,
        scope: 'trial',
        method: 'mmap',
        trials: [2, 3]
      },
      {
        code: 'CONTAMINATED',
        message: 'sendfile: others took CPU',
        hint: null,
        scope: 'trial',
        method: 'sendfile',
        trials: [4]
      },
      {
        code: 'ZC_COPIED',
        message: 'msg-zerocopy: the kernel copied',
        hint: null,
        scope: 'method',
        method: 'msg-zerocopy'
      }
    ]
    const warnings = report.end.warnings
    const codes = [...new Set(warnings.map((w) => w.code))]
    // the fixture has several warnings of a kind: folding them says less
    expect(codes.length).toBeLessThan(warnings.length)
    const node = render(<ResultsView report={report} />)
    const kinds = [...node.querySelectorAll('[data-testid="warnings"] > li')]
    expect(kinds.map((li) => li.getAttribute('data-code')).sort()).toEqual([...codes].sort())
    for (const li of kinds) {
      const code = li.getAttribute('data-code')!
      const details = li.querySelector('details')!
      // closed: the line only, until asked
      expect(details.open).toBe(false)
      const summary = details.querySelector('summary')!.textContent!
      for (const m of new Set(warnings.filter((w) => w.code === code && w.method).map((w) => w.method!)))
        expect(summary, code).toContain(m)
      expect(details.querySelectorAll('ul > li')).toHaveLength(warnings.filter((w) => w.code === code).length)
    }
  })

  it('defines under the tables each term they show, and only those', () => {
    const node = render(<ResultsView report={fixture('machine-a.json')} />)
    const terms = [...node.querySelectorAll('[data-testid="legend"] dt')].map((d) => d.textContent!)
    // the headline's own words are always there
    expect(terms).toEqual(expect.arrayContaining(['system CPU/bit', 'vs copy', '95% CI', 'Gbit/s ±σ']))
    const tables = [...node.querySelectorAll('table')].map((t) => t.textContent).join('\n')
    for (const t of terms) expect(tables, t).toContain(t)
    // each with the glossary's definition
    const defined = new Map(glossary().map((g) => [g.term, g.definition]))
    for (const dt of node.querySelectorAll('[data-testid="legend"] dt'))
      expect(dt.nextElementSibling!.textContent).toBe(defined.get(dt.textContent!))
  })
})
