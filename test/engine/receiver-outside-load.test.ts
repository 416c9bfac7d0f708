// Outside load on the receiving host counts as the sending host's does: other programs'
// CPU there is left out of that host's whole-system figure, and enough of it marks the
// trial CONTAMINATED. First from planted host snapshots (every figure worked out by
// hand), then through a real agent on this host, with a busy process the test starts
// and the scheduler's own count of that process's CPU as the instrument.

import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentServer } from '../../src/main/agent/agent-server'
import type { HostSnapshot } from '../../src/main/host/system-cpu'
import type { SenderOutcome } from '../../src/main/engine/sender'
import { summarizeTrial, type TrialMeasurements } from '../../src/main/engine/trial-figures'
import { runPlan } from '../../src/main/engine/run'
import { allHostsCyclesPerBit } from '../../src/shared/aggregate'
import { parseTarget } from '../../src/shared/targets'
import { randomFile, testPlan } from '../helpers'
import { nativeResult, totals } from './native-results'

const S = 1e9
const GB = 1e9
/** the sending host's CLOCK_MONOTONIC t seconds into the trial; the receiving host's runs 50 s ahead */
const T = (t: number) => 100 * S + t * S
const R = (t: number) => 150 * S + t * S

function host(atNs: number, busyNs: number, processCpuNs: number, othersCpuNs?: number): HostSnapshot {
  return {
    atNs,
    busyNs,
    totalNs: 2 * busyNs + 1,
    processCpuNs,
    ...(othersCpuNs !== undefined ? { othersCpuNs } : {}),
    perCpu: [],
    netRx: {},
    netTx: {}
  }
}

/**
 * One stream of 2 GB (16e9 bits) over 2 s to an agent on another host.
 *
 * The sending host (2 GHz) is quiet: 2 s busy, zcprof 1.8 s of it, other processes 0.1 s
 * by /proc/PID/stat. Others: 2 - 1.8 = 0.2 s over 2 s = 0.1 cores. Its figure leaves the
 * 0.1 s out: (2 - 0.1) s × 2e9 / 16e9 = 0.2375 cycles/bit.
 *
 * The receiving host (4 GHz): busy `rBusy`, the agent 1.5 s of it, other processes `rOthers`.
 */
function measurements(rBusy: number, rOthers: number | undefined): TrialMeasurements {
  const sent: SenderOutcome = {
    streams: [
      {
        bytes: 2 * GB,
        firstByteNs: T(0),
        lastByteNs: T(2),
        confirmedNs: T(2),
        totals: totals(1.5 * S),
        zeroCopy: null,
        tcpInfo: null,
        localPort: 5000,
        thread: null,
        effectiveChunkBytes: 65536,
        uring: null,
        gpu: null,
        error: null
      }
    ],
    totals: totals(1.5 * S),
    error: null
  }
  return {
    method: 'copy',
    index: 0,
    target: parseTarget('agent://10.0.0.2:5201'),
    chunkBytes: 65536,
    uringDepth: 32,
    uringSqpoll: false,
    mode: 'bytes',
    expectedBytes: [2 * GB],
    expectedCrc32c: [42],
    checksum: true,
    sameHost: false,
    clockHz: 2e9,
    receiverClockHz: 4e9,
    sampleIntervalMs: 50,
    sent,
    recv: {
      streams: [{ result: nativeResult(2 * GB, { startNs: R(0), lastByteNs: R(2), cpuNs: 1 * S }), error: null }],
      hostStart: host(R(0), 0, 0, rOthers === undefined ? undefined : 0),
      hostEnd: host(R(2), rBusy, 1.5 * S, rOthers)
    },
    mark: null,
    hostStart: host(T(0), 0, 0, 0),
    hostEnd: host(T(2), 2 * S, 1.8 * S, 0.1 * S)
  }
}

describe("the receiving host's outside load, from planted snapshots", () => {
  it('a quiet receiving host: 1.6 s busy, the agent 1.5 s; nothing marked', () => {
    const { summary: s } = summarizeTrial(measurements(1.6 * S, 0))
    expect(s.system!.cyclesPerBit).toBeCloseTo(0.2375, 12)
    // (1.6 - 0) s × 4e9 / 16e9 = 0.4 cycles/bit; others 0.1 s over 2 s = 0.05 cores
    expect(s.receiverSystem!.cyclesPerBit).toBeCloseTo(0.4, 12)
    expect(s.receiverSystem!.otherCpuCores).toBeCloseTo(0.05, 12)
    expect(s.contaminated).toBe(false)
    expect(s.notes.map((n) => n.code)).not.toContain('CONTAMINATED')
  })

  it('2.4 s of other programs there: left out of its figure, and the trial is marked though this host was quiet', () => {
    const { summary: s } = summarizeTrial(measurements(4 * S, 2.4 * S))
    // left out: 2.4 s; (4 - 2.4) s × 4e9 / 16e9 = 0.4 cycles/bit, as without the load (not 4 × 4e9 / 16e9 = 1.0)
    expect(s.receiverSystem!.otherProcessesCpuNs).toBe(2.4 * S)
    expect(s.receiverSystem!.busyCpuNs).toBe(4 * S)
    expect(s.receiverSystem!.cyclesPerBit).toBeCloseTo(0.4, 12)
    // every host: 0.2375 + 0.4
    expect(allHostsCyclesPerBit(s)).toBeCloseTo(0.6375, 12)
    // others there: 4 - 1.5 = 2.5 s over 2 s = 1.25 cores, over the 0.5 that marks a trial; this host's 0.1 is not
    expect(s.receiverSystem!.otherCpuCores).toBeCloseTo(1.25, 12)
    expect(s.system!.otherCpuCores).toBeCloseTo(0.1, 12)
    expect(s.contaminated).toBe(true)
    expect(s.notes.find((n) => n.code === 'CONTAMINATED')?.message).toMatch(/1\.25 cores/)
  })

  it('the same load on the sending host is treated the same way', () => {
    // mirrored: the sending host now carries 2.4 s of others (busy 4.3 s, zcprof 1.8 s), the receiving host is quiet
    const m = measurements(1.6 * S, 0)
    m.hostEnd = host(T(2), 4.3 * S, 1.8 * S, 2.4 * S)
    const { summary: s } = summarizeTrial(m)
    // (4.3 - 2.4) s × 2e9 / 16e9 = 0.2375: unchanged by the load
    expect(s.system!.otherProcessesCpuNs).toBe(2.4 * S)
    expect(s.system!.cyclesPerBit).toBeCloseTo(0.2375, 12)
    // 4.3 - 1.8 = 2.5 s over 2 s
    expect(s.system!.otherCpuCores).toBeCloseTo(1.25, 12)
    expect(s.contaminated).toBe(true)
  })

  it('an agent that did not read other processes (before 0.4): all of its busy time stays in, and it says nothing was left out', () => {
    const { summary: s } = summarizeTrial(measurements(4 * S, undefined))
    expect(s.receiverSystem!.otherProcessesCpuNs).toBeUndefined()
    expect(s.receiverSystem!.cyclesPerBit).toBeCloseTo(1.0, 12)
    expect(s.contaminated).toBe(true)
  })
})

/** the scheduler's count of a process's run time, ns (/proc/PID/schedstat): not the file the agent sums */
const schedNs = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0])

/** every process's utime + stime now, ns, by pid: what a process that exits takes out of a later sum */
function processCpu(): Map<number, number> {
  const out = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out.set(Number(name), (Number(f[11]) + Number(f[12])) * 1e7)
    } catch {
      // gone since the listing
    }
  }
  return out
}

describe("a real agent's outside load", () => {
  const file = randomFile(4 * 1024 * 1024 + 13)
  let server: AgentServer
  let port: number
  beforeAll(async () => {
    // in this process, as a remote agent is configured: it reads other processes' CPU, and
    // this process (the sender too) is its own, so what it calls others is the rest of the host
    server = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, environment: async () => null })
    port = ((await server.listen()) as { port: number }).port
  })
  afterAll(() => server.close())

  it("leaves a busy process's CPU out of the receiving host's figure, at least what the scheduler counted for it", async () => {
    const spin = spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' })
    try {
      await new Promise((r) => setTimeout(r, 200))
      // every process's CPU, read every 50 ms from before the run to after it: a process that
      // exits takes its CPU out of the agent's later sum, and is then known by its last reading
      const seen = new Map<number, number>()
      let exited = 0
      const poll = () => {
        const now = processCpu()
        for (const [pid, ns] of seen) if (!now.has(pid)) exited += ns
        seen.clear()
        for (const [pid, ns] of now) seen.set(pid, ns)
      }
      poll()
      const poller = setInterval(poll, 50)
      // the spinner's CPU at the first and the last sample: both inside the agent's window
      let first: number | null = null
      let last = 0
      const report = await runPlan({
        plan: testPlan(file, {
          targets: [`agent://127.0.0.1:${port}`],
          methods: ['copy'],
          durationMs: 1500,
          omitMs: 0,
          checksum: false,
          sampleIntervalMs: 100
        }),
        onEvent: (e) => {
          if (e.type !== 'sample') return
          last = schedNs(spin.pid!)
          first ??= last
        }
      }).finally(() => clearInterval(poller))
      poll()
      const t = report.trials[0]
      expect(t.error).toBeNull()
      expect(first).not.toBeNull()
      const spun = last - first!
      // the load was real: a tenth of a second of CPU at least, whatever else this host ran
      expect(spun).toBeGreaterThan(0.1 * S)
      const r = t.summary!.receiverSystem!
      expect(r.otherProcessesCpuNs).toBeDefined()
      // /proc/PID/stat counts in 10 ms ticks: one tick at each end
      const atLeast = spun - exited - 2 * 10e6
      expect(r.otherProcessesCpuNs!).toBeGreaterThanOrEqual(atLeast)
      // and it is left out of that host's cycles
      const clockHz = report.start.environment.sender.cpuClockHz!
      expect(r.cycles).toBeLessThanOrEqual(((r.busyCpuNs - atLeast) / 1e9) * clockHz * 1.000001)
    } finally {
      spin.kill()
    }
  })
})
