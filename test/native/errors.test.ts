// Failures reach JS as errors with code + errno + syscall, and release everything.

import { readFileSync } from 'node:fs'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { METHOD_INFO, NATIVE_METHODS } from '../../src/shared/methods'
import { address, openFds, randomFile, rejection, tempDir } from '../helpers'

const file = randomFile(1024 * 1024)

async function freePort(): Promise<number> {
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as net.AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

describe('native errors', () => {
  it('connection refused names connect and ECONNREFUSED', async () => {
    const port = await freePort()
    const e = await rejection(
      native.startSender({
        method: 'copy',
        file,
        chunkBytes: 65536,
        target: { family: 'inet', host: '127.0.0.1', port }
      }).done
    )
    expect(e.code).toBe('ECONNREFUSED')
    expect(e.syscall).toBe('connect')
    expect(e.errno).toBe(111)
    expect(e.partial?.bytes).toBe(0)
  })

  it('a missing file names open and ENOENT', async () => {
    const e = await rejection(
      native.startSender({
        method: 'sendfile',
        file: '/nonexistent/zcprof',
        chunkBytes: 65536,
        target: { family: 'inet', host: '127.0.0.1', port: 9 }
      }).done
    )
    expect(e.code).toBe('ENOENT')
    expect(e.syscall).toBe('open')
  })

  it('a port in use names bind and EADDRINUSE', () => {
    const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
    try {
      expect(() => native.listen({ family: 'inet', host: '127.0.0.1', port: l.port })).toThrow(
        expect.objectContaining({ code: 'EADDRINUSE', syscall: 'bind' })
      )
    } finally {
      native.closeFd(l.fd)
    }
  })

  it('bad arguments are type errors that say what is expected', () => {
    expect(() =>
      native.startSender({
        method: 'bogus' as never,
        file,
        chunkBytes: 1,
        target: { family: 'inet', host: '127.0.0.1', port: 1 }
      })
    ).toThrow(/method must be one of/)
    expect(() => native.listen({ family: 'inet', host: 'not-an-ip', port: 0 })).toThrow(/not a numeric IP address/)
    expect(() => native.listen({ family: 'carrier-pigeon' as never })).toThrow(/family/)
  })

  it('msg-zerocopy on a unix socket is unsupported, not a crash', async () => {
    const a = address('unix')
    const l = native.listen(a)
    const r = native.startReceiver({ mode: 'read', listenFd: l.fd, bufferBytes: 65536, checksum: false })
    const e = await rejection(native.startSender({ method: 'msg-zerocopy', file, chunkBytes: 65536, target: a }).done)
    await r.done
    native.closeFd(l.fd)
    expect(e.code).toBe('ZC_UNSUPPORTED')
    expect(e.syscall).toBe('setsockopt')
  })

  it.each(['discard', 'mapped'] as const)('%s on a unix socket is refused with the alternative named', async (mode) => {
    const a = address('unix')
    const l = native.listen(a)
    const r = native.startReceiver({ mode, listenFd: l.fd, bufferBytes: 65536, checksum: false })
    native.startSender({ method: 'copy', file, chunkBytes: 65536, target: a }).done.catch(() => undefined)
    const e = await rejection(r.done)
    native.closeFd(l.fd)
    expect(e.code).toBe('ZC_UNSUPPORTED')
    expect(e.message).toMatch(/read or splice/)
  })

  it('a receiver killed mid-transfer is an error with what was sent so far', async () => {
    const big = randomFile(64 * 1024 * 1024, tempDir())
    const server = net.createServer((sock) => {
      let got = 0
      sock.on('data', (d) => {
        got += d.length
        if (got > 1024 * 1024) sock.resetAndDestroy()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as net.AddressInfo).port
    const e = await rejection(
      native.startSender({
        method: 'sendfile',
        file: big,
        chunkBytes: 65536,
        target: { family: 'inet', host: '127.0.0.1', port }
      }).done
    )
    server.close()
    expect(['ECONNRESET', 'EPIPE']).toContain(e.code)
    expect(e.message).toMatch(/closed the connection mid-transfer/)
    expect(e.partial!.bytes).toBeGreaterThan(0)
    expect(e.partial!.bytes).toBeLessThan(64 * 1024 * 1024)
  })
})

describe('cancel', () => {
  it('stops a blocked sender within 100 ms and leaks no fd', async () => {
    const big = randomFile(256 * 1024 * 1024, tempDir())
    const before = openFds()
    // a listener that never accepts: the sender fills the socket buffers and blocks
    const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
    const cases = [
      ...NATIVE_METHODS.map((method) => ({ method, sqpoll: false })),
      ...NATIVE_METHODS.filter((m) => METHOD_INFO[m].uring).map((method) => ({ method, sqpoll: true }))
    ]
    for (const { method, sqpoll } of cases) {
      const t = native.startSender({
        method,
        file: big,
        chunkBytes: 65536,
        target: { family: 'inet', host: '127.0.0.1', port: l.port },
        uringSqpoll: sqpoll
      })
      // wait until it is stuck: bytes stop growing
      let last = -1
      for (const deadline = Date.now() + 20_000; ; ) {
        await new Promise((r) => setTimeout(r, 50))
        const b = t.progress().bytes
        if (b > 0 && b === last) break
        last = b
        if (Date.now() > deadline) throw new Error(`${method} never got stuck: ${b} bytes, phase ${t.progress().phase}`)
      }
      const t0 = performance.now()
      t.cancel()
      const e = await rejection(t.done)
      const ms = performance.now() - t0
      expect(e.code, method).toBe('ZC_CANCELLED')
      expect(ms, method).toBeLessThan(100)
      expect(e.partial!.bytes, method).toBeGreaterThan(0)
    }
    native.closeFd(l.fd)
    // the kernel's accept queue held the connections; closing the listener reset them
    expect(openFds()).toBe(before)
    // mmap, msg-zerocopy and uring-send-zc mapped the file: no mapping may outlive the transfer
    expect(readFileSync('/proc/self/maps', 'utf8')).not.toContain(big)
  })

  it('stops a receiver waiting for a sender within 100 ms and leaks no fd', async () => {
    const before = openFds()
    const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
    const r = native.startReceiver({ mode: 'splice', listenFd: l.fd, bufferBytes: 65536, checksum: false })
    await new Promise((res) => setTimeout(res, 30))
    const t0 = performance.now()
    r.cancel()
    const e = await rejection(r.done)
    expect(performance.now() - t0).toBeLessThan(100)
    expect(e.code).toBe('ZC_CANCELLED')
    native.closeFd(l.fd)
    expect(openFds()).toBe(before)
  })

  it('stops both ends mid-transfer and leaks no fd', async () => {
    const big = randomFile(256 * 1024 * 1024, tempDir())
    const before = openFds()
    const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
    const r = native.startReceiver({ mode: 'splice', listenFd: l.fd, bufferBytes: 65536, checksum: true })
    const s = native.startSender({
      method: 'splice',
      file: big,
      chunkBytes: 65536,
      target: { family: 'inet', host: '127.0.0.1', port: l.port }
    })
    await expect.poll(() => s.progress().bytes, { timeout: 10_000, interval: 1 }).toBeGreaterThan(0)
    s.cancel()
    r.cancel()
    const [es, er] = await Promise.all([rejection(s.done), rejection(r.done)])
    native.closeFd(l.fd)
    expect(es.code).toBe('ZC_CANCELLED')
    expect(['ZC_CANCELLED', 'ECONNRESET']).toContain(er.code)
    expect(openFds()).toBe(before)
  })
})

describe('cancel racing a connection', () => {
  it('stops a receiver however close to its accept the cancel lands', async () => {
    // the window between accept() and publishing the socket for cancel is tiny: try it many times
    const before = openFds()
    for (let i = 0; i < 300; i++) {
      const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
      const r = native.startReceiver({ mode: 'read', listenFd: l.fd, bufferBytes: 4096, checksum: false })
      const client = net.connect({ host: '127.0.0.1', port: l.port })
      client.on('error', () => undefined)
      client.write(Buffer.alloc(4096))
      if (i % 3 === 0) await new Promise((res) => setImmediate(res))
      r.cancel()
      const ended = await Promise.race([
        r.done.then(
          () => 'ended',
          () => 'ended'
        ),
        new Promise((res) => setTimeout(() => res('stuck'), 2000))
      ])
      client.destroy()
      native.closeFd(l.fd)
      expect(ended, `iteration ${i}`).toBe('ended')
    }
    await new Promise((res) => setTimeout(res, 50))
    expect(openFds()).toBe(before)
  })
})
