// On a machine without CUDA the app lists the gpu-* receiver modes as unavailable, with
// the driver's reason and what a user needs: never offered, never hidden. devmem TCP is
// listed likewise, judged for the app's own (loopback) receiver. Its own file: the
// addon loads CUDA once per process, and here it must find none.

import { beforeAll, describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import { GPU_RECEIVER_MODES } from '../../src/shared/methods'

beforeAll(() => {
  process.env.ZCPROF_CUDA_LIBRARY = '/nonexistent/libcuda.so.1'
})

describe('capabilities without CUDA', () => {
  it('the gpu-* receiver modes are unavailable, with the reason and the needs', async () => {
    const caps = await new EngineApi().capabilities()
    const offered = caps.receiverModes.map((r) => r.name as string)
    for (const m of GPU_RECEIVER_MODES) {
      expect(offered).not.toContain(m)
      const u = caps.unavailableReceiverModes?.find((r) => r.name === m)
      expect(u, m).toBeDefined()
      expect(u!.reason).toMatch(/^no GPU to receive into: no CUDA driver/)
      expect(u!.needs.some((n) => n.includes('libcuda.so.1'))).toBe(true)
    }
    expect(offered).toContain('read')
  })

  it('devmem is listed as unavailable: loopback, and no GPU', async () => {
    const caps = await new EngineApi().capabilities()
    const d = caps.unavailableReceiverModes?.find((r) => r.name === 'devmem')
    expect(d).toBeDefined()
    expect(d!.reason).toContain('lo is the loopback interface: devmem TCP needs')
    expect(d!.reason).toContain('no GPU 0 to receive into')
    expect(caps.receiverModes.some((r) => (r.name as string) === 'devmem')).toBe(false)
  })
})
