// What the end-to-end tests share: headless Chromium, `zcprof ui` as a child, and
// the artifacts folder screenshots go to.

import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { tempDir, ZCPROF_BIN } from '../helpers'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const artifacts = path.join(__dirname, '..', '..', 'test-artifacts')
// CI installs Chromium (.ci/run): there a missing browser fails instead of skipping
export const haveBrowser = existsSync(CHROMIUM) || process.env.CI === 'true'
/** why the browser tests skip, and how to run them */
export const NO_BROWSER = `no Chromium at ${CHROMIUM}: install it (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH to a Chromium binary`

export function launchBrowser(): Promise<Browser> {
  mkdirSync(artifacts, { recursive: true })
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--no-first-run'
    ]
  })
}

/**
 * `zcprof ui` on a random loopback port; resolves with the process and its first link
 * (a one-time code, good for a minute). newLink() asks it for another (SIGUSR2).
 */
export async function startUi(
  env: Record<string, string> = {},
  /** more of `zcprof ui`'s options, e.g. --allow-target */
  args: string[] = []
): Promise<{ ui: ChildProcess; url: string; newLink: () => Promise<string> }> {
  const ui = spawn(process.execPath, [ZCPROF_BIN, 'ui', '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CACHE_HOME: tempDir(), XDG_DATA_HOME: tempDir(), ...env }
  })
  const waiting: ((link: string) => void)[] = []
  let out = ''
  ui.stdout!.on('data', (d: Buffer) => {
    out += d.toString()
    let m
    while ((m = /zcprof ui: (\S+)\n/.exec(out))) {
      out = out.slice(m.index + m[0].length)
      waiting.shift()?.(m[1])
    }
  })
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve)
      ui.once('exit', (c) => reject(new Error(`zcprof ui exited ${c}`)))
    })
  const url = await next()
  const newLink = () => {
    const link = next()
    ui.kill('SIGUSR2')
    return link
  }
  return { ui, url, newLink }
}

/**
 * Every console error and uncaught page error from now on. Each test file asserts the
 * list is empty after every test, so any flow that logs an error fails.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`))
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  return problems
}

/** the two window sizes every view is looked at in: a laptop and a desktop */
export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 }
] as const

/** the view as each size shows it (what is above the fold), then the page as it was */
export async function screenshotViewports(page: Page, name: string): Promise<void> {
  const before = page.viewportSize()
  for (const v of VIEWPORTS) {
    await page.setViewportSize(v)
    // from the top, as the view opens: what a person sees first
    await page.mouse.wheel(0, -100_000)
    await page.screenshot({ path: path.join(artifacts, `${name}-${v.width}x${v.height}.png`) })
  }
  if (before) await page.setViewportSize(before)
}

/**
 * One flow on a page of `zcprof ui` over a library of its own: the UI started, a page
 * opened on it, `flow` run, and any console or page error on that page fails it; the
 * page and the UI go whatever happens. `beforeGoto` sees the page before it loads.
 */
export async function withLibraryPage(
  browser: Browser,
  library: string,
  viewport: { width: number; height: number },
  flow: (page: Page) => Promise<void>,
  beforeGoto: (page: Page) => void = () => undefined
): Promise<void> {
  const { ui, url } = await startUi({ ZCPROF_LIBRARY: library })
  const page = await browser.newPage({ viewport })
  const seen = collectProblems(page)
  beforeGoto(page)
  try {
    await page.goto(url)
    await flow(page)
    if (seen.length) throw new Error(`console or page errors: ${seen.join('; ')}`)
  } finally {
    await page.close()
    ui.kill('SIGTERM')
  }
}
