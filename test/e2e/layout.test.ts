// The UI's layout in real headless Chromium, at a small laptop's 800×600 and a desktop's
// 1280×800: Run on the first screen, nothing wider than the window from setup through a
// default plan on loopback to its results, nothing moving when the results arrive, and
// a run whose every trial fails saying so first. It takes the README's screenshots
// (docs/img/ui-800.png, ui-1280.png) when ZCPROF_SCREENSHOTS=1 is set.

import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { artifacts, collectProblems, haveBrowser, launchBrowser, NO_BROWSER, startUi } from './browser'
import { skipWhen } from '../skips'

const SMALL = { width: 800, height: 600 }
const LARGE = { width: 1280, height: 800 }
const DOCS_IMG = path.join(__dirname, '..', '..', 'docs', 'img')
// nothing listens on port 1: every trial's connection is refused (a raw:// target must be allowed)
const REFUSING = 'raw://127.0.0.1:1'

/** what the page-side functions below reach in the page (this file is typed without the DOM's types) */
interface InPage {
  document: {
    scrollingElement: { scrollWidth: number; clientWidth: number; scrollTop: number }
    querySelector(s: string): { getBoundingClientRect(): { x: number; y: number; width: number } } | null
  }
  zcShifts: { value: number; at: number; what: string; live: boolean }[]
}
interface ShiftRect {
  x: number
  y: number
  width: number
  height: number
}
interface ShiftNode {
  nodeName: string
  className: unknown
  getAttribute?(n: string): string | null
  closest?(s: string): unknown
  parentElement?: ShiftNode | null
}

let ui: ChildProcess
let newLink: () => Promise<string>
let browser: Browser
const problems: string[][] = []

beforeAll(async () => {
  ;({ ui, newLink } = await startUi({}, ['--allow-target', REFUSING]))
  if (haveBrowser) browser = await launchBrowser()
})
afterEach(() => {
  for (const p of problems) expect(p.splice(0)).toEqual([])
})
afterAll(async () => {
  await browser?.close()
  ui?.kill('SIGTERM')
})

/** a page at this size, signed in, its layout shifts recorded from the first paint */
async function openUi(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport })
  problems.push(collectProblems(page))
  // the browser's own measure of content moving under the reader: every layout-shift entry
  await page.addInitScript(() => {
    const w = globalThis as unknown as InPage
    w.zcShifts = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as {
        value: number
        startTime: number
        hadRecentInput: boolean
        sources?: { node?: ShiftNode; previousRect: ShiftRect; currentRect: ShiftRect }[]
      }[])
        if (!e.hadRecentInput)
          w.zcShifts.push({
            value: e.value,
            at: e.startTime,
            // what moved, for the failure's message: its tag, class and test id (a text node's parent's)
            what: (e.sources ?? [])
              .map((x) => {
                const n = x.node?.getAttribute ? x.node : x.node?.parentElement
                const [a, b] = [x.previousRect, x.currentRect]
                const moved = `(${a.x},${a.y} ${a.width}×${a.height} → ${b.x},${b.y} ${b.width}×${b.height})`
                return `${x.node?.nodeName}@${n?.nodeName}.${n?.className}#${n?.getAttribute?.('data-testid')} ${moved}`
              })
              .join(' '),
            // the live view's own redraws (a text that changes in place), told apart from the results'
            live: (e.sources ?? []).some((x) =>
              (x.node?.getAttribute ? x.node : x.node?.parentElement)?.closest?.('section.live')
            )
          })
    }).observe({ type: 'layout-shift', buffered: true } as never)
  })
  await page.goto(await newLink())
  await page.waitForSelector('form[aria-label="run setup"]', { timeout: 15_000 })
  return page
}

/** the page's width past the window's: 0 when nothing overflows sideways */
const overflowPx = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as InPage).document.scrollingElement
    return root.scrollWidth - root.clientWidth
  })

/** how far the page is scrolled down */
const scrollTop = (page: Page): Promise<number> =>
  page.evaluate(() => (globalThis as unknown as InPage).document.scrollingElement.scrollTop)

/** where an element sits in the window, or null where there is none */
const box = (page: Page, selector: string) =>
  page
    .locator(selector)
    .first()
    .boundingBox({ timeout: 1000 })
    .catch(() => null)

/**
 * The layout shifts that started at or after page time `sinceMs` (those of the live view only
 * where `live`): their sum, and what moved
 */
const shiftSince = (page: Page, sinceMs: number, live = true) =>
  page.evaluate(
    ([since, withLive]) => {
      const shifts = (globalThis as unknown as InPage).zcShifts.filter((s) => s.at >= since && (withLive || !s.live))
      return {
        sum: shifts.reduce((n, s) => n + s.value, 0),
        biggest: shifts
          .filter((s) => s.value >= 0.001)
          .map((s) => `${s.value.toFixed(3)} at ${s.at.toFixed(0)} ms: ${s.what}`)
          .join('; ')
      }
    },
    [sinceMs, live] as const
  )

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(artifacts, name)
  // the first screen, as a person sees it open
  await page.mouse.wheel(0, -100_000)
  await page.screenshot({ path: file })
  if (process.env.ZCPROF_SCREENSHOTS === '1') {
    mkdirSync(DOCS_IMG, { recursive: true })
    copyFileSync(file, path.join(DOCS_IMG, name))
  }
}

/** Run's button lies wholly inside the window, with no scrolling */
async function expectRunOnFirstScreen(page: Page, viewport: { width: number; height: number }) {
  expect(await scrollTop(page)).toBe(0)
  const run = await box(page, 'form[aria-label="run setup"] button[type="submit"]')
  expect(run, 'no Run button').not.toBeNull()
  expect(run!.x).toBeGreaterThanOrEqual(0)
  expect(run!.y).toBeGreaterThanOrEqual(0)
  expect(run!.x + run!.width, `Run at ${JSON.stringify(run)}`).toBeLessThanOrEqual(viewport.width)
  expect(run!.y + run!.height, `Run at ${JSON.stringify(run)}`).toBeLessThanOrEqual(viewport.height)
}

describe.skipIf(skipWhen(!haveBrowser, 'in Chromium', NO_BROWSER))('the layout in Chromium', () => {
  it('the setup at 800×600 and 1280×800: Run on the first screen, each unavailable method’s reason said once', async () => {
    for (const viewport of [SMALL, LARGE]) {
      const page = await openUi(viewport)
      await expectRunOnFirstScreen(page, viewport)
      expect(await overflowPx(page), `${viewport.width} px wide`).toBe(0)
      // methods that cannot run here (the GPU ones without libcuda): one folded line per reason, no checkbox each
      const unavailable = page.getByTestId('unavailable-methods')
      const body = (await page.locator('body').innerText()).replace(/\s+/g, ' ')
      for (const summary of await unavailable.locator('summary').allInnerTexts()) {
        const reason = /unavailable here: (.+)$/.exec(summary.trim())![1]
        expect(body.split(reason).length - 1, `“${reason}” said more than once`).toBe(1)
      }
      expect(await unavailable.locator('input[type="checkbox"]').count()).toBe(0)
      // Run stays in view as the form scrolls by: at the bottom of the setup too
      await page.mouse.wheel(0, 100_000)
      await expect.poll(() => scrollTop(page)).toBeGreaterThan(0)
      const run = await box(page, 'form[aria-label="run setup"] button[type="submit"]')
      expect(run!.y).toBeGreaterThanOrEqual(0)
      expect(run!.y + run!.height).toBeLessThanOrEqual(viewport.height)
      await page.close()
    }
  })

  it(
    'a default plan on loopback at 800×600: nothing wider than the window while it runs or after, nothing moving when the results arrive',
    { timeout: 170_000 },
    async () => {
      const page = await openUi(SMALL)
      // the default plan as the form offers it, its time budget cut: the minimum rounds still run,
      // every method five times, about a minute here rather than the full two minutes' budget
      await page.fill('input[name="maxTime"]', '10s')
      await page.click('form[aria-label="run setup"] button[type="submit"]')
      await page.waitForSelector('section[aria-label="live run"]')
      await expect
        .poll(() => page.locator('[data-testid="trials-gbps"]').getAttribute('data-points'), { timeout: 60_000 })
        .not.toBe('0')
      for (const viewport of [SMALL, LARGE]) {
        await page.setViewportSize(viewport)
        expect(await overflowPx(page), `live, ${viewport.width} px wide`).toBe(0)
      }
      await page.setViewportSize(SMALL)

      // what frames the run, read until the results replace the live view
      const frame = ['header', 'nav.tabs', '[data-testid="pmu-banner"]', '.primary']
      // read in one go in the page: a loaded machine answers slowly, and the frame must be one moment's
      const frameBoxes = () =>
        page.evaluate((selectors) => {
          const d = (globalThis as unknown as InPage).document
          return selectors.map((s) => {
            const r = d.querySelector(s)?.getBoundingClientRect()
            return r ? { x: r.x, y: r.y, width: r.width } : null
          })
        }, frame)
      // from the top: what a person watching the run sees
      await page.mouse.wheel(0, -100_000)
      // a loaded machine scrolls late, and scroll anchoring may hold a pixel while rows fill in
      await expect.poll(() => scrollTop(page), { timeout: 10_000 }).toBeLessThanOrEqual(1)
      const watchedFromMs = await page.evaluate(() => performance.now())
      let before = await frameBoxes()
      let lastLiveMs = 0
      const results = page.locator('section[aria-label="results"]')
      while (!(await results.count())) {
        lastLiveMs = await page.evaluate(() => performance.now())
        before = await frameBoxes()
        await page.waitForTimeout(100)
      }
      const after = await frameBoxes()
      for (const [i, s] of frame.entries()) expect(after[i], `${s} moved when the results arrived`).toEqual(before[i])
      // a cumulative layout shift under 0.05 (0.1 is the web's "good"); the live view's last redraw may be in it
      const atResults = await shiftSince(page, lastLiveMs)
      expect(atResults.sum, atResults.biggest).toBeLessThan(0.05)
      // nor while it ran: the round table keeps its place and height from the first round to the last
      const whileRunning = await shiftSince(page, watchedFromMs)
      console.log(`layout shift while the run was watched: ${whileRunning.sum.toFixed(4)} ${whileRunning.biggest}`)
      expect(whileRunning.sum, whileRunning.biggest).toBeLessThan(0.1)

      await page.waitForSelector('[data-testid="results-table"]')
      await expect.poll(() => page.getByTestId('saved-line').getAttribute('data-saved')).toBe('yes')
      expect(await page.getByTestId('saved-line').innerText()).toMatch(/^Saved to the library as “[^”]+”\./)
      // nor when the library answers: "Saving…" becomes "Saved … [Open it]" in a line no taller
      // (a 5 px taller line gave 0.004 here)
      const afterSave = await shiftSince(page, lastLiveMs, false)
      console.log(`layout shift from the results to the save: ${afterSave.sum.toFixed(4)}`)
      expect(afterSave.sum, afterSave.biggest).toBeLessThan(0.001)
      expect(await page.locator('section[aria-label="results"]').getAttribute('data-outcome')).toBe('complete')
      // the library's count follows the save (a moment later): the screenshots show the two agreeing
      await expect
        .poll(() => page.locator('nav.tabs button', { hasText: 'Library' }).innerText(), { timeout: 15_000 })
        .toBe('Library (1)')
      for (const [viewport, name] of [
        [SMALL, 'ui-800.png'],
        [LARGE, 'ui-1280.png']
      ] as const) {
        await page.setViewportSize(viewport)
        expect(await overflowPx(page), `results, ${viewport.width} px wide`).toBe(0)
        await screenshot(page, name)
      }
      // cores needed at each line rate (10, 25, 100 and 400G where the NIC's speed is unknown, as on
      // loopback in a VM): on a log axis, powers of ten; and copy's bar at the slowest rate is not
      // squashed flat, as it would be on a linear axis, where its height is the rates' ratio (1/40)
      const headroom = page.getByTestId('bars-headroom')
      const ticks = (await headroom.locator('.recharts-yAxis-tick-labels text').allTextContents()).map(Number)
      expect(ticks.length).toBeGreaterThanOrEqual(2)
      for (const [i, t] of ticks.entries()) expect(t, ticks.join(', ')).toBeCloseTo(ticks[0] * 10 ** i, 9)
      const rates = (await headroom.locator('.recharts-xAxis-tick-labels text').allTextContents()).map(
        (r) => parseFloat(r) * (/T/.test(r) ? 1e12 : /G/.test(r) ? 1e9 : 1e6)
      )
      const copyBars = headroom.locator('.recharts-bar').first().locator('.recharts-bar-rectangle')
      await expect.poll(() => copyBars.count()).toBe(rates.length)
      if (rates.length > 1) {
        const slow = (await copyBars.first().boundingBox())!.height
        const fast = (await copyBars.last().boundingBox())!.height
        const linear = rates[0] / rates.at(-1)!
        expect(slow / fast, `${slow} px beside ${fast} px; linear: ${linear}`).toBeGreaterThan(5 * linear)
      }
      await page.close()
    }
  )

  it(
    'a run whose every trial fails says so first, with the error, and claims no save as a finished run nor offers figures to export',
    { timeout: 90_000 },
    async () => {
      const page = await openUi(SMALL)
      for (const m of ['mmap', 'splice', 'msg-zerocopy', 'uring-send', 'uring-splice', 'uring-send-zc', 'node-stream'])
        await page.uncheck(`input[name="method-${m}"]`)
      await page.fill('input[name="target"]', REFUSING)
      await page.fill('input[name="duration"]', '200ms')
      await page.fill('input[name="precision"]', '')
      await page.fill('input[name="repeat"]', '2')
      await page.fill('input[name="title"]', 'e2e: nothing listening')
      await page.click('form[aria-label="run setup"] button[type="submit"]')
      const results = page.locator('section[aria-label="results"]')
      await results.waitFor({ timeout: 60_000 })
      expect(await results.getAttribute('data-outcome')).toBe('failed')
      const outcome = page.getByTestId('run-outcome')
      expect(await outcome.innerText()).toMatch(/^This run failed: (copy|sendfile): .*(refused|ECONNREFUSED)/)
      expect(await outcome.innerText()).toMatch(/Every one of its 4 measured trials failed/)
      // the error first: above where it was saved, and the first thing in the results
      await expect.poll(() => page.getByTestId('saved-line').getAttribute('data-saved')).toBe('yes')
      const saved = page.getByTestId('saved-line')
      expect((await box(page, '[data-testid="run-outcome"]'))!.y).toBeLessThan((await saved.boundingBox())!.y)
      expect(await results.evaluate((s) => s.firstElementChild?.getAttribute('data-testid'))).toBe('run-outcome')
      expect(await saved.innerText()).toMatch(/^Saved to the library as “e2e: nothing listening”, marked failed\./)
      expect(await page.locator('[data-testid^="export-"]').count()).toBe(0)
      expect(await overflowPx(page)).toBe(0)
      await page.screenshot({ path: path.join(artifacts, 'failed-run-800.png') })
      // the library lists it as failed
      await page.click('nav.tabs button:has-text("Library")')
      const entry = page.locator('tr', { hasText: 'e2e: nothing listening' })
      await entry.waitFor()
      expect(await entry.getByTestId('outcome-chip').innerText()).toBe('failed')
      expect(await overflowPx(page), 'the library, 800 px wide').toBe(0)
      await page.close()
    }
  )
})
