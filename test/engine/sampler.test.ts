// The sampler on a sender of known, steady rate and a receiver that answers late on
// every other sample (a starved agent): each side's rate must come from its own readings.

import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { startSampler, type ReceiverTrial, type TrialContext, type TrialSpec } from '../../src/main/engine/trial'
import type { SenderRun } from '../../src/main/engine/sender'
import { nativeTransport } from '../../src/main/engine/native-transport'
import type { Sample } from '../../src/shared/report'

const RATE_BYTES_PER_NS = 2 // 16 Gbit/s

describe('the sampler', () => {
  it('rates the sender over its own readings, however late the receiver answers', async () => {
    const t0 = native.nowNs()
    const bytesNow = () => Math.round((native.nowNs() - t0) * RATE_BYTES_PER_NS)
    const sender = {
      snapshot: () => ({
        firstByteNs: t0,
        bytes: bytesNow(),
        streamBytes: [bytesNow()],
        totals: null,
        streamTotals: [null]
      }),
      done: new Promise(() => undefined),
      cancel: () => undefined
    } as unknown as SenderRun
    let n = 0
    const rx: ReceiverTrial = {
      addresses: [],
      // every other answer comes 30 ms late, with the bytes as they were when it was asked
      sample: () => {
        const bytes = bytesNow()
        const late = n++ % 2 === 1
        const answer = { bytes, streamBytes: [bytes], totals: null, streamTotals: [null], host: null, busyNs: 0 }
        return new Promise((r) => setTimeout(() => r(answer), late ? 30 : 0))
      },
      cancel: () => undefined,
      result: async () => null
    }
    const samples: Sample[] = []
    const ctx = { transport: nativeTransport, sampleIntervalMs: 20, clockHz: 2e9, receiverClockHz: 2e9 } as TrialContext
    const spec = { durationMs: null, omitMs: null } as TrialSpec
    const sampler = startSampler(ctx, spec, sender, rx, t0, samples)
    await new Promise((r) => setTimeout(r, 600))
    sampler.stop()
    expect(samples.length).toBeGreaterThan(8)
    for (const s of samples.slice(1)) {
      // 16 Gbit/s, to within a millisecond's reading skew over a 20–50 ms interval
      expect(s.sender.bytesPerSec * 8, `at ${s.tMs.toFixed(1)} ms`).toBeGreaterThan(16e9 * 0.95)
      expect(s.sender.bytesPerSec * 8, `at ${s.tMs.toFixed(1)} ms`).toBeLessThan(16e9 * 1.05)
    }
  })
})
