// Main's side of IPC: a handler per call in the contract, and calls from any sender
// but our window's top frame refused.

import { describe, expect, it, vi } from 'vitest'
import { API_CALLS, IPC_PREFIX, type ZcprofApi } from '../../src/shared/api'

const handlers = new Map<string, (e: unknown, ...args: unknown[]) => unknown>()
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, h: (e: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, h),
    removeHandler: (channel: string) => handlers.delete(channel)
  }
}))

describe('registerIpc', () => {
  it('handles every call, for our window only', async () => {
    const { registerIpc } = await import('../../src/main/ipc/register-ipc')
    const api = Object.fromEntries(API_CALLS.map((c) => [c, vi.fn(async (...a: unknown[]) => ({ call: c, a }))]))
    const mainFrame = {}
    const webContents = { mainFrame, send: vi.fn() }
    const win = { webContents }
    const off = registerIpc({ ...api, onEvent: () => () => {} } as unknown as ZcprofApi, () => win as never)
    expect([...handlers.keys()].sort()).toEqual(API_CALLS.map((c) => IPC_PREFIX + c).sort())
    const ours = { sender: webContents, senderFrame: mainFrame }
    expect(await handlers.get(IPC_PREFIX + 'openReport')!(ours, 'r.json')).toEqual({
      call: 'openReport',
      a: ['r.json']
    })
    const stranger = { sender: {}, senderFrame: {} }
    expect(() => handlers.get(IPC_PREFIX + 'deleteReport')!(stranger, 'r.json')).toThrow(/unknown sender refused/)
    const subframe = { sender: webContents, senderFrame: {} }
    expect(() => handlers.get(IPC_PREFIX + 'library')!(subframe)).toThrow(/unknown sender refused/)
    expect(api.deleteReport).not.toHaveBeenCalled()
    off()
    expect(handlers.size).toBe(0)
  })
})
