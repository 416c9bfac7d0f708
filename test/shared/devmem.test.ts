// The devmem TCP rule on machines described by hand: every missing fact is named with
// its fix, a NIC that passes every check is available, and loopback, veth, an old
// kernel, a kernel without NET_DEVMEM and a GPU that cannot export a dma-buf each
// refuse with their own reason.

import { describe, expect, it } from 'vitest'
import { devmemUnavailableMode, devmemVerdict, type DevmemFacts } from '../../src/shared/devmem'

const NIC = {
  name: 'ens1f0np0',
  driver: 'gve',
  loopback: false,
  virtual: false,
  rxQueues: 8,
  headerDataSplit: true,
  mtu: 9000
}
const READY: DevmemFacts = {
  kernelRelease: '6.18.2',
  kernelConfig: true,
  iface: NIC,
  gpu: { device: 0, name: 'NVIDIA H100 80GB HBM3', dmaBuf: true }
}

describe('devmemVerdict', () => {
  it('a gve NIC with header split and 8 queues, NET_DEVMEM, a GPU that exports dma-bufs: available', () => {
    const v = devmemVerdict(READY)
    expect(v).toMatchObject({ available: true, reasons: [], iface: 'ens1f0np0' })
    // what no probe can tell is still said
    expect(v.needs.some((n) => n.includes('ethtool -N ens1f0np0 flow-type tcp6 dst-port PORT action 1'))).toBe(true)
    expect(v.needs.some((n) => n.includes('CAP_NET_ADMIN'))).toBe(true)
    expect(devmemUnavailableMode(v).reason).toBe('the checks pass on ens1f0np0, but zcprof has no devmem receiver yet')
  })

  it.each([
    ['6.11.9', 'kernel 6.11.9 is older than 6.12'],
    ['5.15.0-91-generic', 'kernel 5.15.0-91-generic is older than 6.12'],
    ['weird', 'the kernel release (weird) could not be read']
  ])('kernel %s: refused, naming 6.12', (release, reason) => {
    const v = devmemVerdict({ ...READY, kernelRelease: release })
    expect(v.available).toBe(false)
    expect(v.reasons).toHaveLength(1)
    expect(v.reasons[0]).toContain(reason)
  })

  it('6.12 exactly is new enough', () => {
    expect(devmemVerdict({ ...READY, kernelRelease: '6.12.0' }).available).toBe(true)
  })

  it('NET_DEVMEM off: refused; unreadable config: a need, not a refusal', () => {
    expect(devmemVerdict({ ...READY, kernelConfig: false }).reasons).toEqual([
      'the kernel is built without CONFIG_NET_DEVMEM: use a kernel built with it (=y; it needs DMA_SHARED_BUFFER, GENERIC_ALLOCATOR, PAGE_POOL)'
    ])
    const unknown = devmemVerdict({ ...READY, kernelConfig: null })
    expect(unknown.available).toBe(true)
    expect(unknown.needs.some((n) => n.startsWith('CONFIG_NET_DEVMEM=y'))).toBe(true)
  })

  it('loopback: one reason, whatever else is true of it', () => {
    const v = devmemVerdict({
      ...READY,
      iface: { ...NIC, name: 'lo', driver: null, loopback: true, virtual: true, rxQueues: 1, headerDataSplit: null }
    })
    expect(v.reasons).toEqual([
      "lo is the loopback interface: devmem TCP needs a NIC's hardware RX queue, and loopback carries page fragments, not a queue's pages; receive over a NIC (see the README's devmem section)"
    ])
  })

  it('a veth: no NIC behind it', () => {
    const v = devmemVerdict({ ...READY, iface: { ...NIC, name: 'veth0', driver: 'veth', virtual: true } })
    expect(v.reasons).toEqual([
      "veth0 is a veth interface with no NIC behind it: devmem TCP needs a NIC's hardware RX queue; receive over a NIC"
    ])
  })

  it('a NIC with an unlisted driver, one queue and header split off: three reasons with their fixes', () => {
    const v = devmemVerdict({
      ...READY,
      iface: { ...NIC, name: 'eth0', driver: 'virtio_net', rxQueues: 1, headerDataSplit: false }
    })
    expect(v.reasons).toEqual([
      "eth0's driver virtio_net is not known to support devmem TCP (as of Linux 6.18: gve, bnxt_en, mlx5_core, fbnic): use a NIC driven by one of them",
      'eth0 has 1 RX queue: devmem TCP takes a queue of its own and RSS keeps other flows on the rest: ethtool -L eth0 combined 2',
      'header/data split is off on eth0: ethtool -G eth0 tcp-data-split on'
    ])
  })

  it('no CUDA, or a GPU without dma-buf export: refused, saying which', () => {
    const none = devmemVerdict({ ...READY, gpu: { device: 0, name: null, dmaBuf: null, why: 'no CUDA driver: x' } })
    expect(none.reasons).toEqual([
      "no GPU 0 to receive into (no CUDA driver: x): devmem TCP lands payloads in a GPU's memory"
    ])
    const closed = devmemVerdict({ ...READY, gpu: { device: 1, name: 'Tesla T4', dmaBuf: false } })
    expect(closed.reasons[0]).toMatch(/^GPU 1 \(Tesla T4\) cannot export its memory as a dma-buf/)
    expect(closed.reasons[0]).toContain('nvidia-open')
  })

  it('every reason at once is every reason, kernel first, GPU last', () => {
    const v = devmemVerdict({
      kernelRelease: '6.6.1',
      kernelConfig: false,
      iface: { ...NIC, headerDataSplit: false },
      gpu: { device: 0, name: 'g', dmaBuf: false }
    })
    expect(v.reasons).toHaveLength(4)
    expect(v.reasons[0]).toContain('older than 6.12')
    expect(v.reasons[1]).toContain('CONFIG_NET_DEVMEM')
    expect(v.reasons[2]).toContain('tcp-data-split on')
    expect(v.reasons[3]).toContain('dma-buf')
    expect(devmemUnavailableMode(v).reason).toBe(v.reasons.join('; '))
  })
})
