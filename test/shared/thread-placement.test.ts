// Whether a pinned thread's pinning held: a fixed table of where it was asked to run,
// where it was seen, and its CPU mask at the end.

import { describe, expect, it } from 'vitest'
import { threadPlacement } from '../../src/shared/trial-summary'

describe('threadPlacement: did pinning hold', () => {
  it.each([
    // what, requested, ran on, mask at the end, held
    ['not pinned: nothing to claim', null, [0, 1], [0, 1], null],
    ['ran only where asked, mask unchanged', [1], [1], [1], true],
    ['two CPUs asked, ran on both, mask unchanged', [0, 1], [1, 0], [0, 1], true],
    ['seen on a CPU it was not pinned to', [1], [1, 0], [1], false],
    ['its mask changed under it (a cpuset or taskset), though seen only where asked', [1], [1], [0, 1], false],
    ['its mask narrowed to another CPU', [1], [1], [0], false],
    ['its mask unread at the end: where it ran decides', [1], [1], null, true],
    ['its mask unread, seen elsewhere', [1], [0], null, false]
  ] as const)('%s', (_, requested, ranOn, allowedAtEnd, held) => {
    const p = threadPlacement(
      77,
      requested === null ? null : [...requested],
      [...ranOn],
      ranOn.length - 1,
      allowedAtEnd === null ? null : [...allowedAtEnd]
    )
    expect(p.held).toBe(held)
    expect(p).toMatchObject({ tid: 77, migrations: ranOn.length - 1 })
  })
})
