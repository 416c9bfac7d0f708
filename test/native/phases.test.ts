// A transfer's phase, as progress() reports it: starting until the data connection is
// up, connected until a byte moves, moving, then done (zc_phase in zc.h).

import net from 'node:net'
import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'

const waitFor = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 200; i++) {
    if (check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`never ${what}`)
}

describe("a receiver's phases", () => {
  it('starting, connected (accepted, nothing read), moving, done', async () => {
    const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
    const r = native.startReceiver({ mode: 'read', listenFd: l.fd, bufferBytes: 65536, checksum: false })
    expect(r.progress().phase).toBe('starting')
    const sock = net.connect(l.port, '127.0.0.1')
    await new Promise((res) => sock.once('connect', res))
    await waitFor(() => r.progress().phase === 'connected', 'connected')
    sock.write(Buffer.alloc(1024, 1))
    await waitFor(() => r.progress().phase === 'moving', 'moving')
    sock.end()
    const result = await r.done
    native.closeFd(l.fd)
    expect(result.phase).toBe('done')
    expect(result.bytes).toBe(1024)
  })
})
