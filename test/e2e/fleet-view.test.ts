// The Fleet view end to end in browser mode, at a small laptop's 800×600: a planted
// 4 × 4 fleet (12 pair reports, fixtures/reports/fleet.ts) whose n4 sends at a far
// higher cost, the matrix drawn with the cells the planted costs give by hand, n4
// marked, the pickers, a click on a cell opening that pair's report, and a fleet too
// wide for the window scrolling inside its own box, never the page.

import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers'
import { FOUR_NODES, writeFleetRun } from '../fixtures/reports/fleet'
import { artifacts, collectProblems, haveBrowser, launchBrowser, NO_BROWSER, startUi, withLibraryPage } from './browser'
import { skipWhen } from '../skips'

const SMALL = { width: 800, height: 600 }
// sendCost(sender) + recvCost(receiver), by hand (test/shared/fleet-matrix.test.ts): rows send
const COPY_CELLS = [
  ['·', '0.260', '0.250', '0.250'],
  ['0.260', '·', '0.260', '0.260'],
  ['0.240', '0.250', '·', '0.240'],
  ['0.350', '0.360', '0.350', '·']
]

let ui: ChildProcess
let browser: Browser
let page: Page
let problems: string[] = []
const library = path.join(tempDir(), 'fleet-reports')

/** the page's width past the window's: 0 when nothing overflows sideways (as layout.test.ts measures it) */
const overflowPx = (p: Page = page) =>
  p.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { scrollingElement: { scrollWidth: number; clientWidth: number } } }
    ).document.scrollingElement
    return root.scrollWidth - root.clientWidth
  })

const cellTexts = async (p: Page = page) => {
  const texts = (await p.getByTestId('fleet-cell').allTextContents()).map((t) => t.trim())
  return [0, 1, 2, 3].map((i) => texts.slice(i * 4, i * 4 + 4))
}

beforeAll(async () => {
  mkdirSync(library, { recursive: true })
  writeFleetRun(library, { fleetId: 'night-7f3a', nodes: FOUR_NODES })
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

const noBrowser = skipWhen(!haveBrowser, 'the Fleet view in Chromium', NO_BROWSER)

describe.skipIf(noBrowser)('the Fleet view in Chromium', () => {
  it('draws the 4 × 4 matrix as planted, n4 marked as an outlier sender, within an 800 px window', async () => {
    await page.getByRole('tab', { name: 'Fleet' }).click()
    await page.waitForSelector('[data-testid="fleet-matrix"]', { timeout: 30_000 })
    expect(await page.getByTestId('fleet-cell').count()).toBe(16)
    expect(await cellTexts()).toEqual(COPY_CELLS)
    expect(await page.getByTestId('fleet-summary').textContent()).toMatch(/^4 nodes in pool rack-1, 12 reports/)
    // the outlier: n4's row head marked, no other head, and said in words under the matrix
    const marked = await page.locator('th.outlier').allTextContents()
    expect(marked.map((t) => t.trim())).toEqual(['! n4'])
    expect(await page.locator('th.outlier').getAttribute('data-testid')).toBe('fleet-sender')
    const said = await page.getByTestId('fleet-outlier').allTextContents()
    expect(said).toHaveLength(1)
    expect(said[0]).toMatch(/^! n4 as sender: 0\.350 cycles\/bit against 0\.255: above pool rack-1's median by 37\.3%/)
    // the scale: the dearest pair (n4 → n2) the reddest, the cheapest (n3 → n1) the greenest
    const rgb = async (pair: string) =>
      (
        await page
          .locator(`[data-pair="${pair}"]`)
          .evaluate(
            (el) =>
              (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(
                el
              ).backgroundColor
          )
      )
        .match(/\d+/g)!
        .map(Number)
    const [dear, cheap] = [await rgb('n4>n2'), await rgb('n3>n1')]
    expect(dear[0]).toBeGreaterThan(dear[1])
    expect(cheap[1]).toBeGreaterThan(cheap[0])
    expect(await page.getByTestId('fleet-legend').textContent()).toMatch(/^0\.2400\.360cycles\/bit, lower is better/)
    expect(await overflowPx()).toBe(0)
    const shot = path.join(artifacts, 'fleet-800x600.png')
    await page.screenshot({ path: shot, fullPage: true })
    // the README's picture of the view
    if (process.env.ZCPROF_SCREENSHOTS === '1')
      copyFileSync(shot, path.join(__dirname, '..', '..', 'docs', 'img', 'fleet-800.png'))
  })

  it('the figure and method pickers redraw the matrix: n4 the slow sender, sendfile 0.7 of copy', async () => {
    await page.getByTestId('fleet-figure').selectOption('gbps')
    await expect.poll(async () => (await cellTexts())[3]).toEqual(['12.00', '12.00', '12.00', '·'])
    expect((await cellTexts())[0]).toEqual(['·', '20.00', '20.00', '20.00'])
    expect(await page.getByTestId('fleet-outlier').textContent()).toMatch(/n4 as sender: 12\.00 Gbit\/s .* below/)
    await page.getByTestId('fleet-figure').selectOption('cpu')
    await page.getByTestId('fleet-method').selectOption({ label: 'sendfile' })
    await expect.poll(async () => (await cellTexts())[3]).toEqual(['0.245', '0.252', '0.245', '·'])
    await page.getByTestId('fleet-method').selectOption({ label: 'copy' })
    await expect.poll(async () => (await cellTexts())[3]).toEqual(COPY_CELLS[3])
  })

  it("clicking n4 → n1 opens that pair's report", async () => {
    // the pairs ran a minute apart in order: n4 → n1 is the tenth, at 09:09
    await page.locator('[data-pair="n4>n1"] button').click()
    await expect.poll(() => page.getByTestId('report-title').count(), { timeout: 15_000 }).toBe(1)
    expect(await page.getByTestId('report-title').textContent()).toMatch(/n4 · 2026-12-01 09:09$/)
    expect(await page.getByRole('tab', { name: /^Report: / }).getAttribute('aria-selected')).toBe('true')
    expect(await overflowPx()).toBe(0)
  })
})

describe.skipIf(noBrowser)('the Fleet view of a wide fleet, and of a library without one', () => {
  it('scrolls a 12-node matrix inside its own box, not the page', async () => {
    const folder = path.join(tempDir(), 'wide')
    mkdirSync(folder, { recursive: true })
    const nodes = Array.from({ length: 12 }, (_, i) => ({
      ...FOUR_NODES[i % 4],
      name: `worker-${String(i).padStart(2, '0')}.pool-a.example.internal`
    }))
    writeFleetRun(folder, { fleetId: 'wide', nodes })
    await withLibraryPage(browser, folder, SMALL, async (p) => {
      await p.getByRole('tab', { name: 'Fleet' }).click()
      await p.waitForSelector('[data-testid="fleet-matrix"]', { timeout: 30_000 })
      expect(await p.getByTestId('fleet-cell').count()).toBe(144)
      const box = await p
        .getByTestId('fleet-box')
        .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))
      expect(box.scroll).toBeGreaterThan(box.client)
      expect(await overflowPx(p)).toBe(0)
      // the nodes sending at n4's cost (3, 7 and 11) are marked
      expect((await p.locator('th.outlier').allTextContents()).map((t) => t.trim())).toEqual([
        '! worker-03.pool-a.example.internal',
        '! worker-07.pool-a.example.internal',
        '! worker-11.pool-a.example.internal'
      ])
    })
  })

  it('says how to fill the library', async () => {
    await withLibraryPage(browser, path.join(tempDir(), 'empty'), SMALL, async (p) => {
      await p.getByRole('tab', { name: 'Fleet' }).click()
      await p.waitForSelector('[data-testid="fleet-empty"]', { timeout: 30_000 })
      expect(await p.getByTestId('fleet-empty').textContent()).toMatch(/holds no fleet run.*zcprof fleet run/)
    })
  })
})
