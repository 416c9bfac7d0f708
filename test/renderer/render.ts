// What the jsdom view tests share: a layout for recharts to draw in (jsdom has none),
// a React root per test, and the wait recharts needs before its series are drawn.

import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeAll } from 'vitest'

let root: Root | null = null
let host: HTMLDivElement | null = null

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

afterEach(() => {
  act(() => root?.unmount())
  root = null
  host?.remove()
})

/** renders into a fresh root; a second call in the same test replaces the first */
export function render(el: React.ReactElement): HTMLDivElement {
  if (root) act(() => root!.unmount())
  host?.remove()
  host = document.createElement('div')
  document.body.appendChild(host)
  root = createRoot(host)
  act(() => root!.render(el))
  return host
}

/** draws `el` again in the same root */
export function rerender(el: React.ReactElement): void {
  act(() => root!.render(el))
}

/** recharts 3 registers series in effects and draws them on a later pass */
export const settle = () => act(async () => await new Promise((r) => setTimeout(r, 50)))
