// The typed contract between the renderer and whatever hosts it (Electron IPC now,
// WebSocket in browser mode later). One function per call.

import type { MethodInfo } from './methods'
import type { Environment } from './report'

export interface Capabilities {
  version: string
  methods: MethodInfo[]
}

export interface ZcprofApi {
  capabilities(): Promise<Capabilities>
  environment(): Promise<Environment>
}

/** IPC channel names, derived from the API so the two cannot drift. */
export const API_CHANNELS: { [K in keyof ZcprofApi]: `zcprof:${K}` } = {
  capabilities: 'zcprof:capabilities',
  environment: 'zcprof:environment'
}
