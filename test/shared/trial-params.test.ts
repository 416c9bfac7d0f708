// One record of a trial's parameters (report.ts TrialParams): the trial record extends
// it, the trial-start event and a round's row pick from it, a row of results shares
// part of it. The types say so (tsc checks this file); the run shows it: each trial's
// start event carries the very parameters its finished record holds.

import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest'
import type { RoundRow, TrialRef } from '../../src/shared/events'
import type { MethodAggregate, RowParams, TrialParams, TrialRecord } from '../../src/shared/report'
import { randomFile } from '../helpers'
import { runOnFake } from '../engine/fake-run'

vi.mock('../../src/native', async (importOriginal) =>
  (await import('../engine/no-addon')).addonThatThrows(await importOriginal<Record<string, unknown>>())
)
afterEach(() => {
  vi.useRealTimers()
})

describe('a trial’s parameters, one record', () => {
  it('the types derive from TrialParams', () => {
    expectTypeOf<TrialRecord>().toMatchTypeOf<TrialParams>()
    expectTypeOf<TrialRef['durationMs']>().toEqualTypeOf<TrialParams['durationMs']>()
    expectTypeOf<RoundRow['method']>().toEqualTypeOf<TrialParams['method']>()
    expectTypeOf<MethodAggregate>().toMatchTypeOf<RowParams>()
  })

  it('each trial-start event carries the parameters its record ends with', async () => {
    const { events } = await runOnFake(
      randomFile(64 * 1024),
      { methods: ['copy', 'sendfile'], trialBytes: 1024 ** 3, repeat: 2, warmup: 1, streams: 2 },
      {
        methods: {
          copy: { bytesPerSec: 1.25e9, senderNsPerByte: 1, receiverNsPerByte: 0.5 },
          sendfile: { bytesPerSec: 2.5e9, senderNsPerByte: 0.25, receiverNsPerByte: 0.5 }
        }
      }
    )
    const starts = events.flatMap((e) => (e.type === 'trial-start' ? [e.trial] : []))
    const ends = events.flatMap((e) => (e.type === 'trial-end' ? [e.trial] : []))
    expect(starts).toHaveLength(6)
    expect(ends).toHaveLength(6)
    const shared = [
      'index',
      'method',
      'target',
      'fileBytes',
      'chunkBytes',
      'durationMs',
      'streams',
      'repetition',
      'warmup'
    ] as const
    for (const [i, s] of starts.entries()) for (const k of shared) expect(s[k], `trial ${i} ${k}`).toEqual(ends[i][k])
    expect(starts.map((s) => s.streams)).toEqual(Array(6).fill(2))
  })
})
