// The preload exposes exactly the API contract, each call on its own IPC channel
// with every argument passed through. The expected calls and their arguments are a
// fixed table here, written from the contract's documentation, not read from the code.

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

  // every call and the arguments it carries (shared/api.ts's documentation)
  const CALLS: Record<string, unknown[]> = {
    capabilities: [],
    environment: [],
    startRun: [{ plan: 1 }, 'agent-token', { title: 'before the upgrade', tags: ['lab-a'] }],
    cancelRun: ['run-id'],
    library: [],
    openReport: ['a.json'],
    importReport: ['r.json', '{"text":1}', 'sendfile'],
    updateReport: ['a.json', { title: 't', revision: 'r1' }],
    deleteReport: ['a.json'],
    restoreReport: ['1700000000000-a.json'],
    setLibraryFolder: ['/srv/reports'],
    trend: [{ metric: 'throughputBitsPerSec', by: 'cpu', method: 'sendfile', since: '2026-10-01' }],
    fleet: [{ fleet: 'night-7f3a' }]
  }

  it('the contract lists exactly the calls of the table', () => {
    expect([...API_CALLS].sort()).toEqual(Object.keys(CALLS).sort())
  })

  it.each(Object.entries(CALLS))('%s goes to its own channel with every argument', async (call, args) => {
    const api = exposed.zcprof as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>
    invoke.mockClear()
    expect(await api[call](...args)).toBe('answer')
    expect(invoke).toHaveBeenCalledTimes(1)
    expect(invoke).toHaveBeenCalledWith(IPC_PREFIX + call, ...args)
  })
})
