// One table of plan limits and defaults, and the front ends agree on it: the CLI's flags
// and the setup form refuse the same typed values, naming the same range.

import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { planFromFlags, type RunFlags } from '../../src/main/cli/run-command'
import { draftFromPlan, validateDraft, type PlanDraft } from '../../src/shared/plan-form'
import { PLAN_DEFAULTS, PLAN_LIMITS } from '../../src/shared/plan-rules'

/** the ranges as the issue and the docs state them: the table itself must not drift */
const FIXED = {
  streams: '1 to 64',
  repeat: '1 to 1000',
  warmup: '0 to 100',
  uringDepth: '1 to 4096',
  precision: '0.1% to 100%'
} as const

/** each field: its CLI flag, its form field, and typed values past each end of the table's range */
const FIELDS = [
  { field: 'streams', flag: 'streams', draft: 'streams', past: ['0', '65', 'four'] },
  { field: 'repeat', flag: 'repeat', draft: 'repeat', past: ['0', '1001', '2.5'] },
  { field: 'warmup', flag: 'warmup', draft: 'warmup', past: ['-1', '101'] },
  { field: 'uringDepth', flag: 'uringDepth', draft: 'uringDepth', past: ['0', '4097'] },
  { field: 'precision', flag: 'precision', draft: 'precision', past: ['0.01%', '101%', 'tight'] }
] as const

/** "from 1 to 64" → "1 to 64": the range a message names */
const rangeIn = (message: string) => /from (\S+ to \S+?)(?:[,;]|$)/m.exec(message)?.[1] ?? `no range in: ${message}`

function cliMessage(flag: keyof RunFlags, text: string): string {
  try {
    planFromFlags({ [flag]: text })
  } catch (e) {
    return (e as Error).message
  }
  return 'taken'
}

/** the form as the CLI's flags alone: a repeat without a precision is exactly that many rounds */
function formMessage(field: keyof PlanDraft, text: string): string {
  const draft = { ...draftFromPlan(DEFAULT_PLAN), precision: '', [field]: text }
  const { errors } = validateDraft(draft, DEFAULT_PLAN)
  return errors[field] ?? 'taken'
}

describe('the plan limits table', () => {
  it('holds the ranges the docs state', () => {
    const stated = (k: keyof typeof FIXED) =>
      k === 'precision'
        ? `${PLAN_LIMITS.precision.min * 100}% to ${PLAN_LIMITS.precision.max * 100}%`
        : `${PLAN_LIMITS[k].min} to ${PLAN_LIMITS[k].max}`
    for (const k of Object.keys(FIXED) as (keyof typeof FIXED)[]) expect(stated(k), k).toBe(FIXED[k])
  })

  it('has each default within its limit, and the default plan takes them', () => {
    for (const [k, v] of Object.entries(PLAN_DEFAULTS)) {
      const r = PLAN_LIMITS[k as keyof typeof PLAN_DEFAULTS]
      expect(v, k).toBeGreaterThanOrEqual(r.min)
      expect(v, k).toBeLessThanOrEqual(r.max)
    }
    expect(DEFAULT_PLAN).toMatchObject({
      streams: PLAN_DEFAULTS.streams,
      repeat: PLAN_DEFAULTS.repeat,
      warmup: PLAN_DEFAULTS.warmup,
      durationMs: PLAN_DEFAULTS.durationMs,
      chunkBytes: [PLAN_DEFAULTS.chunkBytes],
      fileBytes: [PLAN_DEFAULTS.fileBytes],
      sampleIntervalMs: PLAN_DEFAULTS.sampleIntervalMs,
      uringDepth: PLAN_DEFAULTS.uringDepth,
      precision: PLAN_DEFAULTS.precision,
      maxTimeMs: PLAN_DEFAULTS.maxTimeMs
    })
  })
})

describe('the CLI and the setup form agree', () => {
  it.each(FIELDS.flatMap((f) => f.past.map((text) => [f.field, text, f] as const)))(
    '%s %j: both refuse it, naming the same range',
    (field, text, f) => {
      const cli = cliMessage(f.flag, text)
      const form = formMessage(f.draft, text)
      expect(cli).not.toBe('taken')
      expect(form).not.toBe('taken')
      // the CLI names its flag and the input; the form shows the rule beside the field
      expect(cli).toContain(`'${text}'`)
      expect(rangeIn(cli), cli).toBe(FIXED[field])
      expect(rangeIn(form), form).toBe(FIXED[field])
    }
  )

  it.each(FIELDS.map((f) => [f.field, f] as const))('%s: both take the ends of the range', (field, f) => {
    const ends = field === 'precision' ? ['0.1%', '100%'] : FIXED[field].split(' to ')
    for (const text of ends) {
      expect(cliMessage(f.flag, text), text).toBe('taken')
      expect(formMessage(f.draft, text), text).toBe('taken')
    }
  })
})
