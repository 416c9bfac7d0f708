// The JSON Schema of a current (schema 3) report: what every load checks, after
// migration. Plain data, so it can be published beside docs/report-schema.md.
// Derived figures may be null: JSON has no NaN, and imports lack some figures.

import { METHODS, RECEIVER_MODES } from './methods'
import { MAX_TAG_LENGTH, MAX_TAGS, MAX_TITLE_LENGTH, SCHEMA_VERSION } from './report'

type Schema = Record<string, unknown>

const num: Schema = { type: 'number' }
const numOrNull: Schema = { type: ['number', 'null'] }
const int: Schema = { type: 'integer', minimum: 0 }
const str: Schema = { type: 'string' }
const strOrNull: Schema = { type: ['string', 'null'] }
const bool: Schema = { type: 'boolean' }
const nullable = (s: Schema): Schema => ({ anyOf: [{ type: 'null' }, s] })
const arrayOf = (items: Schema, maxItems = 1_000_000): Schema => ({ type: 'array', items, maxItems })
const counts: Schema = { type: 'object', additionalProperties: num }

/** an object whose listed properties are all required; others are allowed (forward notes) */
function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k))
  }
}

const method: Schema = { enum: [...METHODS] }
const CYCLES_SOURCES = ['pmu', 'cpu-time-estimate', 'process-cpu-estimate', 'none']
const cpuList: Schema = arrayOf({ type: 'integer', minimum: 0 }, 4096)
const cpuListOrNull: Schema = nullable(cpuList)

const warningSchema = obj(
  {
    code: str,
    message: str,
    hint: strOrNull,
    scope: { enum: ['run', 'method', 'trial'] },
    method,
    trials: arrayOf(int, 1_000_000)
  },
  ['method', 'trials']
)

const stat = nullable(
  obj({ n: int, median: num, min: num, max: num, mean: num, stddev: num, ci95Low: num, ci95High: num })
)

export const ENVIRONMENT_SCHEMA = obj({
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
  virtualized: { type: ['boolean', 'null'] },
  pmu: obj({ available: bool, reason: strOrNull, perfEventParanoid: numOrNull }),
  nics: nullable(
    arrayOf(obj({ name: str, speedMbps: numOrNull, mtu: numOrNull, virtual: bool, driver: strOrNull }), 1024)
  )
})

const side = obj({
  scope: { enum: ['thread', 'process'] },
  cpuNs: num,
  cycles: numOrNull,
  cyclesSource: { enum: CYCLES_SOURCES },
  cyclesPerBit: numOrNull,
  instructions: numOrNull,
  contextSwitches: numOrNull,
  contextSwitchesVoluntary: numOrNull,
  contextSwitchesInvoluntary: numOrNull,
  contextSwitchesPerGiB: numOrNull,
  contextSwitchesPerSec: numOrNull,
  syscalls: nullable(counts),
  syscallsTotal: numOrNull,
  syscallsPerGiB: numOrNull,
  pageFaults: numOrNull,
  pageFaultsPerGiB: numOrNull,
  sources: { type: 'object', additionalProperties: str }
})

const hostCpu = obj({
  busyCpuNs: num,
  cycles: num,
  cyclesSource: { const: 'cpu-time-estimate' },
  cyclesPerBit: numOrNull,
  otherCpuCores: numOrNull
})

const sideSample = obj(
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
  ['streamBytes']
)

const errorInfo = obj({ code: str, message: str, hint: str, errno: num, syscall: str }, ['hint', 'errno', 'syscall'])

const integrity = obj({ checked: bool, ok: bool, expectedCrc32c: numOrNull, receivedCrc32c: numOrNull })

const threadPlacement = obj({
  tid: num,
  requestedCpus: cpuListOrNull,
  ranOn: cpuList,
  migrations: num,
  allowedAtEnd: cpuListOrNull,
  held: { type: ['boolean', 'null'] }
})

const cpuActivity = obj({ cpu: int, busyCores: num, softirqCores: num, netRx: num, netTx: num })

const streamSummary = obj({
  index: int,
  bytes: num,
  durationNs: num,
  throughputBitsPerSec: numOrNull,
  sender: nullable(side),
  receiver: nullable(side),
  senderThread: nullable(threadPlacement),
  receiverThread: nullable(threadPlacement),
  tcpInfo: nullable({ type: 'object', additionalProperties: numOrNull }),
  integrity,
  error: nullable(obj({ code: str, message: str }, []))
})

const summary = obj({
  bytes: num,
  durationNs: num,
  throughputBitsPerSec: numOrNull,
  confirmed: bool,
  sender: side,
  receiver: nullable(side),
  system: nullable(hostCpu),
  receiverSystem: nullable(hostCpu),
  zeroCopy: nullable(obj({ sends: num, completed: num, copied: num, fallbackShare: numOrNull })),
  tcpInfo: nullable({ type: 'object', additionalProperties: numOrNull }),
  integrity,
  contaminated: bool,
  steady: nullable(obj({ rampMs: num, rampBytes: num, rampThroughputBitsPerSec: numOrNull, windowMs: num })),
  streams: arrayOf(streamSummary, 64),
  fairness: nullable(obj({ minBitsPerSec: numOrNull, maxBitsPerSec: numOrNull, minOverMax: numOrNull })),
  placement: nullable(
    obj({
      held: { type: ['boolean', 'null'] },
      sendingHost: arrayOf(cpuActivity, 4096),
      receivingHost: nullable(arrayOf(cpuActivity, 4096)),
      softirqOnSenderCpusShare: numOrNull
    })
  ),
  notes: arrayOf(warningSchema, 10_000)
})

const trial = obj({
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
  cache: { enum: ['warm', 'cold'] },
  receiverMode: { enum: [...RECEIVER_MODES] },
  samples: arrayOf(obj({ tMs: num, sender: sideSample, receiver: nullable(sideSample), systemBusyCores: numOrNull })),
  sampling: obj({ intervalMs: num, samples: int, busyMs: num }),
  summary: nullable(summary),
  error: nullable(errorInfo)
})

const ratioEstimate = nullable(obj({ ratio: num, ci95Low: numOrNull, ci95High: numOrNull }))

const aggregate = obj({
  method,
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
  cyclesSource: { enum: CYCLES_SOURCES },
  speedupVsCopy: numOrNull,
  vsCopy: nullable(
    obj({
      throughput: ratioEstimate,
      senderCyclesPerBit: ratioEstimate,
      receiverCyclesPerBit: ratioEstimate,
      systemCyclesPerBit: ratioEstimate,
      verdict: {
        enum: [
          'baseline',
          'saves',
          'costs-more',
          'cost-moved',
          'partly-moved',
          'kernel-copied',
          'no-clear-change',
          'unrepeated',
          'unknown'
        ]
      }
    })
  ),
  zeroCopyFallbackShare: numOrNull,
  notes: arrayOf(obj({ code: str, trials: int }), 1024)
})

const plan = obj({
  methods: arrayOf(method, 64),
  targets: arrayOf(str, 1024),
  fileBytes: arrayOf(num, 1024),
  file: strOrNull,
  chunkBytes: arrayOf(num, 1024),
  repeat: int,
  warmup: int,
  cache: { enum: ['warm', 'cold'] },
  receiverMode: { enum: [...RECEIVER_MODES] },
  checksum: bool,
  sampleIntervalMs: num,
  pmu: { enum: ['auto', 'off'] },
  durationMs: numOrNull,
  omitMs: numOrNull,
  trialBytes: numOrNull,
  streams: int,
  senderCpus: cpuListOrNull,
  receiverCpus: cpuListOrNull,
  lineRatesBitsPerSec: nullable(arrayOf(num, 16))
})

export const REPORT_SCHEMA: Schema = {
  $id: `https://zcprof.dev/schema/report-${SCHEMA_VERSION}.json`,
  title: `zcprof report, schema ${SCHEMA_VERSION}`,
  ...obj({
    schemaVersion: { const: SCHEMA_VERSION },
    tool: obj({ name: { enum: ['zcprof', 'iperf3'] }, version: str }),
    meta: obj({
      title: { type: ['string', 'null'], maxLength: MAX_TITLE_LENGTH },
      tags: arrayOf({ type: 'string', maxLength: MAX_TAG_LENGTH }, MAX_TAGS)
    }),
    foreign: nullable(obj({ format: { const: 'iperf3-json' }, measured: arrayOf(str, 64), notes: arrayOf(str, 64) })),
    start: obj({
      timestamp: str,
      plan,
      environment: obj({
        sender: ENVIRONMENT_SCHEMA,
        receivers: arrayOf(obj({ target: str, environment: nullable(ENVIRONMENT_SCHEMA) }), 1024)
      })
    }),
    trials: arrayOf(trial),
    end: obj({
      timestamp: str,
      durationMs: num,
      incomplete: bool,
      aggregates: arrayOf(aggregate),
      warnings: arrayOf(warningSchema, 10_000)
    })
  })
}
