import { statSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkUserFile, ensureTestFile } from '../../src/main/engine/test-file'
import { tempDir } from '../helpers'

describe('ensureTestFile', () => {
  it('makes a file of exactly the size asked, then reuses it', () => {
    const dir = tempDir()
    const a = ensureTestFile(1_000_003, dir)
    expect(statSync(a).size).toBe(1_000_003)
    const mtime = statSync(a).mtimeMs
    expect(ensureTestFile(1_000_003, dir)).toBe(a)
    expect(statSync(a).mtimeMs).toBe(mtime)
  })
  it('reports progress while it writes', () => {
    const seen: number[] = []
    ensureTestFile(9 * 1024 * 1024, tempDir(), (d) => seen.push(d))
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.at(-1)).toBe(9 * 1024 * 1024)
  })
})

describe('checkUserFile', () => {
  it('refuses an empty file', () => {
    const dir = tempDir()
    const f = `${dir}/empty`
    writeFileSync(f, '')
    expect(() => checkUserFile(f)).toThrow(/is empty/)
  })
})
