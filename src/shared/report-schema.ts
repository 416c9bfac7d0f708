// The JSON Schema of a current (schema 2) report: what every load checks, after
// migration. Plain data, so it can be published beside docs/report-schema.md.
// Derived figures may be null: JSON has no NaN, and imports lack some figures.

import { METHODS, RECEIVER_MODES } from './methods'
import { SCHEMA_VERSION } from './report'

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
  cyclesSource: { enum: ['pmu', 'cpu-time-estimate', 'none'] },
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

const sideSample = obj({
  bytes: num,
  bytesPerSec: num,
  cpuNs: numOrNull,
  cycles: numOrNull,
  contextSwitches: numOrNull,
  syscalls: numOrNull,
  pageFaults: numOrNull
})

const errorInfo = obj({ code: str, message: str, hint: str, errno: num, syscall: str }, ['hint', 'errno', 'syscall'])

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
  integrity: obj({ checked: bool, ok: bool, expectedCrc32c: numOrNull, receivedCrc32c: numOrNull }),
  contaminated: bool,
  warnings: arrayOf(str, 10_000)
})

const trial = obj({
  index: int,
  method,
  target: str,
  fileBytes: num,
  chunkBytes: num,
  repetition: int,
  warmup: bool,
  cache: { enum: ['warm', 'cold'] },
  receiverMode: { enum: [...RECEIVER_MODES] },
  samples: arrayOf(obj({ tMs: num, sender: sideSample, receiver: nullable(sideSample), systemBusyCores: numOrNull })),
  sampling: obj({ intervalMs: num, samples: int, busyMs: num }),
  summary: nullable(summary),
  error: nullable(errorInfo)
})

const aggregate = obj({
  method,
  target: str,
  fileBytes: num,
  chunkBytes: num,
  trials: int,
  failed: int,
  throughputBitsPerSec: stat,
  senderCyclesPerBit: stat,
  receiverCyclesPerBit: stat,
  systemCyclesPerBit: stat,
  receiverSystemCyclesPerBit: stat,
  contextSwitchesPerGiB: stat,
  syscallsPerGiB: stat,
  pageFaultsPerGiB: stat,
  cyclesSource: { enum: ['pmu', 'cpu-time-estimate', 'none'] },
  speedupVsCopy: numOrNull,
  senderCpuSavingVsCopy: numOrNull,
  zeroCopyFallbackShare: numOrNull
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
  pmu: { enum: ['auto', 'off'] }
})

export const REPORT_SCHEMA: Schema = {
  $id: `https://zcprof.dev/schema/report-${SCHEMA_VERSION}.json`,
  title: `zcprof report, schema ${SCHEMA_VERSION}`,
  ...obj({
    schemaVersion: { const: SCHEMA_VERSION },
    tool: obj({ name: { enum: ['zcprof', 'iperf3'] }, version: str }),
    meta: obj({ title: strOrNull, tags: arrayOf({ type: 'string', maxLength: 64 }, 64) }),
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
      warnings: arrayOf(obj({ code: str, message: str, method }, ['method']), 10_000)
    })
  })
}
