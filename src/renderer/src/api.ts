// The only file that touches window.zcprof.

import type { ZcprofApi } from '../../shared/api'

export const api: ZcprofApi = window.zcprof
