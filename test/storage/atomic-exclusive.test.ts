// The temp file of an atomic write is created exclusively (O_EXCL): were its random name
// ever known ahead (a weak random source), a hard link planted there would otherwise be
// truncated and written through, into whatever file it shares an inode with. Here the
// name is made known by fixing the random bytes.

import { linkSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { tempDir } from '../helpers'

vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>()
  return { ...real, randomBytes: (n: number) => Buffer.alloc(n, 0xab) }
})

// the setup file may have loaded the module with the real source already: load it afresh
vi.resetModules()
const { writeFileAtomic } = await import('../../src/main/storage/atomic-file')

describe('the temp file is created exclusively', () => {
  it('a hard link planted at the temp name is refused, and what it links to is untouched', () => {
    const dir = tempDir()
    const victim = path.join(dir, 'victim.txt')
    writeFileSync(victim, 'precious\n')
    const known = path.join(dir, `.r.json.${'ab'.repeat(8)}.tmp`)
    linkSync(victim, known)
    expect(() => writeFileAtomic(path.join(dir, 'r.json'), '{"new":1}\n')).toThrow(/EEXIST/)
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
  })
})
