// devmem TCP (NET_DEVMEM): can a NIC write a flow's payloads straight into this host's
// GPU memory here? A pure rule over facts a probe read (src/main/host/devmem-probe.ts),
// so a test can feed it any machine. zcprof has no devmem receiver: the answer says
// what is missing and the command that fixes it, as zcrx's does (zcrx.ts).
//
// What the kernel asks for (Documentation/networking/devmem.rst):
// - Linux 6.12 or newer (RX landed there), built with CONFIG_NET_DEVMEM (it needs
//   DMA_SHARED_BUFFER, GENERIC_ALLOCATOR, PAGE_POOL);
// - a NIC whose driver supports queue management and unreadable netmem in its page
//   pool, with header/data split on (ethtool -G IF tcp-data-split on), so only
//   payloads land in device memory and headers stay in host memory;
// - RX queues bound to the dma-buf (netlink NETDEV_CMD_BIND_RX, CAP_NET_ADMIN), RSS
//   keeping other flows off them (ethtool -X) and the flow steered to them (ethtool -N);
// - device memory as a dma-buf: for an NVIDIA GPU, cuMemGetHandleForAddressRange(…
//   DMA_BUF_FD), which the driver offers where CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED is
//   1 (the open kernel modules; the proprietary ones do not export dma-bufs).
// Loopback and veth carry page fragments, not a NIC's RX queue: never.

import { kernelVersion, nicQueueReasons, type ZcrxInterfaceFacts } from './zcrx'

/** the kernel release devmem TCP's receive side landed in */
export const DEVMEM_MIN_KERNEL = [6, 12] as const

/**
 * Drivers that support devmem TCP receive, as of Linux 6.18 (queue management ops and
 * unreadable netmem): the sysfs driver names. A driver not listed may have gained it
 * since: the rule says "not known to", not "cannot".
 */
export const DEVMEM_DRIVERS: readonly string[] = ['gve', 'bnxt_en', 'mlx5_core', 'fbnic']
export const DEVMEM_DRIVERS_AS_OF = '6.18'

/** the receiving GPU as CUDA describes it */
export interface DevmemGpuFacts {
  device: number
  /** null: no CUDA driver, or no such device (why says which) */
  name: string | null
  /** CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED; null when there is no GPU to ask */
  dmaBuf: boolean | null
  why?: string
}

export interface DevmemFacts {
  kernelRelease: string | null
  /** CONFIG_NET_DEVMEM in the kernel's config; null: no config to read */
  kernelConfig: boolean | null
  iface: ZcrxInterfaceFacts | null
  ifaceUnknownWhy?: string
  gpu: DevmemGpuFacts
}

export interface DevmemVerdict {
  available: boolean
  /** what is missing, each a sentence naming the fact and the fix */
  reasons: string[]
  /** what zcprof cannot check and a user must still set up */
  needs: string[]
  iface: string | null
}

const MIN = `${DEVMEM_MIN_KERNEL[0]}.${DEVMEM_MIN_KERNEL[1]}`
const FEATURE = 'devmem TCP'

function kernelReasons(f: DevmemFacts): string[] {
  const out: string[] = []
  const v = f.kernelRelease === null ? null : kernelVersion(f.kernelRelease)
  if (v === null)
    out.push(
      `the kernel release (${f.kernelRelease ?? 'unreadable'}) could not be read: devmem TCP needs Linux ${MIN} or newer`
    )
  else if (v[0] < DEVMEM_MIN_KERNEL[0] || (v[0] === DEVMEM_MIN_KERNEL[0] && v[1] < DEVMEM_MIN_KERNEL[1]))
    out.push(
      `kernel ${f.kernelRelease} is older than ${MIN}, where devmem TCP's receive side landed: boot ${MIN} or newer`
    )
  if (f.kernelConfig === false)
    out.push(
      'the kernel is built without CONFIG_NET_DEVMEM: use a kernel built with it (=y; it needs DMA_SHARED_BUFFER, GENERIC_ALLOCATOR, PAGE_POOL)'
    )
  return out
}

function gpuReasons(g: DevmemGpuFacts): string[] {
  if (g.name === null)
    return [
      `no GPU ${g.device} to receive into (${g.why ?? 'CUDA found none'}): devmem TCP lands payloads in a GPU's memory`
    ]
  if (g.dmaBuf === false)
    return [
      `GPU ${g.device} (${g.name}) cannot export its memory as a dma-buf (CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED is 0): devmem TCP binds RX queues to a dma-buf; use NVIDIA's open kernel modules (nvidia-open) with CUDA 11.7 or newer`
    ]
  return []
}

function needsOf(f: DevmemFacts): string[] {
  const n = f.iface?.name ?? 'IF'
  const out = [
    `RX queues of the flow's own: ethtool -X ${n} equal 1 keeps RSS on queue 0, ethtool -N ${n} flow-type tcp6 dst-port PORT action 1 steers the flow to queue 1`,
    'CAP_NET_ADMIN for the receiver: binding a queue to the dma-buf (netlink NETDEV_CMD_BIND_RX) needs it',
    "the GPU's memory as a dma-buf: cuMemGetHandleForAddressRange(CU_MEM_RANGE_HANDLE_TYPE_DMA_BUF_FD), page-aligned"
  ]
  if (f.kernelConfig === null)
    out.push('CONFIG_NET_DEVMEM=y: the kernel config was not readable here (/boot/config-*, /proc/config.gz)')
  return out
}

export function devmemVerdict(f: DevmemFacts): DevmemVerdict {
  const reasons = [
    ...kernelReasons(f),
    ...nicQueueReasons(f, {
      feature: FEATURE,
      readme: "the README's devmem section",
      drivers: DEVMEM_DRIVERS,
      driversAsOf: DEVMEM_DRIVERS_AS_OF
    }),
    ...gpuReasons(f.gpu)
  ]
  return { available: reasons.length === 0, reasons, needs: needsOf(f), iface: f.iface?.name ?? null }
}

export const DEVMEM_DESCRIPTION = "devmem TCP: the NIC writes payloads straight into the receiving GPU's memory"

/** devmem as a receiver mode that cannot run here: zcprof has no devmem receiver */
export function devmemUnavailableMode(v: DevmemVerdict): {
  name: 'devmem'
  description: string
  reason: string
  needs: string[]
} {
  const reason = v.available
    ? `the checks pass on ${v.iface}, but zcprof has no devmem receiver yet`
    : v.reasons.join('; ')
  return { name: 'devmem', description: DEVMEM_DESCRIPTION, reason, needs: v.needs }
}
