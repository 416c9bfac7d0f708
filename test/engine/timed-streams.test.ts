// Timed and byte-bounded trials, parallel streams and CPU placement, through the real
// addon and real sockets.

import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { runPlan } from '../../src/main/engine/run'
import { METHOD_INFO, METHODS, type MethodName } from '../../src/shared/methods'
import type { Plan } from '../../src/shared/report'
import { ZcprofError } from '../../src/shared/errors'
import { randomFile, tempDir, testPlan } from '../helpers'

// an odd size, so a looped stream wraps mid-chunk; under a stream's share of a
// byte-bounded trial below, so every stream starts the file again
const FILE_BYTES = 1024 * 1024 + 4099
const file = randomFile(FILE_BYTES)
const plan = (p: Partial<Plan>): Plan => testPlan(file, p)

describe('timed trials', () => {
  it('end within 5% of their duration, every method, their ramp measured and left out', async () => {
    const report = await runPlan({
      plan: plan({ methods: [...METHODS], durationMs: 800, omitMs: 100, streams: 2, sampleIntervalMs: 20 })
    })
    expect(report.trials.map((t) => t.method)).toEqual([...METHODS])
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      const s = t.summary!
      // from the first send to the receiver's last byte: the ramp, then the measured window
      const ranMs = s.steady!.rampMs + s.steady!.windowMs
      expect(ranMs, t.method).toBeGreaterThan(800 * 0.95)
      expect(ranMs, t.method).toBeLessThan(800 * 1.05)
      expect(s.steady!.rampMs, t.method).toBeGreaterThan(90)
      expect(s.steady!.rampMs, t.method).toBeLessThan(150)
      expect(s.steady!.rampBytes).toBeGreaterThan(0)
      // looped: more than the file went by, every stream checked against the file repeated
      expect(s.bytes + s.steady!.rampBytes, t.method).toBeGreaterThan(FILE_BYTES)
      expect(s.streams).toHaveLength(2)
      for (const st of s.streams)
        expect(st.integrity, `${t.method} stream ${st.index}`).toMatchObject({ checked: true, ok: true })
    }
  })

  it('node-stream stops at its deadline mid-pass, not at the end of a big file', async () => {
    // at a few Gbit/s one pass over 512 MiB takes about twice the 400 ms, so stopping at the
    // deadline and finishing the pass look nothing alike, even with a stall's slack
    const big = randomFile(512 * 1024 * 1024, tempDir())
    const report = await runPlan({
      plan: plan({
        file: big,
        methods: ['node-stream'],
        durationMs: 400,
        omitMs: 50,
        checksum: false,
        sampleIntervalMs: 0
      })
    })
    const s = report.trials[0].summary!
    // the JS thread runs this sender, so a busy machine's stall can add tens of ms: 25% slack
    expect(s.steady!.rampMs + s.steady!.windowMs).toBeGreaterThan(400 * 0.95)
    expect(s.steady!.rampMs + s.steady!.windowMs).toBeLessThan(400 * 1.25)
  })

  it('the ramp is subtracted: the window holds what moved after it, on both sides', async () => {
    const report = await runPlan({
      plan: plan({ methods: ['copy'], durationMs: 600, omitMs: 300, checksum: false, sampleIntervalMs: 0 })
    })
    const s = report.trials[0].summary!
    // about half the trial is ramp: the measured bytes are about half of all the bytes
    const share = s.bytes / (s.bytes + s.steady!.rampBytes)
    expect(share).toBeGreaterThan(0.3)
    expect(share).toBeLessThan(0.7)
    // counters cover the same window: the sender's CPU is under the window's wall time
    expect(s.sender.cpuNs).toBeLessThan(s.durationNs * 1.05)
    expect(s.durationNs / 1e6).toBeCloseTo(s.steady!.windowMs, 6)
  })
})

describe('parallel streams', () => {
  // a total that does not split evenly: stream 0 carries the remainder
  const TOTAL = 4 * 2_500_000 + 3
  const shares = [2_500_003, 2_500_000, 2_500_000, 2_500_000]
  const families: [string, MethodName[]][] = [
    ['tcp://127.0.0.1', [...METHODS]],
    ['tcp://[::1]', [...METHODS]],
    // MSG_ZEROCOPY needs TCP
    ['unix://', METHODS.filter((m) => !METHOD_INFO[m].tcpOnly)]
  ]
  it.each(families)('4 streams × every method on %s: each stream byte-exact, verified', async (target, methods) => {
    expect(shares[3]).toBeGreaterThan(2 * FILE_BYTES)
    const report = await runPlan({ plan: plan({ targets: [target], methods, trialBytes: TOTAL, streams: 4 }) })
    expect(report.trials.map((t) => t.method)).toEqual(methods)
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      const s = t.summary!
      expect(s.bytes, t.method).toBe(TOTAL)
      expect(
        s.streams.map((x) => x.bytes),
        t.method
      ).toEqual(shares)
      for (const st of s.streams) {
        expect(st.integrity, `${t.method} stream ${st.index}`).toMatchObject({ checked: true, ok: true })
        expect(st.throughputBitsPerSec).toBeGreaterThan(0)
      }
      // native streams have their own threads and counters; node-stream's are the process's
      if (t.method === 'node-stream') expect(s.streams.every((x) => x.sender === null)).toBe(true)
      else {
        expect(new Set(s.streams.map((x) => x.senderThread!.tid)).size).toBe(4)
        const sum = s.streams.reduce((a, x) => a + x.sender!.cpuNs, 0)
        expect(s.sender.cpuNs).toBe(sum)
      }
      expect(new Set(s.streams.map((x) => x.receiverThread!.tid)).size).toBe(4)
      expect(s.fairness!.minOverMax).toBeGreaterThan(0)
      expect(s.fairness!.minOverMax).toBeLessThanOrEqual(1)
    }
  })

  it('samples carry each stream, and trial totals are the sum of bytes over the union of time', async () => {
    const report = await runPlan({
      plan: plan({ methods: ['sendfile'], durationMs: 500, streams: 3, sampleIntervalMs: 20, checksum: false })
    })
    const t = report.trials[0]
    const last = t.samples.at(-1)!
    expect(last.sender.streamBytes).toHaveLength(3)
    expect(last.sender.streamBytes!.reduce((a, b) => a + b, 0)).toBe(last.sender.bytes)
    const s = t.summary!
    expect(s.bytes).toBe(s.streams.reduce((a, x) => a + x.bytes, 0))
    // the union of time is at least as long as any stream's
    for (const x of s.streams) expect(s.durationNs).toBeGreaterThanOrEqual(x.durationNs)
  })
})

describe('CPU placement', () => {
  const cpus = native.allowedCpus()
  const [first, last] = [cpus[0], cpus.at(-1)!]

  it('pins sender and receiver threads where asked, and reads back where each ran', async () => {
    const report = await runPlan({
      plan: plan({
        methods: ['copy', 'sendfile'],
        durationMs: 400,
        streams: 2,
        senderCpus: [last],
        receiverCpus: [first],
        checksum: false
      })
    })
    for (const t of report.trials) {
      const s = t.summary!
      for (const st of s.streams) {
        expect(st.senderThread).toMatchObject({
          requestedCpus: [last],
          ranOn: [last],
          allowedAtEnd: [last],
          held: true
        })
        expect(st.receiverThread).toMatchObject({ requestedCpus: [first], ranOn: [first], held: true })
      }
      expect(s.placement!.held).toBe(true)
      // every CPU of this host, with its softirq share, over the measured window
      expect(s.placement!.sendingHost.map((c) => c.cpu).sort()).toEqual([...cpus].sort())
      for (const c of s.placement!.sendingHost) expect(c.softirqCores).toBeLessThanOrEqual(c.busyCores + 0.05)
      expect(s.placement!.softirqOnSenderCpusShare).not.toBeNull()
    }
  })

  it('unpinned threads still say where they ran, and pinning is then not claimed', async () => {
    const report = await runPlan({ plan: plan({ methods: ['copy'], checksum: false }) })
    const st = report.trials[0].summary!.streams[0]
    expect(st.senderThread!.held).toBeNull()
    expect(st.senderThread!.ranOn.length).toBeGreaterThan(0)
    expect(st.senderThread!.ranOn.every((c) => cpus.includes(c))).toBe(true)
    expect(report.trials[0].summary!.placement!.held).toBeNull()
  })

  it('a CPU this host does not allow is refused before anything runs, naming it', async () => {
    const missing = Math.max(...cpus) + 1
    const e = await runPlan({ plan: plan({ senderCpus: [missing] }) }).then(
      () => null,
      (x: unknown) => x
    )
    expect(e).toBeInstanceOf(ZcprofError)
    expect((e as ZcprofError).code).toBe('ZC_BAD_PLAN')
    expect((e as ZcprofError).message).toMatch(new RegExp(`--cpus names CPU ${missing}, which this host does not let`))
  })
})
