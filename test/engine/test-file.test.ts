import { statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkUserFile, ensureTestFile } from '../../src/main/engine/test-file'
import { tempDir } from '../helpers'

describe('ensureTestFile', () => {
  it('makes a file of exactly the size asked, then reuses it', async () => {
    const dir = tempDir()
    const a = await ensureTestFile(1_000_003, dir)
    expect(statSync(a).size).toBe(1_000_003)
    const mtime = statSync(a).mtimeMs
    expect(await ensureTestFile(1_000_003, dir)).toBe(a)
    expect(statSync(a).mtimeMs).toBe(mtime)
  })

  it('reports progress while it writes', async () => {
    const seen: number[] = []
    await ensureTestFile(9 * 1024 * 1024, tempDir(), (d) => seen.push(d))
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.at(-1)).toBe(9 * 1024 * 1024)
  })

  it('never holds the event loop for long: the desktop app runs it on its main thread', async () => {
    let ticks = 0
    let worstGapMs = 0
    let last = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      worstGapMs = Math.max(worstGapMs, now - last)
      last = now
      ticks++
    }, 5)
    await ensureTestFile(256 * 1024 * 1024, tempDir())
    clearInterval(timer)
    // a synchronous writer gives one tick at the end; this one many, at short gaps
    expect(ticks).toBeGreaterThan(10)
    expect(worstGapMs).toBeLessThan(1000)
  })
})

describe('checkUserFile', () => {
  it('refuses an empty file', () => {
    const f = `${tempDir()}/empty`
    writeFileSync(f, '')
    expect(() => checkUserFile(f)).toThrow(/is empty/)
  })
})
