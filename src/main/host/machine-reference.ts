// The machine reference, measured (shared/machine-reference.ts says what it is for and
// judges two of them): memory-copy bandwidth, the cost of a system call from Node,
// and a loopback TCP copy's CPU per bit, each the same short measurement repeated so
// a step can be told from the figure's own noise. It takes a few hundred ms, so a
// run barely grows; its figures are for comparing a machine with itself, not with
// figures measured another way.

import { mkdtempSync, closeSync, fstatSync, openSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as native from '../../native'
import { referenceFigure } from '../../shared/machine-reference'
import { autoPlacement } from '../../shared/placement'
import { cpuCores } from './cpu-topology'
import type { MachineReference, ReferenceFigure } from '../../shared/report'

/** repeats of each figure: with 5 a side, two references part by chance 2 times in 252 */
export const REFERENCE_REPEATS = 5

// larger than most CPUs' last-level cache per core (a CPU with more measures its
// cache: the figure compares a machine with itself), yet few pages to fault in: a VM
// can pay milliseconds a MiB to touch fresh memory, which would be most of the time
const COPY_BYTES = 8 * 1024 * 1024
const COPIES_PER_REPEAT = 3
const SYSCALLS_PER_BATCH = 200
const BATCHES_PER_REPEAT = 5
const LOOPBACK_BYTES = 32 * 1024 * 1024
const LOOPBACK_FILE_BYTES = 1024 * 1024
const LOOPBACK_CHUNK_BYTES = 128 * 1024

const nsSince = (t0: bigint) => Number(process.hrtime.bigint() - t0)
/**
 * this thread's CPU time: a repeat that the scheduler interrupts (another process's
 * turn) costs the same, so a busy host's queue is not read as a slower machine
 */
const cpuNs = () => native.threadCpuNs()

/** GB/s of Buffer.copy (native memmove) by this thread's CPU time: the best of a few copies per repeat */
export function memoryCopyGBps(repeats: number): ReferenceFigure {
  const src = Buffer.alloc(COPY_BYTES, 0x5a)
  const dst = Buffer.alloc(COPY_BYTES)
  src.copy(dst) // the first copy pays dst's page faults: not a figure
  const out: number[] = []
  for (let r = 0; r < repeats; r++) {
    let best = Infinity
    for (let k = 0; k < COPIES_PER_REPEAT; k++) {
      const t0 = cpuNs()
      src.copy(dst)
      best = Math.min(best, cpuNs() - t0)
    }
    out.push(COPY_BYTES / Math.max(best, 1))
  }
  return referenceFigure(out)
}

/**
 * this thread's CPU ns per fstat(2) on an open file, Node's binding and its Stats
 * object included: the best of a few batches per repeat, as the copy's, so an
 * interrupt or a collection in one batch does not count
 */
export function syscallNs(repeats: number): ReferenceFigure {
  const fd = openSync(process.execPath, 'r')
  try {
    for (let i = 0; i < SYSCALLS_PER_BATCH; i++) fstatSync(fd) // warm the path: not a figure
    const out: number[] = []
    for (let r = 0; r < repeats; r++) {
      let best = Infinity
      for (let k = 0; k < BATCHES_PER_REPEAT; k++) {
        const t0 = cpuNs()
        for (let i = 0; i < SYSCALLS_PER_BATCH; i++) fstatSync(fd)
        best = Math.min(best, cpuNs() - t0)
      }
      out.push(Math.max(best, 1) / SYSCALLS_PER_BATCH)
    }
    return referenceFigure(out)
  } finally {
    closeSync(fd)
  }
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

/** the loopback figure, or null where the addon or loopback TCP cannot run here (the reference goes on without it) */
export async function loopbackCpuNsPerBit(repeats: number): Promise<ReferenceFigure | null> {
  let dir: string | null = null
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-reference-'))
    const file = path.join(dir, 'reference.bin')
    writeFileSync(file, Buffer.alloc(LOOPBACK_FILE_BYTES, 0x5a))
    await loopbackOnce(file, LOOPBACK_FILE_BYTES) // the first connection's set-up: not a figure
    const out: number[] = []
    for (let r = 0; r < repeats; r++) out.push(await loopbackOnce(file))
    return referenceFigure(out)
  } catch {
    return null
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

/** the machine now: each figure REFERENCE_REPEATS times, and how long that took */
export async function measureMachineReference(repeats = REFERENCE_REPEATS): Promise<MachineReference> {
  const t0 = process.hrtime.bigint()
  const timestamp = new Date().toISOString()
  const memoryCopy = memoryCopyGBps(repeats)
  const syscall = syscallNs(repeats)
  const loopback = await loopbackCpuNsPerBit(repeats)
  return {
    timestamp,
    tookMs: nsSince(t0) / 1e6,
    memoryCopyGBps: memoryCopy,
    syscallNs: syscall,
    loopbackCpuNsPerBit: loopback
  }
}
