// The facts devmem TCP needs (src/shared/devmem.ts), read from this host: the kernel
// and the flow's interface as zcrx's probe reads them (zcrx-probe.ts: under a root
// folder, commands through a replaceable runner), CONFIG_NET_DEVMEM from the kernel's
// config, and the receiving GPU from the CUDA driver (dlopen; a replaceable probe).

import * as native from '../../native'
import { devmemVerdict, type DevmemFacts, type DevmemGpuFacts, type DevmemVerdict } from '../../shared/devmem'
import { kernelConfigText, readZcrxFacts, type ZcrxProbeOptions } from './zcrx-probe'

export interface DevmemProbeOptions extends ZcrxProbeOptions {
  /** the CUDA device that would receive (0 when absent) */
  gpuDevice?: number
  gpuProbe?: (device: number) => native.GpuInfo
}

/** CONFIG_NET_DEVMEM in a kernel config's text */
export function configHasDevmem(config: string): boolean {
  return /^CONFIG_NET_DEVMEM=y\s*$/m.test(config)
}

export function readDevmemGpu(
  device: number,
  probe: (device: number) => native.GpuInfo = native.gpuProbe
): DevmemGpuFacts {
  try {
    const g = probe(device)
    return { device, name: g.name, dmaBuf: g.dmaBufSupported }
  } catch (e) {
    return { device, name: null, dmaBuf: null, why: (e as Error).message }
  }
}

export function readDevmemFacts(address: string | null, opts: DevmemProbeOptions = {}): DevmemFacts {
  const z = readZcrxFacts(address, opts)
  const config = kernelConfigText(opts.root ?? '/', z.kernelRelease)
  return {
    kernelRelease: z.kernelRelease,
    kernelConfig: config === null ? null : configHasDevmem(config),
    iface: z.iface,
    ...(z.ifaceUnknownWhy !== undefined ? { ifaceUnknownWhy: z.ifaceUnknownWhy } : {}),
    gpu: readDevmemGpu(opts.gpuDevice ?? 0, opts.gpuProbe)
  }
}

export function probeDevmem(address: string | null, opts: DevmemProbeOptions = {}): DevmemVerdict {
  return devmemVerdict(readDevmemFacts(address, opts))
}
