// The exported HTML report opened from disk in headless Chromium: it renders its
// charts offline, asks the network for nothing, and runs no script.

import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { reportHtml } from '../../src/shared/export/html'
import { tempDir } from '../helpers'
import { artifacts, haveBrowser, NO_BROWSER, launchBrowser } from './browser'
import { skipWhen } from '../skips'

let browser: Browser

beforeAll(async () => {
  if (haveBrowser) browser = await launchBrowser()
})
afterAll(async () => browser?.close())

describe.skipIf(skipWhen(!haveBrowser, 'HTML export in Chromium', NO_BROWSER))('HTML export in Chromium', () => {
  it('renders offline with its charts, and a screenshot is kept', async () => {
    const { report } = loadReportFile(path.join(__dirname, '../fixtures/reports/machine-a.json'))
    const file = path.join(tempDir(), 'report.html')
    writeFileSync(file, reportHtml(report))
    const context = await browser.newContext({ offline: true, viewport: { width: 1240, height: 900 } })
    const page = await context.newPage()
    const requests: string[] = []
    const problems: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()))
    page.on('pageerror', (e) => problems.push(e.message))
    await page.goto('file://' + file)
    expect(await page.title()).toBe('lab-a baseline · zcprof')
    // throughput, cycles/bit, cores needed at line rate, throughput over time
    expect(await page.locator('svg').count()).toBe(4)
    // the headroom chart drew a bar per method at each line rate, beside the 1 cycle/bit rule
    const headroom = page.locator('svg[aria-label="Cores needed at line rate (whole system)"]')
    expect(await headroom.locator('rect title').count()).toBeGreaterThanOrEqual(4)
    // the bars were laid out: each method's throughput bar has a height
    const heights = await page
      .locator('svg')
      .first()
      .locator('rect[fill]:not([width="560"])')
      .evaluateAll((els) => els.map((e) => (e as unknown as { getBBox(): { height: number } }).getBBox().height))
    expect(heights.filter((h) => h > 10).length).toBeGreaterThanOrEqual(2)
    expect(await page.locator('table').first().textContent()).toMatch(/sendfile/)
    expect(requests).toEqual(['file://' + file])
    expect(problems).toEqual([])
    mkdirSync(artifacts, { recursive: true })
    await page.screenshot({ path: path.join(artifacts, 'html-export.png'), fullPage: true })
    await context.close()
  })
})
