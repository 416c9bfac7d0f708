// The JSON Schema of a current (schema 3) report: what every load checks, after
// migration. Plain data, so it can be published beside docs/report-schema.md.
// Derived figures may be null: JSON has no NaN, and imports lack some figures.
//
// Each piece is typed by what it must accept, and every object is built against its
// type in report.ts: a field added to, renamed in or missing from either side, a
// nullable field the schema would refuse, or an enum the schema lists short, is a
// compile error here. Enums come from the same arrays the types are made of. The
// schema alone carries what types cannot: limits on lengths and counts for files
// that come from anywhere.

import type { ErrorInfo } from './errors'
import { ALL_METHODS, RECEIVER_MODES } from './methods'
import {
  CACHE_STATES,
  COST_VERDICTS,
  CYCLES_SOURCES,
  HEADLINE_STATUSES,
  MAX_FLEET_NAME_LENGTH,
  MAX_LABEL_LENGTH,
  MAX_TAG_LENGTH,
  MAX_TAGS,
  MAX_TITLE_LENGTH,
  SCHEMA_VERSION,
  STOP_REASONS,
  WARNING_SCOPES,
  type CpuActivity,
  type Environment,
  type FleetMember,
  type FleetPair,
  type ForeignOrigin,
  type GpuEnvironment,
  type GpuFigures,
  type Headline,
  type HostCpu,
  type MachineReference,
  type MethodAggregate,
  type Plan,
  type ReferenceFigure,
  type ReceiveGpu,
  type ReceiveMapping,
  type Report,
  type ReportMeta,
  type Sample,
  type SideFigures,
  type SideSample,
  type SteadyState,
  type StreamSummary,
  type TcpInfo,
  type ThreadPlacement,
  type TrialPlacement,
  type TrialRecord,
  type TrialSummary,
  type UringFigures,
  type VsCopy,
  type Warning
} from './report'
import type { RatioEstimate, Stat } from './statistics'

declare const accepts: unique symbol
/**
 * A JSON Schema that accepts every T (as JSON writes it). The phantom is a parameter
 * position, so a piece that accepts more may stand where less is needed, never the
 * other way round: number | null where the type says number (NaN is written null),
 * never number where the type says number | null.
 */
export type Schema<T> = { readonly [k: string]: unknown } & { readonly [accepts]?: (value: T) => void }

/** the keys of T that may be absent */
type OptionalKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? K : never }[keyof T]

/**
 * No figure a run records comes near this (an hour of 1024 cores is 4e15 ns of CPU, an
 * hour at 10 Tbit/s 4.5e15 bytes): a value past it is made up, and its sums and squares
 * overflow to Infinity, which no view can print. JSON holds no Infinity; 1e308 gets there.
 */
export const MAX_FIGURE = 1e18
const bounded = { minimum: -MAX_FIGURE, maximum: MAX_FIGURE }
const num: Schema<number> = { type: 'number', ...bounded }
const numOrNull: Schema<number | null> = { type: ['number', 'null'], ...bounded }
const int: Schema<number> = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }
/** a count of events: a whole number, never negative */
const countOrNull: Schema<number | null> = { type: ['integer', 'null'], minimum: 0, maximum: Number.MAX_SAFE_INTEGER }
/** bytes, CPU time, cycles and rates: never negative */
const amount: Schema<number> = { type: 'number', minimum: 0, maximum: MAX_FIGURE }
const amountOrNull: Schema<number | null> = { type: ['number', 'null'], minimum: 0, maximum: MAX_FIGURE }
/** a time something took: bytes moved in no time are a made-up figure */
const duration: Schema<number> = { type: 'number', exclusiveMinimum: 0, maximum: MAX_FIGURE }
/** a part of a whole */
const shareOrNull: Schema<number | null> = { type: ['number', 'null'], minimum: 0, maximum: 1 }
const str: Schema<string> = { type: 'string' }
const strOrNull: Schema<string | null> = { type: ['string', 'null'] }
const bool: Schema<boolean> = { type: 'boolean' }
const boolOrNull: Schema<boolean | null> = { type: ['boolean', 'null'] }
const nullable = <T>(s: Schema<T>): Schema<T | null> => ({ anyOf: [{ type: 'null' }, s] })
const arrayOf = <T>(items: Schema<T>, maxItems = 1_000_000): Schema<T[]> => ({ type: 'array', items, maxItems })
const counts: Schema<Record<string, number>> = { type: 'object', additionalProperties: int }
const enumOf = <const T extends readonly string[]>(values: T): Schema<T[number]> => ({ enum: [...values] })
const constOf = <const T extends string | number>(value: T): Schema<T> => ({ const: value })

/**
 * An object with every property of T, each by a piece that accepts that field's type;
 * the ones T marks optional are named in `optional` (all of them, no others). Other
 * properties are allowed: a newer build's additions are not an error.
 */
function obj<T>(
  properties: { [K in keyof T]-?: Schema<Exclude<T[K], undefined>> },
  ...optional: OptionalKeys<T> extends never ? [] : [{ [K in OptionalKeys<T>]: true }]
): Schema<T> {
  const skip = Object.keys(optional[0] ?? {})
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !skip.includes(k))
  }
}

const method = enumOf(ALL_METHODS)
const cpuList = arrayOf<number>({ type: 'integer', minimum: 0 }, 4096)
const cpuListOrNull = nullable(cpuList)
/** kernel TCP_INFO fields: any numbers a u64 holds, so a newer build's extra fields still load */
const tcpInfo = {
  type: 'object',
  additionalProperties: { type: ['number', 'null'], minimum: -(2 ** 64), maximum: 2 ** 64 }
} as Schema<TcpInfo>

const warningSchema = obj<Warning>(
  {
    code: str,
    message: str,
    hint: strOrNull,
    scope: enumOf(WARNING_SCOPES),
    method,
    trials: arrayOf(int, 1_000_000)
  },
  { method: true, trials: true }
)

const stat = nullable(
  obj<Stat>({ n: int, median: num, min: num, max: num, mean: num, stddev: num, ci95Low: num, ci95High: num })
)

export const ENVIRONMENT_SCHEMA = obj<Environment>({
  hostname: str,
  cpuModel: str,
  cpuCores: numOrNull,
  cpuPhysicalCores: numOrNull,
  cpuClockHz: numOrNull,
  memoryBytes: numOrNull,
  os: str,
  kernel: str,
  arch: str,
  nodeVersion: str,
  virtualized: boolOrNull,
  pmu: obj<Environment['pmu']>({ available: bool, reason: strOrNull, perfEventParanoid: numOrNull }),
  nics: nullable(
    arrayOf(
      obj<NonNullable<Environment['nics']>[number]>({
        name: str,
        speedMbps: numOrNull,
        mtu: numOrNull,
        virtual: bool,
        driver: strOrNull
      }),
      1024
    )
  )
})

const side = obj<SideFigures>({
  scope: enumOf(['thread', 'process']),
  cpuNs: amount,
  cycles: amountOrNull,
  cyclesSource: enumOf(CYCLES_SOURCES),
  cyclesPerBit: amountOrNull,
  instructions: amountOrNull,
  contextSwitches: countOrNull,
  contextSwitchesVoluntary: countOrNull,
  contextSwitchesInvoluntary: countOrNull,
  contextSwitchesPerGiB: amountOrNull,
  contextSwitchesPerSec: amountOrNull,
  syscalls: nullable(counts),
  syscallsTotal: countOrNull,
  syscallsPerGiB: amountOrNull,
  pageFaults: countOrNull,
  pageFaultsPerGiB: amountOrNull,
  sources: { type: 'object', additionalProperties: str } as Schema<Record<string, string>>
})

const hostCpu = obj<HostCpu>(
  {
    busyCpuNs: amount,
    cycles: amount,
    cyclesSource: constOf('cpu-time-estimate'),
    cyclesPerBit: amountOrNull,
    otherCpuCores: amountOrNull,
    otherProcessesCpuNs: amount
  },
  { otherProcessesCpuNs: true }
)

const sideSample = obj<SideSample>(
  {
    bytes: num,
    streamBytes: arrayOf(num, 64),
    bytesPerSec: num,
    cpuNs: numOrNull,
    cycles: numOrNull,
    contextSwitches: numOrNull,
    syscalls: numOrNull,
    pageFaults: numOrNull
  },
  { streamBytes: true }
)

const errorInfo = obj<ErrorInfo>(
  { code: str, message: str, hint: str, errno: num, syscall: str },
  { hint: true, errno: true, syscall: true }
)

const integrity = obj<TrialSummary['integrity']>({
  checked: bool,
  ok: bool,
  expectedCrc32c: numOrNull,
  receivedCrc32c: numOrNull
})

const threadPlacement = obj<ThreadPlacement>({
  tid: num,
  requestedCpus: cpuListOrNull,
  ranOn: cpuList,
  migrations: num,
  allowedAtEnd: cpuListOrNull,
  held: boolOrNull
})

const cpuActivity = obj<CpuActivity>({ cpu: int, busyCores: num, softirqCores: num, netRx: num, netTx: num })

const streamSummary = obj<StreamSummary>({
  index: int,
  bytes: amount,
  durationNs: duration,
  throughputBitsPerSec: amountOrNull,
  sender: nullable(side),
  receiver: nullable(side),
  senderThread: nullable(threadPlacement),
  receiverThread: nullable(threadPlacement),
  tcpInfo: nullable(tcpInfo),
  integrity,
  // a stream's error needs its code and message; the rest of ErrorInfo is optional there
  error: nullable(obj<Pick<ErrorInfo, 'code' | 'message'>>({ code: str, message: str }))
})

const summary = obj<TrialSummary>(
  {
    bytes: amount,
    durationNs: duration,
    throughputBitsPerSec: amountOrNull,
    confirmed: bool,
    sender: side,
    receiver: nullable(side),
    system: nullable(hostCpu),
    receiverSystem: nullable(hostCpu),
    zeroCopy: nullable(
      obj<NonNullable<TrialSummary['zeroCopy']>>({
        sends: int,
        completed: int,
        copied: int,
        fallbackShare: shareOrNull
      })
    ),
    receiveMapping: nullable(obj<ReceiveMapping>({ mappedBytes: int, copiedBytes: int, mappedShare: shareOrNull })),
    receiveGpu: nullable(
      obj<ReceiveGpu>({
        device: int,
        copiedBytes: int,
        copies: int,
        copyTimeMs: num,
        copyBitsPerSec: numOrNull,
        setupMs: num,
        pinMs: num,
        verifiedBytes: int
      })
    ),
    tcpInfo: nullable(tcpInfo),
    integrity,
    contaminated: bool,
    steady: nullable(
      obj<SteadyState>({ rampMs: num, rampBytes: num, rampThroughputBitsPerSec: numOrNull, windowMs: num })
    ),
    streams: arrayOf(streamSummary, 64),
    fairness: nullable(
      obj<NonNullable<TrialSummary['fairness']>>({
        minBitsPerSec: numOrNull,
        maxBitsPerSec: numOrNull,
        minOverMax: shareOrNull
      })
    ),
    placement: nullable(
      obj<TrialPlacement>({
        held: boolOrNull,
        sendingHost: arrayOf(cpuActivity, 4096),
        receivingHost: nullable(arrayOf(cpuActivity, 4096)),
        softirqOnSenderCpusShare: shareOrNull
      })
    ),
    notes: arrayOf(warningSchema, 10_000),
    effectiveChunkBytes: numOrNull,
    uring: nullable(
      obj<UringFigures>(
        {
          depth: int,
          sqpoll: bool,
          sqes: int,
          sqesPerGiB: amountOrNull,
          entersPerGiB: amountOrNull,
          sqpollCpuNs: num,
          workerCpuNs: num
        },
        { workerCpuNs: true }
      )
    ),
    gpu: nullable(
      obj<GpuFigures>({
        device: int,
        gpuTimeMs: num,
        gpuBitsPerSec: amountOrNull,
        setupMs: num,
        pinMs: num,
        unpinMs: num,
        wait: enumOf(['blocking', 'spin'] as const),
        storage: nullable(enumOf(['gds', 'compat'] as const)),
        cudaCallsPerGiB: numOrNull
      })
    ),
    throughputSlicesBitsPerSec: arrayOf(amount)
  },
  {
    effectiveChunkBytes: true,
    uring: true,
    gpu: true,
    throughputSlicesBitsPerSec: true,
    receiveMapping: true,
    receiveGpu: true
  }
)

const gpuEnvironment = obj<GpuEnvironment>({
  target: str,
  device: int,
  name: str,
  pciBusId: str,
  computeCapability: str,
  memoryBytes: num,
  cudaVersion: str,
  driverVersion: strOrNull,
  pcie: nullable(
    obj<NonNullable<GpuEnvironment['pcie']>>({
      gen: int,
      width: int,
      maxGen: int,
      maxWidth: int,
      bytesPerSec: num,
      maxBytesPerSec: num
    })
  ),
  numaNode: numOrNull,
  cufile: enumOf(['gds', 'compat', 'none'] as const)
})

const trial = obj<TrialRecord>({
  index: int,
  method,
  target: str,
  fileBytes: num,
  chunkBytes: num,
  durationMs: numOrNull,
  omitMs: numOrNull,
  trialBytes: numOrNull,
  streams: int,
  repetition: int,
  warmup: bool,
  cache: enumOf(CACHE_STATES),
  receiverMode: enumOf(RECEIVER_MODES),
  samples: arrayOf(
    obj<Sample>({ tMs: num, sender: sideSample, receiver: nullable(sideSample), systemBusyCores: numOrNull })
  ),
  sampling: obj<TrialRecord['sampling']>({ intervalMs: num, samples: int, busyMs: num }),
  summary: nullable(summary),
  error: nullable(errorInfo)
})

const ratioEstimate = nullable(obj<RatioEstimate>({ ratio: amount, ci95Low: amountOrNull, ci95High: amountOrNull }))

const headline = nullable(
  obj<Headline>({
    baseline: method,
    ratio: ratioEstimate,
    design: enumOf(['paired', 'unpaired'] as const),
    n: int,
    halfWidth: numOrNull,
    target: num,
    precisionAsked: bool,
    status: enumOf(HEADLINE_STATUSES),
    repetitionsNeeded: numOrNull,
    verdict: enumOf(COST_VERDICTS)
  })
)

const aggregate = obj<MethodAggregate>(
  {
    method,
    receiverMode: enumOf(RECEIVER_MODES),
    target: str,
    fileBytes: num,
    chunkBytes: num,
    durationMs: numOrNull,
    trialBytes: numOrNull,
    streams: int,
    trials: int,
    failed: int,
    throughputBitsPerSec: stat,
    senderCyclesPerBit: stat,
    receiverCyclesPerBit: stat,
    systemCyclesPerBit: stat,
    receiverSystemCyclesPerBit: stat,
    allHostsCyclesPerBit: stat,
    contextSwitchesPerGiB: stat,
    syscallsPerGiB: stat,
    pageFaultsPerGiB: stat,
    uringEntersPerGiB: stat,
    uringSqesPerGiB: stat,
    gpuBitsPerSec: stat,
    gpuPinMs: stat,
    cyclesSource: enumOf(CYCLES_SOURCES),
    speedupVsCopy: amountOrNull,
    vsCopy: nullable(
      obj<VsCopy>({
        throughput: ratioEstimate,
        senderCyclesPerBit: ratioEstimate,
        receiverCyclesPerBit: ratioEstimate,
        systemCyclesPerBit: ratioEstimate,
        verdict: enumOf(COST_VERDICTS)
      })
    ),
    headline,
    zeroCopyFallbackShare: shareOrNull,
    receiveMappedShare: shareOrNull,
    notes: arrayOf(obj<MethodAggregate['notes'][number]>({ code: str, trials: int }), 1024)
  },
  {
    uringEntersPerGiB: true,
    uringSqesPerGiB: true,
    gpuBitsPerSec: true,
    gpuPinMs: true,
    headline: true,
    receiveMappedShare: true
  }
)

const plan = obj<Plan>(
  {
    methods: arrayOf(method, 64),
    targets: arrayOf(str, 1024),
    fileBytes: arrayOf(num, 1024),
    file: strOrNull,
    chunkBytes: arrayOf(num, 1024),
    repeat: int,
    warmup: int,
    cache: enumOf(CACHE_STATES),
    receiverModes: arrayOf(enumOf(RECEIVER_MODES), 16),
    checksum: bool,
    sampleIntervalMs: num,
    pmu: enumOf(['auto', 'off']),
    durationMs: numOrNull,
    omitMs: numOrNull,
    trialBytes: numOrNull,
    streams: int,
    senderCpus: cpuListOrNull,
    receiverCpus: cpuListOrNull,
    lineRatesBitsPerSec: nullable(arrayOf(num, 16)),
    uringDepth: int,
    uringSqpoll: bool,
    gpuSpin: bool,
    receiverGpu: int,
    precision: numOrNull,
    maxTimeMs: numOrNull,
    order: enumOf(['shuffled', 'fixed'] as const),
    seed: int,
    autoPin: bool
  },
  {
    uringDepth: true,
    uringSqpoll: true,
    gpuSpin: true,
    receiverGpu: true,
    precision: true,
    maxTimeMs: true,
    order: true,
    seed: true,
    autoPin: true
  }
)

/** a reference figure's repeats: a handful, each a measured amount */
const referenceFigure = obj<ReferenceFigure>({ median: amount, spread: amount, repeats: arrayOf(amount, 1000) })
const machineReference = obj<MachineReference>({
  timestamp: str,
  tookMs: amount,
  memoryCopyGBps: referenceFigure,
  syscallNs: referenceFigure,
  loopbackCpuNsPerBit: nullable(referenceFigure)
})

const fleetMember = obj<FleetMember>({
  name: { type: 'string', minLength: 1, maxLength: MAX_FLEET_NAME_LENGTH } as Schema<string>,
  pool: { type: ['string', 'null'], maxLength: MAX_FLEET_NAME_LENGTH } as Schema<string | null>
})
const fleetPair = obj<FleetPair>({
  fleetId: { type: 'string', minLength: 1, maxLength: MAX_FLEET_NAME_LENGTH } as Schema<string>,
  sender: fleetMember,
  receiver: fleetMember
})

export const REPORT_SCHEMA: Schema<Report> = {
  $id: `https://zcprof.dev/schema/report-${SCHEMA_VERSION}.json`,
  title: `zcprof report, schema ${SCHEMA_VERSION}`,
  ...obj<Report>({
    schemaVersion: constOf(SCHEMA_VERSION),
    tool: obj<Report['tool']>({ name: enumOf(['zcprof', 'iperf3']), version: str }),
    meta: obj<ReportMeta>(
      {
        title: { type: ['string', 'null'], maxLength: MAX_TITLE_LENGTH } as Schema<string | null>,
        tags: arrayOf<string>({ type: 'string', maxLength: MAX_TAG_LENGTH }, MAX_TAGS),
        label: { type: ['string', 'null'], maxLength: MAX_LABEL_LENGTH } as Schema<string | null>
      },
      { label: true }
    ),
    foreign: nullable(
      obj<ForeignOrigin>({ format: constOf('iperf3-json'), measured: arrayOf(str, 64), notes: arrayOf(str, 64) })
    ),
    start: obj<Report['start']>(
      {
        timestamp: str,
        plan,
        environment: obj<Report['start']['environment']>(
          {
            sender: ENVIRONMENT_SCHEMA,
            receivers: arrayOf(
              obj<Report['start']['environment']['receivers'][number]>({
                target: str,
                environment: nullable(ENVIRONMENT_SCHEMA)
              }),
              1024
            ),
            gpus: arrayOf(gpuEnvironment, 1024)
          },
          { gpus: true }
        ),
        reference: machineReference,
        fleet: fleetPair
      },
      { reference: true, fleet: true }
    ),
    trials: arrayOf(trial),
    end: obj<Report['end']>(
      {
        timestamp: str,
        durationMs: num,
        incomplete: bool,
        aggregates: arrayOf(aggregate),
        warnings: arrayOf(warningSchema, 10_000),
        rounds: obj<NonNullable<Report['end']['rounds']>>({
          measured: int,
          stop: enumOf(STOP_REASONS)
        }),
        reference: machineReference
      },
      { rounds: true, reference: true }
    )
  })
}
