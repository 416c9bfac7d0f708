// A plan as a file: `zcprof run --plan plan.json`. A JSON object of the Plan's fields
// (any of them; the rest are the defaults), or a zcprof report, whose plan is run again
// (its seed, its precision, its placement rule). Each field is checked for its kind
// here (plan-schema.ts), and for its range by the same rules as every other front end
// (plan-rules.ts).

import { ZcprofError } from './errors'
import { planShapeProblems } from './plan-schema'
import { MAX_REPORT_BYTES, type Plan } from './report'

/** a report is a plan file too (its plan runs again): as large as a report may be */
export const MAX_PLAN_FILE_BYTES = MAX_REPORT_BYTES

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
  const fields = withReceiverList(plan, source)
  // the same check, in the same words, as a plan from the app and a report's load
  const [problem] = planShapeProblems(fields, { partial: true })
  if (problem) throw bad(source, problem.message, problem.hint)
  return { ...fields } as Partial<Plan>
}

/** a plan file or report from before 0.5 named one `receiverMode`: it is the list of that one */
function withReceiverList(plan: Record<string, unknown>, source: string): Record<string, unknown> {
  if (!Object.prototype.hasOwnProperty.call(plan, 'receiverMode')) return plan
  const { receiverMode, ...rest } = plan
  if (Object.prototype.hasOwnProperty.call(plan, 'receiverModes'))
    throw bad(
      source,
      'it has both receiverMode and receiverModes',
      'keep receiverModes (a list, e.g. ["read", "splice"]); receiverMode is its older, single form'
    )
  return { ...rest, receiverModes: [receiverMode] }
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
  receiverGpu: ['receiverGpu'],
  cache: ['cache'],
  receiver: ['receiverModes'],
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
