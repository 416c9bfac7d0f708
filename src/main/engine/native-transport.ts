// The real transport: the addon's loops and clocks, this host's /proc, and zcprof
// agents (a local child, or remote) as receivers.

import * as native from '../../native'
import { cpuCores } from '../host/cpu-topology'
import { captureEnvironment } from '../host/environment'
import { readHostSnapshot, readSystemCpu } from '../host/system-cpu'
import { Receivers } from './receivers'
import { startSender } from './sender'
import type { Transport } from './transport'

export const nativeTransport: Transport = {
  nowNs: () => native.nowNs(),
  threadCpuNs: () => native.threadCpuNs(),
  allowedCpus: () => native.allowedCpus(),
  cpuCores: () => cpuCores(native.allowedCpus()),
  hostSnapshot: (edge, ours) => readHostSnapshot({ edge, ours }),
  systemCpu: readSystemCpu,
  environment: captureEnvironment,
  setPageCache: native.setPageCache,
  fileCrc32c: async (file, totalBytes) =>
    (totalBytes === undefined ? await native.fileCrc32c(file) : await native.fileCrc32cRepeated(file, totalBytes))
      .crc32c,
  startSender,
  receivers: (opts) => new Receivers(opts)
}
