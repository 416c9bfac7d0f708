// What the engine asks of the machine, in one interface: the sending side of a
// trial, who receives it, the clocks, the page cache and checksums, and the host's
// CPU. The real one is the addon and the agents (native-transport.ts); a fake one
// (test/engine/fake-transport.ts) runs the engine's rules in milliseconds, as
// hyperfine's mock executor does for its own.

import type { ReceiverMode } from '../../shared/methods'
import type { CpuCore } from '../../shared/placement'
import type { Environment, GpuEnvironment, MeasuredEnvironment } from '../../shared/report'
import type { Target } from '../../shared/targets'
import type { NativeAddress } from '../../native'
import type { HostSnapshot, SystemCpu } from '../host/system-cpu'
import type { SenderRun, SenderSpec } from './sender'
import type { ReceiverOutcome, ReceiverSnapshot } from './trial-figures'

/** The receiving end of one trial: an agent's receivers, or a raw sink we only send to. */
export interface ReceiverTrial {
  /** where stream i connects */
  addresses: NativeAddress[]
  /** null for raw sinks, or when the agent did not answer */
  sample(detail: boolean): Promise<ReceiverSnapshot | null>
  cancel(): void
  /** null for raw sinks */
  result(timeoutMs: number): Promise<ReceiverOutcome | null>
}

/** What one trial's receivers are asked to be. */
export interface ReceiverRequest {
  target: Target
  /** the trial's index: a unix target that names no path gets one of its own */
  index: number
  streams: number
  mode: ReceiverMode
  bufferBytes: number
  checksum: boolean
  pmu: 'auto' | 'off'
  /** per stream: more than this is an error (one pass, or the stream's share) */
  maxBytes?: number
  cpus: number[] | null
  /** mode uring: provided buffers per stream (SQ polling is the sender's alone) */
  uringDepth: number
  /** the gpu-* modes: the CUDA device whose memory receives */
  gpuDevice?: number
}

/** Who receives for one target, for the whole run. */
export interface Receiver {
  /** false for a raw sink: nobody of ours receives, so sender-side figures only */
  ours: boolean
  /** the receiver shares this host's clock and CPUs */
  sameHost: boolean
  environment: Environment | null
  /** the CPUs its receiver threads may be pinned to; null where unknown (a raw sink) */
  cpus: number[] | null
  /** a receiver on this host: its process, whose CPU is the run's own; null elsewhere */
  pid: number | null
  /** a gpu:// target: the GPU whose memory receives, and no receiver of ours; null for sockets */
  gpu: GpuEnvironment | null
  prepareTrial(req: ReceiverRequest): Promise<ReceiverTrial>
}

/** The receivers of one run: connected once, closed at its end. */
export interface ReceiverSet {
  /** start connecting to each now; a failure surfaces at that target's `for` */
  prepare(targets: readonly Target[]): void
  for(target: Target): Promise<Receiver>
  close(): Promise<void>
}

export interface Transport {
  /** CLOCK_MONOTONIC, ns: the clock senders and receivers stamp bytes with */
  nowNs(): number
  /** this thread's CPU time, ns: what sampling costs */
  threadCpuNs(): number
  /** the CPUs this process may run on, for the plan's checks */
  allowedCpus(): number[]
  /** those CPUs with the physical core each belongs to: where automatic placement may put threads */
  cpuCores(): CpuCore[]
  /**
   * the host now; with the CPU of processes not ours (`ours`: a local agent's pid, beside
   * this process), read outside the window whose `edge` this is
   */
  hostSnapshot(edge: 'start' | 'end', ours: readonly number[]): HostSnapshot
  systemCpu(): SystemCpu
  environment(pmu: 'auto' | 'off'): Promise<MeasuredEnvironment>
  setPageCache(file: string, state: 'warm' | 'cold'): Promise<void>
  /** crc32c of the file, or of it repeated to totalBytes (a looped stream) */
  fileCrc32c(file: string, totalBytes?: number): Promise<number>
  startSender(spec: SenderSpec): SenderRun
  receivers(opts: { token?: string; timeoutMs?: number }): ReceiverSet
}
