// Where loopback TCP cannot run (a sandbox without it), the reference keeps its other
// two figures and says the loopback one is missing, rather than failing the run.

import { describe, expect, it, vi } from 'vitest'

vi.mock('../../src/native', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  listen: () => {
    throw Object.assign(new Error('socket: Address family not supported by protocol'), { code: 'EAFNOSUPPORT' })
  }
}))

describe('the machine reference without loopback TCP', () => {
  it('is null for the loopback figure, and keeps the other two', async () => {
    // the setup file loaded the module with the real addon: load it again, with the mock
    vi.resetModules()
    const { measureMachineReference } = await import('../../src/main/host/machine-reference')
    const ref = await measureMachineReference(3)
    expect(ref.loopbackCpuNsPerBit).toBeNull()
    expect(ref.memoryCopyGBps.repeats).toHaveLength(3)
    expect(ref.syscallNs.repeats).toHaveLength(3)
  })
})
