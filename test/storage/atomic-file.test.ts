// Reports are written atomically; a full disk gives a clear error and leaves nothing behind.

import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../src/main/storage/atomic-file'
import { ensureTestFile } from '../../src/main/engine/test-file'
import { tempDir } from '../helpers'
import { skipWhen } from '../skips'

describe('writeFileAtomic', () => {
  it('writes the whole file and leaves no temp file', () => {
    const dir = tempDir()
    writeFileAtomic(`${dir}/r.json`, '{"a":1}')
    expect(readFileSync(`${dir}/r.json`, 'utf8')).toBe('{"a":1}')
    expect(readdirSync(dir)).toEqual(['r.json'])
  })
  it('names a missing folder', () => {
    expect(() => writeFileAtomic('/nonexistent-dir/r.json', '{}')).toThrow(/folder \/nonexistent-dir does not exist/)
  })
})

// A real full disk: a 2 MiB tmpfs. Mounting needs root, which CI has.
const root = process.getuid?.() === 0 || process.env.CI === 'true'
describe.skipIf(skipWhen(!root, 'on a full disk', 'needs root to mount a 2 MiB tmpfs'))('on a full disk', () => {
  const dir = tempDir('zcprof-full-')
  beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m,mode=0700', 'tmpfs', dir]))
  afterAll(() => execFileSync('umount', [dir]))

  it('a report that does not fit fails with ENOSPC, keeps the old one, and leaves no temp file', () => {
    writeFileAtomic(`${dir}/r.json`, 'old')
    expect(() => writeFileAtomic(`${dir}/r.json`, 'x'.repeat(4 * 1024 * 1024))).toThrow(/disk is full/)
    expect(readFileSync(`${dir}/r.json`, 'utf8')).toBe('old')
    expect(readdirSync(dir)).toEqual(['r.json'])
  })
  it('a test file that cannot fit is refused up front with the fix', async () => {
    await expect(ensureTestFile(64 * 1024 * 1024, dir)).rejects.toThrow(/not enough disk space.*--cache-dir/s)
    expect(readdirSync(dir)).toEqual(['r.json'])
  })
})
