// ZcprofApi over Electron IPC: one handler per call, senders checked, events pushed.

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron'
import { API_CALLS, IPC_EVENT_CHANNEL, IPC_PREFIX, type ZcprofApi } from '../../shared/api'

export function registerIpc(api: ZcprofApi, window: () => BrowserWindow | null): () => void {
  /** only our own window's top frame may call */
  const check = (e: IpcMainInvokeEvent) => {
    const win = window()
    if (!win || e.sender !== win.webContents || e.senderFrame !== win.webContents.mainFrame) {
      throw new Error('zcprof: IPC from an unknown sender refused')
    }
  }
  for (const call of API_CALLS) {
    ipcMain.handle(IPC_PREFIX + call, (e, ...args: unknown[]) => {
      check(e)
      return (api[call] as (...a: unknown[]) => Promise<unknown>)(...args)
    })
  }
  const off = api.onEvent((e) => window()?.webContents.send(IPC_EVENT_CHANNEL, e))
  return () => {
    off()
    for (const call of API_CALLS) ipcMain.removeHandler(IPC_PREFIX + call)
  }
}
