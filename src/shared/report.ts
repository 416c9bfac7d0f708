// The report: one plain typed record per run, iperf3-shaped (start / trials / end).
// Units live in the names. This is schema 1; the reports issue grows it.

import type { MethodName, ReceiverMode } from './methods'
import type { Stat } from './statistics'
import type { ErrorInfo } from './errors'

export const SCHEMA_VERSION = 1

export type CyclesSource = 'pmu' | 'cpu-time-estimate'
export type CacheState = 'warm' | 'cold'

export interface Plan {
  methods: MethodName[]
  targets: string[]
  /** generated file sizes; ignored when file is set */
  fileBytes: number[]
  file: string | null
  chunkBytes: number[]
  repeat: number
  warmup: number
  cache: CacheState
  receiverMode: ReceiverMode
  checksum: boolean
  sampleIntervalMs: number
  pmu: 'auto' | 'off'
}

export interface PmuState {
  available: boolean
  /** why it is closed and how to open it */
  reason: string | null
  perfEventParanoid: number | null
}

export interface Environment {
  hostname: string
  cpuModel: string
  cpuCores: number
  cpuPhysicalCores: number
  /** the rate cpu-time estimates of cycles use */
  cpuClockHz: number
  memoryBytes: number
  os: string
  kernel: string
  arch: string
  nodeVersion: string
  virtualized: boolean | null
  pmu: PmuState
}

/** Whole-host CPU over a trial, from /proc/stat. */
export interface HostCpu {
  busyCpuNs: number
  cycles: number
  cyclesSource: 'cpu-time-estimate'
  cyclesPerBit: number
  /** CPU used by everything but zcprof on that host, in cores: a measure of contamination */
  otherCpuCores: number
}

/** One side's totals for a trial. */
export interface SideFigures {
  /** counters cover the transfer thread, or the whole process (node-stream) */
  scope: 'thread' | 'process'
  cpuNs: number
  cycles: number
  cyclesSource: CyclesSource
  cyclesPerBit: number
  instructions: number | null
  contextSwitches: number
  contextSwitchesVoluntary: number | null
  contextSwitchesInvoluntary: number | null
  contextSwitchesPerGiB: number
  contextSwitchesPerSec: number
  /** data syscalls by name; null where they cannot be counted (node-stream) */
  syscalls: Record<string, number> | null
  syscallsTotal: number | null
  syscallsPerGiB: number | null
  pageFaults: number
  pageFaultsPerGiB: number
  sources: Record<string, string>
}

export interface TcpInfo {
  rttUs: number
  rttVarUs: number
  sndCwnd: number
  sndMssBytes: number
  totalRetrans: number
  busyUs: number
  rwndLimitedUs: number
  sndbufLimitedUs: number
  deliveryRateBytesPerSec: number
}

export interface TrialSummary {
  bytes: number
  durationNs: number
  throughputBitsPerSec: number
  /** true when the receiver's close confirmed the last byte; else the sender's last send ends the clock */
  confirmed: boolean
  sender: SideFigures
  receiver: SideFigures | null
  /** the sending host (for local targets, also the receiving host) */
  system: HostCpu
  /** the receiving host, when it is another one with an agent */
  receiverSystem: HostCpu | null
  zeroCopy: { sends: number; completed: number; copied: number; fallbackShare: number } | null
  tcpInfo: TcpInfo | null
  integrity: { checked: boolean; ok: boolean; expectedCrc32c: number | null; receivedCrc32c: number | null }
  contaminated: boolean
  warnings: string[]
}

export interface SideSample {
  bytes: number
  bytesPerSec: number
  cpuNs: number
  cycles: number
  contextSwitches: number
  syscalls: number | null
  pageFaults: number
}

export interface Sample {
  /** since the trial's first send */
  tMs: number
  sender: SideSample
  receiver: SideSample | null
  systemBusyCores: number
}

export interface TrialRecord {
  index: number
  method: MethodName
  target: string
  fileBytes: number
  chunkBytes: number
  repetition: number
  warmup: boolean
  cache: CacheState
  receiverMode: ReceiverMode
  samples: Sample[]
  /** the observer's own cost: CPU time the sampler took on both sides (0 samples when off) */
  sampling: { intervalMs: number; samples: number; busyMs: number }
  summary: TrialSummary | null
  error: ErrorInfo | null
}

export interface MethodAggregate {
  method: MethodName
  target: string
  fileBytes: number
  chunkBytes: number
  trials: number
  failed: number
  throughputBitsPerSec: Stat | null
  senderCyclesPerBit: Stat | null
  receiverCyclesPerBit: Stat | null
  systemCyclesPerBit: Stat | null
  /** the receiving host's, when it is another host with an agent */
  receiverSystemCyclesPerBit: Stat | null
  contextSwitchesPerGiB: Stat | null
  syscallsPerGiB: Stat | null
  pageFaultsPerGiB: Stat | null
  cyclesSource: CyclesSource
  /** median throughput / copy's median throughput on the same target, size and chunk */
  speedupVsCopy: number | null
  /** 1 - median sender cycles per bit / copy's */
  senderCpuSavingVsCopy: number | null
  zeroCopyFallbackShare: number | null
}

export interface Warning {
  code: string
  message: string
  method?: MethodName
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION
  tool: { name: 'zcprof'; version: string }
  start: {
    timestamp: string
    plan: Plan
    /** the sending host, and each receiving host (null for raw sinks, which tell nothing) */
    environment: { sender: Environment; receivers: { target: string; environment: Environment | null }[] }
  }
  trials: TrialRecord[]
  end: {
    timestamp: string
    durationMs: number
    incomplete: boolean
    aggregates: MethodAggregate[]
    warnings: Warning[]
  }
}
