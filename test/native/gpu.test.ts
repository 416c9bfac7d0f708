// The gpu-* methods through the real addon, on a fake CUDA driver that keeps "device
// memory" in host memory (fake-cuda/fake-cuda.c): every byte lands where it should, on
// one pass, timed and byte-bounded trials, and a CUDA failure is an error that says so.
// Real GPUs are measured by bench/device-gpu.sh on a machine that has one.

import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { GPU_METHODS } from '../../src/shared/methods'
import { randomFile } from '../helpers'
import { buildFakeCuda } from './fake-cuda/build'

// an odd size: the last piece is short of a chunk and of a 16-byte word
const FILE_BYTES = 5 * 1024 * 1024 + 4099
let file: string
let data: Buffer

beforeAll(() => {
  // the addon loads CUDA once per process, on first use: point it at the fake first
  Object.assign(process.env, buildFakeCuda().env)
  file = randomFile(FILE_BYTES)
  data = readFileSync(file)
})

describe('the GPU probe', () => {
  it('names the device, its PCIe link, driver and cuFile mode', () => {
    const g = native.gpuProbe(0)
    // the fake's fixed answers (fake-cuda.c)
    expect(g).toMatchObject({
      name: 'zcprof fake GPU 0 (host memory)',
      deviceCount: 1,
      pciBusId: '00000000:40:00.0',
      driverApiVersion: 13000,
      driverVersion: '580.0-fake',
      pcieGen: 4,
      pcieWidth: 16,
      pcieMaxGen: 5,
      pcieMaxWidth: 16,
      canMapHostMemory: true,
      cufile: 'compat'
    })
  })
  it('a device the machine lacks is ZC_NO_GPU, naming how many it has', () => {
    expect(() => native.gpuProbe(1)).toThrow(expect.objectContaining({ code: 'ZC_NO_GPU' }))
    expect(() => native.gpuProbe(1)).toThrow(/there is no GPU 1: this machine has 1/)
  })
})

describe.each(GPU_METHODS.map((m) => [m]))('%s', (method) => {
  const run = (extra: Partial<native.SenderConfig> = {}) =>
    native.startSender({
      method,
      file,
      chunkBytes: 65536 + 8,
      gpuDevice: 0,
      gpuVerify: true,
      ...extra
    } as native.SenderConfig).done

  it('one pass lands the file in device memory byte-exact', async () => {
    const r = await run()
    expect(r.bytes).toBe(FILE_BYTES)
    expect(r.gpu!.verified).toBe(true)
    expect(r.gpu!.verifiedBytes).toBe(FILE_BYTES)
    // the device buffer, copied back, against the file hashed here
    expect(r.crc32c).toBe(native.crc32c(data))
    expect(r.gpu!.wait).toBe('blocking')
    expect(r.gpuCalls).toBeGreaterThan(0)
    expect(r.gpu!.storage).toBe(method === 'gpu-cufile' ? 'compat' : undefined)
  })

  it('a byte-bounded trial past the file wraps, and the buffer holds the file once', async () => {
    const r = await run({ loop: true, limitBytes: 2 * FILE_BYTES + 12345 })
    expect(r.bytes).toBe(2 * FILE_BYTES + 12345)
    expect(r.crc32c).toBe(native.crc32c(data))
  })

  it('a trial shorter than the file leaves its first bytes, and they match', async () => {
    const r = await run({ loop: true, limitBytes: 1_000_003 })
    expect(r.gpu!.verifiedBytes).toBe(1_000_003)
    expect(r.crc32c).toBe(native.crc32c(data.subarray(0, 1_000_003)))
  })

  it('a timed trial runs for its time and counts what landed', async () => {
    const r = await run({ loop: true, durationMs: 300 })
    expect(r.bytes).toBeGreaterThan(FILE_BYTES)
    expect((r.lastByteNs - r.firstByteNs) / 1e6).toBeGreaterThanOrEqual(300)
    expect(r.crc32c).toBe(native.crc32c(data))
    // the GPU's clock covers the moving
    expect(r.gpu!.gpuNs).toBeGreaterThan(0)
    expect(r.gpu!.gpuNs).toBeLessThanOrEqual(r.lastByteNs - r.firstByteNs + 1e6)
  })
})

describe('what the methods cost apart', () => {
  it('registering the file and pinned buffers are timed, and spinning is said', async () => {
    for (const method of ['gpu-register', 'gpu-mapped', 'gpu-pinned', 'gpu-mem-pinned'] as const) {
      const r = await native.startSender({ method, file, chunkBytes: 1 << 20, gpuDevice: 0 }).done
      expect(r.gpu!.pinNs, method).toBeGreaterThan(0)
    }
    const spun = await native.startSender({
      method: 'gpu-copy',
      file,
      chunkBytes: 1 << 20,
      gpuDevice: 0,
      gpuSpin: true
    }).done
    expect(spun.gpu!.wait).toBe('spin')
  })
  it('gpu-copy reads the file with read(); the zero-copy paths make no read of the data', async () => {
    const copy = await native.startSender({ method: 'gpu-copy', file, chunkBytes: 1 << 20, gpuDevice: 0 }).done
    expect(copy.syscalls.read).toBe(Math.ceil(FILE_BYTES / (1 << 20)))
    for (const method of ['gpu-register', 'gpu-mapped', 'gpu-cufile'] as const) {
      const r = await native.startSender({ method, file, chunkBytes: 1 << 20, gpuDevice: 0 }).done
      expect(r.syscalls.read, method).toBeUndefined()
    }
  })
  it("gpu-mapped's kernel takes 16-byte words: an odd chunk is rounded down, and said", async () => {
    const r = await native.startSender({
      method: 'gpu-mapped',
      file,
      chunkBytes: 100_001,
      gpuDevice: 0,
      gpuVerify: true
    }).done
    expect(r.effectiveChunkBytes).toBe(100_000)
    expect(r.crc32c).toBe(native.crc32c(data))
  })
  it('a file larger than the GPU can hold fails with the size and the fix', async () => {
    // the fake refuses allocations it cannot make; a sparse 1 TiB file asks for one
    const { openSync, ftruncateSync, closeSync } = await import('node:fs')
    const big = `${file}.sparse`
    const fd = openSync(big, 'w')
    ftruncateSync(fd, 2 ** 40)
    closeSync(fd)
    const e = await native.startSender({ method: 'gpu-copy', file: big, chunkBytes: 1 << 20, gpuDevice: 0 }).done.then(
      () => null,
      (x: native.NativeError) => x
    )
    expect(e?.code).toBe('ZC_GPU_MEMORY')
    expect(e?.message).toMatch(/cannot allocate 1099511627776 bytes of GPU memory.*send a smaller file/)
  })
})
