// Runs a plan on the fake transport (fake-transport.ts), driving vitest's virtual time
// until the run settles: what the engine's rule tests share.

import { vi } from 'vitest'
import { runPlan, type RunOptions } from '../../src/main/engine/run'
import type { RunEvent } from '../../src/shared/events'
import type { Plan, Report } from '../../src/shared/report'
import { tempDir, testPlan } from '../helpers'
import { fakeTransport, type FakeOptions } from './fake-transport'

export interface Ran {
  report: Report
  events: RunEvent[]
  log: NonNullable<FakeOptions['log']>
  ms: number
}

export async function runOnFake(
  file: string,
  p: Partial<Plan>,
  fake: FakeOptions,
  opts: { onEvent?: (e: RunEvent) => void; signal?: AbortSignal; reference?: RunOptions['reference'] } = {}
): Promise<Ran> {
  const t0 = performance.now()
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
  const log: Ran['log'] = []
  const events: RunEvent[] = []
  let settled = false
  const ran = runPlan({
    plan: testPlan(file, { checksum: false, sampleIntervalMs: 50, ...p }),
    cacheDir: tempDir(),
    transport: fakeTransport({ ...fake, log }),
    signal: opts.signal,
    reference: opts.reference,
    onEvent: (e) => {
      events.push(e)
      opts.onEvent?.(e)
    }
  }).finally(() => (settled = true))
  // virtual time in steps, letting real I/O (the plan's checks) through between them
  while (!settled) {
    await vi.advanceTimersByTimeAsync(10)
    await new Promise((r) => setImmediate(r))
  }
  vi.useRealTimers()
  return { report: await ran, events, log, ms: performance.now() - t0 }
}
