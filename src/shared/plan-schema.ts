// A plan's shape: each field's kind, checked the same wherever a plan comes in (the
// setup form, the UI bridge, a plan file, the engine) and when a report holding it is
// loaded, with the same words. What passes here fits the report schema's plan
// (test/shared/plan-schema.test.ts holds the two together); ranges are plan-rules.ts's.

import { ALL_METHODS, RECEIVER_MODES } from './methods'
import { CACHE_STATES, type Plan } from './report'
import { MAX_FIGURE } from './report-schema'

type Item =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'whole' }
  | { kind: 'boolean' }
  | { kind: 'one of'; values: readonly string[] }
type Rule = Item | { kind: 'list'; of: Item; max: number }
interface Field {
  rule: Rule
  nullable?: true
  /** a plan from before the field may lack it */
  optional?: true
  /** a list of names: what one is called, for "unknown method 'x'" */
  noun?: string
}

/** every field of a plan, as the report schema has it (report-schema.ts, `plan`) */
export const PLAN_FIELDS: Record<keyof Plan, Field> = {
  methods: { rule: { kind: 'list', of: { kind: 'one of', values: ALL_METHODS }, max: 64 }, noun: 'method' },
  targets: { rule: { kind: 'list', of: { kind: 'string' }, max: 1024 } },
  fileBytes: { rule: { kind: 'list', of: { kind: 'number' }, max: 1024 } },
  file: { rule: { kind: 'string' }, nullable: true },
  chunkBytes: { rule: { kind: 'list', of: { kind: 'number' }, max: 1024 } },
  repeat: { rule: { kind: 'whole' } },
  warmup: { rule: { kind: 'whole' } },
  cache: { rule: { kind: 'one of', values: CACHE_STATES } },
  receiverModes: {
    rule: { kind: 'list', of: { kind: 'one of', values: RECEIVER_MODES }, max: 16 },
    noun: 'receiver mode'
  },
  checksum: { rule: { kind: 'boolean' } },
  sampleIntervalMs: { rule: { kind: 'number' } },
  pmu: { rule: { kind: 'one of', values: ['auto', 'off'] } },
  durationMs: { rule: { kind: 'number' }, nullable: true },
  omitMs: { rule: { kind: 'number' }, nullable: true },
  trialBytes: { rule: { kind: 'number' }, nullable: true },
  streams: { rule: { kind: 'whole' } },
  senderCpus: { rule: { kind: 'list', of: { kind: 'whole' }, max: 4096 }, nullable: true },
  receiverCpus: { rule: { kind: 'list', of: { kind: 'whole' }, max: 4096 }, nullable: true },
  lineRatesBitsPerSec: { rule: { kind: 'list', of: { kind: 'number' }, max: 16 }, nullable: true },
  uringDepth: { rule: { kind: 'whole' }, optional: true },
  uringSqpoll: { rule: { kind: 'boolean' }, optional: true },
  gpuSpin: { rule: { kind: 'boolean' }, optional: true },
  receiverGpu: { rule: { kind: 'whole' }, optional: true },
  precision: { rule: { kind: 'number' }, nullable: true, optional: true },
  maxTimeMs: { rule: { kind: 'number' }, nullable: true, optional: true },
  order: { rule: { kind: 'one of', values: ['shuffled', 'fixed'] }, optional: true },
  seed: { rule: { kind: 'whole' }, optional: true },
  autoPin: { rule: { kind: 'boolean' }, optional: true }
}

/** keys that reach a prototype once an object holding them is spread or merged */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

function fitsItem(v: unknown, item: Item): boolean {
  switch (item.kind) {
    case 'string':
      return typeof v === 'string'
    case 'boolean':
      return typeof v === 'boolean'
    // finite and within the schema's bound: 1e308 would overflow whatever sums it
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_FIGURE
    case 'whole':
      return Number.isSafeInteger(v) && (v as number) >= 0
    default:
      return typeof v === 'string' && item.values.includes(v)
  }
}

function describe(rule: Rule): string {
  const item = (i: Item, many: boolean): string =>
    i.kind === 'one of'
      ? `${many ? '' : 'one '}of: ${i.values.join(', ')}`
      : i.kind === 'whole'
        ? `${many ? 'of ' : 'a '}whole number${many ? 's' : ''} from 0`
        : i.kind === 'number'
          ? `${many ? 'of ' : 'a '}finite number${many ? 's' : ''}`
          : `${many ? 'of ' : 'a '}${i.kind}${many ? 's' : ''}`
  return rule.kind === 'list' ? `a list (at most ${rule.max}) ${item(rule.of, true)}` : item(rule, false)
}

/** what a value is, shortly, for a message: "hot", 123, an object */
function shown(v: unknown): string {
  if (v === undefined) return 'missing'
  const text = JSON.stringify(v)
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 57)}...` : text
}

export interface PlanShapeProblem {
  /** the plan field at fault, or 'plan' for the plan as a whole or a key no plan has */
  field: keyof Plan | 'plan'
  message: string
  hint: string
}

export interface PlanShapeOptions {
  /** a plan file: any field may be left out (the defaults fill them) */
  partial?: boolean
  /**
   * a loaded report: a key this build does not know may be a newer build's field. A plan
   * about to run is held to the fields it knows: an unknown key would be saved with it.
   */
  allowUnknown?: boolean
}

/**
 * Everything wrong with a plan's shape: a value of the wrong kind, a field missing, a
 * key no plan has. [] when each field is of its kind; its ranges are planProblems'.
 */
export function planShapeProblems(plan: unknown, options: PlanShapeOptions = {}): PlanShapeProblem[] {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan))
    return [
      {
        field: 'plan',
        message: `a plan must be an object of plan fields, not ${shown(plan)}`,
        hint: 'e.g. {"repeat": 5}'
      }
    ]
  const out: PlanShapeProblem[] = []
  const fields = Object.keys(PLAN_FIELDS)
  for (const key of Object.keys(plan)) {
    if (UNSAFE_KEYS.has(key))
      out.push({
        field: 'plan',
        message: `the plan has a key named "${key}", which no plan has and which could alter objects that read it`,
        hint: 'send only plan fields; the plan was edited or crafted'
      })
    else if (!(key in PLAN_FIELDS) && !options.allowUnknown)
      out.push({
        field: 'plan',
        message: `'${key}' is not a plan field`,
        hint: `plan fields are: ${fields.join(', ')}`
      })
  }
  for (const [key, field] of Object.entries(PLAN_FIELDS) as [keyof Plan, Field][]) {
    const has = Object.prototype.hasOwnProperty.call(plan, key)
    const v = has ? (plan as Record<string, unknown>)[key] : undefined
    if (!has && (options.partial || field.optional)) continue
    const rule = field.rule
    const fits =
      v === null
        ? field.nullable === true
        : rule.kind === 'list'
          ? Array.isArray(v) && v.length <= rule.max && v.every((x) => fitsItem(x, rule.of))
          : fitsItem(v, rule)
    // a list of names with one name unknown: that name, and the names there are
    const unknown =
      !fits && rule.kind === 'list' && rule.of.kind === 'one of' && field.noun && Array.isArray(v)
        ? v.find((x) => typeof x === 'string' && !fitsItem(x, rule.of))
        : undefined
    if (typeof unknown === 'string' && rule.kind === 'list' && rule.of.kind === 'one of')
      out.push({
        field: key,
        message: `unknown ${field.noun} '${unknown.slice(0, 60)}'`,
        hint: `${field.noun}s are: ${rule.of.values.join(', ')}`
      })
    else if (!fits)
      out.push({
        field: key,
        message: `'${key}' must be ${describe(rule)}${field.nullable ? ' or null' : ''}, not ${shown(v)}`,
        hint: 'fix that field, or leave it out for the default'
      })
  }
  return out
}
