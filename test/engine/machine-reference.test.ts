// The machine reference in a run, on the fake transport: taken at the start and the
// end, kept in the report, and a reference that moved between them flags the run.
// The references are fixed tables (test/shared/reference-fixtures.ts), handed to the
// run in place of the measurement, so the verdict is the rule's on known figures.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunEvent } from '../../src/shared/events'
import type { MachineReference } from '../../src/shared/report'
import { groupWarnings } from '../../src/shared/warnings'
import { randomFile } from '../helpers'
import { SLOWER, STEADY } from '../shared/reference-fixtures'
import type { FakeMethod } from './fake-transport'
import { runOnFake } from './fake-run'
import { REFERENCE_DEADLINE_MS } from '../../src/main/engine/run'

// the addon must not be needed: any call into it fails the test that made it
vi.mock('../../src/native', async (importOriginal) =>
  (await import('./no-addon')).addonThatThrows(await importOriginal<Record<string, unknown>>())
)
// the real measurement, watched: a run on a test's transport must not take it unasked
const measured = vi.hoisted(() => ({ calls: 0 }))
vi.mock('../../src/main/host/machine-reference', () => ({
  measureMachineReference: async () => {
    measured.calls++
    throw new Error('the run measured the real machine on a fake transport')
  }
}))

const METHODS: Record<'copy' | 'sendfile', FakeMethod> = {
  copy: { bytesPerSec: 1.25e9, senderNsPerByte: 1, receiverNsPerByte: 0.5 },
  sendfile: { bytesPerSec: 2.5e9, senderNsPerByte: 0.25, receiverNsPerByte: 0.5 }
}
const PLAN = { methods: ['copy', 'sendfile'] as ('copy' | 'sendfile')[], repeat: 2, durationMs: 200, omitMs: 0 }

let file: string
beforeAll(() => {
  file = randomFile(64 * 1024 + 7)
})
afterEach(() => {
  vi.useRealTimers()
})

/** hands out these references in turn, and counts how many were taken */
function references(...refs: MachineReference[]) {
  const taken: number[] = []
  return {
    taken,
    take: async () => {
      taken.push(taken.length)
      return refs[Math.min(taken.length - 1, refs.length - 1)]
    }
  }
}

describe('the machine reference in a run', () => {
  it('is taken at the start and the end and kept in the report; a steady machine is not flagged', async () => {
    const refs = references(STEADY, { ...STEADY, timestamp: '2026-12-07T00:01:00.000Z' })
    const { report } = await runOnFake(file, PLAN, { methods: METHODS }, { reference: refs.take })
    expect(refs.taken).toHaveLength(2)
    expect(report.start.reference).toEqual(STEADY)
    expect(report.end.reference).toEqual({ ...STEADY, timestamp: '2026-12-07T00:01:00.000Z' })
    expect(report.end.warnings.map((w) => w.code)).not.toContain('MACHINE_DRIFTED')
  })

  it('a reference that moved between the ends flags the run, naming the figures that moved', async () => {
    const events: RunEvent[] = []
    const { report } = await runOnFake(
      file,
      PLAN,
      { methods: METHODS },
      { reference: references(STEADY, SLOWER).take, onEvent: (e) => events.push(e) }
    )
    const drift = report.end.warnings.filter((w) => w.code === 'MACHINE_DRIFTED')
    expect(drift).toEqual([
      {
        code: 'MACHINE_DRIFTED',
        scope: 'run',
        // the two figures SLOWER moves past the rule, and not the loopback's 6 %
        message:
          "memory copy −20 % (10.0 → 8.00 GB/s, slower), system call +30 % (1000 → 1300 ns, slower), from the run's start to its end",
        hint: expect.stringMatching(/host changed/)
      }
    ])
    // the one line the terminal, HTML and the app show for it names the figures, not only the kind
    expect(groupWarnings(report.end.warnings).find((g) => g.code === 'MACHINE_DRIFTED')?.line).toBe(
      "machine drifted: memory copy −20 % (10.0 → 8.00 GB/s, slower), system call +30 % (1000 → 1300 ns, slower), from the run's start to its end"
    )
    // streamed as it was found, before the run's end
    const at = events.findIndex((e) => e.type === 'warning' && e.warning.code === 'MACHINE_DRIFTED')
    expect(at).toBeGreaterThan(-1)
    expect(at).toBeLessThan(events.findIndex((e) => e.type === 'run-end'))
  })

  it('a measurement that fails leaves the run as it was: no reference, no warning', async () => {
    const { report } = await runOnFake(
      file,
      PLAN,
      { methods: METHODS },
      {
        reference: async () => {
          throw new Error('no loopback here')
        }
      }
    )
    expect(report.end.incomplete).toBe(false)
    expect(report.start.reference).toBeUndefined()
    expect(report.end.reference).toBeUndefined()
    expect(report.end.warnings.map((w) => w.code)).not.toContain('MACHINE_DRIFTED')
  })

  it('a reference that never answers is dropped at its deadline: the run goes on without it', async () => {
    // virtual time: the run waits out the deadline at each end, then goes on
    const { report } = await runOnFake(
      file,
      PLAN,
      { methods: METHODS },
      { reference: () => new Promise<MachineReference>(() => {}) }
    )
    expect(report.end.incomplete).toBe(false)
    expect(report.start.reference).toBeUndefined()
    expect(report.end.reference).toBeUndefined()
    expect(report.end.durationMs).toBeGreaterThanOrEqual(2 * REFERENCE_DEADLINE_MS)
  })

  it('a stopped run takes no second reference', async () => {
    const stop = new AbortController()
    const refs = references(STEADY, SLOWER)
    const { report } = await runOnFake(
      file,
      PLAN,
      { methods: METHODS },
      { reference: refs.take, signal: stop.signal, onEvent: (e) => e.type === 'trial-end' && stop.abort() }
    )
    expect(report.end.incomplete).toBe(true)
    expect(refs.taken).toHaveLength(1)
    expect(report.start.reference).toEqual(STEADY)
    expect(report.end.reference).toBeUndefined()
  })

  it("a test's own transport measures no reference unless it is handed one", async () => {
    measured.calls = 0
    const { report } = await runOnFake(file, PLAN, { methods: METHODS })
    expect(measured.calls).toBe(0)
    expect(report.start.reference).toBeUndefined()
    expect(report.end.reference).toBeUndefined()
  })
})
