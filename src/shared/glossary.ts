// Every term zcprof's tables use, defined once: the CLI's and the exports' legends,
// the UI's legend and the README's glossary all come from this list. The marks a
// warning puts on a row are defined by the warning catalogue, and listed here from it
// ("cost moved" is both a mark and the start of a verdict: defined once, as the mark).

import { VERDICT_TEXT } from './verdict-text'
import { WARNING_CATALOGUE } from './warnings'

export interface GlossaryTerm {
  /** the words as a table shows them (a head, a verdict, a mark) */
  term: string
  definition: string
}

/** the figures' terms, in the order a reader meets them in the run table */
export const FIGURE_TERMS: readonly GlossaryTerm[] = [
  {
    term: 'system CPU/bit',
    definition:
      'CPU time the whole machine spends per bit moved: sender, receiver and kernel threads together, on every host measured'
  },
  {
    term: 'vs copy',
    definition: 'a method’s cost against copy measured in the same round: −30% costs 30% less than copy'
  },
  {
    term: '95% CI',
    definition:
      'the 95% confidence interval of that change, over the rounds: a verdict is given only when it is narrow enough to read'
  },
  {
    term: 'cyc/bit',
    definition:
      'the same cost in CPU cycles per bit; marked * where estimated from CPU time × the clock rate (no PMU count)'
  },
  {
    term: 'Gbit/s ±σ',
    definition:
      'median throughput over the trials, ± their standard deviation (the spread of one trial, not an interval)'
  },
  {
    term: 'cores @',
    definition: 'cores a link of that speed would keep busy at this cost: line rate × cycles per bit / clock'
  },
  {
    term: 'pair',
    definition:
      'a sending method with a receiver mode, written sendfile → splice: a run with several receiver modes measures every pair, each against copy with the same receiver'
  },
  {
    term: 'sender × receiver',
    definition:
      'the grid of every pair’s whole-system cycles per bit, median [95% CI]: a row a sending method, a column a receiver mode; < marks the cheapest pair'
  },
  {
    term: 'not run',
    definition: 'a pair the plan asked for that no trial measured here (skipped where it cannot run)'
  },
  { term: VERDICT_TEXT.saves, definition: 'the whole machine’s interval lies below copy’s: a real saving' },
  { term: VERDICT_TEXT['costs-more'], definition: 'the whole machine’s interval lies above copy’s' },
  {
    term: VERDICT_TEXT['no-clear-change'],
    definition: 'the interval includes no change: no difference this run can show'
  },
  { term: 'undecided', definition: 'too few repetitions, or an interval too wide, to tell a change from none' }
]

/** the marks warnings put on rows, from the catalogue (a code's mark once, even if shared) */
export function markTerms(): GlossaryTerm[] {
  const seen = new Set<string>()
  const terms: GlossaryTerm[] = []
  for (const info of Object.values(WARNING_CATALOGUE)) {
    if (seen.has(info.mark)) continue
    seen.add(info.mark)
    terms.push({ term: info.mark, definition: info.means })
  }
  return terms
}

/** every term, figures first */
export function glossary(): GlossaryTerm[] {
  return [...FIGURE_TERMS, ...markTerms()]
}

/**
 * The terms a table actually shows, found in its heads and cells: a term matches
 * whole words only, so "short" is not found in "shorter".
 */
export function termsUsed(texts: readonly string[]): GlossaryTerm[] {
  const used = (term: string) => {
    const pattern = new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(term)}($|[^\\p{L}\\p{N}])`, 'u')
    return texts.some((t) => pattern.test(t))
  }
  return glossary().filter((g) => used(g.term))
}

/** the README's glossary section, which a test holds equal to this list */
export function glossaryMarkdown(): string {
  return glossary()
    .map((g) => `- **${g.term}**: ${g.definition}`)
    .join('\n')
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
