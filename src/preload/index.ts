// Exposes exactly the ZcprofApi, nothing else, to the sandboxed renderer.

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { IPC_EVENT_CHANNEL, IPC_PREFIX, type ApiEvent, type ZcprofApi } from '../shared/api'

const api: ZcprofApi = {
  capabilities: () => ipcRenderer.invoke(IPC_PREFIX + 'capabilities'),
  environment: () => ipcRenderer.invoke(IPC_PREFIX + 'environment'),
  startRun: (plan, token, meta) => ipcRenderer.invoke(IPC_PREFIX + 'startRun', plan, token, meta),
  cancelRun: (runId) => ipcRenderer.invoke(IPC_PREFIX + 'cancelRun', runId),
  library: () => ipcRenderer.invoke(IPC_PREFIX + 'library'),
  openReport: (id) => ipcRenderer.invoke(IPC_PREFIX + 'openReport', id),
  importReport: (fileName, text, method) => ipcRenderer.invoke(IPC_PREFIX + 'importReport', fileName, text, method),
  updateReport: (id, changes) => ipcRenderer.invoke(IPC_PREFIX + 'updateReport', id, changes),
  deleteReport: (id) => ipcRenderer.invoke(IPC_PREFIX + 'deleteReport', id),
  restoreReport: (trashId) => ipcRenderer.invoke(IPC_PREFIX + 'restoreReport', trashId),
  setLibraryFolder: (folder) => ipcRenderer.invoke(IPC_PREFIX + 'setLibraryFolder', folder),
  onEvent: (listener) => {
    const relay = (_e: IpcRendererEvent, data: ApiEvent) => listener(data)
    ipcRenderer.on(IPC_EVENT_CHANNEL, relay)
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, relay)
  }
}

contextBridge.exposeInMainWorld('zcprof', api)
