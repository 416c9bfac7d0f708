// What a prepare asks the agent to hold, per receiver mode: worked out by hand.

import { describe, expect, it } from 'vitest'
import { pinnedBytesOf } from '../../src/main/agent/agent-limits'

describe('pinnedBytesOf', () => {
  it('read: one buffer a stream', () => {
    expect(pinnedBytesOf({ mode: 'read', bufferBytes: 65536, streams: 2 })).toBe(131072)
  })
  it('mapped: the buffer and a region of at least 256 KiB a stream', () => {
    // (64 KiB + 256 KiB) × 2
    expect(pinnedBytesOf({ mode: 'mapped', bufferBytes: 65536, streams: 2 })).toBe(655360)
    // 1 MiB + 1 rounds up to 1 MiB + 4 KiB of region
    expect(pinnedBytesOf({ mode: 'mapped', bufferBytes: 1048577 })).toBe(1048577 + 1052672)
  })
  it('gpu-pinned and gpu-mapped: the read buffer and two host buffers a stream; gpu-pageable: the read buffer', () => {
    // 3 × 64 KiB × 2 streams
    expect(pinnedBytesOf({ mode: 'gpu-pinned', bufferBytes: 65536, streams: 2 })).toBe(393216)
    expect(pinnedBytesOf({ mode: 'gpu-mapped', bufferBytes: 1000 })).toBe(3000)
    // pageable receives into the read buffer itself
    expect(pinnedBytesOf({ mode: 'gpu-pageable', bufferBytes: 65536 })).toBe(65536)
  })
})
