// What sampling costs: the sampler's busy time is the CPU of the thread that samples
// (reading the sender, asking the receiver, recording the sample) plus the CPU the
// agent spent answering. Here each of those costs a known, planted amount of a fake
// thread clock, so the expected busy time is a count times a fixed sum.

import { describe, expect, it } from 'vitest'
import { startSampler, type ReceiverTrial, type TrialContext, type TrialSpec } from '../../src/main/engine/trial'
import type { SenderRun } from '../../src/main/engine/sender'
import type { Transport } from '../../src/main/engine/transport'
import type { ReceiverSnapshot } from '../../src/main/engine/trial-figures'
import type { Sample } from '../../src/shared/report'

/** planted CPU costs, ns of the sampling thread's clock */
const SENDER_READ_NS = 300_000
const RECEIVER_ASK_NS = 200_000
const RECORD_NS = 500_000
/** what the agent reports it spent answering each sample */
const AGENT_ANSWER_NS = 1_000_000
/** one sample's cost: 0.3 + 0.2 + 0.5 ms on this thread, 1 ms on the agent's */
const PER_SAMPLE_MS = 2

function planted(answer: (reply: ReceiverSnapshot) => Promise<ReceiverSnapshot>) {
  let threadNs = 1e9 // a thread clock that only the planted work moves
  const clock = {
    nowNs: () => Number(process.hrtime.bigint()),
    threadCpuNs: () => threadNs,
    systemCpu: () => ({ busyNs: 0, totalNs: 0 }),
    hostSnapshot: () => {
      throw new Error('no ramp mark in this test')
    }
  } as unknown as Transport
  const sender = {
    snapshot: () => {
      threadNs += SENDER_READ_NS
      return { firstByteNs: 1, bytes: 100, streamBytes: [100], totals: null, streamTotals: [null] }
    },
    done: new Promise(() => undefined),
    cancel: () => undefined
  } as unknown as SenderRun
  const rx: ReceiverTrial = {
    addresses: [],
    sample: () => {
      threadNs += RECEIVER_ASK_NS
      return answer({
        bytes: 100,
        streamBytes: [100],
        totals: null,
        streamTotals: [null],
        host: null,
        busyNs: AGENT_ANSWER_NS
      })
    },
    cancel: () => undefined,
    result: async () => null
  }
  const ctx = {
    transport: clock,
    sampleIntervalMs: 10,
    clockHz: 2e9,
    receiverClockHz: 2e9,
    onSample: () => {
      threadNs += RECORD_NS
    }
  } as unknown as TrialContext
  const spec = { durationMs: null, omitMs: null } as TrialSpec
  return { ctx, spec, sender, rx }
}

describe("the sampler's busy time", () => {
  it('is each sample’s planted cost on this thread plus the agent’s answer: 2 ms a sample', async () => {
    const { ctx, spec, sender, rx } = planted(async (r) => r)
    const samples: Sample[] = []
    const sampler = startSampler(ctx, spec, sender, rx, Number(process.hrtime.bigint()), samples)
    await new Promise((r) => setTimeout(r, 250))
    sampler.stop()
    const stats = sampler.stats()
    expect(samples.length).toBeGreaterThan(3)
    expect(stats.samples).toBe(samples.length)
    expect(stats.busyMs).toBeCloseTo(PER_SAMPLE_MS * samples.length, 9)
  })

  it('an answer still out when sampling stops: its asking counted, its recording and the agent’s CPU not', async () => {
    // every answer comes after the trial ends: no sample is recorded, and each asked one cost 0.5 ms here
    let asked = 0
    const { ctx, spec, sender, rx } = planted((r) => {
      asked++
      return new Promise(() => void r) // never answers
    })
    const samples: Sample[] = []
    const sampler = startSampler(ctx, spec, sender, rx, Number(process.hrtime.bigint()), samples)
    await new Promise((r) => setTimeout(r, 100))
    sampler.stop()
    // one request is in flight at a time: the first is never answered, so it is the only one
    expect(asked).toBe(1)
    expect(samples).toHaveLength(0)
    expect(sampler.stats().busyMs).toBeCloseTo((SENDER_READ_NS + RECEIVER_ASK_NS) / 1e6, 9)
  })
})
