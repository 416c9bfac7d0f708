// `zcprof run --receiver gpu-*` end to end on loopback: the local agent receives into
// the fake CUDA driver's "device memory" (host memory, test/native/fake-cuda), reads
// every chunk back from it and hashes it. The file's CRC32C is computed here by a
// bitwise CRC of its own, not the addon's; a byte the fake flips on one copy must fail
// the trial's integrity check; and with no CUDA at all the mode is refused before any
// trial (exit 2), never run as another.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { GPU_RECEIVER_MODES } from '../../src/shared/methods'
import type { Report } from '../../src/shared/report'
import { randomFile, runZcprof, tempDir } from '../helpers'
import { buildFakeCuda } from '../native/fake-cuda/build'

const FILE_BYTES = 3 * 1024 * 1024 + 4099
const CHUNK_BYTES = 256 * 1024
const cache = { XDG_CACHE_HOME: tempDir('zcprof-gpu-recv-cache-') }
let fake: Record<string, string> = {}
let file = ''

/** CRC32C (Castagnoli, reflected 0x82F63B78), bit by bit: slow, and nothing shared with the addon's */
function crc32cBitwise(buf: Buffer): number {
  let crc = 0xffffffff
  for (const byte of buf) {
    crc ^= byte
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}

beforeAll(() => {
  fake = buildFakeCuda().env
  file = randomFile(FILE_BYTES)
})

function run(mode: string, env: Record<string, string>, extra: string[] = []) {
  const out = path.join(tempDir(), 'r.json')
  const args = ['run', '-m', 'sendfile', '-f', file, '-l', String(CHUNK_BYTES), '--once', '-r', '1', '-w', '0']
  const r = runZcprof([...args, '--receiver', mode, '--verify', '--no-progress', '--json', out, ...extra], {
    ...cache,
    ...env
  })
  return { ...r, report: r.code === 0 || r.code === 1 ? (JSON.parse(readFileSync(out, 'utf8')) as Report) : null }
}

describe('zcprof run --receiver gpu-*', () => {
  it.each(GPU_RECEIVER_MODES.map((m) => [m]))('%s: the bytes on the GPU are the file, byte-exact', (mode) => {
    const expected = crc32cBitwise(readFileSync(file))
    const r = run(mode, fake)
    expect(r.code, r.stderr).toBe(0)
    expect(r.report!.start.plan.receiverModes).toEqual([mode])
    const [t] = r.report!.trials
    expect(t.error).toBeNull()
    const s = t.summary!
    expect(s.integrity).toEqual({ checked: true, ok: true, expectedCrc32c: expected, receivedCrc32c: expected })
    const g = s.receiveGpu!
    expect(g.device).toBe(0)
    expect(g.copiedBytes).toBe(FILE_BYTES)
    expect(g.verifiedBytes).toBe(FILE_BYTES)
    const chunk = mode === 'gpu-mapped' ? Math.floor(CHUNK_BYTES / 16) * 16 : CHUNK_BYTES
    expect(g.copies).toBe(Math.ceil(FILE_BYTES / chunk))
    expect(g.copyTimeMs).toBeGreaterThan(0)
    // pinned and registered host buffers are timed apart, and the trial says so; pageable has none
    expect(g.pinMs > 0).toBe(mode !== 'gpu-pageable')
    const pinNote = s.notes.find((n) => n.code === 'GPU_PINNED')
    if (mode === 'gpu-pageable') expect(pinNote).toBeUndefined()
    else expect(pinNote?.message).toMatch(/the receiver's host buffers for GPU 0 took [\d.]+ ms to pin or register/)
  })

  it('two streams, each its own receiver and device ring on the one GPU: both byte-exact', () => {
    const r = run('gpu-pinned', fake, ['-P', '2'])
    expect(r.code, r.stderr).toBe(0)
    const s = r.report!.trials[0].summary!
    expect(s.streams.map((x) => x.integrity.ok)).toEqual([true, true])
    // one pass a stream: the file twice, all of it copied to the GPU and read back
    expect(s.receiveGpu).toMatchObject({ copiedBytes: 2 * FILE_BYTES, verifiedBytes: 2 * FILE_BYTES })
  })

  it('a byte flipped on its way into GPU memory fails the integrity check', () => {
    // the fake inverts the first byte of its second copy into device memory
    const r = run('gpu-pinned', { ...fake, FAKE_CUDA_FLIP_COPY: '2' })
    const [t] = r.report!.trials
    expect(t.summary!.integrity.checked).toBe(true)
    expect(t.summary!.integrity.ok).toBe(false)
    expect(t.summary!.integrity.expectedCrc32c).toBe(crc32cBitwise(readFileSync(file)))
    const bad = Buffer.from(readFileSync(file))
    bad[CHUNK_BYTES] ^= 0xff
    expect(t.summary!.integrity.receivedCrc32c).toBe(crc32cBitwise(bad))
    expect(r.code).not.toBe(0)
  })

  it('no CUDA driver: refused before any trial, with the reason and the fix (exit 2)', () => {
    const r = run('gpu-pageable', { ZCPROF_CUDA_LIBRARY: '/nonexistent/libcuda.so.1' })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/receiver mode gpu-pageable lands the bytes in GPU 0: no CUDA driver/)
    expect(r.stderr).toMatch(/ZC_NO_GPU_DRIVER/)
    expect(r.stderr).toMatch(/--receiver read/)
  })

  it('--receiver-gpu names a device the machine lacks: refused, naming the option', () => {
    const r = run('gpu-mapped', fake, ['--receiver-gpu', '2'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/GPU 2/)
    expect(r.stderr).toMatch(/--receiver-gpu/)
  })
})
