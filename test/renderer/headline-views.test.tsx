// @vitest-environment jsdom
// The headline in the app's views, rendered in jsdom: the results open with sentences
// and the whole system's change (never the sender's), say what is missing where there
// is no finding, the compare banner is green only when the gate passes, and the live
// view shows each round's headline and the whole system's cycles per bit first.

import { describe, expect, it } from 'vitest'
import { compareReports } from '../../src/shared/compare'
import type { RunState } from '../../src/renderer/src/state/run-state'
import { initialRunState } from '../../src/renderer/src/state/run-state'
import { ResultsView } from '../../src/renderer/src/views/results-view'
import { CompareView } from '../../src/renderer/src/views/compare-view'
import { LiveView } from '../../src/renderer/src/views/live-view'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { fixture, noisy, printedIntervals, senderDisagrees, withRepetitions } from '../fixtures/reports/variants'
import { render } from './render'

const text = (node: HTMLElement, id: string) => node.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''
/** the rule with a printed figure's rounding: ±25 points of the larger cost */
const RULE = 0.255

describe('the results view', () => {
  it('opens with the findings in words, then the whole system against copy', () => {
    const node = render(<ResultsView report={fixture('machine-a.json')} />)
    const first = node.querySelector('section')!.firstElementChild!
    expect(first.getAttribute('data-testid')).toBe('findings')
    expect(first.textContent).toMatch(/^sendfile is the cheapest for the whole machine: −27\.0% \[−28\.0, −25\.9\]/)
    expect(text(node, 'headline-sendfile')).toMatch(/^sendfile−27\.0% \[−28\.0, −25\.9\]/)
    expect(node.querySelector('[data-testid="headline-sendfile"]')!.getAttribute('data-status')).toBe('finding')
    // the headline table comes before each side's figures
    const tables = [...node.querySelectorAll('table')].map((t) => t.getAttribute('data-testid'))
    expect(tables.indexOf('headline-table')).toBeLessThan(tables.indexOf('results-table'))
  })

  it('leads with the whole system where the sender says otherwise: +10%, not the sender’s −75%', () => {
    const node = render(<ResultsView report={senderDisagrees()} />)
    expect(text(node, 'headline-sendfile')).toMatch(/\+10\.0% \[\+\d+\.\d, \+\d+\.\d\]/)
    expect(text(node, 'headline-sendfile')).not.toMatch(/−75/)
    expect(text(node, 'findings')).not.toMatch(/−75/)
  })

  it.each([1, 2])('with n = %i, says too few and prints no interval', (n) => {
    const node = render(<ResultsView report={withRepetitions(n)} />)
    expect(node.querySelector('[data-testid="headline-sendfile"]')!.getAttribute('data-status')).toBe('too-few')
    expect(text(node, 'headline-sendfile')).toMatch(
      new RegExp(
        `n = ${n}: too few to tell · (about \\d+ more repetitions? would resolve ±5%|repeat it 3 or more times to tell)`
      )
    )
    expect(printedIntervals(node.textContent!)).toEqual([])
    expect(text(node, 'headline-missing')).toMatch(/too little data: sendfile/)
  })

  it('with a noisy method, prints no interval wider than the rule anywhere', () => {
    const node = render(<ResultsView report={noisy()} />)
    expect(node.querySelector('[data-testid="headline-sendfile"]')!.getAttribute('data-status')).toBe('too-wide')
    for (const i of printedIntervals(node.textContent!)) expect(i.halfWidth, i.text).toBeLessThanOrEqual(RULE)
    expect(text(node, 'findings')).toMatch(/Too noisy to size sendfile \(±\d+ after 5\)/)
  })
})

describe('the compare view', () => {
  const view = (reports: ReturnType<typeof fixture>[]) =>
    render(<CompareView reports={reports.map((report, i) => ({ id: String(i), report }))} onClose={() => undefined} />)

  it('two repetitions a side: the banner says inconclusive, never green, and the cells say too few', () => {
    const node = view([withRepetitions(2), withRepetitions(2)])
    const banner = node.querySelector('[data-testid="compare-verdict"]')!
    expect(banner.getAttribute('data-gate')).toBe('inconclusive')
    expect(banner.className).toMatch(/\bwarn\b/)
    expect(banner.className).not.toMatch(/\bok\b/)
    expect(banner.textContent).toMatch(/n = 2 a side.*about \d+ repetitions a side would decide ±5\.0%/)
    expect(node.textContent).toMatch(/n = 2: too few to tell/)
    expect(printedIntervals(node.textContent!)).toEqual([])
    // the same, as the CLI's gate reads it
    expect(compareReports([withRepetitions(2), withRepetitions(2)]).gate).toBe('inconclusive')
  })

  it('five repetitions of the same report: green, a pass that could have seen 5%', () => {
    const node = view([fixture('machine-a.json'), fixture('machine-a.json')])
    const banner = node.querySelector('[data-testid="compare-verdict"]')!
    expect(banner.getAttribute('data-gate')).toBe('pass')
    expect(banner.className).toMatch(/\bok\b/)
  })
})

describe('the live view', () => {
  const h = withRepetitions(3).end.aggregates.find((a) => a.method === 'sendfile')!.headline!
  const run: RunState = {
    ...initialRunState,
    status: 'running',
    plan: { ...DEFAULT_PLAN, methods: ['copy', 'sendfile'] },
    totalTrials: 10,
    current: {
      index: 6,
      total: 10,
      method: 'sendfile',
      receiverMode: 'read',
      target: 'tcp://127.0.0.1',
      fileBytes: 1,
      chunkBytes: 1,
      durationMs: 1000,
      streams: 1,
      repetition: 3,
      warmup: false,
      inRoundIndex: 0,
      inRound: 2,
      leftMs: 30_000
    },
    round: {
      round: 3,
      stop: null,
      rows: [
        {
          method: 'copy',
          receiverMode: 'read',
          target: 't',
          fileBytes: 1,
          chunkBytes: 1,
          n: 3,
          halfWidth: null,
          status: 'baseline',
          headline: null,
          active: true
        },
        {
          method: 'sendfile',
          receiverMode: 'read',
          target: 't',
          fileBytes: 1,
          chunkBytes: 1,
          n: 3,
          halfWidth: h.halfWidth,
          status: 'finding',
          headline: h,
          active: true
        }
      ]
    },
    left: { ms: 30_000, atMs: performance.now() }
  }

  it('shows the rounds and each method’s headline so far, and the whole system’s cycles per bit first', () => {
    const node = render(<LiveView run={run} onCancel={() => undefined} />)
    expect(text(node, 'progress-text')).toMatch(/^round 4, trial 1\/2 · sendfile for 1\.0 s · \d+\.0 s left/)
    expect(text(node, 'round-sendfile')).toMatch(/^sendfile−27% \[−29, −25\] · saves CPU±2\.3measuring$/)
    const charts = [...node.querySelectorAll('figure[data-testid^="live-"]')].map((f) => f.getAttribute('data-testid'))
    expect(charts[0]).toBe('live-systemCyclesPerBit')
    expect(charts.indexOf('live-systemCyclesPerBit')).toBeLessThan(charts.indexOf('live-cyclesPerBit'))
  })

  it('with several receiver modes, the running trial and each round row name their pair', () => {
    const paired: RunState = {
      ...run,
      plan: { ...run.plan!, receiverModes: ['read', 'splice'] },
      current: { ...run.current!, receiverMode: 'splice' },
      round: { ...run.round!, rows: run.round!.rows.map((r) => ({ ...r, receiverMode: 'splice' as const })) }
    }
    const node = render(<LiveView run={paired} onCancel={() => undefined} />)
    expect(text(node, 'progress-text')).toMatch(/^round 4, trial 1\/2 · sendfile → splice for 1\.0 s/)
    expect(text(node, 'round-sendfile')).toMatch(/^sendfile → splice−27%/)
  })

  it('a method with no figure after a round (its trials failed) says so, not a bare dash', () => {
    const failed: RunState = {
      ...run,
      round: {
        ...run.round!,
        rows: run.round!.rows.map((r) =>
          r.method === 'sendfile' ? { ...r, n: 0, halfWidth: null, status: 'none' as const, headline: null } : r
        )
      }
    }
    const node = render(<LiveView run={failed} onCancel={() => undefined} />)
    expect(text(node, 'round-sendfile')).toBe('sendfileno figure yet—measuring')
  })

  it('holds a row per method before the first round ends, so the table fills in place rather than pushing the charts down', () => {
    const first: RunState = { ...run, round: null, plan: { ...DEFAULT_PLAN, methods: ['copy', 'sendfile', 'splice'] } }
    const node = render(<LiveView run={first} onCancel={() => undefined} />)
    // copy is the baseline: no row of its own, as in the rounds' table
    const rows = [...node.querySelectorAll('[data-testid="round-table-waiting"] tbody tr')].map((r) => r.textContent)
    expect(rows).toEqual(['sendfile——first round running', 'splice——first round running'])
    // after a round, the methods it measured fill their rows; one it did not is still listed
    render(<LiveView run={{ ...run, plan: first.plan }} onCancel={() => undefined} />)
    expect(text(document.body, 'round-sendfile')).toMatch(/^sendfile−27%/)
    expect(text(document.body, 'round-waiting-splice')).toBe('splice——not measured')
  })
})
