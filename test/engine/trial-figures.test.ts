// A trial's summary from planted measurements: every expected figure is worked out
// by hand in the comments, not by the code under test.

import { describe, expect, it } from 'vitest'
import type { NativeResult } from '../../src/native'
import type { HostSnapshot } from '../../src/main/host/system-cpu'
import type { SenderOutcome, SenderSnapshot, StreamOutcome } from '../../src/main/engine/sender'
import { summarizeTrial, type TrialMeasurements } from '../../src/main/engine/trial-figures'
import { parseTarget } from '../../src/shared/targets'
import { nativeResult, totals } from './native-results'

const GB = 1e9
const S = 1e9 // ns per second
/** a CLOCK_MONOTONIC reading t seconds into the trial (the clock is never near 0) */
const T = (t: number) => 100 * S + t * S

/** a receiving stream's result, from 0 s to lastByteNs */
function received(bytes: number, lastByteNs: number, cpuNs: number, extra: Partial<NativeResult> = {}): NativeResult {
  return nativeResult(bytes, { startNs: T(0), lastByteNs, cpuNs }, extra)
}

function sent(bytes: number, cpuNs: number, extra: Partial<StreamOutcome> = {}): StreamOutcome {
  return {
    bytes,
    firstByteNs: T(0),
    lastByteNs: T(3),
    confirmedNs: T(3),
    totals: totals(cpuNs),
    zeroCopy: null,
    tcpInfo: null,
    localPort: 5000,
    thread: { tid: 8, requestedCpus: null, ranOn: [1], migrations: 0, allowedAtEnd: null, held: null },
    effectiveChunkBytes: 131072,
    uring: null,
    gpu: null,
    error: null,
    ...extra
  }
}

function host(atNs: number, busyNs: number, processCpuNs: number, softirq: [number, number] = [0, 0]): HostSnapshot {
  return {
    atNs,
    busyNs,
    totalNs: 2 * busyNs,
    processCpuNs,
    perCpu: [
      { cpu: 0, busyNs: busyNs / 2, softirqNs: softirq[0] },
      { cpu: 1, busyNs: busyNs / 2, softirqNs: softirq[1] }
    ],
    netRx: {},
    netTx: {}
  }
}

function snapshot(bytes: number[], cpuNs: number[]): SenderSnapshot {
  return {
    firstByteNs: T(0),
    bytes: bytes.reduce((a, b) => a + b, 0),
    streamBytes: bytes,
    totals: totals(cpuNs.reduce((a, b) => a + b, 0)),
    streamTotals: cpuNs.map((c) => totals(c))
  }
}

/**
 * One stream, one host, timed. The ramp ends at 1 s, when 1 GB had arrived. The
 * receiver's last byte came at 3 s, with 3 GB in all: the window is 2 s and 2 GB.
 */
function timedOneStream(over: Partial<TrialMeasurements> = {}): TrialMeasurements {
  const senderOutcome: SenderOutcome = {
    streams: [sent(3 * GB, 2.5 * S)],
    totals: totals(2.5 * S),
    error: null
  }
  return {
    method: 'sendfile',
    index: 4,
    target: parseTarget('tcp://127.0.0.1'),
    chunkBytes: 131072,
    uringDepth: 32,
    uringSqpoll: false,
    mode: 'timed',
    expectedBytes: [3 * GB],
    expectedCrc32c: [42],
    checksum: true,
    sameHost: true,
    clockHz: 2e9,
    receiverClockHz: 2e9,
    sampleIntervalMs: 50,
    sent: senderOutcome,
    recv: {
      streams: [{ result: received(3 * GB, T(3), 1.5 * S), error: null }],
      hostStart: host(T(0), 0, 0),
      hostEnd: host(T(3), 6 * S, 1.5 * S)
    },
    mark: {
      atNs: T(1),
      sender: snapshot([1 * GB], [0.5 * S]),
      receiver: {
        bytes: 1 * GB,
        streamBytes: [1 * GB],
        totals: totals(0.5 * S),
        streamTotals: [totals(0.5 * S)],
        host: host(T(1), 2 * S, 0.5 * S),
        busyNs: 0
      },
      host: host(T(1), 2 * S, 0.1 * S, [0, 0])
    },
    hostStart: host(T(0), 0, 0),
    // the window: 4 s of busy CPU over 2 s; zcprof 1.5 s of it, the agent 1 s
    hostEnd: host(T(3), 6 * S, 1.6 * S, [0.3 * S, 0.1 * S]),
    ...over
  }
}

describe('summarizeTrial', () => {
  it('a timed trial: its figures cover the window after the ramp, both sides and the host', () => {
    const { summary: s, error } = summarizeTrial(timedOneStream())
    expect(error).toBeNull()
    // 2 GB in 2 s: 8 Gbit/s
    expect(s.bytes).toBe(2 * GB)
    expect(s.durationNs).toBe(2 * S)
    expect(s.throughputBitsPerSec).toBeCloseTo(8e9)
    // the sender spent 2.5 s - 0.5 s = 2 s of CPU: 2 s × 2 GHz / 16e9 bits = 0.25 cycles/bit
    expect(s.sender.cpuNs).toBe(2 * S)
    expect(s.sender.cyclesPerBit).toBeCloseTo(0.25)
    // the receiver 1.5 s - 0.5 s = 1 s: 0.125 cycles/bit
    expect(s.receiver!.cyclesPerBit).toBeCloseTo(0.125)
    // the host: 6 s - 2 s = 4 s busy over 2 s: 4 s × 2 GHz / 16e9 = 0.5 cycles/bit
    expect(s.system!.cyclesPerBit).toBeCloseTo(0.5)
    // others: 4 s busy - 1.5 s zcprof - 1 s agent = 1.5 s over 2 s: 0.75 cores, contaminated
    expect(s.system!.otherCpuCores).toBeCloseTo(0.75)
    expect(s.contaminated).toBe(true)
    expect(s.notes.map((n) => n.code)).toContain('CONTAMINATED')
    // the ramp: 1 s, 1 GB, 8 Gbit/s
    expect(s.steady).toEqual({ rampMs: 1000, rampBytes: 1 * GB, rampThroughputBitsPerSec: 8e9, windowMs: 2000 })
    // softirq: 0.3 s on CPU 0 and 0.1 s on CPU 1 over 2 s; the sender ran on CPU 1: 25% of it
    expect(s.placement!.sendingHost.find((c) => c.cpu === 0)!.softirqCores).toBeCloseTo(0.15)
    expect(s.placement!.softirqOnSenderCpusShare).toBeCloseTo(0.25)
    expect(s.integrity).toMatchObject({ checked: true, ok: true })
  })

  it('notes carry the trial they came from', () => {
    const { summary: s } = summarizeTrial(timedOneStream())
    expect(s.notes.every((n) => n.scope === 'trial' && n.method === 'sendfile' && n.trials?.[0] === 4)).toBe(true)
  })

  it('a short trial is flagged: under 10 sampling intervals, or under 100 clock ticks of system CPU', () => {
    // 2 s at 50 ms is 40 intervals, and 400 ticks: not short
    expect(summarizeTrial(timedOneStream()).summary.notes.map((n) => n.code)).not.toContain('SHORT_TRIAL')
    // at 150 ms, 2 s is 13 intervals: enough; at 250 ms, 8 are not
    expect(summarizeTrial(timedOneStream({ sampleIntervalMs: 150 })).summary.notes.map((n) => n.code)).not.toContain(
      'SHORT_TRIAL'
    )
    const few = summarizeTrial(timedOneStream({ sampleIntervalMs: 250 })).summary
    expect(few.notes.find((n) => n.code === 'SHORT_TRIAL')?.message).toMatch(/8 sampling intervals and 400 clock ticks/)
    // 0.9 s busy is 90 ticks
    const idle = timedOneStream()
    idle.hostEnd = host(T(3), 2.9 * S, 1.6 * S)
    expect(summarizeTrial(idle).summary.notes.find((n) => n.code === 'SHORT_TRIAL')?.message).toMatch(/90 clock ticks/)
  })

  it('each stream on its own, and the trial as their sum over the union of time', () => {
    const m = timedOneStream({ mark: null, mode: 'bytes', expectedBytes: [1 * GB, 3 * GB], expectedCrc32c: [42, 42] })
    m.sent = {
      streams: [
        sent(1 * GB, 1 * S, { localPort: 5000 }),
        sent(3 * GB, 2 * S, {
          localPort: 5001,
          thread: { tid: 9, requestedCpus: [0], ranOn: [0, 1], migrations: 1, allowedAtEnd: [0], held: false }
        })
      ],
      totals: totals(3 * S),
      error: null
    }
    m.recv = {
      streams: [
        { result: received(1 * GB, T(2), 0.5 * S, { peerPort: 5000 }), error: null },
        { result: received(3 * GB, T(3), 1 * S, { peerPort: 5001 }), error: null }
      ],
      hostStart: host(T(0), 0, 0),
      hostEnd: host(T(3), 3 * S, 1 * S)
    }
    const { summary: s, error } = summarizeTrial(m)
    expect(error).toBeNull()
    // stream 0: 1 GB in 2 s (4 Gbit/s); stream 1: 3 GB in 3 s (8 Gbit/s)
    expect(s.streams.map((x) => x.throughputBitsPerSec)).toEqual([expect.closeTo(4e9, 3), expect.closeTo(8e9, 3)])
    expect(s.fairness).toEqual({
      minBitsPerSec: expect.closeTo(4e9, 3),
      maxBitsPerSec: expect.closeTo(8e9, 3),
      minOverMax: 0.5
    })
    // the trial: 4 GB over the union of time, 0 to 3 s
    expect(s.bytes).toBe(4 * GB)
    expect(s.durationNs).toBe(3 * S)
    expect(s.sender.cpuNs).toBe(3 * S)
    expect(s.receiver!.cpuNs).toBe(1.5 * S)
    // a ramp belongs to timed trials only
    expect(s.steady).toBeNull()
    // stream 1 was pinned to CPU 0 but ran on 1 too: pinning did not hold, and the trial says so
    expect(s.placement!.held).toBe(false)
    expect(s.notes.map((n) => n.code)).toContain('PINNING_NOT_HELD')
  })

  it('a stream short of bytes, paired with the wrong connection, or with the wrong checksum fails the trial', () => {
    const short = timedOneStream({ mode: 'bytes', mark: null, expectedBytes: [4 * GB] })
    expect(summarizeTrial(short).error).toMatchObject({
      code: 'ZC_SHORT',
      message: expect.stringMatching(/got 3000000000 of 4000000000/)
    })
    const stranger = timedOneStream()
    stranger.recv!.streams[0].result!.peerPort = 6000
    expect(summarizeTrial(stranger).error).toMatchObject({ code: 'ZC_PAIRING' })
    const corrupt = timedOneStream({ expectedCrc32c: [43] })
    const r = summarizeTrial(corrupt)
    expect(r.error).toMatchObject({ code: 'ZC_CHECKSUM' })
    expect(r.summary.integrity.ok).toBe(false)
  })

  it('another host: its own CPU, on its own clock, beside the sending host’s', () => {
    const m = timedOneStream({ sameHost: false, receiverClockHz: 4e9 })
    // the agent's host: 1 s busy at the mark, 4 s at the end, over its own 1 s to 3 s
    m.mark!.receiver!.host = host(T(11), 1 * S, 0.2 * S)
    m.recv!.hostEnd = host(T(13), 4 * S, 1.2 * S)
    const { summary: s } = summarizeTrial(m)
    // 3 s busy × 4 GHz / 16e9 bits = 0.75 cycles/bit; others: 3 s - 1 s agent = 2 s over 2 s
    expect(s.receiverSystem!.cyclesPerBit).toBeCloseTo(0.75)
    expect(s.receiverSystem!.otherCpuCores).toBeCloseTo(1)
    // across hosts the sender's clock ends the trial: its confirmed close at 3 s
    expect(s.durationNs).toBe(2 * S)
    expect(s.placement!.receivingHost).toHaveLength(2)
  })
})

describe('the mapped receiver: the share the kernel mapped, and why it was low', () => {
  const tcp = (sndMssBytes: number) => ({
    rttUs: 50,
    rttVarUs: 10,
    sndCwnd: 10,
    sndMssBytes,
    totalRetrans: 0,
    busyUs: 0,
    rwndLimitedUs: 0,
    sndbufLimitedUs: 0,
    deliveryRateBytesPerSec: 0
  })
  /** two receiving streams: (mapped, copied) each, 1.5 GB a stream */
  function mappedTrial(counts: [number, number][], over: Partial<TrialMeasurements> = {}, mss = 65483) {
    const base = timedOneStream()
    return summarizeTrial({
      ...base,
      mark: null,
      mode: 'bytes',
      expectedBytes: counts.map(() => 1.5 * GB),
      expectedCrc32c: counts.map(() => null),
      checksum: false,
      sent: {
        streams: counts.map(() => sent(1.5 * GB, 1 * S, { tcpInfo: tcp(mss) })),
        totals: totals(2 * S),
        error: null
      },
      recv: {
        streams: counts.map(([m, c]) => ({
          result: received(1.5 * GB, T(3), 1 * S, { receiveMappedBytes: m, receiveCopiedBytes: c }),
          error: null
        })),
        hostStart: host(T(0), 0, 0),
        hostEnd: host(T(3), 6 * S, 1.5 * S)
      },
      ...over
    }).summary
  }
  const low = (s: ReturnType<typeof mappedTrial>) => s.notes.find((n) => n.code === 'RECV_MAPPED_LOW')

  it('adds up both streams from the kernel’s counts: 1 GB mapped of 3 GB is a third', () => {
    const s = mappedTrial([
      [1 * GB, 0.5 * GB],
      [0, 1.5 * GB]
    ])
    expect(s.receiveMapping).toEqual({ mappedBytes: 1 * GB, copiedBytes: 2 * GB, mappedShare: 1 / 3 })
    // loopback (tcp://) and the loopback MSS of 65483 B: both reasons, in the words users read
    expect(low(s)?.message).toBe(
      'the kernel mapped 33% of the received bytes and copied the rest: the kernel maps only pages a NIC driver ' +
        'filled; loopback and veth carry page fragments; the MSS (65483 B) is not a multiple of the 4 KiB page'
    )
  })

  it('nothing received: no share (null), and no "0 % mapped" warning', () => {
    const s = mappedTrial([[0, 0]])
    expect(s.receiveMapping).toEqual({ mappedBytes: 0, copiedBytes: 0, mappedShare: null })
    expect(low(s)).toBeUndefined()
  })

  it('half mapped or more: no warning', () => {
    const s = mappedTrial([[0.75 * GB, 0.75 * GB]])
    expect(s.receiveMapping!.mappedShare).toBe(0.5)
    expect(low(s)).toBeUndefined()
  })

  it('an agent target with a page-multiple MSS: no reason seen from here, so it names the NIC', () => {
    const s = mappedTrial([[0, 1.5 * GB]], { target: parseTarget('agent://192.0.2.7:7733') }, 8192)
    expect(low(s)?.message).toBe(
      'the kernel mapped 0% of the received bytes and copied the rest: the NIC did not fill whole pages (header/data split, MTU)'
    )
  })

  it('chunks smaller than a page are named', () => {
    const s = mappedTrial([[0, 1.5 * GB]], { target: parseTarget('agent://192.0.2.7:7733'), chunkBytes: 1024 }, 8192)
    expect(low(s)?.message).toMatch(/: chunks of 1024 B are smaller than a page$/)
  })

  it('other receivers carry no mapping', () => {
    const s = mappedTrial([[0, 0]], {
      recv: {
        streams: [{ result: received(1.5 * GB, T(3), 1 * S), error: null }],
        hostStart: host(T(0), 0, 0),
        hostEnd: host(T(3), 6 * S, 1.5 * S)
      }
    })
    expect(s.receiveMapping).toBeUndefined()
    expect(low(s)).toBeUndefined()
  })
})
