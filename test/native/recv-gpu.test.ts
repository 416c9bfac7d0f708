// The gpu-* receiver modes through the real addon: a real loopback (and unix) socket
// on the receiving side, the fake CUDA driver (fake-cuda/fake-cuda.c, "device memory"
// in host memory) on the other. What lands in device memory is read back and hashed:
// the hash must be the file's, hashed here. The fake's FAKE_CUDA_FLIP_COPY plants a
// corrupted copy, which the check must catch; it and a machine with no CUDA run in a
// process of their own, as the addon loads CUDA once per process.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { GPU_RECEIVER_MODES, type GpuReceiverMode } from '../../src/shared/methods'
import { randomFile, transferPair } from '../helpers'
import { buildFakeCuda } from './fake-cuda/build'

// odd: the last chunk is short of a chunk and of a 16-byte word
const FILE_BYTES = 3 * 1024 * 1024 + 4099
const CHUNK_BYTES = 65536 + 8
let file = ''
let data: Buffer
let fake: Record<string, string> = {}
const addon = native.addonCandidates().find((p) => existsSync(p))!

beforeAll(() => {
  fake = buildFakeCuda().env
  Object.assign(process.env, fake)
  file = randomFile(FILE_BYTES)
  data = readFileSync(file)
})

describe.each(GPU_RECEIVER_MODES.map((m) => [m]))('receiver mode %s', (mode) => {
  it.each([['inet'], ['unix']] as const)('lands a %s stream in GPU memory byte-exact', async (family) => {
    const { sender, receiver } = await transferPair({
      method: 'sendfile',
      mode,
      family,
      file,
      chunkBytes: CHUNK_BYTES,
      checksum: true
    })
    expect(sender.bytes).toBe(FILE_BYTES)
    expect(receiver.bytes).toBe(FILE_BYTES)
    // read back from the device ring, chunk by chunk, against the file hashed here
    expect(receiver.crc32c).toBe(native.crc32c(data))
    const g = receiver.gpu!
    expect(g.device).toBe(0)
    expect(g.verified).toBe(true)
    expect(g.verifiedBytes).toBe(FILE_BYTES)
    expect(g.copiedBytes).toBe(FILE_BYTES)
    // every chunk is filled before it is copied: the copies are the chunks
    const chunk = mode === 'gpu-mapped' ? Math.floor(CHUNK_BYTES / 16) * 16 : CHUNK_BYTES
    expect(g.copies).toBe(Math.ceil(FILE_BYTES / chunk))
    expect(receiver.effectiveChunkBytes).toBe(chunk)
    // one device slot for the synchronous copy, two for the overlapped ones
    expect(g.deviceBytes).toBe(chunk * (mode === 'gpu-pageable' ? 1 : 2))
    expect(g.wait).toBe('blocking')
    expect(receiver.gpuCalls).toBeGreaterThan(g.copies!)
  })

  it('without checksum the bytes still land and are counted, unread back', async () => {
    const { receiver } = await transferPair({ method: 'copy', mode, family: 'inet', file, checksum: false })
    expect(receiver.bytes).toBe(FILE_BYTES)
    expect(receiver.gpu!.copiedBytes).toBe(FILE_BYTES)
    expect(receiver.gpu!.verified).toBe(false)
    expect(receiver.gpu!.verifiedBytes).toBe(0)
  })
})

interface Outcome {
  error: { code: string; message: string } | null
  result: native.NativeResult | null
  expected: number
}

/** one loopback receive in a process of its own, under env */
function isolated(mode: GpuReceiverMode, env: Record<string, string>, gpuDevice = 0): Outcome {
  const r = spawnSync(
    process.execPath,
    [path.join(__dirname, 'fake-cuda/receive-gpu.cjs'), addon, file, mode, String(CHUNK_BYTES), String(gpuDevice)],
    { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 }
  )
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Outcome
}

describe('a planted corruption', () => {
  it.each(GPU_RECEIVER_MODES.map((m) => [m]))('%s: one byte flipped on the GPU changes the hash', (mode) => {
    // the third copy into device memory lands with a byte inverted
    const o = isolated(mode, { ...fake, FAKE_CUDA_FLIP_COPY: '3' })
    expect(o.error).toBeNull()
    expect(o.result!.bytes).toBe(FILE_BYTES)
    expect(o.expected).toBe(native.crc32c(data))
    expect(o.result!.crc32c).not.toBe(o.expected)
    // the same bytes with the third chunk's first byte inverted: what the device held
    const chunk = mode === 'gpu-mapped' ? Math.floor(CHUNK_BYTES / 16) * 16 : CHUNK_BYTES
    const bad = Buffer.from(data)
    bad[2 * chunk] ^= 0xff
    expect(o.result!.crc32c).toBe(native.crc32c(bad))
  })
})

describe('no GPU to receive into', () => {
  it('no CUDA driver: ZC_NO_GPU_DRIVER, before any sender is accepted', () => {
    const o = isolated('gpu-pinned', { ZCPROF_CUDA_LIBRARY: '/nonexistent/libcuda.so.1' })
    expect(o.error!.code).toBe('ZC_NO_GPU_DRIVER')
    expect(o.error!.message).toMatch(/no CUDA driver/)
    expect(o.result?.bytes ?? 0).toBe(0)
  })
  it('a device the machine lacks: ZC_NO_GPU, naming the option that picks another', () => {
    const o = isolated('gpu-pageable', fake, 3)
    expect(o.error!.code).toBe('ZC_NO_GPU')
    expect(o.error!.message).toMatch(/no GPU 3 to receive into: this machine has 1 \(--receiver-gpu 0 to 0\)/)
  })
})
