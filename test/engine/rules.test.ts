// The engine's rules on the fake transport: no addon (every call into it throws
// here), no sockets, no agents, virtual time. Each expectation is worked out by hand
// from the fake's table: rates in bytes per second, CPU in ns per byte, 2 GHz.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { renderSummary } from '../../src/main/cli/summary-table'
import type { RunEvent } from '../../src/shared/events'
import { headroomOf } from '../../src/shared/headroom'
import type { MethodName } from '../../src/shared/methods'
import type { Plan, Report } from '../../src/shared/report'
import { randomFile } from '../helpers'
import { FAKE_CLOCK_HZ, type FakeMethod, type FakeOptions } from './fake-transport'
import { runOnFake, type Ran } from './fake-run'

// the addon must not be needed: any call into it fails the test that made it
vi.mock('../../src/native', async (importOriginal) =>
  (await import('./no-addon')).addonThatThrows(await importOriginal<Record<string, unknown>>())
)

const GiB = 1024 ** 3
/** 10, 20 and 16 Gbit/s; sender CPU 1, 0.25 and 0.4 ns a byte; the receiver 0.5 ns a byte for all */
const TABLE: Record<'copy' | 'sendfile' | 'splice', FakeMethod> = {
  copy: { bytesPerSec: 1.25e9, senderNsPerByte: 1, receiverNsPerByte: 0.5 },
  sendfile: { bytesPerSec: 2.5e9, senderNsPerByte: 0.25, receiverNsPerByte: 0.5 },
  splice: { bytesPerSec: 2e9, senderNsPerByte: 0.4, receiverNsPerByte: 0.5 }
}
/** cycles per bit from ns per byte at the fake's clock */
const perBit = (nsPerByte: number) => (nsPerByte * FAKE_CLOCK_HZ) / 1e9 / 8

let file: string
beforeAll(() => {
  file = randomFile(64 * 1024 + 7)
})
afterEach(() => {
  vi.useRealTimers()
})

/** runs a plan on the fake, driving virtual time until the run settles */
function run(
  p: Partial<Plan>,
  fake: Omit<FakeOptions, 'methods' | 'log'> & { methods?: FakeOptions['methods'] } = {},
  opts: { onEvent?: (e: RunEvent) => void; signal?: AbortSignal } = {}
): Promise<Ran> {
  return runOnFake(file, p, { methods: TABLE, ...fake }, opts)
}

const agg = (r: Report, m: MethodName) => r.end.aggregates.find((a) => a.method === m)!

describe('the engine on a fake transport', () => {
  it('interleaves the methods in each repetition; warm-ups count for nothing; figures follow the table', async () => {
    const { report, log } = await run({
      methods: ['copy', 'sendfile', 'splice'],
      trialBytes: GiB,
      repeat: 3,
      warmup: 1
    })
    const order = ['copy', 'sendfile', 'splice']
    expect(log.map((l) => l.method)).toEqual([...order, ...order, ...order, ...order])
    expect(report.trials.map((t) => t.warmup)).toEqual([...Array(3).fill(true), ...Array(9).fill(false)])
    expect(report.trials.map((t) => t.repetition)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
    expect(report.end.incomplete).toBe(false)
    for (const m of order as ('copy' | 'sendfile' | 'splice')[]) {
      const a = agg(report, m)
      const row = TABLE[m]
      expect(a.trials, m).toBe(3)
      expect(a.throughputBitsPerSec!.median / (row.bytesPerSec * 8), m).toBeCloseTo(1, 6)
      expect(a.senderCyclesPerBit!.median, m).toBeCloseTo(perBit(row.senderNsPerByte), 6)
      expect(a.receiverCyclesPerBit!.median, m).toBeCloseTo(perBit(row.receiverNsPerByte), 6)
      expect(a.systemCyclesPerBit!.median, m).toBeCloseTo(perBit(row.senderNsPerByte + row.receiverNsPerByte), 6)
      expect(a.cyclesSource, m).toBe('cpu-time-estimate')
    }
    // the whole machine against copy: (0.25 + 0.5) / (1 + 0.5) for sendfile
    expect(agg(report, 'sendfile').vsCopy!.systemCyclesPerBit!.ratio).toBeCloseTo(0.5, 6)
    expect(agg(report, 'splice').vsCopy!.systemCyclesPerBit!.ratio).toBeCloseTo(0.9 / 1.5, 6)
    expect(agg(report, 'sendfile').speedupVsCopy).toBeCloseTo(2, 6)
    expect(report.end.warnings.map((w) => w.code)).toContain('CYCLES_ESTIMATED')
  })

  it('a timed trial leaves its ramp out: the steady rate, not the average with slow start in it', async () => {
    const { report } = await run(
      { methods: ['copy'], durationMs: 2000, omitMs: 200, repeat: 2 },
      { methods: { copy: { ...TABLE.copy, rampMs: 200, rampShare: 0.25 } } }
    )
    for (const t of report.trials) {
      const s = t.summary!
      expect(s.throughputBitsPerSec / 10e9).toBeCloseTo(1, 3)
      // 1.8 s at 1.25 GB/s after the ramp
      expect(s.bytes / (1.8 * 1.25e9)).toBeCloseTo(1, 3)
      expect(s.sender.cyclesPerBit).toBeCloseTo(perBit(1), 4)
      // one sample each 50 ms over 2 s
      expect(t.samples.length).toBeGreaterThanOrEqual(38)
      expect(t.samples.length).toBeLessThanOrEqual(41)
    }
  })

  it("io_uring's threads, read live, leave the ramp out exactly as the loop's CPU does", async () => {
    // a slow start: the first 400 ms at a fifth of the rate, so bytes are not time's share
    const row = { ...TABLE.splice, threadNsPerByte: 0.3, threadsLive: true, rampMs: 400, rampShare: 0.2 }
    const { report } = await run(
      { methods: ['uring-splice'], durationMs: 2000, omitMs: 400, repeat: 2 },
      { methods: { 'uring-splice': row } }
    )
    for (const t of report.trials) expect(t.summary!.sender.cyclesPerBit).toBeCloseTo(perBit(0.4 + 0.3), 4)
  })

  it("io_uring's threads, read once at the end (an older agent), count in a timed trial's window by its share of the time", async () => {
    // the splice path, its work in io_uring's workers: 0.4 ns a byte on the loop, 0.3 in the workers
    const { report } = await run(
      { methods: ['uring-splice'], durationMs: 2000, omitMs: 200, repeat: 2 },
      { methods: { 'uring-splice': { ...TABLE.splice, threadNsPerByte: 0.3 } } }
    )
    for (const t of report.trials) {
      expect(t.summary!.sender.cyclesPerBit).toBeCloseTo(perBit(0.4 + 0.3), 4)
      expect(t.summary!.uring!.workerCpuNs).toBeGreaterThan(0)
    }
  })

  it('four streams share the bytes, each measured, their rates added', async () => {
    const { report, log } = await run({ methods: ['sendfile'], trialBytes: GiB + 3, streams: 4 })
    expect(log).toMatchObject([{ method: 'sendfile', streams: 4, bound: 'bytes' }])
    const s = report.trials[0].summary!
    // the remainder goes to the first stream
    expect(s.streams.map((x) => x.bytes)).toEqual([268435459, 268435456, 268435456, 268435456])
    expect(s.bytes).toBe(GiB + 3)
    expect(s.throughputBitsPerSec / (4 * 2.5e9 * 8)).toBeCloseTo(1, 6)
    expect(s.fairness!.minOverMax).toBeCloseTo(1, 6)
  })

  it('cancelling stops the running trial, keeps the ones before, and marks the report incomplete', async () => {
    const ac = new AbortController()
    const { report, events } = await run(
      { methods: ['copy', 'sendfile'], trialBytes: GiB, repeat: 3 },
      {},
      {
        signal: ac.signal,
        onEvent: (e) => {
          // half a second into the third trial
          if (e.type === 'trial-start' && e.trial.index === 2) setTimeout(() => ac.abort(), 500)
        }
      }
    )
    expect(report.end.incomplete).toBe(true)
    expect(report.trials).toHaveLength(3)
    expect(report.trials.slice(0, 2).map((t) => t.error)).toEqual([null, null])
    const cancelled = report.trials[2]
    expect(cancelled.error?.code).toBe('ZC_CANCELLED')
    // 0.5 s of copy at 1.25 GB/s, not the gibibyte asked for
    expect(cancelled.summary!.bytes / (0.5 * 1.25e9)).toBeCloseTo(1, 2)
    expect(events.at(-1)!.type).toBe('run-end')
    // the cancelled trial keeps its partial figures in the report, not in the statistics
    expect(agg(report, 'copy')).toMatchObject({ trials: 2, failed: 1 })
    expect(agg(report, 'copy').throughputBitsPerSec!.n).toBe(1)
  })

  it('other processes busy during a trial: that trial is marked, and the run says which', async () => {
    const { report } = await run(
      { methods: ['copy', 'sendfile'], trialBytes: GiB, repeat: 2 },
      { faults: { 1: { otherCores: 1.5 } } }
    )
    expect(report.trials.map((t) => t.summary!.contaminated)).toEqual([false, true, false, false])
    expect(report.trials[1].summary!.system!.otherCpuCores).toBeCloseTo(1.5, 3)
    expect(report.trials[0].summary!.system!.otherCpuCores).toBeCloseTo(0, 6)
    const w = report.end.warnings.find((x) => x.code === 'CONTAMINATED')!
    expect(w.message).toMatch(/sendfile: other processes used 1\.50 cores/)
    expect(w.trials).toEqual([1])
    // their CPU is left out of the whole system's cost: sendfile's trial with them costs
    // what its trial without them does, (0.25 + 0.5) ns a byte, and the busy time keeps it all
    const perBitOf = (i: number) => report.trials[i].summary!.system!.cyclesPerBit!
    expect(perBitOf(1)).toBeCloseTo(perBit(0.75), 9)
    expect(perBitOf(3)).toBeCloseTo(perBit(0.75), 9)
    const sys = report.trials[1].summary!.system!
    // 1.5 cores of others beside sendfile's 2.5 GB/s × (0.25 + 0.5) ns a byte: 1.5 of 3.375 busy cores
    expect(sys.otherProcessesCpuNs! / sys.busyCpuNs).toBeCloseTo(1.5 / 3.375, 2)
    expect(report.trials[3].summary!.system!.otherProcessesCpuNs).toBe(0)
  })

  it("an agent before 0.4 reads no other processes' CPU: the whole busy time counts, as it did then", async () => {
    const { report } = await run(
      { methods: ['copy', 'sendfile'], trialBytes: GiB, repeat: 2 },
      { faults: { 1: { otherCores: 1.5 } }, othersUnread: true }
    )
    const sys = report.trials[1].summary!.system!
    expect(sys.otherProcessesCpuNs).toBeUndefined()
    expect(sys.cyclesPerBit!).toBeGreaterThan(perBit(0.75) * 1.5)
  })

  it('an agent lost mid-run ends the run there: incomplete, the error said, the trials before kept', async () => {
    const { report, events } = await run(
      { methods: ['copy', 'sendfile'], trialBytes: GiB, repeat: 2 },
      { faults: { 2: { agentGone: true } } }
    )
    expect(report.end.incomplete).toBe(true)
    expect(report.trials).toHaveLength(3)
    expect(report.trials[2].error?.code).toBe('ZC_AGENT_GONE')
    expect(events.filter((e) => e.type === 'error').map((e) => (e as { error: { code: string } }).error.code)).toEqual([
      'ZC_AGENT_GONE'
    ])
    // the stream says the run's warning of it first, then the error, then the end
    const at = (p: (e: RunEvent) => boolean) => events.findIndex(p)
    const warned = at((e) => e.type === 'warning' && e.warning.code === 'ZC_AGENT_GONE' && e.warning.scope === 'run')
    expect(warned).toBeGreaterThanOrEqual(0)
    expect(warned).toBeLessThan(at((e) => e.type === 'error'))
    expect(at((e) => e.type === 'error')).toBeLessThan(at((e) => e.type === 'run-end'))
  })

  it('a sender that fails fails its trial only: the run goes on and the failure is a warning on that trial', async () => {
    const { report } = await run(
      { methods: ['copy', 'sendfile'], trialBytes: GiB, repeat: 2 },
      { faults: { 1: { senderFails: { atShare: 0.5, error: { code: 'ECONNRESET', message: 'reset by peer' } } } } }
    )
    expect(report.end.incomplete).toBe(false)
    expect(report.trials.map((t) => t.error?.code ?? null)).toEqual([null, 'ECONNRESET', null, null])
    expect(agg(report, 'sendfile')).toMatchObject({ trials: 2, failed: 1 })
    expect(agg(report, 'sendfile').throughputBitsPerSec!.n).toBe(1)
    const w = report.end.warnings.find((x) => x.code === 'ECONNRESET')!
    expect(w).toMatchObject({ scope: 'trial', method: 'sendfile', trials: [1] })
  })

  it('a method the kernel refuses is skipped after its first try, and said once', async () => {
    const { report, log } = await run(
      { methods: ['copy', 'splice', 'sendfile'], trialBytes: GiB, repeat: 3 },
      { unsupported: ['splice'] }
    )
    expect(log.map((l) => l.method)).toEqual(['copy', 'splice', 'sendfile', 'copy', 'sendfile', 'copy', 'sendfile'])
    expect(report.trials.map((t) => t.method)).not.toContain('splice')
    expect(report.end.warnings.filter((w) => w.code === 'UNSUPPORTED')).toHaveLength(1)
  })

  it('a chunk the kernel capped is recorded as used, and said', async () => {
    const { report } = await run(
      { methods: ['copy', 'splice'], trialBytes: GiB, chunkBytes: [256 * 1024] },
      { methods: { ...TABLE, splice: { ...TABLE.splice, maxCallBytes: 64 * 1024 } } }
    )
    const [copy, splice] = report.trials.map((t) => t.summary!)
    expect(copy.effectiveChunkBytes).toBe(256 * 1024)
    expect(splice.effectiveChunkBytes).toBe(64 * 1024)
    expect(copy.notes.map((n) => n.code)).not.toContain('CHUNK_CAPPED')
    expect(splice.notes.find((n) => n.code === 'CHUNK_CAPPED')!.message).toBe(
      'each call moved at most 64KiB, not the 256KiB chunk asked for'
    )
  })

  it('a corrupted byte fails the trial that carried it', async () => {
    const { report } = await run({ methods: ['copy'], repeat: 2, checksum: true }, { faults: { 0: { corrupt: true } } })
    expect(report.trials.map((t) => t.summary!.integrity.ok)).toEqual([false, true])
    expect(report.trials[0].error?.code).toBe('ZC_CHECKSUM')
  })

  it("the CLI's table and the cores-needed chart read the figures the table implies", async () => {
    const { report } = await run({
      methods: ['copy', 'sendfile'],
      trialBytes: GiB,
      repeat: 3,
      lineRatesBitsPerSec: [100e9]
    })
    const text = renderSummary(report, { color: false, width: 100 })
    // the headline first: sendfile −50% against copy; then the system's CPU per bit 0.375 and
    // 0.188, and 10 and 20 Gbit/s with no spread; the verdict last
    expect(text).toMatch(/copy +baseline +0\.375 +10\.00 ±0\.00/)
    expect(text).toMatch(/sendfile +−50\.0% \[−50\.0, −50\.0\] +0\.188 +20\.00 ±0\.00 +saves CPU/)
    // cores at 100 Gbit/s: 0.375 and 0.1875 cycles a bit × 100e9 / 2 GHz = 18.75 and 9.375
    expect(text).toMatch(/\ncopy +19\n/)
    expect(text).toMatch(/\nsendfile +9\.4\n/)
    // at 100 Gbit/s: cycles per bit × bits per second / clock, in cores
    const h = headroomOf(agg(report, 'sendfile'), FAKE_CLOCK_HZ, FAKE_CLOCK_HZ, [100e9])
    expect(h.coresAt[0].system).toBeCloseTo((perBit(0.75) * 100e9) / FAKE_CLOCK_HZ, 6)
    expect(h.coresAt[0].sender).toBeCloseTo((perBit(0.25) * 100e9) / FAKE_CLOCK_HZ, 6)
  })
})
