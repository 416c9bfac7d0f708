// The UI end to end, in real headless Chromium against `zcprof ui`: set up copy vs
// sendfile in timed trials of 4 streams, watch them live, read the results and the
// headroom, cancel a second run; strangers refused.

import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
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

let ui: ChildProcess
let url = ''
let newLink: () => Promise<string>
let origin = ''
let browser: Browser
let page: Page

beforeAll(async () => {
  ;({ ui, url, newLink } = await startUi())
  origin = new URL(url).origin
  if (!haveBrowser) return
  browser = await launchBrowser()
  page = await browser.newPage({ viewport: { width: 1360, height: 1000 } })
  problems = collectProblems(page)
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

function wsStatus(headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(origin.replace('http', 'ws') + '/api', { headers })
    ws.on('open', () => {
      ws.close()
      resolve('open')
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', () => resolve(0))
  })
}

describe('browser mode refuses strangers', () => {
  /** this instance's cookie name (its port in it) */
  const cookie = () => `zcprof_token_${new URL(url).port}`
  /** the token, as the cookie a link's code is swapped for */
  const token = async () => {
    const r = await fetch(await newLink(), { redirect: 'manual' })
    expect(r.status).toBe(303)
    return new RegExp(`^${cookie()}=([^;]+)`).exec(r.headers.get('set-cookie') ?? '')![1]
  }
  it('a page request without the cookie, or with a wrong code', async () => {
    expect((await fetch(origin + '/')).status).toBe(403)
    expect((await fetch(origin + '/?code=guess')).status).toBe(403)
    expect((await fetch(origin + '/', { headers: { Cookie: `${cookie()}=${await token()}` } })).status).toBe(200)
  })
  it('a WebSocket without the cookie, or from another origin', async () => {
    const t = await token()
    expect(await wsStatus({ Origin: origin })).toBe(403)
    expect(await wsStatus({ Origin: 'http://evil.example', Cookie: `${cookie()}=${t}` })).toBe(403)
    expect(await wsStatus({ Origin: origin, Cookie: `${cookie()}=${t}` })).toBe('open')
  })
})

describe.skipIf(skipWhen(!haveBrowser, 'in Chromium', NO_BROWSER))('in Chromium', () => {
  const points = async (id: string) => Number(await page.getAttribute(`[data-testid="${id}"]`, 'data-points'))
  /** polled from here: the page's CSP rightly forbids the eval a page-side predicate needs */
  const pointsAtLeast = (id: string, n: number) =>
    expect.poll(() => points(id), { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(n)

  it('opens under localhost too: the page, and its WebSocket (the setup form needs its answer)', async () => {
    const link = (await newLink()).replace('//127.0.0.1:', '//localhost:')
    const other = await browser.newPage()
    const otherProblems = collectProblems(other)
    await other.goto(link)
    await other.waitForSelector('form[aria-label="run setup"]', { timeout: 15_000 })
    expect(other.url()).toBe(`http://localhost:${new URL(origin).port}/`)
    await other.close()
    expect(otherProblems).toEqual([])
  })

  it('validates the setup form beside the field', async () => {
    // a fresh link: the first may be over a minute old on a slow machine
    await page.goto(await newLink())
    await page.waitForSelector('form[aria-label="run setup"]')
    // the code was swapped for the cookie: the address bar (and history) keep the bare address
    expect(page.url()).toBe(`${origin}/`)
    // first paint, measured by the browser: printed, not judged (a shared machine's timing is noise)
    const paint = await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null
      const scripts = performance
        .getEntriesByType('resource')
        .filter((r) => r.name.endsWith('.js'))
        .map((r) => (r as unknown as { decodedBodySize: number }).decodedBodySize)
      return { fcp, scripts }
    })
    expect(paint.fcp).toBeGreaterThan(0)
    // the library and compare views are chunks of their own: not loaded for a run
    expect(paint.scripts).toHaveLength(1)
    console.log(
      `first contentful paint: ${paint.fcp!.toFixed(0)} ms; script: ${(paint.scripts[0] / 1024).toFixed(0)} KiB`
    )
    await screenshotViewports(page, 'setup')
    await page.fill('input[name="size"]', '12XB')
    await expect(page.textContent('[data-testid="error-size"]')).resolves.toMatch(/not a size/)
    expect(await page.isDisabled('button[type="submit"]')).toBe(true)
    await page.fill('input[name="target"]', 'udp://nowhere')
    await expect(page.textContent('[data-testid="error-target"]')).resolves.toMatch(/unknown scheme/)
    await page.fill('input[name="target"]', 'tcp://127.0.0.1')
    await page.fill('input[name="size"]', '256MiB')
    expect(await page.isDisabled('button[type="submit"]')).toBe(false)
  })

  it(
    'runs copy vs sendfile in timed trials of 4 streams: the running trial draws as it goes, then the results',
    { timeout: 120_000 },
    async () => {
      for (const m of ['mmap', 'splice', 'msg-zerocopy', 'uring-send', 'uring-splice', 'uring-send-zc', 'node-stream'])
        await page.uncheck(`input[name="method-${m}"]`)
      await page.fill('input[name="duration"]', '6s')
      await page.fill('input[name="streams"]', '4')
      // exactly two rounds: no precision to repeat until
      await page.fill('input[name="precision"]', '')
      await page.fill('input[name="repeat"]', '2')
      await page.fill('input[name="title"]', 'e2e: copy vs sendfile, 4 streams')
      await page.fill('input[name="tags"]', 'e2e, four-streams')
      await page.click('button[type="submit"]')
      await page.waitForSelector('section[aria-label="live run"]')
      // the running trial grows while it runs, each of its 4 streams stacked
      await pointsAtLeast('live-streams', 3)
      // its time axis is the trial's 6 s from the start, in round steps, and holds still as samples come
      const xTicks = () =>
        page.locator('[data-testid="live-systemCyclesPerBit"] .recharts-xAxis-tick-labels text').allTextContents()
      const firstTicks = await xTicks()
      expect(firstTicks.at(-1)).toBe('6s')
      expect(firstTicks[0]).toBe('0s')
      const early = await points('live-streams')
      await pointsAtLeast('live-streams', early + 10)
      expect(await xTicks()).toEqual(firstTicks)
      expect(await page.getAttribute('[data-testid="live-streams"]', 'data-streams')).toBe('4')
      // drawn once the responsive container has measured itself: an area per stream
      await expect.poll(() => page.locator('[data-testid="live-streams"] .recharts-area-area').count()).toBe(4)
      // a finished trial is a point on the per-trial chart; the next trial draws afresh
      await pointsAtLeast('trials-gbps', 1)
      // mid-trial (a 6 s trial has 120 samples), for a screenshot worth reading: the run keeps
      // both cores busy, so a shot takes a while; keep it only if the same trial was still drawing.
      // The run may end first on a slow machine: the shots are pictures for a person, not a check.
      // read in one step in the page: a count then a read races the chart going away at the end
      // of the run, and the read then waits for an element that will not come back
      const livePoints = async () => {
        const value = await page
          .locator('[data-testid="live-streams"]')
          .evaluateAll((charts) => charts[0]?.getAttribute('data-points') ?? null)
        return value === null ? -1 : Number(value)
      }
      let shotTaken = false
      while (!shotTaken) {
        await expect
          .poll(async () => ((n) => n < 0 || (n >= 20 && n <= 60))(await livePoints()), {
            timeout: 60_000,
            interval: 50
          })
          .toBe(true)
        const before = await livePoints()
        if (before < 0) break
        const shot = await page.screenshot()
        if ((await livePoints()) >= before) {
          writeFileSync(path.join(artifacts, 'live.png'), shot)
          await screenshotViewports(page, 'live')
          shotTaken = true
        }
      }
      if (!shotTaken) console.warn('no mid-trial screenshot: the run ended before a shot of a trial in progress')

      await page.waitForSelector('[data-testid="results-table"]', { timeout: 120_000 })
      const copy = await page.textContent('[data-testid="result-copy"]')
      const sendfile = await page.textContent('[data-testid="result-sendfile"]')
      expect(copy).toMatch(/copy\s*\d+\.\d\d \(\d+\.\d\d–\d+\.\d\d\)/)
      expect(sendfile).toMatch(/sendfile\s*\d+\.\d\d/)
      // the headline first: two rounds are too few to tell, and the view says so rather than
      // print an interval two repetitions cannot support; the sentences above say the same
      expect(await page.getAttribute('[data-testid="headline-sendfile"]', 'data-status')).toBe('too-few')
      expect(await page.textContent('[data-testid="headline-sendfile"]')).toMatch(/n = 2: too few/)
      expect(await page.textContent('[data-testid="vs-copy-sendfile"]')).toMatch(/n = 2: too few to tell/)
      expect(await page.textContent('[data-testid="vs-copy-sendfile"]')).not.toMatch(/\[[−+]\d/)
      expect(await page.textContent('[data-testid="findings"]')).toMatch(
        /Too little data to tell for sendfile \(n = 2\)/
      )
      expect(await page.getAttribute('[data-testid="vs-copy-sendfile"]', 'data-verdict')).toMatch(/^[a-z-]+$/)
      expect(await page.locator('[data-testid="bars-cycles"] .recharts-bar-rectangle').count()).toBeGreaterThan(0)
      // the legend in the order the bars are drawn (the whole system first), a whisker on each bar, units on the axis
      const cycles = page.locator('[data-testid="bars-cycles"]')
      expect(await cycles.locator('.recharts-legend-item-text').allTextContents()).toEqual([
        'system',
        'sender',
        'receiver'
      ])
      expect(await cycles.locator('.recharts-errorBar').count()).toBeGreaterThanOrEqual(6)
      expect(await cycles.locator('svg text', { hasText: '× copy' }).count()).toBe(1)
      // round steps: every tick a whole number of one step of 1, 2, 2.5 or 5 × 10^k
      const ticks = (await cycles.locator('.recharts-yAxis-tick-labels text').allTextContents()).map(Number)
      const step = ticks[1] - ticks[0]
      const mantissa = step / 10 ** Math.floor(Math.log10(step))
      expect(
        [1, 2, 2.5, 5].some((m) => Math.abs(m - mantissa) < 1e-9),
        `ticks ${ticks.join(', ')}`
      ).toBe(true)
      for (const [i, t] of ticks.entries()) expect(t).toBeCloseTo(i * step, 9)
      // cores needed at each line rate, per method, beside the 1 cycle/bit rule
      const headroom = page.locator('[data-testid="bars-headroom"]')
      await expect.poll(() => headroom.locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(3 * 4)
      await headroom.screenshot({ path: path.join(artifacts, 'headroom.png') })
      // saved under the title and tags given in the setup form
      await expect
        .poll(() => page.getByTestId('saved-line').textContent())
        .toMatch(/Saved to the library as “e2e: copy vs sendfile, 4 streams”/)
      // the live charts of a finished run give way to its results
      expect(await page.locator('section[aria-label="live run"]').count()).toBe(0)
      await page.screenshot({ path: path.join(artifacts, 'results.png'), fullPage: true })
      await screenshotViewports(page, 'results')
    }
  )

  it('cancels a second run and says it is incomplete', async () => {
    // after a run its results come first, and the setup is folded below them
    const results = await page.locator('[data-testid="results-table"]').boundingBox()
    const setupAgain = await page.locator('[data-testid="setup-again"]').boundingBox()
    expect(results!.y).toBeLessThan(setupAgain!.y)
    expect(await page.isVisible('form[aria-label="run setup"]')).toBe(false)
    await page.click('text=Change the setup and run again')
    // the setup kept what the person chose across the first run
    expect(await page.isChecked('input[name="method-mmap"]')).toBe(false)
    expect(await page.inputValue('input[name="streams"]')).toBe('4')
    await page.fill('input[name="duration"]', '500ms')
    await page.fill('input[name="repeat"]', '50')
    await page.click('button[type="submit"]')
    // the new run has started once Cancel is live, and has data once its chart restarts
    await page.waitForSelector('button:has-text("Cancel"):not([disabled])')
    // two measured trials done, so there is something to keep
    const done = async () =>
      Number(/^(\d+)\//.exec((await page.textContent('[data-testid="progress-text"]')) ?? '')?.[1] ?? 0)
    await expect.poll(done, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(3)
    await page.click('text=Cancel')
    await page.waitForSelector('text=This run is incomplete', { timeout: 30_000 })
    await page.screenshot({ path: path.join(artifacts, 'cancelled.png'), fullPage: true })
    await screenshotViewports(page, 'cancelled')
    expect(await page.locator('[data-testid="results-table"]').count()).toBeGreaterThan(0)
  })

  it(
    'repeats rounds until tight: the rounds and each headline so far, the time left only counting down',
    { timeout: 120_000 },
    async () => {
      await page.click('text=Change the setup and run again')
      await page.fill('input[name="duration"]', '500ms')
      await page.fill('input[name="streams"]', '1')
      // a precision no run here reaches: rounds until the budget, several of them to watch
      await page.fill('input[name="precision"]', '0.5%')
      await page.fill('input[name="maxTime"]', '8s')
      await page.fill('input[name="repeat"]', '3')
      await page.click('button[type="submit"]')
      await page.waitForSelector('button:has-text("Cancel"):not([disabled])')
      /** the seconds the progress line says are left: "7.0 s left", "1m05s left" */
      const secondsLeft = (t: string) => {
        const m = /(?:(\d+)m(\d+)s|(\d+(?:\.\d)?) s) left/.exec(t)
        return m ? (m[3] !== undefined ? Number(m[3]) : Number(m[1]) * 60 + Number(m[2])) : null
      }
      const seen: number[] = []
      const roundRows: string[] = []
      let rounds = false
      while (!(await page.locator('[data-testid="results-table"]').count())) {
        const t =
          (await page
            .locator('[data-testid="progress-text"]')
            .textContent()
            .catch(() => null)) ?? ''
        if (/^round \d+, trial \d+\/\d+/.test(t)) rounds = true
        const s = secondsLeft(t)
        if (s !== null) seen.push(s)
        // the round table, read only while it is there: the run may end, and the view change, at any moment
        const row = page.locator('[data-testid="round-sendfile"]')
        if (await row.count()) {
          const round = await row.textContent({ timeout: 2000 }).catch(() => null)
          if (round !== null) roundRows.push(round)
        }
        await page.waitForTimeout(100)
      }
      expect(rounds).toBe(true)
      // after each round, sendfile's headline so far: its change, or what is still missing
      expect(roundRows.length, `${seen.length} readings: ${seen.join(' ')}`).toBeGreaterThan(0)
      // (a loaded machine may fail a trial: then the row says it has no figure yet)
      for (const r of roundRows) expect(r).toMatch(/^sendfile(n = \d: too few to tell|[−+]\d|±\d|no figure yet)/)
      expect(seen.length).toBeGreaterThan(5)
      // it only ever counts down (to the whole second it shows)
      for (let i = 1; i < seen.length; i++) expect(seen[i], seen.join(' ')).toBeLessThanOrEqual(seen[i - 1])
      // three rounds of copy and sendfile at least; the results lead with the headline
      expect(await page.getAttribute('[data-testid="headline-sendfile"]', 'data-status')).toMatch(
        /^(finding|too-wide)$/
      )
    }
  )
})
