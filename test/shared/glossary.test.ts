// Each term is defined once, in code; the legends under tables show the terms the
// tables use and only those; the README's glossary is that list, word for word.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIGURE_TERMS, glossary, glossaryMarkdown, markTerms, termsUsed } from '../../src/shared/glossary'
import { WARNING_CATALOGUE } from '../../src/shared/warnings'

const root = path.resolve(__dirname, '../..')

describe('glossary', () => {
  it('defines each term once, every warning mark included', () => {
    const terms = glossary().map((g) => g.term)
    expect(new Set(terms).size).toBe(terms.length)
    for (const info of Object.values(WARNING_CATALOGUE)) expect(terms).toContain(info.mark)
    // the words the issue found unexplained
    for (const t of [
      'system CPU/bit',
      'cyc/bit',
      'Gbit/s ±σ',
      'cost moved',
      'contaminated',
      'window-limited',
      'kernel copied'
    ])
      expect(
        terms.some((x) => x === t || x.startsWith(`${t} `)),
        t
      ).toBe(true)
    for (const g of glossary()) expect(g.definition.length, g.term).toBeGreaterThan(15)
  })

  it('finds the terms a table shows, as whole words, and no others', () => {
    const found = termsUsed(['method', 'system CPU/bit vs copy [95% CI]', 'kernel copied 3/5', 'shorter']).map(
      (g) => g.term
    )
    expect(found).toEqual(['system CPU/bit', 'vs copy', '95% CI', 'kernel copied'])
    // "short" is a mark; "shorter" is not it
    expect(markTerms().some((g) => g.term === 'short')).toBe(true)
  })

  it("the README's glossary is the code's, word for word", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const section = /<!-- glossary:start -->\n([\s\S]*?)\n<!-- glossary:end -->/.exec(readme)
    expect(section, 'README.md has a glossary between <!-- glossary:start --> and <!-- glossary:end -->').not.toBeNull()
    expect(section![1]).toBe(glossaryMarkdown())
    expect(FIGURE_TERMS.length).toBeGreaterThan(5)
  })
})
