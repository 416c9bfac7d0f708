// @vitest-environment jsdom
// The charts and the setup form's validation, rendered in jsdom.

import { act } from 'react'
import { describe, expect, it } from 'vitest'
import { ALL_CAPABILITIES } from './capabilities'
import { render, rerender, settle } from './render'
import type { Capabilities } from '../../src/shared/api'
import { draftFromPlan, type PlanDraft } from '../../src/shared/plan-form'
import type { Plan } from '../../src/shared/report'
import { StreamsChart, TrialChart, TrialPointsChart } from '../../src/renderer/src/charts/live-charts'
import type { TrialPoint } from '../../src/renderer/src/state/run-state'
import { SetupView } from '../../src/renderer/src/views/setup-view'
import { DEFAULT_PLAN } from '../../src/main/engine/run'

const caps: Capabilities = ALL_CAPABILITIES

/** a SetupView whose draft lives here, as it lives in the App */
function setup(onStart: (p: Plan) => void = () => undefined) {
  let draft: PlanDraft = draftFromPlan(DEFAULT_PLAN)
  const el = () => (
    <SetupView
      capabilities={caps}
      draft={draft}
      onDraftChange={(d) => ((draft = d), redraw())}
      busy={false}
      onStart={onStart}
    />
  )
  const redraw = () => rerender(el())
  const node = render(el())
  const type = (name: string, value: string) => {
    const input = node.querySelector<HTMLInputElement>(`input[name="${name}"]`)!
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
    act(() => {
      setter.call(input, value)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
  }
  /** presses Run, as the form's submit */
  const go = () =>
    act(() => node.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })))
  return { node, type, go, submit: () => node.querySelector<HTMLButtonElement>('button[type="submit"]')! }
}

describe('SetupView', () => {
  it('shows a bad size beside the size field and disables Run', () => {
    const { node, type, submit } = setup()
    expect(submit().disabled).toBe(false)
    type('size', '12XB')
    expect(node.querySelector('[data-testid="error-size"]')!.textContent).toMatch(/'12XB' is not a size/)
    expect(submit().disabled).toBe(true)
    type('size', '64MiB')
    expect(node.querySelector('[data-testid="error-size"]')).toBeNull()
    expect(submit().disabled).toBe(false)
  })

  it('names a bad target, and asks for a token only for agents', () => {
    const { node, type } = setup()
    expect(node.querySelector('input[name="token"]')).toBeNull()
    type('target', 'tcp://example.com')
    expect(node.querySelector('[data-testid="error-target"]')!.textContent).toMatch(/not a numeric IPv4/)
    type('target', 'agent://192.0.2.7:7733')
    expect(node.querySelector('input[name="token"]')).not.toBeNull()
    expect(node.querySelector('[data-testid="error-token"]')!.textContent).toMatch(/token/)
  })

  it('starts the plan it shows', () => {
    let started: Plan | null = null
    const { type, go } = setup((p) => (started = p))
    type('repeat', '7')
    go()
    expect(started).toMatchObject({ repeat: 7, methods: DEFAULT_PLAN.methods })
  })

  it('picks receiver modes as it picks methods: several run every pair; none, or a TCP-only one on unix, is refused beside the field', () => {
    let started: Plan | null = null
    const { node, type, go, submit } = setup((p) => (started = p))
    const box = (r: string) => node.querySelector<HTMLInputElement>(`input[name="receiver-${r}"]`)!
    const tick = (r: string) => act(() => box(r).click())
    expect(box('read').checked).toBe(true)
    tick('splice')
    tick('mapped')
    expect(node.textContent).toContain('(each method with each)')
    go()
    expect(started).toMatchObject({ receiverModes: ['read', 'splice', 'mapped'] })
    type('target', 'unix://')
    expect(node.querySelector('[data-testid="error-receiverModes"]')!.textContent).toMatch(/mapped needs TCP/)
    expect(submit().disabled).toBe(true)
    type('target', 'tcp://127.0.0.1')
    for (const r of ['read', 'splice', 'mapped']) tick(r)
    expect(node.querySelector('[data-testid="error-receiverModes"]')!.textContent).toMatch(/at least one receiver mode/)
    expect(submit().disabled).toBe(true)
  })

  it('repeats until tight by default: the precision, its budget and the fewest rounds, by the shared rules', () => {
    let started: Plan | null = null
    const { node, type, go, submit } = setup((p) => (started = p))
    const value = (name: string) => node.querySelector<HTMLInputElement>(`input[name="${name}"]`)!.value
    expect(value('precision')).toBe('5%')
    expect(value('maxTime')).toBe('2m00s')
    expect(node.textContent).toMatch(/Repetitions \(at least\)/)
    // two rounds are too few to stop on: said beside the repetitions
    type('repeat', '2')
    expect(node.querySelector('[data-testid="error-repeat"]')!.textContent).toMatch(/at least 3, not 2/)
    expect(submit().disabled).toBe(true)
    type('repeat', '5')
    type('precision', 'tight')
    expect(node.querySelector('[data-testid="error-precision"]')!.textContent).toMatch(/a percentage, e\.g\. 5%/)
    type('precision', '3%')
    type('maxTime', '90s')
    go()
    expect(started).toMatchObject({ precision: 0.03, maxTimeMs: 90_000, repeat: 5, autoPin: true })
    // no precision: exactly the repetitions given, and no budget field
    type('precision', '')
    expect(node.querySelector('input[name="maxTime"]')).toBeNull()
    type('repeat', '2')
    go()
    expect(started).toMatchObject({ precision: null, maxTimeMs: null, repeat: 2 })
  })

  it("pins by zcprof's choice unless CPUs are named, or pinning is turned off", () => {
    let started: Plan | null = null
    const { node, type, go } = setup((p) => (started = p))
    go()
    expect(started).toMatchObject({ autoPin: true, senderCpus: null, receiverCpus: null })
    type('senderCpus', '1')
    go()
    expect(started).toMatchObject({ autoPin: false, senderCpus: [1] })
    type('senderCpus', '')
    act(() => node.querySelector<HTMLInputElement>('input[name="autoPin"]')!.click())
    go()
    expect(started).toMatchObject({ autoPin: false, senderCpus: null })
  })

  it('bounds trials by a duration, a byte count or one pass, with streams and CPUs, by the shared rules', () => {
    let started: Plan | null = null
    const { node, type, go, submit } = setup((p) => (started = p))
    // timed by default: a duration field, no byte field
    expect(node.querySelector('input[name="duration"]')).not.toBeNull()
    expect(node.querySelector('input[name="bytes"]')).toBeNull()
    type('duration', '50ms')
    expect(node.querySelector('[data-testid="error-duration"]')!.textContent).toMatch(/from 100 ms/)
    expect(submit().disabled).toBe(true)
    type('duration', '10s')
    type('streams', '65')
    expect(node.querySelector('[data-testid="error-streams"]')!.textContent).toMatch(/from 1 to 64/)
    type('streams', '4')
    // this host allows CPUs 0 and 1 (the capabilities say so): 7 is named beside its field
    type('senderCpus', '7')
    expect(node.querySelector('[data-testid="error-senderCpus"]')!.textContent).toMatch(
      /CPU 7, which this host does not let/
    )
    type('senderCpus', '0-1')
    go()
    expect(started).toMatchObject({
      durationMs: 10_000,
      trialBytes: null,
      streams: 4,
      senderCpus: [0, 1],
      receiverCpus: null
    })
    // a byte count instead
    act(() => node.querySelector<HTMLInputElement>('input[name="trialMode"][value="bytes"]')!.click())
    type('bytes', '2GiB')
    go()
    expect(started).toMatchObject({ durationMs: null, omitMs: null, trialBytes: 2 * 1024 ** 3 })
  })
})

describe('live charts', () => {
  const points = [
    { t: 0.1, gbps: 9, cyclesPerBit: 0.2, systemCyclesPerBit: 0.3, ctxPerSec: 50 },
    { t: 0.2, gbps: 10, cyclesPerBit: 0.21, systemCyclesPerBit: 0.31, ctxPerSec: 60 },
    { t: 0.3, gbps: 14, cyclesPerBit: null, systemCyclesPerBit: null, ctxPerSec: null }
  ]
  it('draw the running trial, count its points, name its method and mark estimates', async () => {
    const node = render(
      <TrialChart
        points={points}
        spanSec={1}
        metric="cyclesPerBit"
        title="Sender cycles per bit"
        unit="cycles/bit"
        method="sendfile"
        reference={1}
        estimated
      />
    )
    const fig = node.querySelector('[data-testid="live-cyclesPerBit"]')!
    await settle()
    expect(fig.getAttribute('data-points')).toBe('3')
    expect(fig.querySelector('figcaption')!.textContent).toMatch(/cycles\/bit, estimated/)
    // the method is named (jsdom has no layout for the lines themselves: the e2e test sees those)
    const legend = [...node.querySelectorAll('.recharts-legend-item-text')].map((e) => e.textContent)
    expect(legend).toEqual(['sendfile'])
  })
  it('show the 1 cycle/bit rule of thumb where the data comes near it', async () => {
    const near = points.map((p) => ({ ...p, cyclesPerBit: p.cyclesPerBit === null ? null : p.cyclesPerBit * 4 }))
    const node = render(
      <TrialChart
        points={near}
        spanSec={1}
        metric="cyclesPerBit"
        title="c"
        unit="cycles/bit"
        method="copy"
        reference={1}
      />
    )
    await settle()
    expect(node.querySelector('.recharts-reference-line')).not.toBeNull()
    expect(node.textContent).toMatch(/1 cycle\/bit/)
    expect(node.querySelector('[data-testid="reference-off-scale-cyclesPerBit"]')).toBeNull()
  })
  it('say where the rule is, rather than squash 0.2 cycles/bit under a line at 1', async () => {
    const node = render(
      <TrialChart
        points={points}
        spanSec={1}
        metric="cyclesPerBit"
        title="c"
        unit="cycles/bit"
        method="copy"
        reference={1}
      />
    )
    await settle()
    expect(node.querySelector('.recharts-reference-line')).toBeNull()
    // the peak is 0.21: the rule is about 5× above it
    expect(node.querySelector('[data-testid="reference-off-scale-cyclesPerBit"]')!.textContent).toBe(
      '↑ 1 cycle/bit is off this scale, 5× the peak'
    )
  })
  it('draw nothing but axes with no data', async () => {
    const node = render(
      <TrialChart points={[]} spanSec={2} metric="gbps" title="Throughput" unit="Gbit/s" method={null} />
    )
    await settle()
    expect(node.querySelector('[data-testid="live-gbps"]')!.getAttribute('data-points')).toBe('0')
    expect(node.querySelectorAll('.recharts-legend-item').length).toBe(0)
  })
  it('stack streams, one series each', async () => {
    const streams = points.map((p) => ({ ...p, streamGbps: [p.gbps / 2, p.gbps / 2] }))
    const node = render(<StreamsChart points={streams} streams={2} spanSec={1} />)
    await settle()
    const legend = [...node.querySelectorAll('.recharts-legend-item-text')].map((e) => e.textContent)
    expect(legend).toEqual(['stream 0', 'stream 1'])
    expect(node.querySelector('[data-testid="live-streams"]')!.getAttribute('data-streams')).toBe('2')
  })
  it('plot a point per measured trial, one series per method, warm-ups and failures left out', async () => {
    const p = (index: number, method: TrialPoint['method'], gbps: number | null, warmup = false): TrialPoint => ({
      index,
      method,
      warmup,
      gbps,
      cyclesPerBit: 0.1,
      systemCyclesPerBit: 0.2,
      notes: [],
      failed: gbps === null,
      error: gbps === null ? `${method}: failed` : null
    })
    const trials = [p(0, 'copy', 9, true), p(1, 'copy', 10), p(2, 'sendfile', 14), p(3, 'sendfile', null)]
    const node = render(<TrialPointsChart trials={trials} metric="gbps" title="Throughput by trial" unit="Gbit/s" />)
    await settle()
    expect(node.querySelector('[data-testid="trials-gbps"]')!.getAttribute('data-points')).toBe('2')
    const legend = [...node.querySelectorAll('.recharts-legend-item-text')].map((e) => e.textContent)
    expect(legend).toEqual(['copy', 'sendfile'])
  })
})

describe('warnings as data', () => {
  it("show the catalogue's mark, the trials they apply to, and the hint", async () => {
    const { WarningItem } = await import('../../src/renderer/src/views/results-view')
    const node = render(
      <ul>
        <WarningItem
          w={{
            code: 'ZC_COPIED',
            message: 'msg-zerocopy: the kernel copied 100% of zero-copy sends',
            hint: 'it pays off across a real network device',
            scope: 'trial',
            method: 'msg-zerocopy',
            trials: [2, 5]
          }}
        />
      </ul>
    )
    const li = node.querySelector('li')!
    expect(li.getAttribute('data-code')).toBe('ZC_COPIED')
    expect(li.querySelector('.badge')!.textContent).toBe('kernel copied')
    expect(li.textContent).toMatch(/\(2 trials\)/)
    expect(li.querySelector('.hint')!.textContent).toMatch(/real network device/)
  })
})
