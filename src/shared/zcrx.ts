// io_uring zero-copy receive (zcrx): can it work on this host, for this flow? A pure
// rule over facts a probe read (src/main/host/zcrx-probe.ts), so a test can feed it
// any machine. zcprof has no zcrx receiver yet: the answer tells a user what is
// missing and the command that fixes it, instead of hiding the path.
//
// What the kernel asks for (Documentation/networking/iou-zcrx.rst):
// - Linux 6.15 or newer: IORING_REGISTER_ZCRX_IFQ and IORING_OP_RECV_ZC landed there;
// - CONFIG_IO_URING_ZCRX (def_bool y; it needs PAGE_POOL, INET, NET_RX_BUSY_POLL);
// - a NIC whose driver's page pool takes memory providers, with header/data split on
//   (ethtool -G IF tcp-data-split on) so payloads land in the user's area;
// - a hardware RX queue of its own (ethtool -L/-X) and the flow steered to it
//   (ethtool -N ... action Q); the other flows kept off it by RSS;
// - CAP_NET_ADMIN to register the queue (it can see other sockets' data).
// Loopback and veth carry page fragments, not a NIC's RX queue: never.

/** the kernel release zcrx landed in */
export const ZCRX_MIN_KERNEL = [6, 15] as const

/**
 * Drivers whose RX page pools take io_uring's memory provider, as of Linux 6.18
 * (PP_FLAG_ALLOW_UNREADABLE_NETMEM with queue management ops): the sysfs driver
 * names. A driver not listed may have gained support since: the rule says "not
 * known to", not "cannot".
 */
export const ZCRX_DRIVERS: readonly string[] = ['bnxt_en', 'mlx5_core', 'fbnic', 'gve']
export const ZCRX_DRIVERS_AS_OF = '6.18'

export interface ZcrxInterfaceFacts {
  name: string
  /** the sysfs driver name (bnxt_en, virtio_net, veth); null: none found */
  driver: string | null
  /** IFF_LOOPBACK */
  loopback: boolean
  /** no device behind it (veth, bridges, tunnels) */
  virtual: boolean
  /** RX queues (queues/rx-*); null: not readable */
  rxQueues: number | null
  /** ethtool's "TCP data split"; null: unknown (no ethtool, or the driver does not say) */
  headerDataSplit: boolean | null
  mtu: number | null
}

export interface ZcrxFacts {
  /** uname -r; null: not readable */
  kernelRelease: string | null
  /** CONFIG_IO_URING_ZCRX in the kernel's config; null: no config to read */
  kernelConfig: boolean | null
  /** kernel.io_uring_disabled: 0 all, 1 privileged or io_uring_group only, 2 none; null: no such sysctl */
  ioUringDisabled: number | null
  /** the interface the flow crosses; null: could not tell which */
  iface: ZcrxInterfaceFacts | null
  /** why the interface is unknown, when it is (a sentence) */
  ifaceUnknownWhy?: string
}

export interface ZcrxVerdict {
  available: boolean
  /** what is missing, each a sentence that names the fact and the fix */
  reasons: string[]
  /** what zcprof cannot check and a user must still set up */
  needs: string[]
  /** the interface judged */
  iface: string | null
}

/** [major, minor] of a release like 6.18.44-fc-v1272; null when it is not one */
export function kernelVersion(release: string): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(release.trim())
  return m ? [Number(m[1]), Number(m[2])] : null
}

function olderThan(v: [number, number], min: readonly [number, number]): boolean {
  return v[0] < min[0] || (v[0] === min[0] && v[1] < min[1])
}

const MIN = `${ZCRX_MIN_KERNEL[0]}.${ZCRX_MIN_KERNEL[1]}`

/** the kernel's part: version, config, io_uring allowed */
function kernelReasons(f: ZcrxFacts): string[] {
  const out: string[] = []
  const v = f.kernelRelease === null ? null : kernelVersion(f.kernelRelease)
  if (v === null)
    out.push(
      `the kernel release (${f.kernelRelease ?? 'unreadable'}) could not be read: zcrx needs Linux ${MIN} or newer`
    )
  else if (olderThan(v, ZCRX_MIN_KERNEL))
    out.push(
      `kernel ${f.kernelRelease} is older than ${MIN}, where io_uring zero-copy receive (IORING_REGISTER_ZCRX_IFQ) landed: boot ${MIN} or newer`
    )
  if (f.kernelConfig === false)
    out.push('the kernel is built without CONFIG_IO_URING_ZCRX: use a kernel built with it (=y)')
  if (f.ioUringDisabled === 2)
    out.push('io_uring is turned off (kernel.io_uring_disabled = 2): sysctl -w kernel.io_uring_disabled=0')
  return out
}

/** the interface's part: a NIC, a supported driver, two queues, header/data split */
function ifaceReasons(f: ZcrxFacts): string[] {
  return nicQueueReasons(f, { feature: 'zcrx', readme: "the README's zcrx section" })
}

/**
 * What a flow's interface lacks for a receive path that takes a NIC's RX queue of its
 * own with header/data split (zcrx, devmem TCP): a NIC, not loopback or veth; a driver
 * known to support it; two RX queues; header/data split on. feature names the path in
 * the sentences, readme where a user reads more.
 */
export function nicQueueReasons(
  f: Pick<ZcrxFacts, 'iface' | 'ifaceUnknownWhy'>,
  what: { feature: string; readme: string; drivers?: readonly string[]; driversAsOf?: string }
): string[] {
  const { feature, readme } = what
  const drivers = what.drivers ?? ZCRX_DRIVERS
  const i = f.iface
  if (i === null)
    return [
      `no interface to judge (${f.ifaceUnknownWhy ?? 'zcprof could not tell which one the flow crosses'}): ${feature} needs a NIC's RX queue; find the flow's with ip route get ADDR`
    ]
  // no NIC behind it: nothing else about it matters
  if (i.loopback)
    return [
      `${i.name} is the loopback interface: ${feature} needs a NIC's hardware RX queue, and loopback carries page fragments, not a queue's pages; receive over a NIC (see ${readme})`
    ]
  if (i.driver === 'veth' || i.virtual)
    return [
      `${i.name} is a ${i.driver === 'veth' ? 'veth' : 'virtual'} interface with no NIC behind it: ${feature} needs a NIC's hardware RX queue; receive over a NIC`
    ]
  const out: string[] = []
  if (i.driver === null || !drivers.includes(i.driver))
    out.push(
      `${i.name}'s driver ${i.driver ?? '(unknown)'} is not known to support ${feature} (as of Linux ${what.driversAsOf ?? ZCRX_DRIVERS_AS_OF}: ${drivers.join(', ')}): use a NIC driven by one of them`
    )
  if (i.rxQueues !== null && i.rxQueues < 2)
    out.push(
      `${i.name} has ${i.rxQueues} RX queue: ${feature} takes a queue of its own and RSS keeps other flows on the rest: ethtool -L ${i.name} combined 2`
    )
  if (i.headerDataSplit === false)
    out.push(`header/data split is off on ${i.name}: ethtool -G ${i.name} tcp-data-split on`)
  else if (i.headerDataSplit === null)
    out.push(
      `zcprof could not tell whether header/data split is on for ${i.name} (no ethtool, or the driver does not say): check ethtool -g ${i.name}; turn it on with ethtool -G ${i.name} tcp-data-split on`
    )
  return out
}

/** what no probe can tell: the steering, the capability, an unread config */
function needsOf(f: ZcrxFacts): string[] {
  const n = f.iface?.name ?? 'IF'
  const out = [
    `a queue for the flow: ethtool -X ${n} equal 1 keeps RSS on queue 0, ethtool -N ${n} flow-type tcp6 dst-port PORT action 1 steers the flow to queue 1`,
    'CAP_NET_ADMIN for the receiver (the kernel checks it when the queue is registered)'
  ]
  if (f.kernelConfig === null)
    out.push('CONFIG_IO_URING_ZCRX=y: the kernel config was not readable here (/boot/config-*, /proc/config.gz)')
  if (f.ioUringDisabled === 1)
    out.push('io_uring is limited (kernel.io_uring_disabled = 1): run as root or in the kernel.io_uring_group group')
  return out
}

export function zcrxVerdict(f: ZcrxFacts): ZcrxVerdict {
  const reasons = [...kernelReasons(f), ...ifaceReasons(f)]
  return { available: reasons.length === 0, reasons, needs: needsOf(f), iface: f.iface?.name ?? null }
}

export const ZCRX_DESCRIPTION =
  "io_uring zero-copy receive (RECV_ZC): the NIC writes payloads straight into the receiver's memory"

/** zcrx as a receiver mode that cannot run here: zcprof has no zcrx receiver yet */
export function zcrxUnavailableMode(v: ZcrxVerdict): {
  name: 'zcrx'
  description: string
  reason: string
  needs: string[]
} {
  const reason = v.available
    ? `the checks pass on ${v.iface}, but zcprof has no zcrx receiver yet`
    : v.reasons.join('; ')
  return { name: 'zcrx', description: ZCRX_DESCRIPTION, reason, needs: v.needs }
}

/** one line for a list of modes: "zcrx: not available here: …" */
export function zcrxLine(v: ZcrxVerdict): string {
  if (v.available) return `zcrx: the checks pass on ${v.iface}; zcprof has no zcrx receiver yet`
  return `zcrx: not available here: ${v.reasons.join('; ')}`
}
