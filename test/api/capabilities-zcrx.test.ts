// The app's capabilities list zcrx (io_uring zero-copy receive) as a receiver mode
// that cannot run here, with the rule's reasons for this host's loopback receiver:
// never a mode to pick, and never hidden.

import { describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import { isGpuReceiverMode, RECEIVER_MODES } from '../../src/shared/methods'

describe('capabilities: zcrx', () => {
  it('is listed as unavailable, the loopback receiver named, and not among the modes to pick', async () => {
    const caps = await new EngineApi().capabilities()
    // the gpu-* modes are offered only where CUDA is (capabilities-gpu-receivers.test.ts)
    const socketModes = (names: readonly string[]) => names.filter((m) => !isGpuReceiverMode(m))
    expect(socketModes(caps.receiverModes.map((r) => r.name))).toEqual(socketModes(RECEIVER_MODES))
    expect(caps.receiverModes.some((r) => (r.name as string) === 'zcrx')).toBe(false)
    const zcrx = caps.unavailableReceiverModes?.find((r) => r.name === 'zcrx')
    expect(zcrx).toBeDefined()
    // the app's receiver is local: loopback, which no kernel lets zcrx use
    expect(zcrx!.reason).toContain('lo is the loopback interface')
    expect(zcrx!.needs.some((n) => n.includes('ethtool -N'))).toBe(true)
  })
})
