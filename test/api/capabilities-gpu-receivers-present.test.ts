// With a CUDA driver (the fake one, test/native/fake-cuda) the gpu-* receiver modes are
// offered like any other, and not listed as unavailable.

import { beforeAll, describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import { GPU_RECEIVER_MODES, RECEIVER_MODE_INFO } from '../../src/shared/methods'
import { buildFakeCuda } from '../native/fake-cuda/build'

beforeAll(() => {
  Object.assign(process.env, buildFakeCuda().env)
})

describe('capabilities with CUDA', () => {
  it('offers the gpu-* receiver modes with their descriptions', async () => {
    const caps = await new EngineApi().capabilities()
    for (const m of GPU_RECEIVER_MODES) {
      expect(caps.receiverModes).toContainEqual({ name: m, description: RECEIVER_MODE_INFO[m] })
      expect(caps.unavailableReceiverModes?.some((r) => r.name === m)).toBe(false)
    }
  })
})
