// The zcrx rule on fixed machines: each row a host as a probe would read it, and the
// words its answer must carry (the missing fact and the command that fixes it).

import { describe, expect, it } from 'vitest'
import {
  kernelVersion,
  zcrxLine,
  zcrxUnavailableMode,
  zcrxVerdict,
  type ZcrxFacts,
  type ZcrxInterfaceFacts
} from '../../src/shared/zcrx'

const LO: ZcrxInterfaceFacts = {
  name: 'lo',
  driver: null,
  loopback: true,
  virtual: true,
  rxQueues: 1,
  headerDataSplit: null,
  mtu: 65536
}
const VETH: ZcrxInterfaceFacts = {
  name: 'veth0',
  driver: 'veth',
  loopback: false,
  virtual: true,
  rxQueues: 1,
  headerDataSplit: null,
  mtu: 1500
}
const BNXT: ZcrxInterfaceFacts = {
  name: 'ens1f0np0',
  driver: 'bnxt_en',
  loopback: false,
  virtual: false,
  rxQueues: 8,
  headerDataSplit: true,
  mtu: 9000
}
const VIRTIO: ZcrxInterfaceFacts = {
  name: 'eth0',
  driver: 'virtio_net',
  loopback: false,
  virtual: false,
  rxQueues: 1,
  headerDataSplit: null,
  mtu: 1400
}

// this VM: 6.18 with the config readable
const HOST: Omit<ZcrxFacts, 'iface'> = { kernelRelease: '6.18.44-fc-v1272', kernelConfig: true, ioUringDisabled: 0 }
const on = (iface: ZcrxInterfaceFacts | null, more: Partial<ZcrxFacts> = {}): ZcrxFacts => ({
  ...HOST,
  iface,
  ...more
})

describe('zcrxVerdict', () => {
  it('a bnxt_en NIC with header/data split on and 8 queues, kernel 6.18: available, nothing missing', () => {
    const v = zcrxVerdict(on(BNXT))
    expect(v).toMatchObject({ available: true, reasons: [], iface: 'ens1f0np0' })
    // the steering no probe sees is still listed
    expect(v.needs.join('\n')).toContain('ethtool -N ens1f0np0 flow-type tcp6')
    expect(v.needs.join('\n')).toContain('CAP_NET_ADMIN')
    expect(zcrxLine(v)).toBe('zcrx: the checks pass on ens1f0np0; zcprof has no zcrx receiver yet')
  })

  it.each([
    ['config known', true],
    ['config unknown', null]
  ])('this VM (6.18, %s) over lo: unavailable, the one reason names loopback', (_, kernelConfig) => {
    const v = zcrxVerdict(on(LO, { kernelConfig }))
    expect(v.available).toBe(false)
    expect(v.reasons).toHaveLength(1)
    expect(v.reasons[0]).toMatch(/^lo is the loopback interface: zcrx needs a NIC's hardware RX queue/)
    expect(zcrxLine(v)).toMatch(/^zcrx: not available here: lo is the loopback interface/)
  })

  it('an unreadable config is a need, not a reason; a config without it is a reason', () => {
    expect(zcrxVerdict(on(BNXT, { kernelConfig: null }))).toMatchObject({ available: true })
    expect(zcrxVerdict(on(BNXT, { kernelConfig: null })).needs.join('\n')).toContain('CONFIG_IO_URING_ZCRX=y')
    const v = zcrxVerdict(on(BNXT, { kernelConfig: false }))
    expect(v.available).toBe(false)
    expect(v.reasons).toEqual(['the kernel is built without CONFIG_IO_URING_ZCRX: use a kernel built with it (=y)'])
  })

  it('a veth: unavailable, named as a veth with no NIC behind it', () => {
    const v = zcrxVerdict(on(VETH))
    expect(v.available).toBe(false)
    expect(v.reasons).toEqual([
      "veth0 is a veth interface with no NIC behind it: zcrx needs a NIC's hardware RX queue; receive over a NIC"
    ])
  })

  it('a virtual interface of another kind (no device, no driver) is refused the same way', () => {
    const v = zcrxVerdict(on({ ...VETH, name: 'br0', driver: null }))
    expect(v.reasons).toEqual([
      "br0 is a virtual interface with no NIC behind it: zcrx needs a NIC's hardware RX queue; receive over a NIC"
    ])
  })

  it('header/data split off: the reason gives ethtool -G IF tcp-data-split on', () => {
    const v = zcrxVerdict(on({ ...BNXT, headerDataSplit: false }))
    expect(v.available).toBe(false)
    expect(v.reasons).toEqual(['header/data split is off on ens1f0np0: ethtool -G ens1f0np0 tcp-data-split on'])
  })

  it('header/data split unknown (no ethtool): unavailable, says how to check and to turn it on', () => {
    const v = zcrxVerdict(on({ ...BNXT, headerDataSplit: null }))
    expect(v.available).toBe(false)
    expect(v.reasons).toHaveLength(1)
    expect(v.reasons[0]).toContain('ethtool -g ens1f0np0')
    expect(v.reasons[0]).toContain('ethtool -G ens1f0np0 tcp-data-split on')
  })

  it('one RX queue: the reason gives ethtool -L IF combined 2; two queues pass', () => {
    expect(zcrxVerdict(on({ ...BNXT, rxQueues: 1 })).reasons).toEqual([
      'ens1f0np0 has 1 RX queue: zcrx takes a queue of its own and RSS keeps other flows on the rest: ethtool -L ens1f0np0 combined 2'
    ])
    expect(zcrxVerdict(on({ ...BNXT, rxQueues: 2 })).available).toBe(true)
  })

  it.each(['bnxt_en', 'mlx5_core', 'fbnic', 'gve'])('driver %s is one with support as of 6.18', (driver) => {
    expect(zcrxVerdict(on({ ...BNXT, driver })).available).toBe(true)
  })

  it('virtio_net (this VM eth0): the driver, the one queue and the unknown split each named', () => {
    const v = zcrxVerdict(on(VIRTIO))
    expect(v.available).toBe(false)
    expect(v.reasons).toHaveLength(3)
    expect(v.reasons[0]).toMatch(/^eth0's driver virtio_net is not known to support zcrx \(as of Linux 6\.18: /)
    expect(v.reasons[1]).toContain('ethtool -L eth0 combined 2')
    expect(v.reasons[2]).toContain('ethtool -G eth0 tcp-data-split on')
  })

  it.each([
    ['6.12.8-200.fc41.x86_64', false],
    ['6.14.0', false],
    ['5.15.0-105-generic', false],
    ['6.15.0', true],
    ['7.0.1', true]
  ])('kernel %s: available %s (zcrx landed in 6.15)', (kernelRelease, ok) => {
    const v = zcrxVerdict(on(BNXT, { kernelRelease }))
    expect(v.available).toBe(ok)
    if (!ok) {
      expect(v.reasons).toHaveLength(1)
      expect(v.reasons[0]).toBe(
        `kernel ${kernelRelease} is older than 6.15, where io_uring zero-copy receive (IORING_REGISTER_ZCRX_IFQ) landed: boot 6.15 or newer`
      )
    }
  })

  it('an unreadable kernel release is a reason that names 6.15', () => {
    const v = zcrxVerdict(on(BNXT, { kernelRelease: null }))
    expect(v.available).toBe(false)
    expect(v.reasons[0]).toContain('6.15')
  })

  it('io_uring disabled (2): a reason with the sysctl; limited (1): a need, not a reason', () => {
    const off = zcrxVerdict(on(BNXT, { ioUringDisabled: 2 }))
    expect(off.available).toBe(false)
    expect(off.reasons).toEqual([
      'io_uring is turned off (kernel.io_uring_disabled = 2): sysctl -w kernel.io_uring_disabled=0'
    ])
    const limited = zcrxVerdict(on(BNXT, { ioUringDisabled: 1 }))
    expect(limited.available).toBe(true)
    expect(limited.needs.join('\n')).toContain('kernel.io_uring_disabled = 1')
  })

  it('an old kernel over loopback: both reasons, the kernel first', () => {
    const v = zcrxVerdict(on(LO, { kernelRelease: '6.12.0' }))
    expect(v.reasons).toHaveLength(2)
    expect(v.reasons[0]).toContain('older than 6.15')
    expect(v.reasons[1]).toContain('loopback')
  })

  it('no interface (a unix socket, no ip command): unavailable, with why', () => {
    const v = zcrxVerdict(on(null, { ifaceUnknownWhy: 'a unix socket crosses no interface' }))
    expect(v).toMatchObject({ available: false, iface: null })
    expect(v.reasons).toEqual([
      "no interface to judge (a unix socket crosses no interface): zcrx needs a NIC's RX queue; find the flow's with ip route get ADDR"
    ])
  })
})

describe('zcrxUnavailableMode: zcrx as the UI lists it', () => {
  it('unavailable: the reasons joined, and the needs', () => {
    const v = zcrxVerdict(on(LO, { kernelRelease: '6.12.0' }))
    const m = zcrxUnavailableMode(v)
    expect(m.name).toBe('zcrx')
    expect(m.reason).toBe(`${v.reasons[0]}; ${v.reasons[1]}`)
    expect(m.needs).toEqual(v.needs)
  })

  it('every check passing is still not a mode zcprof runs: it says so', () => {
    expect(zcrxUnavailableMode(zcrxVerdict(on(BNXT))).reason).toBe(
      'the checks pass on ens1f0np0, but zcprof has no zcrx receiver yet'
    )
  })
})

describe('kernelVersion', () => {
  it.each([
    ['6.18.44-fc-v1272', [6, 18]],
    ['6.15', [6, 15]],
    ['10.2.0-rc1', [10, 2]],
    ['linux', null],
    ['', null]
  ])('%s → %j', (release, want) => {
    expect(kernelVersion(release)).toEqual(want)
  })
})
