// The devmem probe on a planted host (planted-host.ts) and a fake GPU probe: the kernel
// config's NET_DEVMEM read from /boot or /proc/config.gz, the interface as zcrx's
// probe reads it, and the GPU's dma-buf support from the CUDA driver's answer. Then the
// real addon on the fake CUDA driver (which says no dma-buf unless FAKE_CUDA_DMABUF=1).

import { describe, expect, it } from 'vitest'
import { configHasDevmem, probeDevmem, readDevmemFacts, readDevmemGpu } from '../../src/main/host/devmem-probe'
import type { GpuInfo } from '../../src/native'
import { fakeTools, plantRoot, type NicPlan } from './planted-host'

const CONFIG_YES = 'CONFIG_NET=y\nCONFIG_NET_DEVMEM=y\n'
const CONFIG_NO = 'CONFIG_NET=y\n# CONFIG_NET_DEVMEM is not set\n'
const LO: NicPlan = { name: 'lo', flags: '0x9', mtu: 65536, rxQueues: 1 }
const GVE: NicPlan = { name: 'ens4', flags: '0x1003', mtu: 4096, rxQueues: 4, driver: 'gve' }
const RINGS_ON = 'Ring parameters for ens4:\nCurrent hardware settings:\nRX:\t\t1024\nTCP data split:\t\ton\n'

const gpu = (dmaBufSupported: boolean) => (device: number) =>
  ({ device, name: `GPU ${device}`, dmaBufSupported }) as GpuInfo
const noCuda = () => {
  throw Object.assign(new Error('no CUDA driver: libcuda.so.1: cannot open shared object file'), {
    code: 'ZC_NO_GPU_DRIVER'
  })
}

describe('configHasDevmem', () => {
  it('=y only: devmem is a bool option; not set and look-alikes are false', () => {
    expect(configHasDevmem(CONFIG_YES)).toBe(true)
    expect(configHasDevmem(CONFIG_NO)).toBe(false)
    expect(configHasDevmem('CONFIG_NET_DEVMEM_EXTRA=y\n')).toBe(false)
  })
})

describe('readDevmemFacts on a planted host', () => {
  it('a gve NIC with header split, NET_DEVMEM, a GPU exporting dma-bufs: available', () => {
    const root = plantRoot({ release: '6.18.2', boot: CONFIG_YES, nics: [GVE] })
    const tools = fakeTools({
      'ip route get 10.0.0.9': '10.0.0.9 dev ens4 src 10.0.0.2 uid 0 \n',
      'ethtool -g ens4': RINGS_ON
    })
    const opts = { root, run: tools.run, gpuDevice: 1, gpuProbe: gpu(true) }
    const facts = readDevmemFacts('10.0.0.9', opts)
    expect(facts).toEqual({
      kernelRelease: '6.18.2',
      kernelConfig: true,
      iface: {
        name: 'ens4',
        driver: 'gve',
        loopback: false,
        virtual: false,
        rxQueues: 4,
        headerDataSplit: true,
        mtu: 4096
      },
      gpu: { device: 1, name: 'GPU 1', dmaBuf: true }
    })
    expect(probeDevmem('10.0.0.9', opts)).toMatchObject({ available: true, reasons: [] })
  })

  it('loopback on a kernel without NET_DEVMEM (in /proc/config.gz) and no CUDA: three reasons', () => {
    const root = plantRoot({ release: '6.18.2', configGz: CONFIG_NO, nics: [LO] })
    const v = probeDevmem('127.0.0.1', { root, run: fakeTools({}).run, gpuProbe: noCuda })
    expect(v.available).toBe(false)
    expect(v.reasons).toHaveLength(3)
    expect(v.reasons[0]).toContain('CONFIG_NET_DEVMEM')
    expect(v.reasons[1]).toMatch(/^lo is the loopback interface/)
    expect(v.reasons[2]).toMatch(/^no GPU 0 to receive into \(no CUDA driver/)
  })

  it('no config at all: NET_DEVMEM unknown (null), left to the user', () => {
    const root = plantRoot({ release: '6.18.2', nics: [LO] })
    expect(readDevmemFacts('127.0.0.1', { root, run: fakeTools({}).run, gpuProbe: gpu(true) }).kernelConfig).toBeNull()
  })
})

describe('readDevmemGpu through the addon, on the fake CUDA driver', () => {
  it('reads CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED as the driver answers it', async () => {
    const { spawnSync } = await import('node:child_process')
    const { buildFakeCuda } = await import('../native/fake-cuda/build')
    const { existsSync } = await import('node:fs')
    const native = await import('../../src/native')
    const addon = native.addonCandidates().find((p) => existsSync(p))!
    const env = buildFakeCuda().env
    // each in a process of its own: the addon loads CUDA once per process
    const ask = (dmabuf: string) =>
      spawnSync(
        process.execPath,
        ['-e', `console.log(require(${JSON.stringify(addon)}).gpuProbe(0).dmaBufSupported)`],
        {
          env: { ...process.env, ...env, FAKE_CUDA_DMABUF: dmabuf },
          encoding: 'utf8'
        }
      ).stdout.trim()
    expect(ask('1')).toBe('true')
    expect(ask('0')).toBe('false')
    expect(readDevmemGpu(3, noCuda)).toMatchObject({ device: 3, name: null, dmaBuf: null })
  })
})
