// Exposes exactly the ZcprofApi, nothing else, to the sandboxed renderer.

import { contextBridge, ipcRenderer } from 'electron'
import { API_CHANNELS, type ZcprofApi } from '../shared/api'

const api: ZcprofApi = {
  capabilities: () => ipcRenderer.invoke(API_CHANNELS.capabilities),
  environment: () => ipcRenderer.invoke(API_CHANNELS.environment)
}

contextBridge.exposeInMainWorld('zcprof', api)
