// The addon's own bounds are the plan's: what zc.h defines and napi-glue.c checks is
// what PLAN_LIMITS and PLAN_DEFAULTS say, read from the C sources as text and tried on
// the built addon at the edge (the largest accepted, one more refused).

import { readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { PLAN_DEFAULTS, PLAN_LIMITS } from '../../src/shared/plan-rules'
import { randomFile, rejection } from '../helpers'

const NATIVE = path.join(__dirname, '..', '..', 'src', 'native')
const header = readFileSync(path.join(NATIVE, 'zc.h'), 'utf8')
const glue = readFileSync(path.join(NATIVE, 'napi-glue.c'), 'utf8')

/** a #define's number in zc.h; fails the test when the name is gone */
function define(name: string): number {
  const m = new RegExp(`^#define ${name} (\\d+)\\s*(?:/\\*.*)?$`, 'm').exec(header)
  expect(m, `zc.h defines ${name} as a number`).not.toBeNull()
  return Number(m![1])
}

describe('the addon enforces the plan limits', () => {
  it('zc.h defines them as PLAN_LIMITS and PLAN_DEFAULTS have them', () => {
    expect(define('ZC_URING_MAX_DEPTH')).toBe(PLAN_LIMITS.uringDepth.max)
    expect(define('ZC_URING_DEFAULT_DEPTH')).toBe(PLAN_DEFAULTS.uringDepth)
    // CPU numbers 0..ZC_MAX_CPUS-1
    expect(define('ZC_MAX_CPUS') - 1).toBe(PLAN_LIMITS.cpu.max)
    expect(define('ZC_DEFAULT_CHUNK_BYTES')).toBe(PLAN_DEFAULTS.chunkBytes)
  })

  it("napi-glue.c's checks use those bounds, and its message says the header's", () => {
    // the depth: a whole number from 1 to the header's maximum, both ends taken (prop_whole)
    expect(glue).toMatch(new RegExp(`"uringDepth", false, ${PLAN_LIMITS.uringDepth.min}, ZC_URING_MAX_DEPTH,`))
    // its message says the same bounds: the header's maximum, stringified, not a copy
    expect(glue).toContain(
      `"uringDepth must be a whole number from ${PLAN_LIMITS.uringDepth.min} to " ZC_STR(ZC_URING_MAX_DEPTH)`
    )
    // CPU numbers: whole numbers from the table's first to ZC_MAX_CPUS - 1 (js_whole)
    expect(glue).toMatch(new RegExp(`js_whole\\(env, x, ${PLAN_LIMITS.cpu.min}, ZC_MAX_CPUS - 1,`))
  })
})

describe('the built addon at the edge of each limit', () => {
  const file = randomFile(64 * 1024)

  /** a port nothing listens on: a sender whose arguments pass fails to connect instead */
  async function closedPort(): Promise<number> {
    const s = net.createServer()
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const port = (s.address() as net.AddressInfo).port
    await new Promise((r) => s.close(r))
    return port
  }
  const sender = async (extra: Record<string, unknown>) =>
    native.startSender({
      method: 'copy',
      file,
      chunkBytes: 4096,
      target: { family: 'inet', host: '127.0.0.1', port: await closedPort() },
      ...extra
    })

  it.each([
    ['uringDepth', { uringDepth: PLAN_LIMITS.uringDepth.max }, { uringDepth: PLAN_LIMITS.uringDepth.max + 1 }],
    ['uringDepth', { uringDepth: PLAN_LIMITS.uringDepth.min }, { uringDepth: PLAN_LIMITS.uringDepth.min - 1 }],
    ['cpus', { cpus: [PLAN_LIMITS.cpu.max] }, { cpus: [PLAN_LIMITS.cpu.max + 1] }],
    ['cpus', { cpus: [PLAN_LIMITS.cpu.min] }, { cpus: [PLAN_LIMITS.cpu.min - 1] }]
  ])('%s: the limit is taken, one past it refused with ZC_BAD_ARGUMENT', async (_field, edge, past) => {
    // taken: the arguments pass, and the sender fails later for another reason (nothing listens)
    const taken = await sender(edge)
    const e = await rejection(taken.done)
    expect(e.code).not.toBe('ZC_BAD_ARGUMENT')
    await expect(sender(past)).rejects.toMatchObject({ code: 'ZC_BAD_ARGUMENT' })
  })

  it('the depth refused names the range PLAN_LIMITS holds', async () => {
    const { min, max } = PLAN_LIMITS.uringDepth
    await expect(sender({ uringDepth: max + 1 })).rejects.toThrow(`from ${min} to ${max}`)
  })
})
