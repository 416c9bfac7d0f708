// The zcrx probe on a planted /proc, /boot and /sys tree and a fake ethtool and ip:
// each fact read from where the kernel keeps it, and the tool outputs parsed as
// ethtool 6.x and iproute2 print them. Last, the live host: the probe runs and
// its facts agree with what this host's files say.

import { readFileSync } from 'node:fs'
import os from 'node:os'
import { describe, expect, it } from 'vitest'
import {
  configHasZcrx,
  parseEthtoolDriver,
  parseRouteDev,
  parseTcpDataSplit,
  probeZcrx,
  readZcrxFacts
} from '../../src/main/host/zcrx-probe'
import { fakeTools, plantRoot, type NicPlan } from './planted-host'

// `ethtool -g` of a bnxt_en NIC (ethtool 6.x)
const RINGS_ON = `Ring parameters for ens1f0np0:
Pre-set maximums:
RX:			2047
RX Mini:		n/a
RX Jumbo:		8191
TX:			2047
Current hardware settings:
RX:			511
RX Mini:		n/a
RX Jumbo:		2044
TX:			511
RX Buf Len:		n/a
CQE Size:		n/a
TX Push:		off
TX push buff len:	n/a
TCP data split:		on
`
const RINGS_OFF = RINGS_ON.replace('TCP data split:\t\ton', 'TCP data split:\t\toff')
const RINGS_NA = RINGS_ON.replace('TCP data split:\t\ton', 'TCP data split:\t\tn/a')
// an ethtool older than 6.0 has no such line
const RINGS_OLD = RINGS_ON.split('\n')
  .filter((l) => !l.startsWith('TCP data split'))
  .join('\n')

describe('tool output parsers', () => {
  it.each([
    ['on', RINGS_ON, true],
    ['off', RINGS_OFF, false],
    ['n/a', RINGS_NA, null],
    ['no line (old ethtool)', RINGS_OLD, null]
  ])('ethtool -g with TCP data split %s → %s', (_, text, want) => {
    expect(parseTcpDataSplit(text)).toBe(want)
  })

  it('ethtool -i: the driver line', () => {
    expect(parseEthtoolDriver('driver: veth\nversion: 1.0\nfirmware-version: \n')).toBe('veth')
    expect(parseEthtoolDriver('version: 1.0\n')).toBeNull()
  })

  it('ip route get: the dev, via a gateway or not', () => {
    expect(parseRouteDev('8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 \n    cache \n')).toBe('eth0')
    expect(parseRouteDev('10.1.0.7 dev ens1f0np0 src 10.1.0.2 uid 1000 \n    cache \n')).toBe('ens1f0np0')
    expect(parseRouteDev('RTNETLINK answers: Network is unreachable')).toBeNull()
  })

  it('a kernel config: =y or =m, not "is not set", not a look-alike', () => {
    expect(configHasZcrx('CONFIG_IO_URING=y\nCONFIG_IO_URING_ZCRX=y\n')).toBe(true)
    expect(configHasZcrx('CONFIG_IO_URING=y\n# CONFIG_IO_URING_ZCRX is not set\n')).toBe(false)
    expect(configHasZcrx('CONFIG_IO_URING=y\nCONFIG_IO_URING_ZCRX_EXTRA=y\n')).toBe(false)
    expect(configHasZcrx('CONFIG_IO_URING=y\n')).toBe(false)
  })
})

const CONFIG_YES = 'CONFIG_IO_URING=y\nCONFIG_IO_URING_ZCRX=y\n'
const CONFIG_NO = 'CONFIG_IO_URING=y\n# CONFIG_IO_URING_ZCRX is not set\n'
const LO: NicPlan = { name: 'lo', flags: '0x9', mtu: 65536, rxQueues: 1 }
const BNXT: NicPlan = { name: 'ens1f0np0', flags: '0x1003', mtu: 9000, rxQueues: 8, driver: 'bnxt_en' }
const VETH: NicPlan = { name: 'veth0', flags: '0x1003', mtu: 1500, rxQueues: 1 }

describe('readZcrxFacts on a planted tree', () => {
  it('a bnxt_en host with HDS on: every fact read, the route taken from ip, available', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, ioUringDisabled: '0', nics: [LO, BNXT] })
    const tools = fakeTools({
      'ip route get 10.1.0.7': '10.1.0.7 dev ens1f0np0 src 10.1.0.2 uid 0 \n    cache \n',
      'ethtool -g ens1f0np0': RINGS_ON
    })
    const facts = readZcrxFacts('10.1.0.7', { root, run: tools.run })
    expect(facts).toEqual({
      kernelRelease: '6.18.2',
      kernelConfig: true,
      ioUringDisabled: 0,
      iface: {
        name: 'ens1f0np0',
        driver: 'bnxt_en',
        loopback: false,
        virtual: false,
        rxQueues: 8,
        headerDataSplit: true,
        mtu: 9000
      }
    })
    expect(probeZcrx('10.1.0.7', { root, run: tools.run })).toMatchObject({ available: true, reasons: [] })
  })

  it('HDS off on the same NIC: the verdict asks for ethtool -G', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, ioUringDisabled: '0', nics: [BNXT] })
    const tools = fakeTools({
      'ip route get 10.1.0.7': '10.1.0.7 dev ens1f0np0 src 10.1.0.2 uid 0 \n',
      'ethtool -g ens1f0np0': RINGS_OFF
    })
    const v = probeZcrx('10.1.0.7', { root, run: tools.run })
    expect(v.available).toBe(false)
    expect(v.reasons).toEqual(['header/data split is off on ens1f0np0: ethtool -G ens1f0np0 tcp-data-split on'])
  })

  it('no ethtool: header/data split is unknown, not off', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, nics: [BNXT] })
    const tools = fakeTools({ 'ip route get 10.1.0.7': '10.1.0.7 dev ens1f0np0 src 10.1.0.2\n' })
    expect(readZcrxFacts('10.1.0.7', { root, run: tools.run }).iface?.headerDataSplit).toBeNull()
    expect(tools.calls).toContain('ethtool -g ens1f0np0')
  })

  it('a loopback target: lo without asking ip or ethtool; IFF_LOOPBACK from flags; /proc/config.gz read when /boot has none', () => {
    const root = plantRoot({ release: '6.18.44-fc-v1272', configGz: CONFIG_YES, ioUringDisabled: '0', nics: [LO] })
    const tools = fakeTools({})
    for (const address of ['127.0.0.1', '::1']) {
      const facts = readZcrxFacts(address, { root, run: tools.run })
      expect(facts.kernelConfig).toBe(true)
      expect(facts.iface).toMatchObject({ name: 'lo', loopback: true, virtual: true, rxQueues: 1, mtu: 65536 })
    }
    // nor ethtool: loopback has neither a driver nor rings
    expect(tools.calls).toEqual([])
    expect(probeZcrx('127.0.0.1', { root, run: tools.run }).reasons[0]).toMatch(/^lo is the loopback interface/)
  })

  it('/boot/config-RELEASE wins over /proc/config.gz; "is not set" reads as false', () => {
    const root = plantRoot({ release: '6.16.0', boot: CONFIG_NO, configGz: CONFIG_YES, nics: [LO] })
    expect(readZcrxFacts('127.0.0.1', { root, run: fakeTools({}).run }).kernelConfig).toBe(false)
  })

  it('no config anywhere, no io_uring_disabled: both unknown (null)', () => {
    const root = plantRoot({ release: '6.16.0', nics: [LO] })
    const facts = readZcrxFacts('127.0.0.1', { root, run: fakeTools({}).run })
    expect(facts.kernelConfig).toBeNull()
    expect(facts.ioUringDisabled).toBeNull()
  })

  it('io_uring_disabled 2 is read and refused', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, ioUringDisabled: '2', nics: [LO] })
    const v = probeZcrx('127.0.0.1', { root, run: fakeTools({}).run })
    expect(v.reasons[0]).toContain('kernel.io_uring_disabled = 2')
  })

  it('a veth (no device): the driver from ethtool -i, virtual, refused as a veth', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, nics: [VETH] })
    const tools = fakeTools({
      'ip route get 10.200.0.2': '10.200.0.2 dev veth0 src 10.200.0.1 uid 0 \n',
      'ethtool -i veth0': 'driver: veth\nversion: 1.0\n'
    })
    const facts = readZcrxFacts('10.200.0.2', { root, run: tools.run })
    expect(facts.iface).toMatchObject({ name: 'veth0', driver: 'veth', virtual: true, loopback: false })
    expect(probeZcrx('10.200.0.2', { root, run: tools.run }).reasons[0]).toMatch(/^veth0 is a veth interface/)
  })

  it('an old kernel read from osrelease: the verdict names 6.15', () => {
    const root = plantRoot({ release: '6.12.8-200.fc41.x86_64', boot: CONFIG_NO, nics: [LO] })
    const v = probeZcrx('127.0.0.1', { root, run: fakeTools({}).run })
    expect(v.reasons[0]).toContain('kernel 6.12.8-200.fc41.x86_64 is older than 6.15')
  })

  it('no ip command: the interface is unknown, and the reason says ip gave no answer', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, nics: [BNXT] })
    const facts = readZcrxFacts('10.1.0.7', { root, run: fakeTools({}).run })
    expect(facts.iface).toBeNull()
    expect(facts.ifaceUnknownWhy).toBe('no answer from ip route get 10.1.0.7')
  })

  it('a route through an interface /sys does not have: unknown, named', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, nics: [LO] })
    const tools = fakeTools({ 'ip route get 10.1.0.7': '10.1.0.7 dev gone0 src 10.1.0.2\n' })
    expect(readZcrxFacts('10.1.0.7', { root, run: tools.run }).ifaceUnknownWhy).toBe('gone0 is not in /sys/class/net')
  })

  it('a unix socket (no address): no interface, and why', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, nics: [LO] })
    const facts = readZcrxFacts(null, { root, run: fakeTools({}).run })
    expect(facts.iface).toBeNull()
    expect(facts.ifaceUnknownWhy).toBe('a unix socket crosses no interface')
  })
})

describe('the live host', () => {
  it("reads this host's kernel release and lo as the files say", () => {
    const facts = readZcrxFacts('127.0.0.1')
    expect(facts.kernelRelease).toBe(os.release())
    expect(facts.iface?.name).toBe('lo')
    expect(facts.iface?.loopback).toBe(true)
    expect(facts.iface?.mtu).toBe(Number(readFileSync('/sys/class/net/lo/mtu', 'utf8')))
    // loopback never carries zcrx, whatever the kernel
    expect(probeZcrx('127.0.0.1').available).toBe(false)
  })
})
