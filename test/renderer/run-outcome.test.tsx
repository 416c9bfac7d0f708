// @vitest-environment jsdom
// How a run ended, everywhere the UI shows one: a run whose every trial failed, or
// that an error stopped, says "failed" first with the error; a cancelled one says it is
// incomplete; the library marks both. And what the layout issue asked of the views:
// the methods that cannot run here folded to one line per reason, Run's bar saying
// what it runs, and the cores-needed chart's log-axis ticks.

import { describe, expect, it } from 'vitest'
import { aggregateTrials, analysisOf } from '../../src/shared/aggregate'
import type { Capabilities } from '../../src/shared/api'
import { METHOD_INFO, RECEIVER_MODES, RECEIVER_MODE_INFO, type MethodName } from '../../src/shared/methods'
import { entryFor } from '../../src/shared/export/library-entry'
import { draftFromPlan } from '../../src/shared/plan-form'
import type { Report } from '../../src/shared/report'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { decadeTicks } from '../../src/renderer/src/charts/result-charts'
import { entryOutcome, hasFigures, runOutcome } from '../../src/renderer/src/run-outcome'
import { initialRunState, trialPoint, type RunState } from '../../src/renderer/src/state/run-state'
import { LiveView } from '../../src/renderer/src/views/live-view'
import { ResultsView } from '../../src/renderer/src/views/results-view'
import { runSummary, SetupView } from '../../src/renderer/src/views/setup-view'
import { fixture } from '../fixtures/reports/variants'
import { render } from './render'

const REFUSED = { code: 'ECONNREFUSED', message: 'nothing is listening at raw://127.0.0.1:1 (connection refused)' }

/** machine A as a run in which every trial's connection was refused, as the engine records one */
function everyTrialFailed(): Report {
  const r = fixture('machine-a.json')
  for (const t of r.trials) ((t.error = REFUSED), (t.summary = null), (t.samples = []))
  r.end.aggregates = aggregateTrials(r.trials, analysisOf(r.start.plan))
  r.end.warnings = [
    {
      code: 'ECONNREFUSED',
      message: `copy: ${REFUSED.message}`,
      hint: 'start a receiver',
      scope: 'trial',
      method: 'copy'
    }
  ]
  return r
}

/** machine A stopped after its first `n` measured trials, by the user or by an error */
function stoppedAfter(n: number, error: string | null): Report {
  const r = fixture('machine-a.json')
  r.trials = r.trials.filter((t) => t.warmup).concat(r.trials.filter((t) => !t.warmup).slice(0, n))
  r.end.incomplete = true
  r.end.aggregates = aggregateTrials(r.trials, analysisOf(r.start.plan))
  if (error) r.end.warnings.push({ code: 'ZC_AGENT_GONE', message: error, hint: 'restart the agent', scope: 'run' })
  return r
}

const text = (node: HTMLElement, id: string) => node.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''

describe('how a run ended', () => {
  it('reads it off the report: whole, failed (the first error), cancelled, or stopped by an error', () => {
    expect(runOutcome(fixture('machine-a.json'))).toEqual({ kind: 'complete' })
    const measured = fixture('machine-a.json').trials.filter((t) => !t.warmup).length
    expect(runOutcome(everyTrialFailed())).toEqual({
      kind: 'failed',
      finished: 0,
      failed: measured,
      error: {
        message: `${fixture('machine-a.json').trials.find((t) => !t.warmup)!.method}: ${REFUSED.message}`,
        hint: null
      }
    })
    expect(runOutcome(stoppedAfter(3, null))).toEqual({ kind: 'cancelled', finished: 3 })
    expect(runOutcome(stoppedAfter(3, 'the agent went away'))).toEqual({
      kind: 'failed',
      finished: 3,
      failed: 0,
      error: { message: 'the agent went away', hint: 'restart the agent' }
    })
    // a run with failed trials beside finished ones is whole: its warnings name the failures
    const some = fixture('machine-a.json')
    some.trials.find((t) => !t.warmup)!.error = REFUSED
    expect(runOutcome(some).kind).toBe('complete')
    expect(hasFigures(runOutcome(everyTrialFailed()))).toBe(false)
    expect(hasFigures(runOutcome(stoppedAfter(3, 'gone')))).toBe(true)
  })

  it('the library marks an entry with no finished trial failed, a stopped one incomplete', () => {
    // entries as the library makes them from each kind of report
    const entry = (r: Report) => entryFor('x.json', r, 1, 3)
    expect(entryOutcome(entry(fixture('machine-a.json')))).toBe('complete')
    expect(entryOutcome(entry(everyTrialFailed()))).toBe('failed')
    expect(entryOutcome(entry(stoppedAfter(3, null)))).toBe('incomplete')
    expect(entryOutcome(entry(stoppedAfter(0, 'the agent went away')))).toBe('incomplete')
    expect(entryOutcome(entry(fixture('iperf3-loopback.json')))).toBe('complete')
  })

  it('a failed run’s results open with the error, before where it was saved, and show no empty figures', () => {
    const node = render(
      <ResultsView report={everyTrialFailed()} actions={<p data-testid="saved-line">Saved to the library</p>} />
    )
    const section = node.querySelector('section')!
    expect(section.getAttribute('data-outcome')).toBe('failed')
    const [first, second] = [...section.children]
    expect(first.getAttribute('data-testid')).toBe('run-outcome')
    expect(first.textContent).toMatch(/^This run failed: \S+: nothing is listening at raw:\/\/127\.0\.0\.1:1/)
    expect(first.textContent).toMatch(/Every one of its \d+ measured trials failed: there are no figures\./)
    expect(second.getAttribute('data-testid')).toBe('saved-line')
    expect(node.querySelector('[data-testid="results-table"]')).toBeNull()
    expect(node.querySelector('[data-testid="headline-table"]')).toBeNull()
    // the warnings stay, the error among them
    expect(text(node, 'warnings')).toMatch(/connection refused/)
  })

  it('a cancelled run says it is incomplete first, and what its figures cover', () => {
    const node = render(<ResultsView report={stoppedAfter(4, null)} />)
    const first = node.querySelector('section')!.firstElementChild!
    expect(first.getAttribute('data-outcome')).toBe('cancelled')
    expect(first.textContent).toBe(
      'This run is incomplete: it was stopped before it ended; the figures cover the 4 measured trials that finished.'
    )
    expect(node.querySelector('[data-testid="results-table"]')).not.toBeNull()
  })

  it('the live view says each failure as it comes, the first error beside the progress', () => {
    const failedTrial = { ...fixture('machine-a.json').trials.find((t) => !t.warmup)!, error: REFUSED, summary: null }
    const run: RunState = {
      ...initialRunState,
      status: 'running',
      plan: DEFAULT_PLAN,
      totalTrials: 10,
      doneTrials: 2,
      trials: [trialPoint(failedTrial), trialPoint({ ...failedTrial, index: 99 })]
    }
    const node = render(<LiveView run={run} onCancel={() => undefined} />)
    expect(text(node, 'live-failures')).toBe(`2 failed: ${failedTrial.method}: ${REFUSED.message}`)
    // a cancelled trial is no failure
    const cancelled = { ...failedTrial, error: { code: 'ZC_CANCELLED', message: 'cancelled' } }
    render(<LiveView run={{ ...run, trials: [trialPoint(cancelled)] }} onCancel={() => undefined} />)
    expect(document.querySelector('[data-testid="live-failures"]')).toBeNull()
  })
})

describe('the setup form at any width', () => {
  const CUDA = 'no CUDA driver: libcuda.so.1: cannot open shared object file'
  const gpu = Object.values(METHOD_INFO).filter((m) => m.name.startsWith('gpu-'))
  const caps: Capabilities = {
    version: 'test',
    methods: Object.values(METHOD_INFO).map((m) =>
      m.name.startsWith('gpu-')
        ? { ...m, supported: false, reason: CUDA }
        : m.name === 'msg-zerocopy'
          ? { ...m, supported: false, reason: 'the kernel lacks SO_ZEROCOPY' }
          : { ...m, supported: true }
    ),
    receiverModes: RECEIVER_MODES.map((name) => ({ name, description: RECEIVER_MODE_INFO[name] })),
    defaults: DEFAULT_PLAN,
    allowedCpus: [0, 1]
  }

  it('folds the methods that cannot run here to one line per reason, with no checkbox each', () => {
    const node = render(
      <SetupView
        capabilities={caps}
        draft={draftFromPlan(DEFAULT_PLAN)}
        onDraftChange={() => undefined}
        busy={false}
        onStart={() => undefined}
      />
    )
    const lines = [...node.querySelectorAll('[data-testid="unavailable-methods"] > summary')].map((s) => s.textContent)
    // in the methods' order: msg-zerocopy's reason before the GPU methods'
    expect(lines).toEqual([
      'msg-zerocopy is unavailable here: the kernel lacks SO_ZEROCOPY',
      `${gpu.length} methods are unavailable here: ${CUDA}`
    ])
    expect(node.textContent!.split(CUDA).length - 1).toBe(1)
    for (const m of [...gpu.map((g) => g.name), 'msg-zerocopy' as MethodName])
      expect(node.querySelector(`input[name="method-${m}"]`), m).toBeNull()
    expect(node.querySelector('input[name="method-sendfile"]')).not.toBeNull()
    // Run sits in the bar that sticks to the window's foot, saying what it will run
    const bar = node.querySelector('[data-testid="run-bar"]')!
    expect(bar.querySelector('button[type="submit"]')!.textContent).toBe('Run')
  })

  it('says what Run will run', () => {
    const plan = { ...DEFAULT_PLAN, methods: ['copy', 'sendfile'] as MethodName[], repeat: 5, durationMs: 1000 }
    expect(runSummary({ ...plan, precision: 0.05, maxTimeMs: 120_000 })).toBe(
      '2 methods × 5 rounds of 1.0 s, more until ±5%, at most 2m00s'
    )
    expect(runSummary({ ...plan, methods: ['copy'], repeat: 1, precision: null })).toBe('1 method × 1 round of 1.0 s')
  })
})

describe('the cores-needed chart', () => {
  it('ticks at each power of ten that spans the values', () => {
    const cases: [number[], number[]][] = [
      [
        [0.37, 48],
        [0.1, 1, 10, 100]
      ],
      [
        [1, 10],
        [0.1, 1, 10]
      ],
      [
        [10, 400],
        [1, 10, 100, 1000]
      ],
      [[5], [1, 10]],
      [
        [0.02, 0.9, 191],
        [0.01, 0.1, 1, 10, 100, 1000]
      ],
      [[], [0.1, 1]],
      [
        [0, -1],
        [0.1, 1]
      ]
    ]
    for (const [values, ticks] of cases) expect(decadeTicks(values), values.join(', ')).toEqual(ticks)
  })
  // the bars themselves: jsdom lays out no axis, so test/e2e/layout.test.ts measures them in Chromium
})
