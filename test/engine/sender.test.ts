// A native transfer's totals include io_uring's own threads, read through the real
// addon: the SQ polling thread's CPU, also read independently from /proc while it runs.
// The addon counts the poller from the ring's set-up to the transfer's end; /proc's
// figure is the thread's whole life, so the test compares what /proc saw it use
// between two readings both taken while bytes were moving: a span inside the addon's.

import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { nativeTotals } from '../../src/main/engine/sender'
import * as native from '../../src/native'
import { address, randomFile } from '../helpers'

/** the CPU ns of this process's io_uring SQ polling threads now, from their schedstat */
function sqpollThreadsNs(): number {
  let ns = 0
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (!readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').startsWith('iou-sqp')) continue
      ns += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // the thread went between the listing and the read
    }
  }
  return ns
}

describe('native totals of an io_uring sender', () => {
  it('include the SQ polling thread’s CPU: at least what /proc showed it using', async () => {
    const file = randomFile(4 * 1024 * 1024)
    const a = address('inet')
    const l = native.listen(a)
    /** the poller's /proc CPU at the first and the latest reading taken mid-transfer */
    let firstNs = -1
    let lastNs = -1
    let sender: native.Transfer | null = null
    const watch = setInterval(() => {
      if (sender?.progress().phase !== 'moving') return
      const ns = sqpollThreadsNs()
      // kept only if the transfer was still moving after the read: before the addon's end reading
      if (ns <= 0 || sender.progress().phase !== 'moving') return
      if (firstNs < 0) firstNs = ns
      lastNs = ns
    }, 20)
    try {
      const receiver = native.startReceiver({
        mode: 'read',
        listenFd: l.fd,
        bufferBytes: 65536,
        checksum: false,
        pmu: 'off'
      })
      // 300 ms of sending: the poller spins the whole time, so /proc sees it work
      sender = native.startSender({
        method: 'uring-send',
        file,
        chunkBytes: 65536,
        target: { ...a, port: l.port },
        pmu: 'off',
        uringSqpoll: true,
        loop: true,
        durationMs: 300
      })
      const [s] = await Promise.all([sender.done, receiver.done])
      clearInterval(watch)
      // the poller spins the whole 300 ms: /proc saw it work between two mid-transfer readings
      const seenNs = lastNs - firstNs
      expect(seenNs).toBeGreaterThan(0)
      const totals = nativeTotals(s.counters, s)
      // the poller's recorded CPU is at least what it used within the transfer
      expect(s.uringSqpollCpuNs).toBeGreaterThanOrEqual(seenNs)
      expect(totals.cpuNs).toBeGreaterThanOrEqual(s.counters.taskClockNs + seenNs)
      expect(totals.cpuNs).toBe(s.counters.taskClockNs + s.uringSqpollCpuNs + s.uringWorkerCpuNs)
      expect(totals.sources.uringThreads).toMatch(/iou-sqp/)
    } finally {
      clearInterval(watch)
      native.closeFd(l.fd)
    }
  })
})
