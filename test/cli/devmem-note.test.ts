// `zcprof run --receiver devmem`: devmem TCP is not a mode zcprof runs, so it says,
// target by target, what this host lacks for it (kernel, NIC, GPU), in lines that fit
// 80 columns, and exits 2. The note on a planted host with a fake GPU probe, then the
// built CLI on this one (loopback; the fake CUDA, which exports no dma-buf).

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { devmemNote, refuseDevmem } from '../../src/main/cli/devmem-note'
import type { GpuInfo } from '../../src/native'
import { refusal, runZcprof, unwrapHangingIndent } from '../helpers'
import { fakeTools, plantRoot } from '../host/planted-host'
import { buildFakeCuda } from '../native/fake-cuda/build'

const root = () =>
  plantRoot({
    release: '6.18.2',
    boot: 'CONFIG_NET_DEVMEM=y\n',
    nics: [
      { name: 'lo', flags: '0x9', mtu: 65536, rxQueues: 1 },
      { name: 'ens4', flags: '0x1003', mtu: 4096, rxQueues: 4, driver: 'gve' }
    ]
  })
const run = fakeTools({
  'ip route get 10.0.0.9': '10.0.0.9 dev ens4 src 10.0.0.2 uid 0 \n',
  'ethtool -g ens4': 'TCP data split:\ton\n'
}).run
const gpu = (dmaBufSupported: boolean) => (device: number) => ({ device, name: 'H100', dmaBufSupported }) as GpuInfo

describe('devmemNote on a planted host', () => {
  it('loopback and unix: not available, each with its reason; every line fits', () => {
    const note = devmemNote(['tcp://127.0.0.1,unix://'], { root: root(), run, gpuProbe: gpu(true) })
    expect(note).toContain('devmem: not available here (tcp://127.0.0.1, over lo):')
    expect(note).toContain('devmem: not available here (unix://):')
    expect(unwrapHangingIndent(note)).toContain('lo is the loopback interface: devmem TCP needs')
    expect(unwrapHangingIndent(note)).toContain('a unix socket crosses no interface')
    for (const line of note.split('\n')) expect(line.length, line).toBeLessThanOrEqual(72)
  })

  it("an agent reached over a gve NIC with header split, a GPU that exports dma-bufs: the checks pass, what's left to set up", () => {
    const note = unwrapHangingIndent(devmemNote(['agent://10.0.0.9:7733'], { root: root(), run, gpuProbe: gpu(true) }))
    expect(note).toContain(
      'devmem: the checks pass (agent://10.0.0.9:7733, over ens4), but zcprof has no devmem receiver yet'
    )
    expect(note).toContain('ethtool -N ens4 flow-type tcp6 dst-port PORT action 1')
    expect(note).toContain("10.0.0.9's own NIC and GPU must pass the same checks")
  })

  it('the same NIC, the GPU without dma-buf export: refused with ZC_BAD_ARGUMENT', () => {
    const e = refusal(() => refuseDevmem(['agent://10.0.0.9:7733'], { root: root(), run, gpuProbe: gpu(false) }))
    expect(e.code).toBe('ZC_BAD_ARGUMENT')
    expect(unwrapHangingIndent(e.message)).toContain('GPU 0 (H100) cannot export its memory as a dma-buf')
  })
})

describe('zcprof run --receiver devmem', () => {
  it('exits 2 and names loopback and the GPU', () => {
    const r = runZcprof(['run', '--receiver', 'devmem'], buildFakeCuda().env)
    expect(r.code).toBe(2)
    const err = unwrapHangingIndent(r.stderr)
    expect(err).toContain('devmem: not available here (tcp://127.0.0.1, over lo)')
    expect(err).toContain('lo is the loopback interface')
    expect(err).toContain('GPU 0 (zcprof fake GPU 0 (host memory)) cannot export its memory as a dma-buf')
    expect(err).toContain('README, "devmem TCP into GPU memory"')
  })

  it('run --help lists devmem and the gpu-* modes among the receiver choices, and --receiver-gpu', () => {
    const help = runZcprof(['run', '--help']).stdout.replace(/\s+/g, ' ')
    expect(help).toContain('comma-separated (read, splice, discard, uring, mapped, gpu-pageable, gpu-pinned, gpu-mapped)')
    expect(help).toContain('zcrx (io_uring zero-copy receive) is not a mode yet, nor devmem (devmem TCP into GPU memory)')
    expect(help).toContain('--receiver-gpu <n>')
  })
})

describe('the README section the note points to', () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8')
  const section = /\n### devmem TCP into GPU memory\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''

  it('exists under the name the note gives, with the commands its reasons name', () => {
    expect(devmemNote(['unix://'], { gpuProbe: gpu(true) })).toContain('README, "devmem TCP into GPU memory"')
    expect(section).not.toBe('')
    for (const command of ['ethtool -G IF tcp-data-split on', 'ethtool -L IF combined 2', 'ethtool -N IF'])
      expect(section).toContain(command)
    expect(section).toContain('CONFIG_NET_DEVMEM')
    expect(section).toContain('CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED')
  })
})
