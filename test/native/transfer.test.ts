// The native data path moves every byte, on every method, receiver mode and family.

import { readdirSync, readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { METHOD_INFO, NATIVE_METHODS, RECEIVER_MODES } from '../../src/shared/methods'
import { randomFile, transferPair } from '../helpers'
import { buildFakeCuda } from './fake-cuda/build'

const FILE_BYTES = 3 * 1024 * 1024 + 12345
let file: string
let expected: number

beforeAll(async () => {
  // the gpu-* receiver modes receive into the fake CUDA's "device memory" (host memory)
  Object.assign(process.env, buildFakeCuda().env)
  file = randomFile(FILE_BYTES)
  expected = (await native.fileCrc32c(file)).crc32c
})

describe('crc32c', () => {
  it('matches the published check value and is chunk-independent', () => {
    // CRC-32C check value of "123456789" (RFC 3720)
    expect(native.crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    const data = readFileSync(file)
    const whole = native.crc32c(data)
    const split = native.crc32c(data.subarray(77777), native.crc32c(data.subarray(0, 77777)))
    expect(split).toBe(whole)
  })

  it('agrees with the file checksum', async () => {
    expect(native.crc32c(readFileSync(file))).toBe(expected)
  })

  it("combines: a looped stream's checksum from one read, checked against hashing every byte", async () => {
    const data = readFileSync(file)
    const a = data.subarray(0, 1000)
    const b = data.subarray(1000)
    expect(native.crc32cCombine(native.crc32c(a), native.crc32c(b), b.length)).toBe(expected)
    // the file repeated past 2^32 bits (and 2^29 bytes, where a 32-entry table would wrap), then a prefix
    for (const total of [0, 7, FILE_BYTES, 3 * FILE_BYTES + 5, 300 * FILE_BYTES + 777]) {
      let crc = 0
      let left = total
      while (left > 0) {
        const take = Math.min(left, FILE_BYTES)
        crc = native.crc32c(data.subarray(0, take), crc)
        left -= take
      }
      expect((await native.fileCrc32cRepeated(file, total)).crc32c, `${total} bytes`).toBe(crc)
    }
  })
})

describe.each(['inet', 'inet6', 'unix'] as const)('%s sockets', (family) => {
  for (const method of NATIVE_METHODS) {
    for (const mode of RECEIVER_MODES) {
      const unsupported = family === 'unix' && (METHOD_INFO[method].tcpOnly || mode === 'discard' || mode === 'mapped')
      if (unsupported) continue
      it(`${method} → ${mode} moves the file byte-exact`, async () => {
        const { sender, receiver } = await transferPair({ method, mode, family, file, chunkBytes: 65536 })
        expect(sender.bytes).toBe(FILE_BYTES)
        expect(receiver.bytes).toBe(FILE_BYTES)
        expect(receiver.crc32c).toBe(expected)
        expect(sender.peerConfirmed).toBe(true)
        expect(sender.syscallsTotal).toBeGreaterThan(0)
        expect(receiver.syscallsTotal).toBeGreaterThan(0)
      })
    }
  }
})

describe('syscalls are the method’s own', () => {
  const chunk = 65536
  const calls = Math.ceil(FILE_BYTES / chunk)
  it('copy reads the file once per chunk and writes each chunk', async () => {
    const { sender } = await transferPair({ method: 'copy', mode: 'read', family: 'inet', file, chunkBytes: chunk })
    // + 1 read: the sender waits for the receiver's close after its EOF
    expect(sender.syscalls.read).toBe(calls + 1)
    expect(sender.syscalls.write).toBeGreaterThanOrEqual(calls)
    expect(sender.syscalls.sendfile).toBeUndefined()
  })
  it('sendfile makes no read or write of the data', async () => {
    const { sender } = await transferPair({ method: 'sendfile', mode: 'read', family: 'inet', file, chunkBytes: chunk })
    expect(sender.syscalls.sendfile).toBeGreaterThanOrEqual(calls)
    expect(sender.syscalls.write).toBeUndefined()
    expect(sender.syscalls.read).toBe(1)
  })
  it('splice goes file → pipe → socket: two splices per chunk', async () => {
    const { sender } = await transferPair({ method: 'splice', mode: 'read', family: 'inet', file, chunkBytes: chunk })
    expect(sender.syscalls.splice).toBeGreaterThanOrEqual(2 * calls)
  })
  it('msg-zerocopy reports its completions and, on loopback, that the kernel copied', async () => {
    const { sender } = await transferPair({
      method: 'msg-zerocopy',
      mode: 'read',
      family: 'inet',
      file,
      chunkBytes: chunk
    })
    expect(sender.zeroCopySends).toBeGreaterThanOrEqual(calls)
    expect(sender.zeroCopyCompleted).toBe(sender.zeroCopySends)
    // loopback always falls back to copying (the skb is delivered locally)
    expect(sender.zeroCopyCopied).toBe(sender.zeroCopyCompleted)
    expect(sender.syscalls.sendto).toBe(sender.zeroCopySends)
  })
  it('uring-send moves a batch per submission: two io_uring_enter calls per 32 chunks, no read or write', async () => {
    const { sender } = await transferPair({
      method: 'uring-send',
      mode: 'read',
      family: 'inet',
      file,
      chunkBytes: chunk
    })
    const batches = Math.ceil(calls / 32)
    expect(sender.syscalls.io_uring_enter).toBeGreaterThanOrEqual(2 * batches)
    // a short send is finished alone: a few more at most
    expect(sender.syscalls.io_uring_enter).toBeLessThanOrEqual(2 * batches + 4)
    expect(sender.syscalls.write).toBeUndefined()
    // one read: the wait for the receiver's close after the sender's EOF
    expect(sender.syscalls.read).toBe(1)
    // a READ_FIXED and a SEND per chunk
    expect(sender.uringSqes).toBeGreaterThanOrEqual(2 * calls)
  })
  it('uring-send-zc counts notifications, and on loopback that the kernel copied every send', async () => {
    const { sender } = await transferPair({
      method: 'uring-send-zc',
      mode: 'read',
      family: 'inet',
      file,
      chunkBytes: chunk
    })
    expect(sender.zeroCopySends).toBeGreaterThanOrEqual(calls)
    expect(sender.zeroCopyCompleted).toBe(sender.zeroCopySends)
    expect(sender.zeroCopyCopied).toBe(sender.zeroCopyCompleted)
    expect(sender.syscalls.sendto).toBeUndefined()
  })
  it('with SQPOLL, sending takes no system call, and the polling thread’s CPU is measured', async () => {
    for (const method of ['uring-send', 'uring-splice', 'uring-send-zc'] as const) {
      const { sender } = await transferPair({
        method,
        mode: 'read',
        family: 'inet',
        file,
        chunkBytes: chunk,
        uringSqpoll: true
      })
      expect(sender.bytes, method).toBe(FILE_BYTES)
      // at most a wake-up of a thread that went idle, and an overflow's collection
      expect(sender.syscalls.io_uring_enter ?? 0, method).toBeLessThanOrEqual(2)
      expect(sender.uringSqpollCpuNs, method).toBeGreaterThan(0)
    }
  })
  it("uring-splice's splices run in io_uring's worker threads, and their CPU is measured", async () => {
    const { sender } = await transferPair({
      method: 'uring-splice',
      mode: 'read',
      family: 'inet',
      file,
      chunkBytes: chunk
    })
    // io_uring cannot splice without blocking: every splice is a worker's (iou-wrk-<tid>)
    expect(sender.uringWorkerCpuNs).toBeGreaterThan(0)
    expect(sender.syscalls.splice).toBeUndefined()
  })
  it("io_uring's threads are read live for samples, as /proc shows them to another reader", async () => {
    const a = { family: 'inet' as const, host: '127.0.0.1', port: 0 }
    const l = native.listen(a)
    try {
      const receiver = native.startReceiver({ mode: 'discard', listenFd: l.fd, bufferBytes: chunk, checksum: false })
      const sender = native.startSender({
        method: 'uring-splice',
        file,
        chunkBytes: chunk,
        target: { ...a, port: l.port },
        loop: true,
        durationMs: 800
      })
      await new Promise((r) => setTimeout(r, 400))
      const tid = sender.counters()!.tid
      const live = sender.progress().uringThreadsCpuNs!
      // the independent reading: this process's iou-wrk-<loop tid> tasks, by their schedstat
      let seen = 0
      for (const task of readdirSync('/proc/self/task')) {
        try {
          if (readFileSync(`/proc/self/task/${task}/comm`, 'utf8').trim() !== `iou-wrk-${tid}`) continue
          seen += Number(readFileSync(`/proc/self/task/${task}/schedstat`, 'utf8').split(' ')[0])
        } catch {
          // a worker that exited between the listing and the read
        }
      }
      expect(live).toBeGreaterThan(0)
      expect(seen).toBeGreaterThanOrEqual(live)
      expect(seen - live).toBeLessThan(50e6)
      const [s] = await Promise.all([sender.done, receiver.done])
      // once done, the recorded figures: the same two the result gives apart
      expect(s.uringThreadsCpuNs).toBe(s.uringSqpollCpuNs + s.uringWorkerCpuNs)
      expect(s.uringThreadsCpuNs!).toBeGreaterThanOrEqual(live)
    } finally {
      native.closeFd(l.fd)
    }
    // a method without a ring has no such reading
    const { sender } = await transferPair({ method: 'sendfile', mode: 'read', family: 'inet', file, chunkBytes: chunk })
    expect(sender.uringThreadsCpuNs).toBeUndefined()
  })
  it('the uring receiver takes the stream with one multishot recv: no read or recv of the data', async () => {
    const { receiver } = await transferPair({
      method: 'sendfile',
      mode: 'uring',
      family: 'inet',
      file,
      checksum: false
    })
    expect(receiver.syscalls.io_uring_enter).toBeGreaterThan(0)
    expect(receiver.syscalls.read).toBeUndefined()
    expect(receiver.syscalls.recvfrom).toBeUndefined()
  })
  it('the discard receiver drops bytes with recv(MSG_TRUNC) and never reads', async () => {
    const { receiver } = await transferPair({
      method: 'sendfile',
      mode: 'discard',
      family: 'inet',
      file,
      checksum: false
    })
    expect(receiver.syscalls.recvfrom).toBeGreaterThan(0)
    expect(receiver.syscalls.read).toBeUndefined()
  })
  it('the splice receiver moves bytes socket → pipe → /dev/null without reading them', async () => {
    const { receiver } = await transferPair({
      method: 'sendfile',
      mode: 'splice',
      family: 'inet',
      file,
      checksum: false
    })
    expect(receiver.syscalls.splice).toBeGreaterThan(0)
    expect(receiver.syscalls.read).toBeUndefined()
  })
})

describe('counters', () => {
  it('are present, non-zero where they must be, and carry their source', async () => {
    const { sender, receiver } = await transferPair({ method: 'copy', mode: 'read', family: 'inet', file })
    for (const c of [sender.counters, receiver.counters]) {
      expect(c.taskClockNs).toBeGreaterThan(0)
      expect(c.contextSwitches).toBeGreaterThan(0)
      // the split (getrusage) is read just after the total (perf): at most one switch apart
      const split = c.contextSwitchesVoluntary + c.contextSwitchesInvoluntary
      expect(split).toBeGreaterThanOrEqual(c.contextSwitches)
      expect(split).toBeLessThanOrEqual(c.contextSwitches + 1)
      expect(c.tid).toBeGreaterThan(0)
      expect(['perf-software', 'rusage', 'procfs']).toContain(c.sources.taskClock)
      expect(['perf-software', 'rusage', 'procfs']).toContain(c.sources.contextSwitches)
      if (c.sources.cycles === 'pmu') expect(c.cycles).toBeGreaterThan(0)
      else expect(c.pmuReason).toMatch(/\w/)
    }
  })

  it('count the page faults of touching a mapping', async () => {
    const { sender } = await transferPair({ method: 'mmap', mode: 'read', family: 'inet', file })
    expect(sender.counters.pageFaults).toBeGreaterThan(0)
    expect(sender.counters.sources.pageFaults).not.toBe('none')
  })

  it('with the PMU closed, report no cycles, the reason, and how to open it', async () => {
    const { sender } = await transferPair({ method: 'sendfile', mode: 'read', family: 'inet', file, pmu: 'off' })
    expect(sender.counters.cycles).toBeUndefined()
    expect(sender.counters.sources.cycles).toBe('none')
    expect(sender.counters.pmuReason).toMatch(/turned off/)
    expect(sender.counters.taskClockNs).toBeGreaterThan(0)
  })

  it('the PMU probe says whether cycles are counted, and why not', () => {
    const p = native.pmuProbe()
    if (p.available) expect(p.reason).toBeUndefined()
    else expect(p.reason).toMatch(/PMU|perf_event_paranoid|perf_event_open/)
  })

  it('can be read while the loop runs', async () => {
    const a = { family: 'inet' as const, host: '127.0.0.1', port: 0 }
    const l = native.listen(a)
    const receiver = native.startReceiver({ mode: 'read', listenFd: l.fd, bufferBytes: 65536, checksum: false })
    const sender = native.startSender({ method: 'copy', file, chunkBytes: 4096, target: { ...a, port: l.port } })
    const seen: number[] = []
    let finished = false
    const both = Promise.all([sender.done, receiver.done]).finally(() => (finished = true))
    while (!finished) {
      const c = sender.counters()
      if (c) {
        expect(c.taskClockNs).toBeGreaterThanOrEqual(0)
        seen.push(sender.progress().bytes)
      }
      await new Promise((r) => setImmediate(r))
    }
    await both
    native.closeFd(l.fd)
    expect(seen.length).toBeGreaterThan(0)
    // progress only ever grows
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1])
  })
})

describe('TCP_INFO', () => {
  it('comes back for TCP and not for unix sockets', async () => {
    const tcp = await transferPair({ method: 'sendfile', mode: 'read', family: 'inet', file })
    expect(tcp.sender.tcpInfo).toBeDefined()
    expect(tcp.sender.tcpInfo!.sndMssBytes).toBeGreaterThan(0)
    const unix = await transferPair({ method: 'sendfile', mode: 'read', family: 'unix', file })
    expect(unix.sender.tcpInfo).toBeUndefined()
  })
})
