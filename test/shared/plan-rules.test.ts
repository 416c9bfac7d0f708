// The plan's rules, shared by every front end: each mistake names the field and the fix.

import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import {
  cpuForStream,
  omitMsOf,
  planProblems,
  rampRuleMs,
  streamBytesOf,
  trialCount
} from '../../src/shared/plan-rules'
import type { Plan } from '../../src/shared/report'

const plan = (p: Partial<Plan>): Plan => ({ ...DEFAULT_PLAN, ...p })
const problems = (p: Partial<Plan>, cpus?: number[]) =>
  planProblems(plan(p), cpus).map((x) => `${x.field}: ${x.message}`)

describe('plan rules', () => {
  it('the default plan is fine: rounds until ±5 points, at least five of them, at most two minutes', () => {
    expect(planProblems(DEFAULT_PLAN, [0, 1])).toEqual([])
    // 9 methods (8 native and node-stream) × at least 5 rounds of 1 s
    expect(trialCount(DEFAULT_PLAN) * DEFAULT_PLAN.durationMs!).toBe(45_000)
    expect(DEFAULT_PLAN).toMatchObject({ precision: 0.05, maxTimeMs: 120_000, order: 'shuffled', autoPin: true })
  })
  it.each([
    [{ precision: 0 }, /precision: the precision must be a share from 0.1% to 100%, not 0/],
    [{ precision: 1.5 }, /precision: the precision must be a share from 0.1% to 100%, not 1.5/],
    [
      { precision: 0.05, repeat: 2 },
      /repeat: with a precision, --repeat is the fewest rounds and must be at least 3, not 2/
    ],
    [{ maxTimeMs: 10 }, /maxTimeMs: the time budget must be from 1.0 s to 24h00m, not 10 ms/],
    // a value of the wrong kind: the words a report's load uses too (plan-schema.ts)
    [{ order: 'random' as 'fixed' }, /order: 'order' must be one of: shuffled, fixed, not "random"/],
    [{ seed: -1 }, /seed: 'seed' must be a whole number from 0, not -1/],
    [{ seed: 2 ** 32 }, /seed: the seed must be a whole number from 0 to 4294967295, not 4294967296/],
    [{ autoPin: 'yes' as unknown as boolean }, /autoPin: 'autoPin' must be a boolean, not "yes"/]
  ])('refuses rounds it cannot run: %o', (p, message) => {
    expect(problems(p)).toEqual([expect.stringMatching(message)])
  })
  it('a plan without a precision runs its rounds as given, two or one', () => {
    expect(problems({ precision: null, repeat: 2 })).toEqual([])
    expect(problems({ precision: null, repeat: 1 })).toEqual([])
  })
  it.each([
    [{ durationMs: 99 }, /durationMs: a trial's duration must be from 100 ms/],
    [{ durationMs: 2000, omitMs: 1001 }, /omitMs: the ramp left out \(1001 ms\) must be at most half/],
    [{ durationMs: null, omitMs: 500 }, /omitMs: only timed trials leave out a ramp/],
    [{ durationMs: 1000, trialBytes: 10 }, /trialBytes: a trial is bounded by a duration or by bytes, not both/],
    [{ durationMs: null, trialBytes: 3, streams: 4 }, /trialBytes: 3 bytes cannot be split over 4 streams/],
    [{ streams: 65 }, /streams: streams must be a whole number from 1 to 64/],
    [{ repeat: 1e9 }, /repeat: repeat must be a whole number from 1 to 1000/],
    [{ warmup: 101 }, /warmup: warmup must be a whole number from 0 to 100/],
    [{ senderCpus: [] }, /senderCpus: --cpus must list CPU numbers/],
    [
      { senderCpus: [1.5] },
      /senderCpus: 'senderCpus' must be a list \(at most 4096\) of whole numbers from 0 or null, not \[1.5\]/
    ],
    [{ lineRatesBitsPerSec: [0] }, /lineRatesBitsPerSec: line rates must be from 1Mbit\/s to 10Tbit\/s, at most 16/],
    [{ sampleIntervalMs: 5 }, /sampleIntervalMs: sample interval 5 ms is too short/],
    [{ chunkBytes: [2 ** 31] }, /chunkBytes: chunk sizes must be whole numbers of bytes from 1B to 1GiB/],
    [
      { methods: [...DEFAULT_PLAN.methods], repeat: 1000, chunkBytes: [1, 2] },
      /repeat: the plan has 18000 trials, more than 10000/
    ]
  ] as const)('%j', (p, message) => {
    expect(problems(p as Partial<Plan>).join('\n')).toMatch(message)
  })
  it('CPUs are checked against the host, except a remote receiver’s, which its agent checks', () => {
    expect(problems({ senderCpus: [5] }, [0, 1])).toEqual([
      'senderCpus: --cpus names CPU 5, which this host does not let zcprof run on'
    ])
    expect(problems({ receiverCpus: [5] }, [0, 1])).toHaveLength(1)
    expect(problems({ receiverCpus: [5], targets: ['agent://10.0.0.2:7733'] }, [0, 1])).toEqual([])
  })
  it('the ramp rule: 10% of the trial, at most 1 s; none for trials that are not timed', () => {
    expect(rampRuleMs(2000)).toBe(200)
    expect(rampRuleMs(60_000)).toBe(1000)
    expect(omitMsOf({ durationMs: 5000, omitMs: null })).toBe(500)
    expect(omitMsOf({ durationMs: 5000, omitMs: 0 })).toBe(0)
    expect(omitMsOf({ durationMs: null, omitMs: null })).toBe(0)
  })
  it('streams take CPUs round robin, and bytes evenly with the remainder first', () => {
    expect([0, 1, 2].map((i) => cpuForStream([4, 6], i))).toEqual([[4], [6], [4]])
    expect(cpuForStream(null, 0)).toBeNull()
    expect([0, 1, 2].map((i) => streamBytesOf(10, 3, i))).toEqual([4, 3, 3])
  })
})
