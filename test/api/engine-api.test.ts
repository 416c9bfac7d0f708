// The API contract, on the engine: answers as data, and startRun answers before its events.

import { describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import type { ApiEvent } from '../../src/shared/api'
import { randomFile, testPlan } from '../helpers'

const file = randomFile(4 * 1024 * 1024)

function runToEnd(api: EngineApi, runId: string): Promise<ApiEvent[]> {
  return new Promise((resolve) => {
    const seen: ApiEvent[] = []
    const off = api.onEvent((e) => {
      if (e.runId !== runId) return
      seen.push(e)
      if (e.event.type === 'run-end' || e.event.type === 'run-failed') {
        off()
        resolve(seen)
      }
    })
  })
}

describe('EngineApi', () => {
  it('answers startRun before the first event of the run', async () => {
    const api = new EngineApi()
    const order: string[] = []
    const off = api.onEvent((e) => order.push(`event:${e.event.type}`))
    const r = await api.startRun(testPlan(file, { methods: ['sendfile'] }))
    order.push('answered')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const events = await runToEnd(api, r.runId)
    off()
    expect(order[0]).toBe('answered')
    expect(events.at(-1)!.event.type).toBe('run-end')
  })

  it('returns bad plans and a busy engine as data, not exceptions', async () => {
    const api = new EngineApi()
    expect(await api.startRun(testPlan(file, { methods: [] }))).toMatchObject({
      ok: false,
      error: { code: 'ZC_BAD_PLAN' }
    })
    const first = await api.startRun(testPlan(file, { methods: ['copy'] }))
    expect(first.ok).toBe(true)
    expect(await api.startRun(testPlan(file))).toMatchObject({ ok: false, error: { code: 'ZC_BUSY' } })
    if (first.ok) await runToEnd(api, first.runId)
    // free again once the run is over
    const again = await api.startRun(testPlan(file, { methods: ['copy'] }))
    expect(again.ok).toBe(true)
    if (again.ok) await runToEnd(api, again.runId)
  })

  it('a missing file fails the run with the file named, as an event', async () => {
    const api = new EngineApi()
    const r = await api.startRun(testPlan('/nonexistent/zcprof.bin'))
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const events = await runToEnd(api, r.runId)
    expect(events.at(-1)!.event).toMatchObject({
      type: 'run-failed',
      error: { code: 'ENOENT', message: expect.stringMatching(/nonexistent/) }
    })
  })
})
