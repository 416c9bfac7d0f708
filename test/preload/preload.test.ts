// The preload exposes exactly the API contract, each call on its own IPC channel
// with its arguments passed through: the list in shared/api.ts is the list here.

import { describe, expect, it, vi } from 'vitest'
import { API_CALLS, IPC_PREFIX, type ZcprofApi } from '../../src/shared/api'

const exposed: Record<string, unknown> = {}
const invoke = vi.fn(async (..._args: unknown[]) => 'answer')
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => (exposed[name] = api) },
  ipcRenderer: { invoke, on: vi.fn(), removeListener: vi.fn() }
}))

describe('preload', () => {
  it('exposes the contract and nothing else', async () => {
    await import('../../src/preload/index')
    const api = exposed.zcprof as ZcprofApi
    expect(Object.keys(exposed)).toEqual(['zcprof'])
    expect(Object.keys(api).sort()).toEqual([...API_CALLS, 'onEvent'].sort())
  })

  it('each call goes to its own channel with its arguments', async () => {
    const api = exposed.zcprof as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
    for (const call of API_CALLS) {
      invoke.mockClear()
      const args = ['a1', { b: 2 }, 'c3'].slice(0, api[call].length)
      await api[call](...args)
      expect(invoke, call).toHaveBeenCalledWith(IPC_PREFIX + call, ...args)
    }
  })
})
