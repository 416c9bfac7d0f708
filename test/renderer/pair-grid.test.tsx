// @vitest-environment jsdom
// The results view of a run with several receiver modes: the sender × receiver grid,
// a row a sender, a column a receiver, each cell the pair's whole-system cycles per bit
// (median, its 95% interval under it), the cheapest marked, pairs that did not run or
// failed said so. Planted trials; each expected cell worked out by hand (the interval:
// mean ± t(0.975, 2) · sd / √3, t = 4.302653). A one-receiver run shows no grid.

import { describe, expect, it } from 'vitest'
import { ResultsView } from '../../src/renderer/src/views/results-view'
import { aggregateTrials, analysisOf } from '../../src/shared/aggregate'
import type { MethodName, ReceiverMode } from '../../src/shared/methods'
import type { Plan, Report, TrialRecord } from '../../src/shared/report'
import { fixture } from '../fixtures/reports/variants'
import { plantedTrial } from '../shared/trial-records'
import { render } from './render'

function pair(method: MethodName, receiverMode: ReceiverMode, systems: number[]): TrialRecord[] {
  return systems.map((system, repetition) =>
    plantedTrial({ method, receiverMode, repetition, sender: system / 2, system })
  )
}

function report(): Report {
  const base = fixture('real-loopback-v2.json')
  const trials = [
    ...pair('copy', 'read', [2.0, 2.2, 2.4]), // 2.20 [1.70, 2.70]
    ...pair('sendfile', 'read', [1.6, 1.6, 1.6]), // 1.60 [1.60, 1.60]
    ...pair('copy', 'splice', [1.8, 1.9, 2.0]), // 1.90 [1.65, 2.15]
    ...pair('sendfile', 'splice', [1.1, 1.2, 1.3]), // 1.20 [0.952, 1.45]: the cheapest
    ...pair('copy', 'discard', [3.0, 3.0, 3.0]) // 3.00 [3.00, 3.00]; sendfile → discard never ran
  ].map((t, index) => ({ ...t, index }))
  const plan: Plan = {
    ...base.start.plan,
    methods: ['copy', 'sendfile'],
    receiverModes: ['read', 'splice', 'discard'],
    order: 'fixed',
    precision: null
  }
  return {
    ...base,
    start: { ...base.start, plan },
    trials,
    end: { ...base.end, aggregates: aggregateTrials(trials, analysisOf(plan)), warnings: [] }
  }
}

const cellText = (td: Element) =>
  [...td.childNodes]
    .map((n) => (n.nodeName === 'BR' ? '\n' : n.textContent))
    .join('')
    .trim()

describe('the sender × receiver grid in the results view', () => {
  it('a cell a pair, worked out by hand; the cheapest marked; a pair that did not run says so', () => {
    const node = render(<ResultsView report={report()} />)
    const grids = node.querySelectorAll('[data-testid="pair-grid"]')
    expect(grids).toHaveLength(1)
    const grid = grids[0]
    expect([...grid.querySelectorAll('thead th')].map((th) => th.textContent)).toEqual([
      'sender',
      'read',
      'splice',
      'discard'
    ])
    const rows = [...grid.querySelectorAll('tbody tr')].map((tr) => [
      tr.querySelector('th')!.textContent,
      ...[...tr.querySelectorAll('td')].map(cellText)
    ])
    expect(rows).toEqual([
      ['copy', '2.20\n[1.70, 2.70]', '1.90\n[1.65, 2.15]', '3.00\n[3.00, 3.00]'],
      ['sendfile', '1.60\n[1.60, 1.60]', '1.20cheapest\n[0.952, 1.45]', 'not run']
    ])
    const cheapest = grid.querySelectorAll('td.cheapest')
    expect(cheapest).toHaveLength(1)
    expect(cheapest[0].getAttribute('data-pair')).toBe('sendfile → splice')
    expect(grid.querySelector('caption')!.textContent).toMatch(/< cheapest: sendfile → splice/)
    // at 800 px: no cell line longer than 16 characters, so five receivers and the senders fit
    for (const td of grid.querySelectorAll('td'))
      for (const line of cellText(td).split('\n')) expect(line.length).toBeLessThanOrEqual(16)
  })

  it('the results tables are a group per receiver mode, each method against copy with that receiver', () => {
    const node = render(<ResultsView report={report()} />)
    const titles = [...node.querySelectorAll('h3')].map((h) => h.textContent)
    for (const r of ['read', 'splice', 'discard']) expect(titles.some((t) => t?.endsWith(`receiver ${r}`))).toBe(true)
  })

  it('a one-receiver run looks as it always has: no grid', () => {
    const node = render(<ResultsView report={fixture('machine-a.json')} />)
    expect(node.querySelector('[data-testid="pair-grid"]')).toBeNull()
    expect(node.querySelectorAll('[data-testid="headline-table"]').length).toBeGreaterThan(0)
  })
})
