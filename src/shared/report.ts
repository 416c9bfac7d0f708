// The report: one plain typed record per run, iperf3-shaped (start / trials / end).
// Units live in the names. Schema 2 (see docs/report-schema.md): schema 1 plus `meta`
// (title, tags), `foreign` (imports from other tools), NICs in the environment, and
// nulls where a figure was not measured. Older schemas migrate in report-migrate.ts.

import type { MethodName, ReceiverMode } from './methods'
import type { Stat } from './statistics'
import type { ErrorInfo } from './errors'

export const SCHEMA_VERSION = 2
/** the largest report any part of zcprof takes in (loader, UI bridge, import picker) */
export const MAX_REPORT_BYTES = 100 * 1024 * 1024
/** the oldest schema this build still reads (and migrates) */
export const OLDEST_SCHEMA_VERSION = 1

/** 'none': not measured (reports imported from tools that do not count cycles) */
export type CyclesSource = 'pmu' | 'cpu-time-estimate' | 'none'
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

export interface NetworkInterface {
  name: string
  /** link speed; null for virtual links that report none */
  speedMbps: number | null
  mtu: number | null
  virtual: boolean
  /** kernel driver, e.g. virtio_net, mlx5_core */
  driver: string | null
}

/** Numbers are null when the source did not record them (imported reports). */
export interface Environment {
  hostname: string
  cpuModel: string
  cpuCores: number | null
  cpuPhysicalCores: number | null
  /** the rate cpu-time estimates of cycles use */
  cpuClockHz: number | null
  memoryBytes: number | null
  os: string
  kernel: string
  arch: string
  nodeVersion: string
  virtualized: boolean | null
  pmu: PmuState
  /** the host's network interfaces (loopback excluded); null when not recorded (schema 1, imports) */
  nics: NetworkInterface[] | null
}

/** An environment this build captured itself: every number is known. */
export type MeasuredEnvironment = Environment & {
  cpuCores: number
  cpuPhysicalCores: number
  cpuClockHz: number
  memoryBytes: number
  nics: NetworkInterface[]
}

/** Whole-host CPU over a trial, from /proc/stat. */
export interface HostCpu {
  busyCpuNs: number
  cycles: number
  cyclesSource: 'cpu-time-estimate'
  /** null when nothing moved (NaN in memory) */
  cyclesPerBit: number | null
  /** CPU used by everything but zcprof on that host, in cores: a measure of contamination */
  otherCpuCores: number
}

/** One side's totals for a trial. */
export interface SideFigures {
  /** counters cover the transfer thread, or the whole process (node-stream) */
  scope: 'thread' | 'process'
  cpuNs: number
  /** null when not measured (imports); NaN figures are written as null too */
  cycles: number | null
  cyclesSource: CyclesSource
  cyclesPerBit: number | null
  instructions: number | null
  /** null from here on: not measured (imports), or NaN written as null */
  contextSwitches: number | null
  contextSwitchesVoluntary: number | null
  contextSwitchesInvoluntary: number | null
  contextSwitchesPerGiB: number | null
  contextSwitchesPerSec: number | null
  /** data syscalls by name; null where they cannot be counted (node-stream) */
  syscalls: Record<string, number> | null
  syscallsTotal: number | null
  syscallsPerGiB: number | null
  pageFaults: number | null
  pageFaultsPerGiB: number | null
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
  /** the sending host (for local targets, also the receiving host); null in imports */
  system: HostCpu | null
  /** the receiving host, when it is another one with an agent */
  receiverSystem: HostCpu | null
  zeroCopy: { sends: number; completed: number; copied: number; fallbackShare: number } | null
  tcpInfo: TcpInfo | null
  integrity: { checked: boolean; ok: boolean; expectedCrc32c: number | null; receivedCrc32c: number | null }
  contaminated: boolean
  warnings: string[]
}

/** Cumulative counts at a sample; null where the source measured none (imports). */
export interface SideSample {
  bytes: number
  bytesPerSec: number
  cpuNs: number | null
  cycles: number | null
  contextSwitches: number | null
  syscalls: number | null
  pageFaults: number | null
}

export interface Sample {
  /** since the trial's first send */
  tMs: number
  sender: SideSample
  receiver: SideSample | null
  systemBusyCores: number | null
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

/** What a report imported from another tool holds, and what it lacks. */
export interface ForeignOrigin {
  format: 'iperf3-json'
  /** the figures the source measured; everything else is null or empty */
  measured: string[]
  /** how the import mapped the source onto zcprof's shape */
  notes: string[]
}

/** A library's editable labels; the measurements themselves are never edited. */
export interface ReportMeta {
  title: string | null
  tags: string[]
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION
  tool: { name: 'zcprof' | 'iperf3'; version: string }
  meta: ReportMeta
  /** null for zcprof's own runs */
  foreign: ForeignOrigin | null
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
