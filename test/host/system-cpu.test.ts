// /proc/stat and /proc/softirqs, parsed from planted text; and the live files agree with it.

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  cpuActivity,
  parseProcStatCpus,
  parseSoftirqs,
  readHostSnapshot,
  readOthersCpuNs
} from '../../src/main/host/system-cpu'

const STAT = `cpu  100 0 50 1000 10 5 20 3 0 0
cpu0 60 0 30 500 5 3 15 2 0 0
cpu1 40 0 20 500 5 2 5 1 0 0
intr 12345
ctxt 999`

const SOFTIRQS = `                    CPU0       CPU1
          HI:          1          0
       TIMER:        100        200
      NET_TX:          7          3
      NET_RX:       4000         20
       BLOCK:          0          0`

describe('/proc parsers', () => {
  it('busy = user + nice + system + irq + softirq, steal apart, in 10 ms ticks', () => {
    const { total, perCpu } = parseProcStatCpus(STAT)
    // 100 + 0 + 50 + 5 + 20 = 175 ticks busy; + idle 1000, iowait 10, steal 3 = 1188 in all
    expect(total).toEqual({ busyNs: 175 * 1e7, totalNs: 1188 * 1e7 })
    expect(perCpu).toEqual([
      { cpu: 0, busyNs: (60 + 30 + 3 + 15) * 1e7, softirqNs: 15 * 1e7 },
      { cpu: 1, busyNs: (40 + 20 + 2 + 5) * 1e7, softirqNs: 5 * 1e7 }
    ])
  })
  it('NET_RX and NET_TX per CPU', () => {
    expect(parseSoftirqs(SOFTIRQS)).toEqual({ netRx: { 0: 4000, 1: 20 }, netTx: { 0: 7, 1: 3 } })
  })
  it('activity between two snapshots, as cores over the wall time', () => {
    const a = {
      atNs: 0,
      busyNs: 0,
      totalNs: 0,
      processCpuNs: 0,
      perCpu: [{ cpu: 0, busyNs: 0, softirqNs: 0 }],
      netRx: { 0: 10 },
      netTx: {}
    }
    const b = { ...a, atNs: 2e9, perCpu: [{ cpu: 0, busyNs: 1e9, softirqNs: 0.5e9 }], netRx: { 0: 110 } }
    expect(cpuActivity(a, b, 2e9)).toEqual([{ cpu: 0, busyCores: 0.5, softirqCores: 0.25, netRx: 100, netTx: 0 }])
  })
  it('the live files parse: one entry per CPU in /proc/stat, none of them negative', () => {
    const s = readHostSnapshot()
    expect(s.perCpu.length).toBeGreaterThan(0)
    expect(s.perCpu.every((c) => c.busyNs >= c.softirqNs && c.softirqNs >= 0)).toBe(true)
    expect(Object.keys(s.netRx).length).toBe(s.perCpu.length)
  })
})

describe("other processes' CPU", () => {
  /** the scheduler's own count of a process's run time (/proc/PID/schedstat): not the file the reading sums */
  const schedNs = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0])

  it("counts another process's CPU, as the scheduler counts it, and leaves out the ones named as ours", async () => {
    const spin = spawn(process.execPath, ['-e', 'for(;;);'], { stdio: 'ignore' })
    try {
      await new Promise((r) => setTimeout(r, 300))
      const schedBefore = schedNs(spin.pid!)
      const counted = readOthersCpuNs()
      const ours = readOthersCpuNs([spin.pid!])
      const schedAfter = schedNs(spin.pid!)
      // what naming it as ours took out is its CPU so far, to the 10 ms tick /proc/PID/stat counts in
      const tick = 10e6
      expect(counted - ours).toBeGreaterThanOrEqual(schedBefore - 2 * tick - (schedAfter - schedBefore))
      expect(counted - ours).toBeLessThanOrEqual(schedAfter + 2 * tick)
      expect(schedBefore).toBeGreaterThan(50e6)
    } finally {
      spin.kill()
    }
  })

  it('a snapshot reads it only when asked, outside the window its edge bounds', () => {
    expect(typeof readHostSnapshot({ edge: 'start' }).othersCpuNs).toBe('number')
    expect(readHostSnapshot({ edge: 'end', ours: [12345678] }).othersCpuNs!).toBeGreaterThanOrEqual(0)
    expect(readHostSnapshot().othersCpuNs).toBeUndefined()
  })
})
