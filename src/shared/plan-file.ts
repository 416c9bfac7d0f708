// A plan as a file: `zcprof run --plan plan.json`. A JSON object of the Plan's fields
// (any of them; the rest are the defaults), or a zcprof report, whose plan is run again
// (its seed, its precision, its placement rule). Each field is checked for its kind
// here, and for its range by the same rules as every other front end (plan-rules.ts).

import { ZcprofError } from './errors'
import { MAX_REPORT_BYTES, type Plan } from './report'

/** a report is a plan file too (its plan runs again): as large as a report may be */
export const MAX_PLAN_FILE_BYTES = MAX_REPORT_BYTES

type Kind = 'strings' | 'numbers' | 'number' | 'string' | 'boolean'

/** each field a plan file may set, and what kind of value it takes (null where the Plan allows it) */
const FIELDS: Record<keyof Plan, { kind: Kind; nullable?: boolean }> = {
  methods: { kind: 'strings' },
  targets: { kind: 'strings' },
  fileBytes: { kind: 'numbers' },
  file: { kind: 'string', nullable: true },
  chunkBytes: { kind: 'numbers' },
  repeat: { kind: 'number' },
  warmup: { kind: 'number' },
  cache: { kind: 'string' },
  receiverMode: { kind: 'string' },
  checksum: { kind: 'boolean' },
  sampleIntervalMs: { kind: 'number' },
  pmu: { kind: 'string' },
  durationMs: { kind: 'number', nullable: true },
  omitMs: { kind: 'number', nullable: true },
  trialBytes: { kind: 'number', nullable: true },
  streams: { kind: 'number' },
  senderCpus: { kind: 'numbers', nullable: true },
  receiverCpus: { kind: 'numbers', nullable: true },
  lineRatesBitsPerSec: { kind: 'numbers', nullable: true },
  uringDepth: { kind: 'number' },
  uringSqpoll: { kind: 'boolean' },
  gpuSpin: { kind: 'boolean' },
  precision: { kind: 'number', nullable: true },
  maxTimeMs: { kind: 'number', nullable: true },
  order: { kind: 'string' },
  seed: { kind: 'number' },
  autoPin: { kind: 'boolean' }
}

function fits(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'strings':
      return Array.isArray(v) && v.length <= 1024 && v.every((x) => typeof x === 'string')
    case 'numbers':
      return Array.isArray(v) && v.length <= 4096 && v.every((x) => typeof x === 'number')
    case 'number':
      return typeof v === 'number'
    default:
      return typeof v === kind
  }
}

const bad = (source: string, message: string, hint: string) =>
  new ZcprofError({ code: 'ZC_BAD_PLAN', message: `${source}: ${message}`, hint })

/**
 * The fields a plan file sets, checked for their kind; a report's plan when the file is a
 * report. Nothing unknown is taken silently: a field this build does not know is an
 * error that names it.
 */
export function parsePlanFile(text: string, source: string): Partial<Plan> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    throw bad(
      source,
      `it is not JSON (${(e as Error).message})`,
      'a plan file is a JSON object of plan fields, e.g. {"methods": ["copy", "sendfile"], "precision": 0.05}'
    )
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw bad(source, 'it is not a JSON object', 'a plan file is a JSON object of plan fields, e.g. {"repeat": 5}')
  // a report: run again what it ran
  const report = doc as { schemaVersion?: unknown; start?: { plan?: unknown } }
  const plan = (report.schemaVersion !== undefined ? report.start?.plan : doc) as Record<string, unknown> | undefined
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan))
    throw bad(source, 'it is a report with no plan in it', 'give a plan file, or a report zcprof wrote')
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(plan)) {
    const field = FIELDS[key as keyof Plan]
    if (!field) throw bad(source, `'${key}' is not a plan field`, `plan fields are: ${Object.keys(FIELDS).join(', ')}`)
    if (!(value === null ? field.nullable : fits(value, field.kind)))
      throw bad(
        source,
        `'${key}' must be ${field.kind === 'strings' ? 'a list of strings' : field.kind === 'numbers' ? 'a list of numbers' : `a ${field.kind}`}${field.nullable ? ' or null' : ''}, not ${JSON.stringify(value)?.slice(0, 60)}`,
        'fix that field, or leave it out for the default'
      )
    out[key] = value
  }
  return out as Partial<Plan>
}

/** the plan fields each `zcprof run` flag sets: a flag given on the command line wins over the plan file */
export const FLAG_FIELDS: Record<string, (keyof Plan)[]> = {
  methods: ['methods'],
  target: ['targets'],
  size: ['fileBytes'],
  file: ['file'],
  chunk: ['chunkBytes'],
  repeat: ['repeat', 'precision', 'maxTimeMs'],
  warmup: ['warmup'],
  duration: ['durationMs', 'trialBytes', 'warmup'],
  omit: ['omitMs'],
  bytes: ['durationMs', 'trialBytes', 'warmup'],
  once: ['durationMs', 'trialBytes', 'warmup'],
  streams: ['streams'],
  cpus: ['senderCpus', 'autoPin'],
  receiverCpus: ['receiverCpus', 'autoPin'],
  pin: ['autoPin'],
  precision: ['precision', 'maxTimeMs', 'repeat'],
  maxTime: ['maxTimeMs'],
  order: ['order'],
  seed: ['seed'],
  lineRate: ['lineRatesBitsPerSec'],
  uringDepth: ['uringDepth'],
  uringSqpoll: ['uringSqpoll'],
  gpuSpin: ['gpuSpin'],
  cache: ['cache'],
  receiver: ['receiverMode'],
  verify: ['checksum'],
  interval: ['sampleIntervalMs'],
  pmu: ['pmu']
}

/**
 * The plan to run: the plan file's fields over the defaults, then the fields each flag
 * given on the command line sets, from the plan the flags alone make.
 */
export function mergePlans(defaults: Plan, file: Partial<Plan>, fromFlags: Plan, given: readonly string[]): Plan {
  const out: Plan = { ...defaults, ...file }
  for (const flag of given)
    for (const field of FLAG_FIELDS[flag] ?? []) (out as unknown as Record<string, unknown>)[field] = fromFlags[field]
  return out
}
