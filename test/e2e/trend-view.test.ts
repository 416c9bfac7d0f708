// The Trend view end to end in browser mode, at a small laptop's 800×600: a library of
// 30 daily runs planted with a known history (sendfile's cost steps up 20% at run 20,
// copy's stays flat), a chart per series, the step marked on sendfile's chart and said
// in words, none on copy's, the method filter, a point's tooltip, and a click on the
// newest run opening its report. Expectations come from the planted history.

import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers'
import { dailyRuns, writeHistory } from '../fixtures/reports/history'
import { artifacts, collectProblems, haveBrowser, launchBrowser, NO_BROWSER, startUi, withLibraryPage } from './browser'
import { skipWhen } from '../skips'

const SMALL = { width: 800, height: 600 }
const RUNS = 30
/** the run where sendfile's cost steps from 2 to 2.4 cycles/bit (+20%) */
const STEP = 20
// runs a day apart from 2026-10-01: run 20 is on the 21st, the newest (29) on the 30th
const STEP_DATE = '2026-10-21 00:00'
const NEWEST_DATE = '2026-10-30 00:00'

let ui: ChildProcess
let browser: Browser
let page: Page
let problems: string[] = []
const library = path.join(tempDir(), 'team-reports')

/** the page's width past the window's: 0 when nothing overflows sideways (as layout.test.ts measures it) */
const overflowPx = () =>
  page.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { scrollingElement: { scrollWidth: number; clientWidth: number } } }
    ).document.scrollingElement
    return root.scrollWidth - root.clientWidth
  })

const chartOf = (method: string) => page.locator(`[data-testid="trend-series"][data-method="${method}"]`)

beforeAll(async () => {
  mkdirSync(library, { recursive: true })
  const runs = dailyRuns(RUNS, (i) => ({ copy: 3, sendfile: i < STEP ? 2 : 2.4 })).map((r, i) => ({
    ...r,
    label: `nightly-${i}`
  }))
  writeHistory(library, runs)
  let url: string
  ;({ ui, url } = await startUi({ ZCPROF_LIBRARY: library }))
  if (!haveBrowser) return
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: SMALL })
  problems = collectProblems(page)
  await page.goto(url)
})

// any console or page error in a flow fails that flow
afterEach(() => {
  expect(problems.splice(0)).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  ui?.kill('SIGTERM')
})

const noBrowser = skipWhen(!haveBrowser, 'the Trend view in Chromium', NO_BROWSER)

describe.skipIf(noBrowser)('the Trend view in Chromium', () => {
  it('draws a chart per series, every run a point, within an 800 px window', async () => {
    await page.getByRole('tab', { name: 'Trend' }).click()
    // the view is a chunk of its own, loaded on this first visit: a busy machine may take a moment
    await page.waitForSelector('[data-testid="trend-series"]', { timeout: 30_000 })
    await expect.poll(() => page.getByTestId('trend-series').count()).toBe(2)
    for (const method of ['copy', 'sendfile']) {
      expect(await chartOf(method).locator('figcaption').textContent()).toMatch(
        new RegExp(`^${method} tcp://127\\.0\\.0\\.1 .*lab-a .*${RUNS} runs`)
      )
      expect(await chartOf(method).locator('.recharts-scatter-symbol').count()).toBe(RUNS)
    }
    expect(await page.getByTestId('trend-summary').textContent()).toMatch(/2 series of all hosts cycles\/bit/)
    expect(await overflowPx()).toBe(0)
    const shot = path.join(artifacts, 'trend-800x600.png')
    await page.screenshot({ path: shot, fullPage: true })
    // the README's picture of the view (ZCPROF_SCREENSHOTS=1, as the layout test's)
    if (process.env.ZCPROF_SCREENSHOTS === '1')
      copyFileSync(shot, path.join(__dirname, '..', '..', 'docs', 'img', 'trend-800.png'))
  })

  it("marks sendfile's step where it was planted, and nothing on copy's flat line", async () => {
    const sendfile = chartOf('sendfile')
    expect(await sendfile.locator('.trend-change-marker').count()).toBe(1)
    expect(await sendfile.locator('.trend-change-marker.worse').count()).toBe(1)
    const said = await sendfile.getByTestId('trend-change').allTextContents()
    expect(said).toHaveLength(1)
    // cost up from about 2 to about 2.4 cycles/bit, from the step's run
    expect(said[0]).toMatch(
      new RegExp(
        `^worse: (1\\.9|2\\.0)\\d* → 2\\.[34]\\d* \\(\\+(1[5-9]|2[0-5])\\.\\d%\\) from ${STEP_DATE} "nightly-${STEP}"`
      )
    )
    // the level the newest run follows is the stepped one: the newest is within noise of it
    expect(await sendfile.getByTestId('trend-newest').textContent()).toMatch(
      new RegExp(
        `^newest .* \\(${NEWEST_DATE} "nightly-${RUNS - 1}"\\): .* against its level over ${RUNS - 1 - STEP} runs`
      )
    )
    const copy = chartOf('copy')
    expect(await copy.locator('.trend-change-marker').count()).toBe(0)
    expect(await copy.getByTestId('trend-change').count()).toBe(0)
    // both charts draw their levels: two on sendfile's (before and after the step), one on copy's
    expect(await sendfile.locator('.trend-level').count()).toBe(2)
    expect(await copy.locator('.trend-level').count()).toBe(1)
  })

  it("a point's tooltip says its label, date, value and 95% interval", async () => {
    await chartOf('copy').locator('.recharts-scatter-symbol').nth(5).hover()
    const tip = page.locator('.trend-tip')
    await expect.poll(() => tip.count()).toBe(1)
    expect(await tip.textContent()).toMatch(
      /^nightly-5.*2026-10-06 00:00 UTC.*\d+(\.\d+)? cycles\/bit, 95% \[.+, .+\]$/
    )
  })

  it('the method filter leaves one chart, and Show all brings both back', async () => {
    await page.getByTestId('trend-method').selectOption('copy')
    await expect.poll(() => page.getByTestId('trend-series').count()).toBe(1)
    expect(await page.getByTestId('trend-series').getAttribute('data-method')).toBe('copy')
    await page.getByRole('button', { name: 'Show all' }).click()
    await expect.poll(() => page.getByTestId('trend-series').count()).toBe(2)
    // dates as the calendar field gives them, until taking in its whole day: the 11th to the 20th is 10 runs
    await page.getByTestId('trend-since').fill('2026-10-11')
    await expect.poll(() => chartOf('copy').locator('.recharts-scatter-symbol').count()).toBe(20)
    await page.getByTestId('trend-until').fill('2026-10-20')
    await expect.poll(() => chartOf('copy').locator('.recharts-scatter-symbol').count()).toBe(10)
    // the step's run is past the 20th: sendfile is flat in what is kept
    expect(await chartOf('sendfile').locator('.trend-change-marker').count()).toBe(0)
    await page.getByRole('button', { name: 'Show all' }).click()
    await expect.poll(() => chartOf('copy').locator('.recharts-scatter-symbol').count()).toBe(RUNS)
    // a label that no run has: the view says why it is empty, and how to widen it
    await page.getByTestId('trend-label').fill('no-such-label')
    await expect.poll(() => page.getByTestId('trend-empty').count()).toBe(1)
    expect(await page.getByTestId('trend-empty').textContent()).toMatch(/filters keep/)
    await page.getByTestId('trend-empty').getByRole('button', { name: 'Show all' }).click()
    await expect.poll(() => page.getByTestId('trend-series').count()).toBe(2)
  })

  it("clicking sendfile's newest point opens that run's report", async () => {
    await chartOf('sendfile').locator('.recharts-scatter-symbol').last().click()
    await expect.poll(() => page.getByTestId('report-title').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.getByTestId('report-title').textContent()).toMatch(new RegExp(`lab-a · ${NEWEST_DATE}$`))
    expect(await page.getByRole('tab', { name: /^Report: / }).getAttribute('aria-selected')).toBe('true')
    expect(await overflowPx()).toBe(0)
  })
})

describe.skipIf(noBrowser)('the Trend view of an empty library', () => {
  it('says how to fill the library', async () => {
    await withLibraryPage(browser, path.join(tempDir(), 'empty'), SMALL, async (p) => {
      await p.getByRole('tab', { name: 'Trend' }).click()
      await p.waitForSelector('[data-testid="trend-empty"]', { timeout: 30_000 })
      expect(await p.getByTestId('trend-empty').textContent()).toMatch(/zcprof run --save.*zcprof library import/)
    })
  })
})

describe.skipIf(noBrowser)('the Trend view of a long history', () => {
  // 300 daily runs: every point drawn by recharts' own shapes, the view still answering a hover and a click
  const LONG = 300
  it('draws 300 runs a series and still answers a hover and a click', async () => {
    const folder = path.join(tempDir(), 'long')
    mkdirSync(folder, { recursive: true })
    writeHistory(
      folder,
      dailyRuns(LONG, (i) => ({ copy: 3, sendfile: i < 250 ? 2 : 2.4 }))
    )
    const { ui: other, url } = await startUi({ ZCPROF_LIBRARY: folder })
    const p = await browser.newPage({ viewport: SMALL })
    const seen = collectProblems(p)
    // each trend() the page asks main for: one for the view's opening, however the listing comes
    const asked: string[] = []
    p.on('websocket', (ws) =>
      ws.on('framesent', (f) => void (/"call":"trend"/.test(String(f.payload)) && asked.push(String(f.payload))))
    )
    try {
      await p.goto(url)
      const started = Date.now()
      await p.getByRole('tab', { name: 'Trend' }).click()
      const symbols = p.locator('[data-testid="trend-series"][data-method="sendfile"] .recharts-scatter-symbol')
      await expect.poll(() => symbols.count(), { timeout: 60_000 }).toBe(LONG)
      const drawnMs = Date.now() - started
      const hovered = Date.now()
      // the newest run (2026-10-01 and 299 days), drawn over its neighbours
      await symbols.last().hover()
      await expect.poll(() => p.locator('.trend-tip').textContent(), { timeout: 5_000 }).toMatch(/2027-07-27 00:00 UTC/)
      const tipMs = Date.now() - hovered
      console.log(`trend of ${LONG} runs: drawn ${drawnMs} ms after the click, a tooltip ${tipMs} ms after the hover`)
      // the listing read on opening the tab (it may come after the trend) asks nothing more
      await p.waitForTimeout(1000)
      expect(asked).toHaveLength(1)
      // the step 50 runs before the newest lies in the window change points are looked for in
      expect(await p.locator('[data-testid="trend-series"][data-method="sendfile"] .trend-change-marker').count()).toBe(
        1
      )
      await symbols.last().click()
      await expect
        .poll(() => p.getByTestId('report-title').textContent(), { timeout: 15_000 })
        .toMatch(/lab-a · 2027-07-27 00:00$/)
      expect(seen).toEqual([])
    } finally {
      await p.close()
      other.kill('SIGTERM')
    }
  })
})
