// The mapped receiver (TCP_ZEROCOPY_RECEIVE). Loopback never maps a page, so the
// kernel's answers are scripted by a fake (fake-zerocopy/fake-zerocopy.c, loaded with
// LD_PRELOAD into a process of its own): the accounting must be exactly the script's,
// the skip hints and empty answers must fall back to recv, errors must carry code,
// errno and syscall, and the bytes must arrive byte-exact. Then the real path on
// loopback TCP, with no fake.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { buildSharedObject, randomFile, transferPair } from '../helpers'

const KiB = 1024
const FILE_BYTES = 3 * 1024 * KiB + 12345
const BUFFER_BYTES = 64 * KiB
let file = ''
let expected = 0
let shim = ''
const addon = native.addonCandidates().find((p) => existsSync(p))!

beforeAll(async () => {
  file = randomFile(FILE_BYTES)
  expected = native.crc32c(readFileSync(file))
  shim = buildSharedObject(path.join(__dirname, 'fake-zerocopy/fake-zerocopy.c'), 'fake-zerocopy.so')
})

interface Outcome {
  error: { code: string; errno: number; syscall: string; message: string } | null
  result: native.NativeResult
}

function receive(script: string, f = file): Outcome {
  const r = spawnReceive(script, f)
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Outcome
}

function spawnReceive(script: string, f: string): SpawnSyncReturns<string> {
  return spawnSync(
    process.execPath,
    [path.join(__dirname, 'fake-zerocopy/receive.cjs'), addon, f, String(BUFFER_BYTES)],
    { env: { ...process.env, LD_PRELOAD: shim, ZC_FAKE_ZEROCOPY: script }, encoding: 'utf8', timeout: 60_000 }
  )
}

describe('the mapped receiver against scripted kernel answers', () => {
  it('counts mapped and copied bytes exactly as the kernel answered, and receives byte-exact', () => {
    // mapped: 64 KiB, 4 KiB, 8 KiB (three madvise calls); skip hints: 1000, 123 and
    // 70000 (more than one 64 KiB buffer: two recv calls); one "zero" (a poll, then the
    // kernel is asked again); after the script the fake answers as loopback does: the
    // queue as a skip hint, to EOF (EIO)
    const { error, result } = receive('map:65536,skip:1000,map:4096,zero,both:8192:123,skip:70000')
    expect(error).toBeNull()
    const mapped = 65536 + 4096 + 8192
    expect(result.receiveMappedBytes).toBe(mapped)
    expect(result.receiveCopiedBytes).toBe(FILE_BYTES - mapped)
    expect(result.bytes).toBe(FILE_BYTES)
    expect(result.crc32c).toBe(expected)
    expect(result.syscalls.madvise).toBe(3)
    expect(result.syscalls.poll).toBeGreaterThanOrEqual(1)
    // six scripted calls and the one that sees EIO at least
    expect(result.syscalls.getsockopt).toBeGreaterThanOrEqual(7)
    // recv of at most 64 KiB: the skip hints' 1 + 1 + 2, the rest's, the EOF's
    const rest = FILE_BYTES - mapped - 1000 - 123 - 70000
    expect(result.syscalls.recvfrom).toBeGreaterThanOrEqual(4 + Math.ceil(rest / BUFFER_BYTES) + 1)
    expect(result.syscalls.read).toBeUndefined()
  })

  it('maps a whole stream when the kernel maps every page: nothing copied', () => {
    const whole = randomFile(16 * BUFFER_BYTES)
    const { error, result } = receive(Array(16).fill(`map:${BUFFER_BYTES}`).join(','), whole)
    expect(error).toBeNull()
    expect(result.receiveMappedBytes).toBe(16 * BUFFER_BYTES)
    expect(result.receiveCopiedBytes).toBe(0)
    expect(result.crc32c).toBe(native.crc32c(readFileSync(whole)))
    expect(result.syscalls.madvise).toBe(16)
  })

  it('an empty answer (0/0) is waited out in poll and asked again: what follows is mapped, not copied', () => {
    // the kernel answers 0/0 only for an empty queue; here it does so while bytes are
    // queued, so a receiver that recv()s after it copies bytes the script maps
    const whole = randomFile(16 * BUFFER_BYTES)
    const script = ['zero', 'zero', ...Array(16).fill(`map:${BUFFER_BYTES}`)].join(',')
    const { error, result } = receive(script, whole)
    expect(error).toBeNull()
    expect(result.receiveMappedBytes).toBe(16 * BUFFER_BYTES)
    expect(result.receiveCopiedBytes).toBe(0)
    expect(result.crc32c).toBe(native.crc32c(readFileSync(whole)))
    expect(result.syscalls.poll).toBeGreaterThanOrEqual(2)
  })

  it('a mapping is capped to the region asked for, in whole pages, as the kernel caps it', () => {
    // 70000 asked of a 256 KiB region: 17 pages (69632) mapped, the rest by skip hints
    const { error, result } = receive('map:70000')
    expect(error).toBeNull()
    expect(result.receiveMappedBytes).toBe(17 * 4096)
    expect(result.receiveCopiedBytes).toBe(FILE_BYTES - 17 * 4096)
    expect(result.crc32c).toBe(expected)
  })

  it('copies every byte when the kernel maps nothing (loopback: all skip hints)', () => {
    const { error, result } = receive('')
    expect(error).toBeNull()
    expect(result.receiveMappedBytes).toBe(0)
    expect(result.receiveCopiedBytes).toBe(FILE_BYTES)
    expect(result.crc32c).toBe(expected)
    expect(result.syscalls.madvise).toBeUndefined()
  })

  it('EIO (an empty queue whose peer is done) is asked of recv: EOF there, or bytes that raced in', () => {
    // mid-stream the recv finds bytes, so the receive goes on; every byte arrives
    const { error, result } = receive('map:8192,err:EIO,map:4096')
    expect(error).toBeNull()
    expect(result.receiveMappedBytes).toBe(8192 + 4096)
    expect(result.receiveCopiedBytes).toBe(FILE_BYTES - 8192 - 4096)
    expect(result.crc32c).toBe(expected)
  })

  it('an error mid-stream fails the receiver with code, errno and syscall; what came before is counted', () => {
    const { error, result } = receive('map:4096,skip:100,err:EINVAL')
    expect(error).toMatchObject({ code: 'EINVAL', errno: 22, syscall: 'getsockopt' })
    expect(result.receiveMappedBytes).toBe(4096)
    expect(result.receiveCopiedBytes).toBe(100)
    expect(result.bytes).toBe(4196)
  })

  it('a socket error reported with a mapping fails the receive after counting the mapped bytes', () => {
    const { error, result } = receive('map:4096,zcerr:8192:ECONNRESET')
    expect(error).toMatchObject({ code: 'ECONNRESET', errno: 104, syscall: 'getsockopt' })
    expect(result.receiveMappedBytes).toBe(4096 + 8192)
    expect(result.receiveCopiedBytes).toBe(0)
    expect(result.bytes).toBe(4096 + 8192)
  })

  it.each([
    ['ENOPROTOOPT', 92],
    ['EOPNOTSUPP', 95]
  ])('a kernel without the option (%s at the first call) is ZC_UNSUPPORTED, naming the fix', (name, errnum) => {
    const { error, result } = receive(`err:${name}`)
    expect(error).toMatchObject({ code: 'ZC_UNSUPPORTED', errno: errnum, syscall: 'getsockopt' })
    expect(error!.message).toMatch(/no TCP_ZEROCOPY_RECEIVE; use --receiver read/)
    expect(result.bytes).toBe(0)
  })

  it('a script naming an errno the fake does not know aborts it loudly, not as some other error', () => {
    const r = spawnReceive('map:4096,err:EBOGUS', file)
    expect(r.status).not.toBe(0)
    expect(r.stderr).toMatch(/unknown errno name 'EBOGUS'/)
  })

  it('the same error after a first answer is a failed receive, not a missing feature', () => {
    const { error } = receive('skip:10,err:EOPNOTSUPP')
    expect(error).toMatchObject({ code: 'EOPNOTSUPP', errno: 95, syscall: 'getsockopt' })
  })
})

describe('the mapped receiver on loopback TCP, no fake', () => {
  it('receives byte-exact and accounts for every byte as mapped or copied', async () => {
    for (const method of ['copy', 'sendfile'] as const) {
      const { sender, receiver } = await transferPair({ method, mode: 'mapped', family: 'inet', file })
      expect(receiver.bytes).toBe(FILE_BYTES)
      expect(receiver.crc32c).toBe(expected)
      expect(sender.peerConfirmed).toBe(true)
      const mapped = receiver.receiveMappedBytes!
      const copied = receiver.receiveCopiedBytes!
      expect(mapped + copied).toBe(FILE_BYTES)
      // the kernel maps whole pages only
      expect(mapped % 4096).toBe(0)
      const share = mapped / (mapped + copied)
      expect(share).toBeGreaterThanOrEqual(0)
      expect(share).toBeLessThanOrEqual(1)
      expect(receiver.syscalls.getsockopt).toBeGreaterThan(0)
    }
  })

  it('other receiver modes carry no mapping counts', async () => {
    const { receiver } = await transferPair({ method: 'copy', mode: 'read', family: 'inet', file })
    expect(receiver.receiveMappedBytes).toBeUndefined()
    expect(receiver.receiveCopiedBytes).toBeUndefined()
  })
})
