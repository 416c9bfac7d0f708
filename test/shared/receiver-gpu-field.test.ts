// The receiving GPU as a plan field: the form reads it only for the gpu-* receiver
// modes, the rules bound it like the CLI does, and a plan without it still loads.

import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { draftFromPlan, validateDraft, type PlanDraft } from '../../src/shared/plan-form'
import { planProblems } from '../../src/shared/plan-rules'

const base = draftFromPlan(DEFAULT_PLAN)
const check = (d: Partial<PlanDraft>) => validateDraft({ ...base, ...d }, DEFAULT_PLAN)

describe('the form', () => {
  it('starts at GPU 0', () => {
    expect(base.receiverGpu).toBe('0')
    expect(draftFromPlan({ ...DEFAULT_PLAN, receiverGpu: 3 }).receiverGpu).toBe('3')
  })
  it('a gpu-* mode takes the device it names', () => {
    const { errors, plan } = check({ receiverModes: ['gpu-pinned'], receiverGpu: '2' })
    expect(errors).toEqual({})
    expect(plan).toMatchObject({ receiverModes: ['gpu-pinned'], receiverGpu: 2 })
  })
  it('a device that is not a whole number in range is that field’s error', () => {
    expect(check({ receiverModes: ['gpu-mapped'], receiverGpu: 'x' }).errors.receiverGpu).toBe(
      'a whole number from 0 to 1023'
    )
    expect(check({ receiverModes: ['gpu-mapped'], receiverGpu: '1024' }).errors.receiverGpu).toBe(
      'a whole number from 0 to 1023'
    )
  })
  it('another mode ignores the field', () => {
    const { errors, plan } = check({ receiverModes: ['read'], receiverGpu: 'x' })
    expect(errors).toEqual({})
    expect(plan!.receiverGpu).toBeUndefined()
  })
})

describe('the rules', () => {
  it.each([[-1], [0.5]])('receiverGpu %s is not a whole number: refused by its shape', (receiverGpu) => {
    const p = planProblems({ ...DEFAULT_PLAN, receiverModes: ['gpu-pageable'], receiverGpu })
    expect(p.map((x) => x.field)).toEqual(['receiverGpu'])
  })
  it('receiverGpu 1024 is past the range: refused, naming --receiver-gpu', () => {
    const p = planProblems({ ...DEFAULT_PLAN, receiverModes: ['gpu-pageable'], receiverGpu: 1024 })
    expect(p).toEqual([
      {
        field: 'receiverGpu',
        message: 'the receiving GPU must be a CUDA device index from 0 to 1023, not 1024',
        hint: 'e.g. --receiver-gpu 0 (nvidia-smi -L lists them)'
      }
    ])
  })
  it('0 and 1023 pass, and a plan without the field passes', () => {
    expect(planProblems({ ...DEFAULT_PLAN, receiverModes: ['gpu-pageable'], receiverGpu: 0 })).toEqual([])
    expect(planProblems({ ...DEFAULT_PLAN, receiverModes: ['gpu-pageable'], receiverGpu: 1023 })).toEqual([])
    expect(planProblems({ ...DEFAULT_PLAN, receiverModes: ['gpu-pageable'] })).toEqual([])
  })
})
