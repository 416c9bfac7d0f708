import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { draftFromPlan, validateDraft, type PlanDraft } from '../../src/shared/plan-form'

const base = draftFromPlan(DEFAULT_PLAN)
const check = (d: Partial<PlanDraft>) => validateDraft({ ...base, ...d }, DEFAULT_PLAN)

describe('the setup form', () => {
  it('turns the defaults back into the default plan', () => {
    const { errors, plan } = check({})
    expect(errors).toEqual({})
    expect(plan).toEqual(DEFAULT_PLAN)
  })
  it.each([
    [{ methods: [] }, 'methods', /at least one/],
    [{ target: 'udp://x' }, 'target', /unknown scheme/],
    [{ target: 'unix://', receiverModes: ['read', 'discard'] }, 'receiverModes', /discard needs TCP/],
    [{ target: 'unix://', receiverModes: ['mapped'] }, 'receiverModes', /mapped needs TCP/],
    [{ receiverModes: [] }, 'receiverModes', /at least one receiver mode/],
    [{ target: 'agent://192.0.2.1:7733' }, 'token', /needs the token/],
    [{ size: '12XB' }, 'size', /not a size/],
    [{ fileMode: 'file', file: 'relative.bin' }, 'file', /absolute path/],
    [{ chunks: '' }, 'chunks', /give a chunk size/],
    [{ repeat: '0' }, 'repeat', /1 to 1000/],
    [{ warmup: '-1' }, 'warmup', /0 to 100/],
    [{ uringDepth: '0' }, 'uringDepth', /1 to 4096/],
    [{ uringDepth: '4097' }, 'uringDepth', /1 to 4096/]
  ] as const)('%j is refused at its field', (d, field, why) => {
    const { errors, plan } = check(d as Partial<PlanDraft>)
    expect(plan).toBeNull()
    expect(errors[field]).toMatch(why)
    expect(Object.keys(errors)).toEqual([field])
  })
  it('takes the io_uring depth and SQPOLL into the plan', () => {
    const { plan } = check({ methods: ['uring-send'], uringDepth: '64', uringSqpoll: true })
    expect(plan).toMatchObject({ methods: ['uring-send'], uringDepth: 64, uringSqpoll: true })
  })
  it('builds the plan it shows', () => {
    const { plan } = check({
      methods: ['copy', 'sendfile'],
      chunks: '4KiB,1MiB',
      repeat: '5',
      fileMode: 'file',
      file: '/data/x.bin',
      verify: true
    })
    expect(plan).toMatchObject({
      methods: ['copy', 'sendfile'],
      chunkBytes: [4096, 1048576],
      repeat: 5,
      file: '/data/x.bin',
      checksum: true
    })
  })
})
