import type { ZcprofApi } from '../shared/api'

declare global {
  interface Window {
    zcprof: ZcprofApi
  }
}
