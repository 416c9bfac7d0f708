// The machine reference, measured (shared/machine-reference.ts says what it is for and
// judges two of them): memory-copy bandwidth, the cost of a system call from Node,
// and a loopback TCP copy's CPU per bit, each the same short measurement repeated so
// a step can be told from the figure's own noise. The repeats take turns (a copy, a
// system call, a transfer, then again), so each figure's repeats span the whole
// reference rather than a few ms of it: a host whose state shifts every hundred ms
// shows that in each figure's spread, not as a step between two references. It
// takes a few hundred ms, so a run barely grows; its figures compare a machine with
// itself, not with figures measured another way.

import { mkdtempSync, closeSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as native from '../../native'
import { referenceFigure } from '../../shared/machine-reference'
import { autoPlacement } from '../../shared/placement'
import { cpuCores } from './cpu-topology'
import type { MachineReference } from '../../shared/report'

/** repeats of each figure: with 5 a side, two references part by chance 2 times in 252 */
export const REFERENCE_REPEATS = 5

// larger than most CPUs' last-level cache per core (a CPU with more measures its
// cache: the figure compares a machine with itself), yet few pages to fault in: a VM
// can pay milliseconds a MiB to touch fresh memory, which would be most of the time
const COPY_BYTES = 8 * 1024 * 1024
const COPIES_PER_REPEAT = 8
const SYSCALLS_PER_BATCH = 200
const BATCHES_PER_REPEAT = 5
// the first few thousand calls of a process cost more (its JS not yet optimised): they
// would read as a faster machine at a run's end than at its start
const SYSCALL_WARMUP_CALLS = 5000
const LOOPBACK_BYTES = 32 * 1024 * 1024
const LOOPBACK_FILE_BYTES = 1024 * 1024
const LOOPBACK_CHUNK_BYTES = 128 * 1024

const nsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0)
/**
 * this thread's CPU time: a repeat that the scheduler interrupts (another process's
 * turn) costs the same, so a busy host's queue is not read as a slower machine
 */
const cpuNs = () => native.threadCpuNs()

/** GB/s of Buffer.copy (native memmove) by this thread's CPU time: the best of a few copies */
function copyGBps(src: Buffer, dst: Buffer): number {
  let best = Infinity
  for (let k = 0; k < COPIES_PER_REPEAT; k++) {
    const t0 = cpuNs()
    src.copy(dst)
    best = Math.min(best, cpuNs() - t0)
  }
  return COPY_BYTES / Math.max(best, 1)
}

/**
 * this thread's CPU ns per one-byte pread(2) of an open file (a page-cache hit), Node's
 * binding included: the best of a few batches, as the copy's, so an interrupt in one
 * batch does not count. Not fstat: its Stats object a call makes the figure follow
 * V8's young generation, which grows over a process's first second, and it fell by
 * up to a third between a process's first reference and its later ones.
 */
function syscallNsOnce(call: () => void): number {
  let best = Infinity
  for (let k = 0; k < BATCHES_PER_REPEAT; k++) {
    const t0 = cpuNs()
    for (let i = 0; i < SYSCALLS_PER_BATCH; i++) call()
    best = Math.min(best, cpuNs() - t0)
  }
  return Math.max(best, 1) / SYSCALLS_PER_BATCH
}

/**
 * one loopback transfer (LOOPBACK_BYTES unless told): copy sender to a discard
 * receiver, both threads' CPU ns per bit. The threads sit where a run's automatic
 * placement puts one stream's (separate cores): unpinned, whether they share a CPU
 * moves the figure by half from one transfer to the next.
 */
async function loopbackOnce(file: string, bytes = LOOPBACK_BYTES): Promise<number> {
  const placed = autoPlacement(cpuCores(native.allowedCpus()), 1, true)
  const l = native.listen({ family: 'inet', host: '127.0.0.1', port: 0 }, 1)
  try {
    const receiver = native.startReceiver({
      mode: 'discard',
      listenFd: l.fd,
      bufferBytes: LOOPBACK_CHUNK_BYTES,
      checksum: false,
      acceptTimeoutMs: 5000,
      pmu: 'off',
      cpus: placed?.receiverCpus ?? undefined
    })
    let sent: native.NativeResult
    try {
      sent = await native.startSender({
        method: 'copy',
        target: { family: 'inet', host: '127.0.0.1', port: l.port },
        file,
        chunkBytes: LOOPBACK_CHUNK_BYTES,
        loop: true,
        limitBytes: bytes,
        pmu: 'off',
        cpus: placed?.senderCpus
      }).done
    } catch (e) {
      receiver.cancel()
      await receiver.done.catch(() => undefined)
      throw e
    }
    const received = await receiver.done
    const cpuNs = sent.counters.taskClockNs + received.counters.taskClockNs
    return cpuNs / (Math.max(sent.bytes, 1) * 8)
  } finally {
    native.closeFd(l.fd)
  }
}

/** where a reference's time went, by figure (bench/machine-reference.ts prints it) */
export type ReferenceTimings = Record<'memoryCopyGBps' | 'syscallNs' | 'loopbackCpuNsPerBit', number>

/** how long `f` took, added to `spent[key]` */
async function timed<T>(spent: ReferenceTimings | undefined, key: keyof ReferenceTimings, f: () => T | Promise<T>) {
  const t0 = process.hrtime.bigint()
  try {
    return await f()
  } finally {
    if (spent) spent[key] += nsSince(t0) / 1e6
  }
}

/**
 * the machine now: each figure `repeats` times, in turns, and how long that took.
 * The loopback figure is null where the addon or loopback TCP cannot run here.
 */
export async function measureMachineReference(
  repeats = REFERENCE_REPEATS,
  spent?: ReferenceTimings
): Promise<MachineReference> {
  const t0 = process.hrtime.bigint()
  const timestamp = new Date().toISOString()
  const src = Buffer.alloc(COPY_BYTES, 0x5a)
  const dst = Buffer.alloc(COPY_BYTES)
  const fd = openSync(process.execPath, 'r')
  const byte = Buffer.alloc(1)
  const call = () => void readSync(fd, byte, 0, 1, 0)
  let dir: string | null = null
  try {
    await timed(spent, 'memoryCopyGBps', () => src.copy(dst)) // dst's page faults: not a figure
    await timed(spent, 'syscallNs', () => {
      for (let i = 0; i < SYSCALL_WARMUP_CALLS; i++) call() // not a figure
    })
    let file: string | null = null
    try {
      dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-reference-'))
      file = path.join(dir, 'reference.bin')
      writeFileSync(file, Buffer.alloc(LOOPBACK_FILE_BYTES, 0x5a))
      const first = file
      await timed(spent, 'loopbackCpuNsPerBit', () => loopbackOnce(first, LOOPBACK_FILE_BYTES)) // set-up: not a figure
    } catch {
      file = null
    }
    const copy: number[] = []
    const syscall: number[] = []
    let loopback: number[] | null = file ? [] : null
    for (let r = 0; r < repeats; r++) {
      copy.push(await timed(spent, 'memoryCopyGBps', () => copyGBps(src, dst)))
      syscall.push(await timed(spent, 'syscallNs', () => syscallNsOnce(call)))
      if (!loopback || !file) continue
      const f = file
      loopback = await timed(spent, 'loopbackCpuNsPerBit', () => loopbackOnce(f)).then(
        (v) => [...loopback!, v],
        () => null
      )
    }
    return {
      timestamp,
      tookMs: nsSince(t0) / 1e6,
      memoryCopyGBps: referenceFigure(copy),
      syscallNs: referenceFigure(syscall),
      loopbackCpuNsPerBit: loopback ? referenceFigure(loopback) : null
    }
  } finally {
    closeSync(fd)
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}
