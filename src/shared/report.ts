// The report: one plain typed record per run, iperf3-shaped (start / trials / end).
// Units live in the names. Schema 3 (see docs/report-schema.md): schema 2 plus timed
// and byte-bounded trials with their ramp left out, parallel streams, CPU placement,
// warnings as data, and each method's cost against copy with its interval.
// Older schemas migrate in report-migrate.ts.

import type { MethodName, ReceiverMode } from './methods'
import type { RatioEstimate, Stat } from './statistics'
import type { ErrorInfo } from './errors'

/** why a run ended its rounds: the plan's count, every row tight, the time budget, or the trial limit */
export const STOP_REASONS = ['rounds', 'tight', 'budget', 'limit'] as const
export type StopReason = (typeof STOP_REASONS)[number]

export const SCHEMA_VERSION = 3
/** the largest report any part of zcprof takes in (loader, UI bridge, import picker) */
export const MAX_REPORT_BYTES = 100 * 1024 * 1024
/** a report's labels: the same limits on every path (the app, the CLI, an import) */
export const MAX_TITLE_LENGTH = 200
export const MAX_TAGS = 16
export const MAX_TAG_LENGTH = 40
/** a run's label (a commit, a kernel): short enough to sit under a trend chart's point */
export const MAX_LABEL_LENGTH = 64
/** a fleet's node, pool and run names: Kubernetes names are at most 253 characters */
export const MAX_FLEET_NAME_LENGTH = 253
/** the oldest schema this build still reads (and migrates) */
export const OLDEST_SCHEMA_VERSION = 1

/**
 * pmu: counted. cpu-time-estimate: the thread's CPU time × the clock.
 * process-cpu-estimate: a whole process's CPU share × duration × a clock (iperf3 imports).
 * none: not measured.
 */
export const CYCLES_SOURCES = ['pmu', 'cpu-time-estimate', 'process-cpu-estimate', 'none'] as const
export type CyclesSource = (typeof CYCLES_SOURCES)[number]
export const CACHE_STATES = ['warm', 'cold'] as const
export type CacheState = (typeof CACHE_STATES)[number]

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
  /**
   * how the receiver drains, one or more: every method runs with each (a pair, one row
   * of results). Reports and plan files before 0.5 held one `receiverMode`; they are
   * read as a list of it (report-migrate.ts, plan-file.ts).
   */
  receiverModes: ReceiverMode[]
  checksum: boolean
  sampleIntervalMs: number
  pmu: 'auto' | 'off'
  /**
   * How long a trial is. durationMs: timed, the file started again at its end until then
   * (its first omitMs, the ramp, left out of the figures; null omitMs: the rule in
   * plan-rules.ts). trialBytes: that many bytes, all streams together. Both null: one
   * pass over the file per stream.
   */
  durationMs: number | null
  omitMs: number | null
  trialBytes: number | null
  /** data connections per trial, each with its own sender and receiver thread */
  streams: number
  /** pin stream i's sending thread to senderCpus[i % length]; null: not pinned */
  senderCpus: number[] | null
  receiverCpus: number[] | null
  /** links the headroom figures are sized for; null: the NIC's speed, else 10/25/100/400 Gbit/s */
  lineRatesBitsPerSec: number[] | null
  /** io_uring methods and mode: SQEs in flight per ring (absent in older reports: 32) */
  uringDepth?: number
  /** io_uring: a kernel thread polls the submission ring (its CPU is the sender's) */
  uringSqpoll?: boolean
  /** gpu-* methods: wait for the GPU by spinning, not blocking (absent: blocking) */
  gpuSpin?: boolean
  /** gpu-* receiver modes: the CUDA device that receives (absent: 0) */
  receiverGpu?: number
  /**
   * Repeat until tight: rounds go on until every method's headline interval has a
   * half-width at or under this share (0.05: ±5 points), or maxTimeMs is spent;
   * `repeat` is then the fewest rounds. null or absent: exactly `repeat` rounds.
   */
  precision?: number | null
  /** with precision: the run starts no round it cannot finish in this long (absent: no limit) */
  maxTimeMs?: number | null
  /**
   * Each round runs every method once: in a shuffled order (a randomized block, the
   * order drawn from `seed`), or in the plan's order (absent: the plan's order, as
   * before 0.4). Shuffled rounds are analysed in pairs, each method against copy in
   * its own round.
   */
  order?: 'shuffled' | 'fixed'
  seed?: number
  /**
   * zcprof chose where the threads run (senderCpus and receiverCpus hold its choice):
   * one CPU for the senders and another for the receivers, on separate cores.
   * false or absent: the CPUs are the user's, or nothing is pinned.
   */
  autoPin?: boolean
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
  /**
   * CPU time of the user-space processes not zcprof's over the window (/proc/PID/stat),
   * left out of `cycles`: what other programs did is not what moving the data cost.
   * Kernel threads and interrupts stay in. Absent before 0.4 (cycles then are all busy time)
   */
  otherProcessesCpuNs?: number
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

/** Where one transfer thread ran. */
export interface ThreadPlacement {
  tid: number
  /** the CPUs it was pinned to; null when not pinned */
  requestedCpus: number[] | null
  /** every CPU the loop was seen on (sched_getcpu at each call) */
  ranOn: number[]
  /** moves between CPUs the loop saw */
  migrations: number
  /** the CPUs it was allowed at its end, read back */
  allowedAtEnd: number[] | null
  /** it ran only where asked and its mask was unchanged; null when not pinned */
  held: boolean | null
}

/** One CPU over a trial's measured window: how busy, and how much of it was softirq. */
export interface CpuActivity {
  cpu: number
  busyCores: number
  softirqCores: number
  /** NET_RX / NET_TX softirqs raised on it (/proc/softirqs) */
  netRx: number
  netTx: number
}

export interface TrialPlacement {
  /** every pinned thread stayed where asked; null when nothing was pinned */
  held: boolean | null
  /** the sending host's CPUs (on loopback also the receiving host) */
  sendingHost: CpuActivity[]
  /** a remote agent's host, when there is one */
  receivingHost: CpuActivity[] | null
  /** of the sending host's softirq time, the share on CPUs its sender threads ran on */
  softirqOnSenderCpusShare: number | null
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

/** One data connection of a trial. */
export interface StreamSummary {
  index: number
  bytes: number
  durationNs: number
  throughputBitsPerSec: number
  sender: SideFigures | null
  receiver: SideFigures | null
  senderThread: ThreadPlacement | null
  receiverThread: ThreadPlacement | null
  tcpInfo: TcpInfo | null
  integrity: { checked: boolean; ok: boolean; expectedCrc32c: number | null; receivedCrc32c: number | null }
  error: ErrorInfo | null
}

/** A trial's io_uring, all streams together, over the whole trial (ramp included). */
export interface UringFigures {
  depth: number
  sqpoll: boolean
  sqes: number
  sqesPerGiB: number | null
  /** io_uring_enter calls: the system calls left */
  entersPerGiB: number | null
  /** CPU of the SQ polling threads, counted in the sender's figures */
  sqpollCpuNs: number
  /** CPU of io_uring's worker threads for the senders (work not done inline), counted in the sender's figures; absent in older reports */
  workerCpuNs?: number
}

/** A trial into GPU memory: the GPU's own clock, and what was paid before and after it. */
export interface GpuFigures {
  device: number
  /** CUDA events around the moving (ramp included): the GPU's view of it */
  gpuTimeMs: number
  /** all the trial's bytes over gpuTimeMs */
  gpuBitsPerSec: number | null
  /** context, device memory and module, before the clock */
  setupMs: number
  /** pinning host memory (registering the file's pages, pinned buffers, cuFile's buffer), before the clock */
  pinMs: number
  unpinMs: number
  /** how the host waited for the GPU: blocking (its CPU figures are the copying's) or spinning */
  wait: 'blocking' | 'spin'
  /** gpu-cufile: true GPUDirect Storage, or its compatibility mode */
  storage: 'gds' | 'compat' | null
  /** CUDA driver calls per GiB the loop made (their ioctls are the driver's, not in the syscall count) */
  cudaCallsPerGiB: number | null
}

/** A GPU as the driver and NVML describe it: the gpu:// targets' environment. */
export interface GpuEnvironment {
  target: string
  device: number
  name: string
  pciBusId: string
  computeCapability: string
  memoryBytes: number
  /** the CUDA version the driver supports, "13.0" */
  cudaVersion: string
  /** NVML's driver version; null without NVML */
  driverVersion: string | null
  /** the PCIe link now and at its best; null without NVML */
  pcie: {
    gen: number
    width: number
    maxGen: number
    maxWidth: number
    bytesPerSec: number
    maxBytesPerSec: number
  } | null
  numaNode: number | null
  /** what libcufile offers: true GDS (nvidia-fs loaded), compatibility mode, or nothing */
  cufile: 'gds' | 'compat' | 'none'
}

/** A timed trial's ramp: measured, then left out of its figures. */
export interface SteadyState {
  rampMs: number
  rampBytes: number
  rampThroughputBitsPerSec: number | null
  /** the window the trial's figures cover */
  windowMs: number
}

export interface TrialSummary {
  /** over the measured window: all streams, the ramp left out of timed trials */
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
  /** the mapped receiver (TCP_ZEROCOPY_RECEIVE): bytes the kernel mapped and bytes read
   * with recv instead, all streams together; absent for other receivers */
  receiveMapping?: ReceiveMapping | null
  /** a gpu-* receiver mode's copies into GPU memory; absent for other receivers */
  receiveGpu?: ReceiveGpu | null
  tcpInfo: TcpInfo | null
  integrity: { checked: boolean; ok: boolean; expectedCrc32c: number | null; receivedCrc32c: number | null }
  contaminated: boolean
  /** null for one-pass and byte-bounded trials, which have no ramp left out */
  steady: SteadyState | null
  /**
   * the most one call moved on the sending side: the chunk asked for, or less where
   * the kernel capped it (a splice's pipe). null for node-stream; absent before 0.3
   */
  effectiveChunkBytes?: number | null
  /** the io_uring methods: what the ring was handed and cost; null for others, absent in older reports */
  uring?: UringFigures | null
  /** the gpu-* methods; null for others, absent in older reports */
  gpu?: GpuFigures | null
  /**
   * iperf3 imports: each measured interval's throughput, in order (omitted and short
   * last ones left out). The row's throughput is figured over these (series-stat.ts),
   * as slices of one run, not repetitions. Absent elsewhere.
   */
  throughputSlicesBitsPerSec?: number[]
  /** one per data connection */
  streams: StreamSummary[]
  /** the slowest and fastest stream; null with one stream */
  fairness: { minBitsPerSec: number; maxBitsPerSec: number; minOverMax: number } | null
  placement: TrialPlacement | null
  /** what this trial noticed, scope 'trial' */
  notes: Warning[]
}

/** Cumulative counts at a sample; null where the source measured none (imports). */
export interface SideSample {
  bytes: number
  /** each stream's bytes so far, with more than one stream */
  streamBytes?: number[]
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

/**
 * What one trial was asked to do: the one record of a trial's parameters. The trial's
 * record extends it, its start event (events.ts TrialRef) and a round's row pick from
 * it, and a row of results (RowParams) is the part trials of one condition share.
 */
export interface TrialParams {
  index: number
  method: MethodName
  target: string
  fileBytes: number
  chunkBytes: number
  /** how the trial was bounded (see Plan) */
  durationMs: number | null
  omitMs: number | null
  trialBytes: number | null
  streams: number
  repetition: number
  warmup: boolean
  cache: CacheState
  receiverMode: ReceiverMode
}

/**
 * the parameters a row of results (a pair, a method with a receiver mode, on one
 * condition) shares with its trials
 */
export type RowParams = Pick<
  TrialParams,
  'method' | 'receiverMode' | 'target' | 'fileBytes' | 'chunkBytes' | 'durationMs' | 'trialBytes' | 'streams'
>

export interface TrialRecord extends TrialParams {
  samples: Sample[]
  /** the observer's own cost: CPU time the sampler took on both sides (0 samples when off) */
  sampling: { intervalMs: number; samples: number; busyMs: number }
  summary: TrialSummary | null
  error: ErrorInfo | null
}

/**
 * What a method costs against copy, measured in the same run: each ratio is the
 * method's mean over copy's, with a 95% interval (Welch, on log means).
 */
export interface VsCopy {
  throughput: RatioEstimate | null
  senderCyclesPerBit: RatioEstimate | null
  receiverCyclesPerBit: RatioEstimate | null
  /** every host measured: the headline */
  systemCyclesPerBit: RatioEstimate | null
  verdict: CostVerdict
}

/**
 * saves / costs-more: the whole system's interval is below / above copy's.
 * cost-moved: the sender saves but the whole system does not: the receiver paid it back.
 * partly-moved: the whole system saves, but less than the sender: the receiver pays more.
 * kernel-copied: a zero-copy method the kernel copied anyway: never a zero-copy win.
 * no-clear-change: the interval includes no change. unrepeated: no interval (n = 1).
 * undecided: too few repetitions to read (n = 2), or an interval too wide to tell a
 * change from none (see statistics.intervalStatus).
 */
export const COST_VERDICTS = [
  'baseline',
  'saves',
  'costs-more',
  'cost-moved',
  'partly-moved',
  'kernel-copied',
  'no-clear-change',
  'unrepeated',
  'undecided',
  'unknown'
] as const
export type CostVerdict = (typeof COST_VERDICTS)[number]

/**
 * How the headline reads: a finding (an interval fit to read), or what is missing
 * (too few repetitions, an interval too wide), or no interval at all.
 */
export const HEADLINE_STATUSES = ['baseline', 'finding', 'too-few', 'too-wide', 'none'] as const
export type HeadlineStatus = (typeof HEADLINE_STATUSES)[number]

/**
 * The one answer per method, in every view: what every host measured pays per bit for
 * this method against its baseline (copy, or gpu-copy) run beside it, with its 95%
 * interval, how precise that is, and what it would take to be precise enough.
 */
export interface Headline {
  /** the baseline this method was measured against */
  baseline: MethodName
  /** this method's cost over the baseline's; null where either side was not measured */
  ratio: RatioEstimate | null
  /** paired: by round, both in the same round; unpaired: ratio of means (reports before 0.4) */
  design: 'paired' | 'unpaired'
  /** the repetitions it rests on: rounds with both, or the smaller side's count */
  n: number
  /** half the interval's width, a share of the larger cost (statistics.halfWidthShare); null without one */
  halfWidth: number | null
  /** the half-width the run aimed at (its precision), or the default one "about N" is figured for */
  target: number
  /** the run repeated rounds until this target (plan.precision); false: the plan fixed its rounds */
  precisionAsked: boolean
  status: HeadlineStatus
  /** repetitions in all that would bring the half-width to target if the spread holds; null: cannot tell yet */
  repetitionsNeeded: number | null
  verdict: CostVerdict
}

/** a row of results; timed rows align by method and target whatever their file size or duration */
export interface MethodAggregate extends RowParams {
  trials: number
  failed: number
  throughputBitsPerSec: Stat | null
  senderCyclesPerBit: Stat | null
  receiverCyclesPerBit: Stat | null
  systemCyclesPerBit: Stat | null
  /** the receiving host's, when it is another host with an agent */
  receiverSystemCyclesPerBit: Stat | null
  /** what every host measured pays per bit: the sending host, plus the receiving host when it is another */
  allHostsCyclesPerBit: Stat | null
  contextSwitchesPerGiB: Stat | null
  syscallsPerGiB: Stat | null
  pageFaultsPerGiB: Stat | null
  /** the io_uring methods: io_uring_enter calls and SQEs per GiB; absent in older reports */
  uringEntersPerGiB?: Stat | null
  uringSqesPerGiB?: Stat | null
  /** the gpu-* methods: throughput by the GPU's own clock (CUDA events), and pinning's cost; absent in older reports */
  gpuBitsPerSec?: Stat | null
  gpuPinMs?: Stat | null
  cyclesSource: CyclesSource
  /** median throughput / copy's median throughput on the same target, size and chunk */
  speedupVsCopy: number | null
  /** null for copy itself and where copy did not run beside it */
  vsCopy: VsCopy | null
  /** the headline: whole-system CPU per bit against the baseline; absent in reports before 0.4 */
  headline?: Headline | null
  zeroCopyFallbackShare: number | null
  /** the mapped receiver: the mean over trials of the share of bytes the kernel mapped;
   * absent for other receivers */
  receiveMappedShare?: number | null
  /** the warnings its trials carry, and on how many of them: each table marks the row */
  notes: { code: string; trials: number }[]
}

/** what a gpu-* receiver mode put in GPU memory, all streams together */
export interface ReceiveGpu {
  /** the CUDA device that received */
  device: number
  /** bytes copied into device memory, and the copies (or kernels) that did it */
  copiedBytes: number
  copies: number
  /** the copies' time on the GPU's clock (CUDA events around each), summed over streams */
  copyTimeMs: number
  /** copiedBytes over copyTimeMs: the host-to-GPU leg alone; null when it took no time */
  copyBitsPerSec: number | null
  /** context, device ring and kernel module, and pinning host memory: before the clock */
  setupMs: number
  pinMs: number
  /** bytes read back from device memory and hashed (with checksum on) */
  verifiedBytes: number
}

/** what the mapped receiver's kernel answers added up to: mappedShare = mapped / (mapped + copied) */
export interface ReceiveMapping {
  mappedBytes: number
  copiedBytes: number
  /** mapped / (mapped + copied); null when nothing was received */
  mappedShare: number | null
}

export const WARNING_SCOPES = ['run', 'method', 'trial'] as const
export type WarningScope = (typeof WARNING_SCOPES)[number]

/** A warning or a note, as data (catalogue: warnings.ts). */
export interface Warning {
  code: string
  message: string
  /** what to do about it; null when there is nothing to do */
  hint: string | null
  scope: WarningScope
  method?: MethodName
  /** the trials it applies to, by index */
  trials?: number[]
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
  /**
   * what this run is of, given at run time (`zcprof run --label <commit>`): a trend's
   * points are named by it. Absent in reports before 0.5 and where none was given.
   */
  label?: string | null
}

/** a node of a fleet as a report names it */
export interface FleetMember {
  /** the node's name (a Kubernetes node, or a hosts file's name) */
  name: string
  /** its pool (node pool, rack), the group outliers are judged within; null: none */
  pool: string | null
}

/**
 * One pair of a fleet run: every report of one `zcprof fleet` shares its fleetId, and
 * the fleet view lays them out sender × receiver.
 */
export interface FleetPair {
  /** one fleet run's id, shared by all its pairs' reports */
  fleetId: string
  /** the node that sent (it ran the sending side) */
  sender: FleetMember
  /** the node whose agent received */
  receiver: FleetMember
}

/**
 * One figure of the machine reference: the same short measurement repeated, so a
 * step between two references can be told from the figure's own noise
 * (shared/machine-reference.ts has the rule).
 */
export interface ReferenceFigure {
  /** the median of the repeats */
  median: number
  /** (max − min) / median of the repeats: how far the figure moves by itself */
  spread: number
  /** each repeat's figure, in the order taken */
  repeats: number[]
}

/**
 * A short measurement of the machine itself, taken as a run starts and as it ends
 * (docs/statistics.md, "The machine reference"): when a figure steps and the machine's
 * reference stepped too, the host changed as well as the code.
 */
export interface MachineReference {
  timestamp: string
  /** how long taking it took */
  tookMs: number
  /** Buffer.copy (memmove) of a large buffer: GB/s, best of a few copies per repeat */
  memoryCopyGBps: ReferenceFigure
  /** a one-byte pread of an open file from Node (fs.readSync), Node's own cost included: CPU ns a call */
  syscallNs: ReferenceFigure
  /** a loopback TCP transfer (copy method, discard receiver): both threads' CPU ns per bit; null where it could not run */
  loopbackCpuNsPerBit: ReferenceFigure | null
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
    environment: {
      sender: Environment
      receivers: { target: string; environment: Environment | null }[]
      /** each gpu:// target's GPU; absent in older reports and runs without one */
      gpus?: GpuEnvironment[]
    }
    /** the machine as the run began; absent in older reports, imports, and runs that could not take it */
    reference?: MachineReference
    /** the fleet run this report is one pair of (`zcprof fleet`); absent for every other run */
    fleet?: FleetPair
  }
  trials: TrialRecord[]
  end: {
    timestamp: string
    durationMs: number
    incomplete: boolean
    aggregates: MethodAggregate[]
    warnings: Warning[]
    /** the measured rounds run, and why they ended; absent in reports before 0.4 */
    rounds?: { measured: number; stop: StopReason }
    /** the machine as the run ended (start.reference's twin); absent where the run was stopped or is older */
    reference?: MachineReference
  }
}
