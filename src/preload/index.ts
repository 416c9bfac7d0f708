// Exposes exactly the ZcprofApi, nothing else, to the sandboxed renderer.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { API_CALLS, IPC_EVENT_CHANNEL, IPC_PREFIX, type ApiEvent, type ZcprofApi } from '../shared/api'

// each call goes to its own channel with every argument, as main's handlers expect
const calls = Object.fromEntries(
  API_CALLS.map((call) => [call, (...args: unknown[]) => ipcRenderer.invoke(IPC_PREFIX + call, ...args)])
) as Omit<ZcprofApi, 'onEvent'>

const api: ZcprofApi = {
  ...calls,
  onEvent: (listener: (e: ApiEvent) => void) => {
    const relay = (_e: IpcRendererEvent, data: ApiEvent) => listener(data)
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay)
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay)
  }
}

contextBridge.exposeInMainWorld('zcprof', api)
