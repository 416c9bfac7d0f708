// What each addon function refuses, through the argument helpers (napi-args.c): a
// TypeError with code ZC_BAD_ARGUMENT and the message the function gives, for a
// missing argument, the wrong type, a number out of its range and a fraction where a
// whole number is needed. The table below is the contract, written out by hand.

import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { randomFile } from '../helpers'

/** the binding itself, for the calls index.ts's types rule out */
const raw = createRequire(__filename)(native.addonCandidates()[0]) as Record<string, (...a: unknown[]) => unknown>

const file = randomFile(4096)
const target = { family: 'inet', host: '127.0.0.1', port: 1 }
const sender = (extra: Record<string, unknown>) => () =>
  raw.startSender({ method: 'copy', file, chunkBytes: 4096, target, ...extra }, () => undefined)
const receiver = (extra: Record<string, unknown>) => () =>
  raw.startReceiver({ mode: 'read', listenFd: 100000, bufferBytes: 4096, checksum: false, ...extra }, () => undefined)

const FD = 'closeFd(fd) needs a descriptor from listen()'
const DEVICE = 'gpuProbe(device) needs a CUDA device index'
const COMBINE = 'crc32cCombine(crcA, crcB, lengthB) needs three numbers'
const PORT = 'address needs a numeric host and a port in 0..65535'
const REPEATED = 'fileCrc32cRepeated(path, totalBytes) needs a byte count'
const DEPTH = 'uringDepth must be a whole number from 1 to 4096'
const CPUS = 'cpus must be an array of CPU numbers'

const refused: [string, () => unknown, string][] = [
  // a descriptor: a whole number from 0 (a fraction would close another descriptor)
  ['closeFd()', () => raw.closeFd(), FD],
  ['closeFd(-1)', () => raw.closeFd(-1), FD],
  ['closeFd(100000.5)', () => raw.closeFd(100000.5), FD],
  ['closeFd(2 ** 31)', () => raw.closeFd(2 ** 31), FD],
  ["closeFd('7')", () => raw.closeFd('7'), FD],
  ['gpuProbe(-1)', () => raw.gpuProbe(-1), DEVICE],
  ['gpuProbe(0.5)', () => raw.gpuProbe(0.5), DEVICE],
  ['crc32cCombine(1, 2)', () => raw.crc32cCombine(1, 2), COMBINE],
  ['crc32cCombine(1, 2, -1)', () => raw.crc32cCombine(1, 2, -1), COMBINE],
  ['crc32cCombine(1, 2, 1.5)', () => raw.crc32cCombine(1, 2, 1.5), COMBINE],
  ["crc32cCombine('a', 2, 3)", () => raw.crc32cCombine('a', 2, 3), COMBINE],
  ["crc32c('abc')", () => raw.crc32c('abc'), 'crc32c(buffer, seed?) needs a Buffer'],
  ["fileCrc32c('')", () => raw.fileCrc32c(''), 'a file path is required'],
  ['fileCrc32c(5)', () => raw.fileCrc32c(5), 'a file path is required'],
  ['fileCrc32cRepeated(file)', () => raw.fileCrc32cRepeated(file), REPEATED],
  ['fileCrc32cRepeated(file, -1)', () => raw.fileCrc32cRepeated(file, -1), REPEATED],
  // one past Number.MAX_SAFE_INTEGER: no longer a count a JS number holds exactly
  ['fileCrc32cRepeated(file, 2 ** 53)', () => raw.fileCrc32cRepeated(file, 2 ** 53), REPEATED],
  ['_sendZcCqeKind(1)', () => raw._sendZcCqeKind(1), '_sendZcCqeKind(flags, res) takes two numbers'],
  ['progress({})', () => raw.progress({}), 'progress(handle) needs a transfer handle'],
  ['counters()', () => raw.counters(), 'counters(handle) needs a transfer handle'],
  ['cancel(1)', () => raw.cancel(1), 'cancel(handle) needs a transfer handle'],
  ['listen()', () => raw.listen(), 'listen(address)'],
  ["listen family 'ipx'", () => raw.listen({ family: 'ipx' }), "address.family must be 'inet', 'inet6' or 'unix'"],
  [
    'listen unix, no path',
    () => raw.listen({ family: 'unix' }),
    'address.path must be a unix socket path shorter than 108 bytes'
  ],
  ['listen port 65536', () => raw.listen({ ...target, port: 65536 }), PORT],
  ['listen port -1', () => raw.listen({ ...target, port: -1 }), PORT],
  ['listen port 80.5', () => raw.listen({ ...target, port: 80.5 }), PORT],
  ['listen, no host', () => raw.listen({ family: 'inet', port: 0 }), PORT],
  ['startSender({})', () => raw.startSender({}), 'startSender(config, callback)'],
  [
    'sender, no callback',
    () => raw.startSender({ method: 'copy', file, target }, 5),
    'the last argument must be a completion callback'
  ],
  ['sender, no file', sender({ file: undefined }), 'file must be a path shorter than 4096 bytes'],
  ['sender, no target', sender({ target: null }), 'target address is required'],
  [
    'gpu sender, device -1',
    sender({ method: 'gpu-copy', gpuDevice: -1 }),
    'a gpu-* method needs gpuDevice, a CUDA device index'
  ],
  ["sender, pmu 'on'", sender({ pmu: 'on' }), "pmu must be 'auto' or 'off'"],
  ['sender, cpus 1', sender({ cpus: 1 }), CPUS],
  ['sender, cpus [0.5]', sender({ cpus: [0.5] }), CPUS],
  ['sender, cpus [4096]', sender({ cpus: [4096] }), CPUS],
  ['sender, uringDepth 0.5', sender({ uringDepth: 0.5 }), DEPTH],
  ["sender, uringDepth '8'", sender({ uringDepth: '8' }), DEPTH],
  [
    'receiver, mode x',
    receiver({ mode: 'x' }),
    'mode must be one of read, splice, discard, uring, mapped, gpu-pageable, gpu-pinned, gpu-mapped'
  ],
  [
    'receiver, listenFd 100000.5',
    receiver({ listenFd: 100000.5 }),
    'listenFd must be a listening socket from listen()'
  ],
  [
    'receiver, expectedPeer too long',
    receiver({ expectedPeer: '1'.repeat(100) }),
    'expectedPeer is longer than 63 bytes'
  ],
  // strings: Node-API cuts a long one short (never mid-character, so a cut multi-byte
  // string once passed), and C stops at a NUL (a path with one named another file)
  [
    'receiver, expectedPeer of 32 two-byte chars',
    receiver({ expectedPeer: 'é'.repeat(32) }),
    'expectedPeer is longer than 63 bytes'
  ],
  ['receiver, expectedPeer with a NUL', receiver({ expectedPeer: '127.0.0.1\0x' }), 'expectedPeer contains a NUL byte'],
  [
    "fileCrc32c('/tmp/x/f\\0.evil')",
    () => raw.fileCrc32c(`${file}\0.evil`),
    'a file path is required: this one contains a NUL byte'
  ],
  [
    'fileCrc32c(2048 two-byte chars)',
    () => raw.fileCrc32c('é'.repeat(2048)),
    'a file path is required: this one is longer than 4095 bytes'
  ],
  ['sender, file with a NUL', sender({ file: `${file}\0.evil` }), 'file contains a NUL byte'],
  ['sender, file of 2048 two-byte chars', sender({ file: 'é'.repeat(2048) }), 'file is longer than 4095 bytes'],
  ['listen unix, path with a NUL', () => raw.listen({ family: 'unix', path: '/tmp/s\0x' }), 'path contains a NUL byte'],
  ['listen, host with a NUL', () => raw.listen({ ...target, host: '127.0.0.1\0x' }), 'host contains a NUL byte'],
  ['receiver, uringDepth 4097', receiver({ uringDepth: 4097 }), DEPTH],
  [
    'receiver, gpuDevice -1',
    receiver({ mode: 'gpu-pinned', gpuDevice: -1 }),
    'gpuDevice must be a CUDA device index (0, 1, …)'
  ],
  [
    'receiver, gpuDevice 0.5',
    receiver({ mode: 'gpu-pinned', gpuDevice: 0.5 }),
    'gpuDevice must be a CUDA device index (0, 1, …)'
  ]
]

// numeric options: whole numbers within what the C field holds (a cast of Infinity or
// NaN is undefined behaviour; 1.5 was cut to 1; Infinity bufferBytes became the default)
const MS = (key: string) => `${key} must be a whole number of milliseconds from 0 to 2147483647`
const BYTES = (key: string) => `${key} must be a whole number of bytes from 0 (no limit) to 9007199254740991`
const CHUNK = (key: string) => `${key} must be a whole number of bytes from 1 to 1073741824`
const NOT_WHOLE = [Infinity, NaN, 1.5, -1, 1e300]
const numericOptions: [string, (extra: Record<string, unknown>) => () => unknown, string][] = [
  ['limitBytes', sender, BYTES('limitBytes')],
  ['durationMs', sender, MS('durationMs')],
  ['chunkBytes', sender, CHUNK('chunkBytes')],
  ['connectTimeoutMs', sender, MS('connectTimeoutMs')],
  ['confirmTimeoutMs', sender, MS('confirmTimeoutMs')],
  ['bufferBytes', receiver, CHUNK('bufferBytes')],
  ['acceptTimeoutMs', receiver, MS('acceptTimeoutMs')],
  ['maxBytes', receiver, BYTES('maxBytes')]
]
for (const [key, start, message] of numericOptions)
  for (const v of NOT_WHOLE) refused.push([`${key} ${v}`, start({ [key]: v }), message])
refused.push(
  // one past each top: 2 ** 31 ms, 2 ** 30 + 1 bytes a chunk, 2 ** 53 bytes
  ['durationMs 2 ** 31', sender({ durationMs: 2 ** 31 }), MS('durationMs')],
  ['chunkBytes 2 ** 30 + 1', sender({ chunkBytes: 2 ** 30 + 1 }), CHUNK('chunkBytes')],
  ['bufferBytes 0', receiver({ bufferBytes: 0 }), CHUNK('bufferBytes')],
  ['maxBytes 2 ** 53', receiver({ maxBytes: 2 ** 53 }), BYTES('maxBytes')]
)
for (const v of NOT_WHOLE)
  refused.push([
    `listen backlog ${v}`,
    () => raw.listen({ ...target, port: 0, backlog: v }),
    'backlog must be a whole number from 0 to 2147483647'
  ])

describe('the addon refuses what does not fit, saying what would', () => {
  it.each(refused)('%s', (_name, call, message) => {
    let thrown: unknown
    try {
      call()
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(TypeError)
    expect(thrown).toMatchObject({ code: 'ZC_BAD_ARGUMENT', message })
  })

  it('takes each range at its ends', () => {
    const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 })
    expect(l.port).toBeGreaterThan(0)
    native.closeFd(l.fd)
    // a backlog from 0 to INT_MAX (the kernel caps it at somaxconn)
    for (const backlog of [0, 2 ** 31 - 1]) {
      const b = raw.listen({ ...target, port: 0, backlog }) as { fd: number; port: number }
      expect(b.port).toBeGreaterThan(0)
      native.closeFd(b.fd)
    }
    // crc32c("123456789") is 0xe3069283, the standard check value; an empty B leaves A as it is
    expect(native.crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
    expect(native.crc32cCombine(0xe3069283, 0, 0)).toBe(0xe3069283)
    // flags and CRCs are bit patterns: 2 ** 31 as a CQE's res reads negative and still counts
    expect(native.sendZcCqeKind(8, -(2 ** 31))).toEqual({ notification: true, copied: true, more: false })
  })

  it('an optional argument of the wrong type is its default', () => {
    const buf = Buffer.from('123456789')
    expect(raw.crc32c(buf, 'seed')).toBe(native.crc32c(buf, 0))
  })
})
