// @vitest-environment jsdom
// The charts and the setup form's validation, rendered in jsdom.

import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Capabilities } from '../../src/shared/api'
import { METHOD_INFO, RECEIVER_MODES, RECEIVER_MODE_INFO } from '../../src/shared/methods'
import { draftFromPlan, type PlanDraft } from '../../src/shared/plan-form'
import type { Plan } from '../../src/shared/report'
import { LiveChart } from '../../src/renderer/src/charts/live-charts'
import { SetupView } from '../../src/renderer/src/views/setup-view'
import { DEFAULT_PLAN } from '../../src/main/engine/run'

beforeAll(() => {
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
  // jsdom has no layout: give recharts' container a size to draw in
  globalThis.ResizeObserver = class {
    private cb: ResizeObserverCallback
    constructor(cb: ResizeObserverCallback) {
      this.cb = cb
    }
    observe(el: Element) {
      this.cb(
        [{ target: el, contentRect: { width: 800, height: 220 } } as unknown as ResizeObserverEntry],
        this as unknown as ResizeObserver
      )
    }
    unobserve() {}
    disconnect() {}
  }
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 })
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 220 })
  HTMLElement.prototype.getBoundingClientRect = () => ({
    width: 800,
    height: 220,
    top: 0,
    left: 0,
    right: 800,
    bottom: 220,
    x: 0,
    y: 0,
    toJSON: () => ({})
  })
})

let root: Root | null = null
let host: HTMLDivElement
function render(el: React.ReactElement) {
  host = document.createElement('div')
  document.body.appendChild(host)
  root = createRoot(host)
  act(() => root!.render(el))
  return host
}
afterEach(() => {
  act(() => root?.unmount())
  host?.remove()
})

const caps: Capabilities = {
  version: 'test',
  methods: Object.values(METHOD_INFO).map((m) => ({ ...m, supported: true })),
  receiverModes: RECEIVER_MODES.map((name) => ({ name, description: RECEIVER_MODE_INFO[name] })),
  defaults: DEFAULT_PLAN
}

/** a SetupView whose draft lives here, as it lives in the App */
function setup(onStart: (p: Plan) => void = () => undefined) {
  let draft: PlanDraft = draftFromPlan(DEFAULT_PLAN)
  const el = () => (
    <SetupView
      capabilities={caps}
      draft={draft}
      onDraftChange={(d) => ((draft = d), rerender())}
      busy={false}
      onStart={onStart}
    />
  )
  const rerender = () => act(() => root!.render(el()))
  const node = render(el())
  const type = (name: string, value: string) => {
    const input = node.querySelector<HTMLInputElement>(`input[name="${name}"]`)!
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!
    act(() => {
      setter.call(input, value)
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
  }
  return { node, type, submit: () => node.querySelector<HTMLButtonElement>('button[type="submit"]')! }
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
    const { node, type } = setup((p) => (started = p))
    type('repeat', '7')
    act(() => node.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })))
    expect(started).toMatchObject({ repeat: 7, methods: DEFAULT_PLAN.methods })
  })
})

/** recharts 3 registers series in effects and draws them on a later pass */
const settle = () => act(async () => await new Promise((r) => setTimeout(r, 50)))

describe('LiveChart', () => {
  const series = {
    copy: [
      { t: 0.1, gbps: 9, cyclesPerBit: 0.2, ctxPerSec: 50 },
      { t: 0.2, gbps: 10, cyclesPerBit: 0.21, ctxPerSec: 60 }
    ],
    sendfile: [{ t: 0.3, gbps: 14, cyclesPerBit: 0.1, ctxPerSec: 40 }]
  }
  it('draws one line per method, counts its points, and marks estimates', async () => {
    const node = render(
      <LiveChart
        series={series}
        metric="cyclesPerBit"
        title="Sender cycles per bit"
        unit="cycles/bit"
        reference={1}
        estimated
      />
    )
    const fig = node.querySelector('[data-testid="live-cyclesPerBit"]')!
    await settle()
    expect(fig.getAttribute('data-points')).toBe('3')
    expect(fig.querySelector('figcaption')!.textContent).toMatch(/cycles\/bit, estimated/)
    // one named series per method (jsdom has no layout for the lines themselves: the e2e test sees those)
    const legend = [...node.querySelectorAll('.recharts-legend-item-text')].map((e) => e.textContent)
    expect(legend).toEqual(['copy', 'sendfile'])
  })
  it('shows the 1 cycle/bit rule of thumb', async () => {
    const node = render(<LiveChart series={series} metric="cyclesPerBit" title="c" unit="cycles/bit" reference={1} />)
    await settle()
    expect(node.querySelector('.recharts-reference-line')).not.toBeNull()
    expect(node.textContent).toMatch(/1 cycle\/bit/)
  })
  it('draws nothing but axes with no data', async () => {
    const node = render(<LiveChart series={{}} metric="gbps" title="Throughput" unit="Gbit/s" />)
    await settle()
    expect(node.querySelector('[data-testid="live-gbps"]')!.getAttribute('data-points')).toBe('0')
    expect(node.querySelectorAll('.recharts-legend-item').length).toBe(0)
  })
})

describe('warnings in plain words', () => {
  it('explain a zero-copy fallback and a window-limited link', async () => {
    const { plainWarning } = await import('../../src/renderer/src/views/results-view')
    expect(
      plainWarning({ code: 'TRIAL_NOTE', message: 'msg-zerocopy: MSG_ZEROCOPY fell back to copying for 100% of sends' })
    ).toMatch(/only pays off across a real network device/)
    expect(
      plainWarning({
        code: 'TRIAL_NOTE',
        message: 'copy: the receiver window limited the sender for over 20% of the time'
      })
    ).toMatch(/receiver did not keep up/)
    expect(
      plainWarning({
        code: 'CYCLES_ESTIMATED',
        message: 'cycles are estimated from CPU time × 2.60 GHz, not counted: no PMU here'
      })
    ).toMatch(/^Cycles are estimated.*no PMU here/)
  })
})
