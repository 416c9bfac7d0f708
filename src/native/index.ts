// The only place that loads zcprof.node. Everything above sees typed promises.

import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { GpuMethod, NativeMethod, ReceiverMode } from '../shared/methods'
import { ZcprofError } from '../shared/errors'
import type { TcpInfo } from '../shared/report'
import { packageRoot } from './package-root'

export type AddressFamily = 'inet' | 'inet6' | 'unix'
export interface NativeAddress {
  family: AddressFamily
  host?: string
  port?: number
  path?: string
}

export interface NativeCounters {
  cycles?: number
  instructions?: number
  taskClockNs: number
  contextSwitches: number
  contextSwitchesVoluntary: number
  contextSwitchesInvoluntary: number
  pageFaults: number
  pageFaultsMinor: number
  pageFaultsMajor: number
  tid: number
  sources: { cycles: string; taskClock: string; contextSwitches: string; pageFaults: string; split: string }
  pmuReason?: string
  pmuErrno?: number
}

export interface NativeProgress {
  phase: 'starting' | 'connected' | 'moving' | 'done'
  bytes: number
  syscalls: Record<string, number>
  syscallsTotal: number
  zeroCopySends: number
  zeroCopyCompleted: number
  zeroCopyCopied: number
  /** the mapped receiver: bytes the kernel mapped (TCP_ZEROCOPY_RECEIVE) and bytes read
   * with recv instead; absent for other modes (and from agents before it) */
  receiveMappedBytes?: number
  receiveCopiedBytes?: number
  /** SQEs handed to io_uring (the uring-* methods and mode) */
  uringSqes: number
  /** the ring's SQ polling thread, 0 when none */
  uringSqpollTid: number
  /** CUDA driver calls the loop made (the gpu-* methods); their ioctls are the driver's, not counted */
  gpuCalls: number
  /** CPU io_uring's own threads (SQ poller, workers) have used so far, read live from
   * /proc by the calling thread; as recorded once done. Absent when no ring was set up. */
  uringThreadsCpuNs?: number
  /** CLOCK_MONOTONIC nanoseconds, comparable across processes on one host */
  startNs: number
  firstByteNs: number
  lastByteNs: number
}

export interface NativeResult extends NativeProgress {
  fileBytes: number
  confirmedNs: number
  peerConfirmed: boolean
  crc32c: number
  effectiveChunkBytes: number
  /** CPU the ring's SQ polling thread used (SQPOLL), 0 when none */
  uringSqpollCpuNs: number
  /** CPU io_uring's worker threads used for this transfer (work it could not do inline) */
  uringWorkerCpuNs: number
  /** the data connection's ends on TCP (0 on unix sockets): a sender's localPort is its receiver's peerPort */
  localPort: number
  peerPort: number
  /** every CPU the loop was seen running on, and how often it moved between them */
  cpusSeen: number[]
  cpuMigrations: number
  /** the CPUs the thread was allowed at its end (read back with sched_getaffinity) */
  affinityEnd?: number[]
  /** the CPUs it was asked to run on; absent when not pinned */
  pinnedCpus?: number[]
  counters: NativeCounters
  tcpInfo?: TcpInfo
  /** the gpu-* methods and receiver modes */
  gpu?: NativeGpuResult
}

/** An error from the native layer: code + errno + syscall, and what was measured before it. */
export interface NativeError extends Error {
  code: string
  errno: number
  syscall: string
  partial?: NativeResult
}

interface SenderCommon {
  file: string
  chunkBytes: number
  connectTimeoutMs?: number
  confirmTimeoutMs?: number
  pmu?: 'auto' | 'off'
  /** start the file again at its end, until limitBytes or durationMs (one of them is needed) */
  loop?: boolean
  limitBytes?: number
  /** from the first send */
  durationMs?: number
  /** pin the sending thread to these CPUs */
  cpus?: number[]
  /** io_uring: SQEs in flight, and a kernel thread polling the submission ring */
  uringDepth?: number
  uringSqpoll?: boolean
}

/** a socket method sends to an address; a GPU method moves the file into device gpuDevice's memory */
export type SenderConfig =
  | (SenderCommon & { method: NativeMethod; target: NativeAddress })
  | (SenderCommon & {
      method: GpuMethod
      gpuDevice: number
      /** wait for the GPU by spinning (CU_CTX_SCHED_SPIN), not blocking */
      gpuSpin?: boolean
      /** copy the device buffer back after the trial and checksum it (crc32c) */
      gpuVerify?: boolean
    })

/** what a GPU transfer measured beside the host's counters */
export interface NativeGpuResult {
  device: number
  /** CUDA events around the moving: the GPU's own view of how long it took */
  gpuNs: number
  /** the context, device memory and the kernel's module, before the clock */
  setupNs: number
  /** pinning host memory (cuMemHostRegister, cuMemAllocHost, cuFileBufRegister), before the clock */
  pinNs: number
  unpinNs: number
  deviceBytes: number
  /** how the host waited for the GPU */
  wait: 'blocking' | 'spin'
  /** gpu-cufile: true GPUDirect Storage, or its compatibility mode */
  storage?: 'gds' | 'compat'
  verified: boolean
  verifiedBytes: number
  /** the gpu-* receiver modes: bytes put in device memory, and the copies (or kernels) that did it */
  copiedBytes?: number
  copies?: number
}

/** a GPU as the driver and NVML describe it */
export interface GpuInfo {
  device: number
  deviceCount: number
  name: string
  pciBusId: string
  computeCapabilityMajor: number
  computeCapabilityMinor: number
  memoryBytes: number
  /** cuDriverGetVersion: 13000 is CUDA 13.0 */
  driverApiVersion: number
  /** NVML's; '' without NVML */
  driverVersion: string
  /** 0 where NVML is missing */
  pcieGen: number
  pcieWidth: number
  pcieMaxGen: number
  pcieMaxWidth: number
  /** -1: unknown */
  numaNode: number
  canMapHostMemory: boolean
  /** CU_DEVICE_ATTRIBUTE_DMA_BUF_SUPPORTED: its memory can be a dma-buf (devmem TCP needs it) */
  dmaBufSupported: boolean
  cufile: 'gds' | 'compat' | 'none'
}

export interface ReceiverConfig {
  mode: ReceiverMode
  listenFd: number
  bufferBytes: number
  checksum: boolean
  acceptTimeoutMs?: number
  pmu?: 'auto' | 'off'
  /** more bytes than this end the trial with ZC_LIMIT */
  maxBytes?: number
  /** accept the data connection only from this numeric IP */
  expectedPeer?: string
  /** pin the receiving thread to these CPUs */
  cpus?: number[]
  /** io_uring (mode uring): provided buffers, and a kernel thread polling the submission ring */
  uringDepth?: number
  uringSqpoll?: boolean
  /** the gpu-* modes: the CUDA device that receives (default 0) */
  gpuDevice?: number
}

declare const handleBrand: unique symbol
type Handle = { readonly [handleBrand]: true }
type DoneCallback = (err: NativeError | undefined, result: NativeResult) => void

interface Binding {
  startSender(cfg: SenderConfig, cb: DoneCallback): Handle
  startReceiver(cfg: ReceiverConfig, cb: DoneCallback): Handle
  gpuProbe(device: number): GpuInfo
  progress(h: Handle): NativeProgress
  counters(h: Handle, split?: boolean): NativeCounters | null
  cancel(h: Handle): void
  listen(a: NativeAddress & { backlog?: number }): { fd: number; port: number }
  closeFd(fd: number): void
  fileCrc32c(path: string): Promise<{ crc32c: number; bytes: number }>
  fileEvict(path: string): Promise<unknown>
  fileWarm(path: string): Promise<unknown>
  fileCrc32cRepeated(path: string, totalBytes: number): Promise<{ crc32c: number; bytes: number }>
  crc32c(buf: Uint8Array, seed?: number): number
  crc32cCombine(crcA: number, crcB: number, lengthB: number): number
  allowedCpus(): number[]
  pmuProbe(): { available: boolean; reason?: string; errno?: number }
  nowNs(): number
  threadCpuNs(): number
  /** test-only: what the uring-send-zc loop makes of a completion with these fields */
  _sendZcCqeKind(flags: number, res: number): { notification: boolean; copied: boolean; more: boolean }
}

let binding: Binding | null = null

/**
 * Where the addon may be, best first: the one built here (a checkout, or an install
 * whose prebuilt binary did not fit), then the prebuilt one the package ships.
 */
export function addonCandidates(root = packageRoot()): string[] {
  return [
    path.join(root, 'src', 'native', 'build', 'Release', 'zcprof.node'),
    path.join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'zcprof.node')
  ]
}

function load(): Binding {
  if (binding) return binding
  const tried: string[] = []
  for (const file of addonCandidates()) {
    if (!existsSync(file)) continue
    try {
      binding = createRequire(file)(file) as Binding
      return binding
    } catch (e) {
      tried.push(`${file}: ${String((e as Error).message).split('\n')[0]}`)
    }
  }
  // a checkout has the sources and npm scripts; an installed package has the build script
  const root = packageRoot()
  const buildCommand = existsSync(path.join(root, 'src', 'main'))
    ? 'npm run build:native'
    : `node ${path.join(root, 'scripts', 'build-native.mjs')}`
  throw new ZcprofError({
    code: 'ZC_NOT_BUILT',
    message: tried.length
      ? `zcprof's native addon does not load here:\n${tried.map((t) => `  ${t}`).join('\n')}`
      : `zcprof's native addon is not built (looked for ${addonCandidates(root).join(' and ')})`,
    hint: `build it for this machine: ${buildCommand} (it needs a C compiler, make, python3 and Node's headers, and names any that are missing)`
  })
}

/** A transfer running on its own native thread. */
export class Transfer {
  readonly done: Promise<NativeResult>
  private readonly handle: Handle
  private finished = false

  constructor(start: (cb: DoneCallback) => Handle) {
    let resolve!: (r: NativeResult) => void
    let reject!: (e: NativeError) => void
    this.done = new Promise<NativeResult>((res, rej) => {
      resolve = res
      reject = rej
    })
    this.handle = start((err, result) => {
      this.finished = true
      if (err) reject(err)
      else resolve(result)
    })
  }

  /** Lock-free snapshot of bytes and syscalls so far. */
  progress(): NativeProgress {
    return load().progress(this.handle)
  }

  /**
   * The transfer thread's counters now; null before it starts or after it is joined.
   * split: false skips the voluntary/involuntary and minor/major splits where perf
   * gives the totals (those fields then read 0): the cheap read a sampler wants.
   */
  counters(split = true): NativeCounters | null {
    return this.finished ? null : load().counters(this.handle, split)
  }

  cancel(): void {
    if (!this.finished) load().cancel(this.handle)
  }
}

/** the GPU at a CUDA device index; throws ZC_NO_GPU_DRIVER or ZC_NO_GPU (as a NativeError) where there is none */
export function gpuProbe(device: number): GpuInfo {
  return load().gpuProbe(device)
}

export function startSender(cfg: SenderConfig): Transfer {
  const b = load()
  return new Transfer((cb) => b.startSender(cfg, cb))
}

export function startReceiver(cfg: ReceiverConfig): Transfer {
  const b = load()
  return new Transfer((cb) => b.startReceiver(cfg, cb))
}

export function listen(address: NativeAddress, backlog = 16): { fd: number; port: number } {
  return load().listen({ ...address, backlog })
}

export function closeFd(fd: number): void {
  load().closeFd(fd)
}

export function fileCrc32c(file: string): Promise<{ crc32c: number; bytes: number }> {
  return load().fileCrc32c(file)
}

/** crc32c of the file's bytes repeated until totalBytes: what a looped trial's stream carries */
export function fileCrc32cRepeated(file: string, totalBytes: number): Promise<{ crc32c: number; bytes: number }> {
  return load().fileCrc32cRepeated(file, totalBytes)
}

/** crc32c(A ‖ B) from crc32c(A), crc32c(B) and B's length */
export function crc32cCombine(crcA: number, crcB: number, lengthB: number): number {
  return load().crc32cCombine(crcA, crcB, lengthB)
}

/** The CPUs this process may run on (sched_getaffinity): where threads can be pinned. */
export function allowedCpus(): number[] {
  return load().allowedCpus()
}

export async function setPageCache(file: string, state: 'warm' | 'cold'): Promise<void> {
  await (state === 'warm' ? load().fileWarm(file) : load().fileEvict(file))
}

export function crc32c(buf: Uint8Array, seed = 0): number {
  return load().crc32c(buf, seed)
}

export function pmuProbe(): { available: boolean; reason?: string; errno?: number } {
  return load().pmuProbe()
}

/** CLOCK_MONOTONIC in nanoseconds, the clock the native loops stamp with. */
export function nowNs(): number {
  return load().nowNs()
}

/** test-only: how the uring-send-zc loop classifies a SEND_ZC completion (flags, res) */
export function sendZcCqeKind(flags: number, res: number): { notification: boolean; copied: boolean; more: boolean } {
  return load()._sendZcCqeKind(flags, res)
}

/** CPU time the calling thread has used, in nanoseconds. */
export function threadCpuNs(): number {
  return load().threadCpuNs()
}
