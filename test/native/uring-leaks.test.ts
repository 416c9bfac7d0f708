// 200 io_uring trials, every uring method and the uring receiver, with and without
// SQPOLL: afterwards this process holds no more file descriptors than after the first
// few, no ring and no map of the file is left, and its anonymous mappings (where
// registered and provided buffers live) have not grown by a trial's worth per trial.

import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { NATIVE_METHODS, METHOD_INFO } from '../../src/shared/methods'
import { randomFile, transferPair } from '../helpers'

const URING = NATIVE_METHODS.filter((m) => METHOD_INFO[m].uring)
const fds = () => readdirSync('/proc/self/fd').length
const maps = () => readFileSync('/proc/self/maps', 'utf8').split('\n').filter(Boolean)
/** bytes of anonymous memory mapped: uring-send's registered buffers are 32 × 64 KiB = 2 MiB a trial */
const anonymousBytes = () =>
  maps()
    .filter((l) => l.trim().split(/\s+/).length < 6 || l.endsWith('[heap]'))
    .reduce((a, l) => {
      const [from, to] = l.split(/\s/)[0].split('-')
      return a + (Number.parseInt(to, 16) - Number.parseInt(from, 16))
    }, 0)

describe('io_uring trials leak nothing', () => {
  it(
    '200 trials: the same fds as after the first 10, no ring or file map left, no buffers piling up',
    { timeout: 120_000 },
    async () => {
      const file = randomFile(256 * 1024 + 17)
      const trial = (i: number) =>
        transferPair({
          method: URING[i % URING.length],
          mode: i % 2 ? 'uring' : 'read',
          family: 'inet',
          file,
          chunkBytes: 64 * 1024,
          uringSqpoll: i % 4 === 3
        })
      // the first trials load what stays loaded (the addon, thread stacks, the allocator's arenas)
      for (let i = 0; i < 10; i++) await trial(i)
      const before = { fds: fds(), anonymous: anonymousBytes() }
      for (let i = 10; i < 200; i++) {
        const { sender, receiver } = await trial(i)
        expect(receiver.bytes, `trial ${i}`).toBe(256 * 1024 + 17)
        expect(sender.bytes, `trial ${i}`).toBe(256 * 1024 + 17)
      }
      expect(fds()).toBe(before.fds)
      expect(maps().filter((l) => l.includes('io_uring'))).toEqual([])
      expect(maps().filter((l) => l.includes(file))).toEqual([])
      // the JS heap grows a little in any case; a third of 190 trials leaking theirs would be 126 MiB
      expect(anonymousBytes() - before.anonymous).toBeLessThan(32 * 1024 * 1024)
    }
  )
})
