// A GPU target in the UI, in real headless Chromium against `zcprof ui` on the fake CUDA
// driver (test/native/fake-cuda): the GPU methods picked in the setup form, the live
// throughput chart against the GPU's PCIe link, and the results' GPU table.

import type { ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { METHODS } from '../../src/shared/methods'
import { buildFakeCuda } from '../native/fake-cuda/build'
import { skipWhen } from '../skips'
import {
  artifacts,
  collectProblems,
  haveBrowser,
  launchBrowser,
  NO_BROWSER,
  screenshotViewports,
  startUi
} from './browser'

let ui: ChildProcess
let url = ''
let browser: Browser
let page: Page
let problems: string[] = []

beforeAll(async () => {
  ;({ ui, url } = await startUi(buildFakeCuda().env))
  if (!haveBrowser) return
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 } })
  problems = collectProblems(page)
})

afterEach(() => {
  expect(problems.splice(0)).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  ui?.kill('SIGTERM')
})

describe.skipIf(skipWhen(!haveBrowser, 'in Chromium', NO_BROWSER))('a GPU target in Chromium', () => {
  it(
    'runs gpu-copy and gpu-register into gpu://0: live against the PCIe link, then the GPU table',
    { timeout: 120_000 },
    async () => {
      await page.goto(url)
      await page.waitForSelector('form[aria-label="run setup"]')
      // socket methods on a GPU: the form says which methods the target runs
      await page.fill('input[name="target"]', 'gpu://0')
      await expect(page.textContent('[data-testid="error-methods"]')).resolves.toMatch(/gpu:\/\/0 runs the GPU methods/)
      for (const m of METHODS) await page.uncheck(`input[name="method-${m}"]`)
      await page.check('input[name="method-gpu-copy"]')
      await page.check('input[name="method-gpu-register"]')
      await page.fill('input[name="duration"]', '3s')
      // one round: no precision to repeat until
      await page.fill('input[name="precision"]', '')
      await page.fill('input[name="repeat"]', '1')
      await page.check('input[name="verify"]')
      expect(await page.isDisabled('button[type="submit"]')).toBe(false)
      await page.click('button[type="submit"]')
      await page.waitForSelector('section[aria-label="live run"]')
      // the fake moves tens of Gbit/s against a 504 Gbit/s link: the line is off the scale, and said so
      await expect
        .poll(
          () =>
            page
              .locator('[data-testid="reference-off-scale-gbps"]')
              .textContent()
              .catch(() => ''),
          {
            timeout: 30_000
          }
        )
        .toMatch(/PCIe gen5 x16 is off this scale/)
      await page.waitForSelector('[data-testid="gpu-table"]', { timeout: 60_000 })
      const table = await page.textContent('[data-testid="gpu-table"]')
      expect(table).toMatch(/into zcprof fake GPU 0 \(host memory\), PCIe gen4 x16 \(max gen5 x16: 63\.0 GB\/s\)/)
      expect(await page.textContent('[data-testid="gpu-gpu-register"]')).toMatch(/^gpu-register\d+\.\d\d/)
      expect(await page.textContent('[data-testid="gpu-PCIe link"]')).toMatch(/63\.02/)
      // verified: the device buffer, copied back, matched the file (no checksum warning)
      expect(
        await page
          .locator('[data-testid="warnings"]')
          .textContent()
          .catch(() => '')
      ).not.toMatch(/checksum/)
      // the environment names the GPU beside the host
      expect(await page.textContent('[data-testid="gpu-environment-0"]')).toMatch(
        /zcprof fake GPU 0 \(host memory\).*580\.0-fake · CUDA 13\.0.*gen4 x16 \(max gen5 x16: 63\.0 GB\/s\).*compatibility mode/
      )
      // gpu-copy is the GPU's baseline: gpu-register is compared with it
      expect(await page.getAttribute('[data-testid="vs-copy-gpu-register"]', 'data-verdict')).toMatch(/^[a-z-]+$/)
      await page.screenshot({ path: path.join(artifacts, 'gpu-results.png'), fullPage: true })
      await screenshotViewports(page, 'gpu-results')
    }
  )
})
