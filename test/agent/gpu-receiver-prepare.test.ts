// An agent asked to receive in a gpu-* mode on a host without CUDA refuses the prepare,
// saying why: it never receives some other way. Its own file (its own process): the
// addon loads CUDA once per process, and here it must find none. A device number out
// of range is refused as a bad field.

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentServer } from '../../src/main/agent/agent-server'
import { greet, prepareRequest, RawControl } from './control-client'

const TOKEN = 'gpu receiver token'
let server: AgentServer
let port: number

beforeAll(async () => {
  process.env.ZCPROF_CUDA_LIBRARY = '/nonexistent/libcuda.so.1'
  server = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, token: TOKEN, environment: async () => null })
  port = ((await server.listen()) as { port: number }).port
})
afterAll(() => server.close())

async function prepareReply(extra: Record<string, unknown>): Promise<Record<string, unknown>> {
  const c = await RawControl.connect(port)
  expect((await greet(c, TOKEN))?.type).toBe('hello')
  c.send(prepareRequest(3, extra))
  const r = (await c.reply(3))!
  c.close()
  return r
}

describe('prepare in a gpu-* mode', () => {
  it.each([['gpu-pageable'], ['gpu-pinned'], ['gpu-mapped']])(
    '%s without CUDA: refused, naming the mode',
    async (mode) => {
      const r = await prepareReply({ mode, gpuDevice: 0 })
      expect(r.type).toBe('error')
      const error = r.error as { code: string; message: string }
      expect(error.code).toBe('ZC_NO_GPU_DRIVER')
      expect(error.message).toMatch(new RegExp(`^receiver mode ${mode}: no CUDA driver`))
    }
  )

  it('a device index out of range is a bad field', async () => {
    const r = await prepareReply({ mode: 'gpu-pinned', gpuDevice: 5000 })
    expect(r.type).toBe('error')
    expect((r.error as { message: string }).message).toMatch(/gpuDevice must be a whole number in 0\.\.1023/)
  })

  it('a socket mode still prepares on the same host', async () => {
    const r = await prepareReply({ mode: 'read' })
    expect(r.type).toBe('prepared')
  })
})
