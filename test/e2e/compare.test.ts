// The library and compare views end to end in browser mode: reports from two
// machines (and a noisy third) in a library folder, imported iperf3 output, the
// planted regression flagged and the noise shown as noise, the environment diff,
// charts exported as PNG, a report exported as HTML, rename and delete with undo.

import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers'
import {
  artifacts,
  collectProblems,
  haveBrowser,
  NO_BROWSER,
  launchBrowser,
  screenshotViewports,
  startUi
} from './browser'
import { skipWhen } from '../skips'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
let ui: ChildProcess
let browser: Browser
let page: Page
const library = path.join(tempDir(), 'team-reports')

beforeAll(async () => {
  mkdirSync(library, { recursive: true })
  for (const name of ['machine-a.json', 'machine-b.json', 'machine-c-noisy.json'])
    copyFileSync(path.join(F, name), path.join(library, name))
  writeFileSync(path.join(library, 'cut-short.json'), '{"schemaVersion": 2, "tool": {"name": "zc')
  let url: string
  ;({ ui, url } = await startUi({ ZCPROF_LIBRARY: library }))
  if (!haveBrowser) return
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 }, acceptDownloads: true })
  problems = collectProblems(page)
  await page.goto(url)
})

let problems: string[] = []
// any console or page error in a flow fails that flow
afterEach(() => {
  expect(problems.splice(0)).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  ui?.kill('SIGTERM')
})

async function download(click: () => Promise<void>): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()])
  return readFileSync((await d.path())!)
}

const noBrowser = skipWhen(!haveBrowser, 'library and compare in Chromium', NO_BROWSER)

describe.skipIf(noBrowser)('library and compare in Chromium', () => {
  it('lists the library, with the damaged file and its reason', async () => {
    await page.getByRole('tab', { name: /Library/ }).click()
    // the view is a chunk of its own, loaded on this first visit: a busy machine may take a moment
    await page.waitForSelector('[data-testid="library-table"]', { timeout: 30_000 })
    await expect.poll(() => page.getByTestId('library-table').locator('tbody tr').count()).toBe(4)
    expect(await page.getByTestId('entry-machine-b.json').textContent()).toMatch(
      /lab-b new kernel.*lab-b.*copy, sendfile.*kernel-6\.19/
    )
    expect(await page.getByTestId('entry-cut-short.json').textContent()).toMatch(/cannot be read: .*truncated/)
  })

  it('imports iperf3 output beside them', async () => {
    await page.getByTestId('import-input').setInputFiles(path.join(F, 'iperf3-loopback.json'))
    await expect
      .poll(() => page.getByTestId('library-info').first().textContent())
      .toMatch(/Imported iperf3-loopback\.json/)
    await expect.poll(() => page.getByTestId('library-table').locator('tbody tr').count()).toBe(5)
    expect(await page.getByTestId('entry-iperf3-loopback.json').textContent()).toMatch(/imported · iperf3 3\.12/)
  })

  it('searches, filters and sorts the library', async () => {
    const rows = () => page.getByTestId('library-table').locator('tbody tr').count()
    await page.getByTestId('library-search').fill('new kernel')
    await expect.poll(rows).toBe(1)
    expect(await page.getByTestId('library-count').textContent()).toBe('1 of 5 reports')
    await page.getByTestId('library-search').fill('')
    await page.getByTestId('filter-host').selectOption('lab-a')
    await expect.poll(rows).toBe(1)
    await page.getByTestId('filter-host').selectOption('')
    await page.getByTestId('filter-tag').selectOption('kernel-6.19')
    await expect.poll(rows).toBe(1)
    await page.getByRole('button', { name: 'Show all' }).click()
    await expect.poll(rows).toBe(5)
    await page.getByTestId('library-sort').selectOption('title')
    // by title, the damaged file last
    const titles = await page.getByTestId('library-table').locator('tbody tr').allTextContents()
    expect(titles.at(-1)).toMatch(/cut-short\.json cannot be read/)
  })

  it('the library and compare views work from the keyboard alone', async () => {
    /** presses Tab until `target` has the focus, as a person would; it must show that it has it */
    async function tabTo(target: ReturnType<typeof page.locator>) {
      for (let i = 0; i < 120; i++) {
        if (await target.evaluate((el) => el.matches(':focus'))) {
          // the page's own getComputedStyle: the test's tsconfig has no DOM types
          const outline = await target.evaluate(
            (el) =>
              (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el)
                .outlineStyle
          )
          expect(outline).not.toBe('none')
          return
        }
        await page.keyboard.press('Tab')
      }
      throw new Error('never reached by Tab')
    }
    await page.getByTestId('library-sort').selectOption('newest')
    await tabTo(page.getByLabel('select lab-a baseline'))
    await page.keyboard.press('Space')
    await tabTo(page.getByLabel('select lab-b new kernel'))
    await page.keyboard.press('Space')
    await tabTo(page.getByTestId('compare-selected'))
    await page.keyboard.press('Enter')
    // the compare view's chunk loads on this first visit
    await page.waitForSelector('[data-testid="compare-verdict"]', { timeout: 30_000 })
    // B runs a newer kernel: not the same experiment until told to judge across it
    await expect.poll(() => page.getByTestId('compare-verdict').textContent()).toMatch(/^not comparable/)
    await tabTo(page.getByTestId('allow-plan-diff'))
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByTestId('compare-verdict').textContent()).toMatch(/^1 regression/)
    // the gate, from the keyboard
    await tabTo(page.getByLabel('throughput', { exact: true }))
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByTestId('compare-verdict').textContent()).toMatch(/^pass: no regression/)
    await page.keyboard.press('Space')
    await expect.poll(() => page.getByTestId('compare-verdict').textContent()).toMatch(/^1 regression/)
    await tabTo(page.getByRole('button', { name: 'Back to the library' }))
    await page.keyboard.press('Enter')
    await expect.poll(() => page.getByTestId('library-table').isVisible()).toBe(true)
    // leave the selection as the next test expects to make it
    for (const name of ['select lab-a baseline', 'select lab-b new kernel']) await page.getByLabel(name).uncheck()
  })

  it('compares two machines: the 20% regression flagged, the 2% difference shown as noise', async () => {
    await page.getByLabel('select lab-a baseline').check()
    await page.getByLabel('select lab-b new kernel').check()
    await page.getByTestId('compare-selected').click()
    const verdict = page.getByTestId('compare-verdict')
    // not the same experiment (a newer kernel): the banner says so, and names the difference
    await expect.poll(() => verdict.getAttribute('data-gate')).toBe('not-comparable')
    expect(await verdict.textContent()).toMatch(/kernel: \[A\] 6\.18\.44 {2}vs {2}\[B\] 6\.19\.2/)
    expect(await verdict.getAttribute('class')).toMatch(/\bwarn\b/)
    await page.getByTestId('allow-plan-diff').check()
    await expect
      .poll(() => verdict.textContent())
      .toMatch(/^1 regression\(s\) beyond 5\.0% and the noise:B: sendfile tcp:\/\/127\.0\.0\.1 throughput −20\.0%/)
    expect(await verdict.getAttribute('data-gate')).toBe('regression')
    const sendfileB = page.getByTestId('cmp-sendfile-1')
    expect(
      await sendfileB.locator('[data-metric="throughputBitsPerSec"] [data-verdict="worse"]').textContent()
    ).toMatch(/−20\.0%.*worse.*regression/)
    const copyB = page.getByTestId('cmp-copy-1')
    expect(
      await copyB.locator('[data-metric="throughputBitsPerSec"] [data-verdict]').getAttribute('data-verdict')
    ).toBe('within-noise')
    expect(await copyB.locator('.regression').count()).toBe(0)
    // the environments side by side, differences marked
    const fact = (label: string) => page.getByTestId('env-diff').locator(`tr:has(th:text-is("${label}"))`)
    const kernel = fact('kernel')
    expect(await kernel.getAttribute('data-differs')).toBe('true')
    expect(await kernel.textContent()).toMatch(/6\.18\.44.*6\.19\.2/)
    expect(await fact('PMU').getAttribute('data-differs')).toBe('false')
    expect(await fact('NICs').textContent()).toMatch(/virtio_net.*mlx5_core, 25 Gb\/s/)
    // both charts drew a bar per report per method
    for (const id of ['compare-throughput', 'compare-cycles'])
      await expect.poll(() => page.getByTestId(id).locator('.recharts-bar-rectangle').count()).toBe(4)
    // each cell says the smallest change its repetitions can tell from noise
    expect(
      await copyB.locator('[data-metric="throughputBitsPerSec"] [data-testid="detectable"]').textContent()
    ).toMatch(/detects ±\d+(\.\d)?%/)
    await page.screenshot({ path: path.join(artifacts, 'compare.png'), fullPage: true })
    await screenshotViewports(page, 'compare')
  })

  it('one verdict: the gate is chosen in the view, and a regression outside it is named, not hidden', async () => {
    await page.getByLabel('throughput', { exact: true }).uncheck()
    const verdict = page.getByTestId('compare-verdict')
    await expect
      .poll(() => verdict.textContent())
      .toMatch(
        /^pass: no regression beyond 5\.0% and the noise in all hosts cycles\/bit, and each could have shown one/
      )
    expect(await page.getByTestId('ungated-regressions').textContent()).toMatch(
      /not gated: B: sendfile throughput −20\.0%/
    )
    // the table's chip agrees with the banner: worse, but not gated
    expect(await page.getByTestId('cmp-sendfile-1').locator('.chip').first().textContent()).toBe('worse (not gated)')
    await page.getByLabel('throughput', { exact: true }).check()
    await expect.poll(() => verdict.textContent()).toMatch(/^1 regression/)
  })

  it('exports the comparison as Markdown and HTML', async () => {
    const md = (await download(() => page.getByTestId('compare-export-md').click())).toString()
    expect(md).toMatch(/^### zcprof compare: 1 regression\\\(s\\\)/)
    expect(md).toContain('- B: lab-b new kernel')
    const html = (await download(() => page.getByTestId('compare-export-html').click())).toString()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('class="verdict bad"')
    expect(html).not.toMatch(/<script/i)
  })

  it('a chart saves as a PNG', async () => {
    const png = await download(() =>
      page.getByTestId('compare-throughput').getByRole('button', { name: 'PNG' }).click()
    )
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThan(400) // width, at 2×
    expect(png.length).toBeGreaterThan(5000)
    // the image stands alone: a title band above the chart and a legend band below it,
    // so it is taller (at 2×) than the chart's own surface by both
    const svgHeight = await page
      .getByTestId('compare-throughput')
      .locator('.recharts-wrapper > svg.recharts-surface')
      .evaluate(
        (el) => (el as unknown as { getBoundingClientRect(): { height: number } }).getBoundingClientRect().height
      )
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(Math.round((svgHeight + 28 + 24) * 2) - 2)
  })

  it('another baseline, or a higher threshold, changes the verdict', async () => {
    await page.getByTestId('baseline').selectOption({ label: 'lab-b new kernel' })
    await expect.poll(() => page.getByTestId('compare-verdict').textContent()).toMatch(/^pass: no regression/)
    expect(
      await page
        .getByTestId('cmp-sendfile-0')
        .locator('[data-metric="throughputBitsPerSec"] [data-verdict]')
        .getAttribute('data-verdict')
    ).toBe('better')
    await page.getByTestId('baseline').selectOption({ label: 'lab-a baseline' })
    await page.getByTestId('threshold').fill('25%')
    await expect
      .poll(() => page.getByTestId('compare-verdict').textContent())
      .toMatch(/^pass: no regression beyond 25\.0%/)
  })

  it('opens one report and exports it as HTML', async () => {
    await page.getByRole('tab', { name: /Library/ }).click()
    await page.getByTestId('entry-machine-a.json').getByRole('button', { name: 'Open' }).click()
    await expect.poll(() => page.getByTestId('report-title').textContent()).toBe('lab-a baseline')
    await screenshotViewports(page, 'report')
    const html = (await download(() => page.getByTestId('export-html').click())).toString()
    expect(html).toMatch(/^<!doctype html>/)
    expect(html).toContain('<title>lab-a baseline · zcprof</title>')
    const csv = (await download(() => page.getByTestId('export-csv-trials').click())).toString()
    expect(csv.split('\r\n')[0]).toMatch(/^trial,method,target/)
  })

  it('renames, then deletes with undo', async () => {
    await page.getByRole('tab', { name: /Library/ }).click()
    const row = page.getByTestId('entry-machine-c-noisy.json')
    await row.getByRole('button', { name: 'Rename' }).click()
    await row.getByLabel('title').fill('lab-c, busy week')
    await row.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => row.textContent()).toMatch(/lab-c, busy week/)
    expect(JSON.parse(readFileSync(path.join(library, 'machine-c-noisy.json'), 'utf8')).meta.title).toBe(
      'lab-c, busy week'
    )
    await row.getByRole('button', { name: 'Delete' }).click()
    await expect.poll(() => page.getByTestId('entry-machine-c-noisy.json').count()).toBe(0)
    await page.getByRole('button', { name: 'Undo' }).click()
    await expect.poll(() => page.getByTestId('entry-machine-c-noisy.json').count()).toBe(1)
    await page.screenshot({ path: path.join(artifacts, 'library.png'), fullPage: true })
    await screenshotViewports(page, 'library')
  })
})
