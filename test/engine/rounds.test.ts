// A run's rounds on the fake transport: repeat until tight, the time budget, the
// shuffled order, automatic placement and the time left. Virtual time; the noise is
// planted (a method's CPU per byte scaled trial by trial), so what the rules must do
// is known before they run.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { renderSummary } from '../../src/main/cli/summary-table'
import type { RoundRow, RunEvent } from '../../src/shared/events'
import { headlineText } from '../../src/shared/export/figures'
import { findings } from '../../src/shared/export/findings'
import { headline as libraryHeadline } from '../../src/shared/export/library-entry'
import type { MethodName } from '../../src/shared/methods'
import type { Plan, Report } from '../../src/shared/report'
import { countDown, leftMs, type Countdown } from '../../src/shared/time-left'
import { randomFile } from '../helpers'
import type { FakeMethod } from './fake-transport'
import { runOnFake } from './fake-run'

// the addon must not be needed: any call into it fails the test that made it
vi.mock('../../src/native', async (importOriginal) =>
  (await import('./no-addon')).addonThatThrows(await importOriginal<Record<string, unknown>>())
)

/** steady rows: every trial of a method costs the same, so one round's ratio is the truth */
const STEADY: Record<'copy' | 'sendfile' | 'splice', FakeMethod> = {
  copy: { bytesPerSec: 1.25e9, senderNsPerByte: 1, receiverNsPerByte: 0.5 },
  sendfile: { bytesPerSec: 2.5e9, senderNsPerByte: 0.25, receiverNsPerByte: 0.5 },
  splice: { bytesPerSec: 2e9, senderNsPerByte: 0.4, receiverNsPerByte: 0.5 }
}
/** the rounds' plan, as the default runs them, 1 s trials */
const ROUNDS: Partial<Plan> = {
  methods: ['copy', 'sendfile', 'splice'],
  durationMs: 1000,
  omitMs: 0,
  precision: 0.05,
  maxTimeMs: null,
  repeat: 5,
  order: 'shuffled',
  seed: 7
}

let file: string
beforeAll(() => {
  file = randomFile(64 * 1024 + 7)
})
afterEach(() => {
  vi.useRealTimers()
})

const agg = (r: Report, m: MethodName) => r.end.aggregates.find((a) => a.method === m)!
const rounds = (events: RunEvent[]) =>
  events.filter((e): e is Extract<RunEvent, { type: 'round-end' }> => e.type === 'round-end')
const rowOf = (rows: RoundRow[], m: MethodName) => rows.find((r) => r.method === m)!

describe('repeat until tight', () => {
  it('stops after the fewest rounds when every headline is already tight', async () => {
    const { report, events } = await runOnFake(file, ROUNDS, { methods: STEADY })
    expect(report.end.rounds).toEqual({ measured: 5, stop: 'tight' })
    for (const m of ['copy', 'sendfile', 'splice'] as const) expect(agg(report, m).trials).toBe(5)
    // whole system against copy, by hand: (0.25 + 0.5) / (1 + 0.5) and (0.4 + 0.5) / 1.5
    expect(agg(report, 'sendfile').headline!.ratio!.ratio).toBeCloseTo(0.5, 9)
    expect(agg(report, 'splice').headline!.ratio!.ratio).toBeCloseTo(0.6, 9)
    expect(agg(report, 'sendfile').headline).toMatchObject({ design: 'paired', n: 5, status: 'finding' })
    const ends = rounds(events)
    expect(ends.map((e) => e.round)).toEqual([1, 2, 3, 4, 5])
    expect(ends.map((e) => e.stop)).toEqual([null, null, null, null, 'tight'])
    // the sentence and the library's line name the cheapest for the whole machine: sendfile, not splice
    expect(findings(report)[0]).toBe(
      'sendfile is the cheapest for the whole machine: −50.0% [−50.0, −50.0] CPU per bit against copy.'
    )
    expect(libraryHeadline(report)).toMatch(/^sendfile: system CPU\/bit vs copy −50\.0% \[−50\.0, −50\.0\]/)
  })

  it('a noisy method runs on until tight; a tight one leaves the rounds; copy stays while anything needs it', async () => {
    // sendfile's sender costs ±30% from trial to trial: its whole-system ratio varies by about ±10%
    const noisy = { ...STEADY, sendfile: { ...STEADY.sendfile, jitter: [1, 1.3, 0.7, 1.2, 0.8, 1.1, 0.9] } }
    const { report, events } = await runOnFake(file, ROUNDS, { methods: noisy })
    const splice = agg(report, 'splice')
    const sendfile = agg(report, 'sendfile')
    expect(splice.trials).toBe(5)
    expect(sendfile.trials).toBeGreaterThan(5)
    expect(agg(report, 'copy').trials).toBe(sendfile.trials)
    expect(report.end.rounds).toEqual({ measured: sendfile.trials, stop: 'tight' })
    // it stopped at the first round that was tight, and not before
    const ends = rounds(events)
    const widths = ends.map((e) => rowOf(e.rows, 'sendfile').halfWidth!)
    expect(widths.at(-1)!).toBeLessThanOrEqual(0.05)
    expect(widths.slice(4, -1).every((w) => w > 0.05)).toBe(true)
    expect(sendfile.headline!.halfWidth).toBeCloseTo(widths.at(-1)!, 12)
    // after round 5 splice was tight and left; copy went on beside sendfile
    expect(rowOf(ends[4].rows, 'splice').active).toBe(false)
    expect(rowOf(ends[4].rows, 'copy').active).toBe(true)
    // every round after the fifth ran copy and sendfile only
    const later = report.trials.filter((t) => t.repetition >= 5)
    expect(new Set(later.map((t) => t.method))).toEqual(new Set(['copy', 'sendfile']))
  })

  it('the time budget ends the rounds: no round starts that would end past it, and the rows say they are not tight', async () => {
    const wild = { ...STEADY, sendfile: { ...STEADY.sendfile, jitter: [1, 2.5, 0.4, 1.8, 0.6] } }
    const { report, events } = await runOnFake(file, { ...ROUNDS, maxTimeMs: 25_000 }, { methods: wild })
    expect(report.end.rounds!.stop).toBe('budget')
    expect(report.end.durationMs).toBeLessThanOrEqual(25_000)
    // the fewest rounds ran whole, and more after them while the budget allowed
    expect(report.end.rounds!.measured).toBeGreaterThan(5)
    const sendfile = agg(report, 'sendfile')
    expect(sendfile.headline!.halfWidth!).toBeGreaterThan(0.05)
    expect(report.end.warnings.find((w) => w.code === 'NOT_TIGHT')?.message).toMatch(
      /^sendfile: ±\d+(\.\d)? points after \d+ repetitions, not the ±5\.0 asked for: the time budget \(25\.0 s\) was spent$/
    )
    expect(headlineText(sendfile, report.end.rounds!.stop)).toMatch(/after \d+: budget spent$/)
    expect(rounds(events).at(-1)!.stop).toBe('budget')
  })

  it('the time left respects the budget: once the fewest rounds are run, never past what the budget leaves', async () => {
    const wild = { ...STEADY, sendfile: { ...STEADY.sendfile, jitter: [1, 2.5, 0.4, 1.8, 0.6] } }
    const starts: { atMs: number; leftMs: number; round: number }[] = []
    const { report } = await runOnFake(
      file,
      { ...ROUNDS, maxTimeMs: 25_000 },
      { methods: wild },
      {
        onEvent: (e) => {
          if (e.type === 'trial-start')
            starts.push({ atMs: Date.now(), leftMs: e.trial.leftMs, round: e.trial.repetition })
        }
      }
    )
    const endMs = Date.parse(report.end.timestamp)
    // sendfile alone would want many more rounds than fit: the estimate is what the budget lets run
    const late = starts.filter((s) => s.round >= 5)
    expect(late.length).toBeGreaterThan(0)
    for (const s of late) expect(s.leftMs, `at round ${s.round}`).toBeLessThanOrEqual((endMs - s.atMs) * 1.5 + 1000)
  })

  it('the fewest rounds run whatever the budget: a budget shorter than them still gets them', async () => {
    const { report } = await runOnFake(file, { ...ROUNDS, maxTimeMs: 1000 }, { methods: STEADY })
    expect(report.end.rounds!.measured).toBe(5)
  })

  it('a row with no baseline beside it has nothing to tighten: it leaves after the fewest rounds, said once', async () => {
    const { report } = await runOnFake(file, { ...ROUNDS, methods: ['sendfile', 'splice'] }, { methods: STEADY })
    expect(report.end.rounds).toEqual({ measured: 5, stop: 'tight' })
    expect(report.end.warnings.filter((w) => w.code === 'NO_BASELINE').map((w) => w.method)).toEqual([
      'sendfile',
      'splice'
    ])
  })

  it('without a precision, exactly the rounds asked for', async () => {
    const noisy = { ...STEADY, sendfile: { ...STEADY.sendfile, jitter: [1, 1.5, 0.5] } }
    const { report } = await runOnFake(file, { ...ROUNDS, precision: null, repeat: 3 }, { methods: noisy })
    expect(report.end.rounds).toEqual({ measured: 3, stop: 'rounds' })
    expect(agg(report, 'sendfile').trials).toBe(3)
  })
})

describe('the shuffled order', () => {
  it('runs every method once a round, in an order drawn from the seed: the same seed, the same order', async () => {
    const plan = { ...ROUNDS, precision: null, repeat: 6 }
    const a = await runOnFake(file, plan, { methods: STEADY })
    const b = await runOnFake(file, plan, { methods: STEADY })
    const c = await runOnFake(file, { ...plan, seed: 8 }, { methods: STEADY })
    const order = (r: typeof a) => r.log.map((l) => l.method)
    expect(order(a)).toEqual(order(b))
    expect(order(a)).not.toEqual(order(c))
    for (let round = 0; round < 6; round++)
      expect(new Set(order(a).slice(round * 3, round * 3 + 3))).toEqual(new Set(['copy', 'sendfile', 'splice']))
    // not the plan's order every round: a fixed predecessor would carry over into each method
    const firsts = new Set(Array.from({ length: 6 }, (_, r) => order(a)[r * 3]))
    expect(firsts.size).toBeGreaterThan(1)
    expect(a.report.start.plan.seed).toBe(7)
    // the table lists the plan's order, whatever order the rounds ran
    expect(a.report.end.aggregates.map((x) => x.method)).toEqual(['copy', 'sendfile', 'splice'])
  })

  it('a plan with no seed draws one and keeps it in the report', async () => {
    const { seed: _, ...unseeded } = ROUNDS
    const { report } = await runOnFake(file, { ...unseeded, precision: null, repeat: 1 }, { methods: STEADY })
    expect(Number.isInteger(report.start.plan.seed)).toBe(true)
  })
})

describe('automatic placement', () => {
  it('pins senders and receivers to separate cores, and says so', async () => {
    const { report, events } = await runOnFake(
      file,
      { ...ROUNDS, precision: null, repeat: 1, autoPin: true },
      {
        methods: STEADY,
        cores: 16
      }
    )
    expect(report.start.plan).toMatchObject({ autoPin: true, senderCpus: [0], receiverCpus: [1] })
    const start = events.find((e) => e.type === 'run-start')!
    expect(start.type === 'run-start' && start.plan.senderCpus).toEqual([0])
    expect(report.end.warnings.find((w) => w.code === 'AUTO_PINNED')?.message).toBe(
      'zcprof pinned the threads: sender threads on CPU 0, receiver threads on CPU 1, on separate cores'
    )
  })
  it('four streams on 16 cores: four cores for the senders, four others for the receivers', async () => {
    const { report } = await runOnFake(
      file,
      { ...ROUNDS, precision: null, repeat: 1, autoPin: true, streams: 4 },
      {
        methods: STEADY,
        cores: 16
      }
    )
    expect(report.start.plan).toMatchObject({ senderCpus: [0, 1, 2, 3], receiverCpus: [4, 5, 6, 7] })
  })
  it('one CPU: nothing to place, and the run says so', async () => {
    const { report } = await runOnFake(
      file,
      { ...ROUNDS, precision: null, repeat: 1, autoPin: true },
      {
        methods: STEADY,
        cores: 1
      }
    )
    expect(report.start.plan).toMatchObject({ senderCpus: null, receiverCpus: null })
    expect(report.end.warnings.find((w) => w.code === 'AUTO_PINNED')?.message).toMatch(
      /one CPU only: nothing is pinned/
    )
  })
})

describe('the time left', () => {
  it('is, at each trial, what the rest of the run then took; and the countdown a person sees never goes up', async () => {
    // a fixed plan: 3 methods × 4 rounds of 1 s
    const starts: { atMs: number; leftMs: number }[] = []
    const { report } = await runOnFake(
      file,
      { ...ROUNDS, precision: null, repeat: 4 },
      {
        methods: STEADY
      },
      {
        onEvent: (e) => {
          if (e.type === 'trial-start') starts.push({ atMs: Date.now(), leftMs: e.trial.leftMs })
        }
      }
    )
    const endMs = Date.parse(report.end.timestamp)
    expect(starts).toHaveLength(12)
    // after the first trial has measured the overhead, each estimate is within 15% of the truth
    for (const s of starts.slice(1)) expect(s.leftMs / (endMs - s.atMs)).toBeGreaterThan(0.85)
    for (const s of starts.slice(1)) expect(s.leftMs / (endMs - s.atMs)).toBeLessThan(1.15)
    // the countdown, sampled every 100 ms of the run, only goes down
    let c: Countdown | null = null
    let shown = Number.POSITIVE_INFINITY
    let next = 0
    for (let t = starts[0].atMs; t <= endMs; t += 100) {
      while (next < starts.length && starts[next].atMs <= t)
        c = countDown(c, starts[next++].leftMs, starts[next - 1].atMs)
      const now = leftMs(c!, t)
      expect(now).toBeLessThanOrEqual(shown)
      shown = now
    }
  })
})

describe('the headline is the whole system', () => {
  it("leads the CLI's table with the whole system's change, not the sender's", async () => {
    // sendfile: the sender 75% cheaper, the receiver twice as dear: the whole system −17%
    const moved = {
      copy: STEADY.copy,
      sendfile: { bytesPerSec: 2.5e9, senderNsPerByte: 0.25, receiverNsPerByte: 1 }
    }
    const { report } = await runOnFake(file, { ...ROUNDS, methods: ['copy', 'sendfile'] }, { methods: moved })
    const h = agg(report, 'sendfile').headline!
    expect(h.ratio!.ratio).toBeCloseTo(1.25 / 1.5, 9)
    expect(agg(report, 'sendfile').vsCopy!.senderCyclesPerBit!.ratio).toBeCloseTo(0.25, 9)
    const table = renderSummary(report, { width: 120 })
    expect(table).toMatch(/sendfile +−16\.7% \[−16\.7, −16\.7\]/)
    expect(table).not.toMatch(/sendfile +−75%/)
  })
})

describe('every pair: each method with each receiver mode', () => {
  it('rows are the pairs (a gpu:// target, with no socket receiver, runs its methods once), each round runs each once, and trialCount agrees', async () => {
    const { planRows, roundSpecs } = await import('../../src/main/engine/rounds')
    const { DEFAULT_PLAN } = await import('../../src/main/engine/run')
    const { trialCount } = await import('../../src/shared/plan-rules')
    const { parseTarget } = await import('../../src/shared/targets')
    const { seededRandom } = await import('../../src/shared/random')
    const plan: Plan = {
      ...DEFAULT_PLAN,
      targets: ['tcp://127.0.0.1', 'gpu://0'],
      methods: ['copy', 'sendfile', 'gpu-copy'],
      receiverModes: ['read', 'splice', 'discard'],
      fileBytes: [1000],
      chunkBytes: [100],
      repeat: 2,
      warmup: 1,
      order: 'shuffled',
      seed: 3
    }
    const rows = planRows(plan, plan.targets.map(parseTarget), [1000])
    // by hand: tcp 2 methods × 3 receivers, in the plan's order (receivers, then methods); gpu 1 × the first mode
    expect(rows.map((r) => `${r.target.text} ${r.method}/${r.receiverMode}`)).toEqual([
      'tcp://127.0.0.1 copy/read',
      'tcp://127.0.0.1 sendfile/read',
      'tcp://127.0.0.1 copy/splice',
      'tcp://127.0.0.1 sendfile/splice',
      'tcp://127.0.0.1 copy/discard',
      'tcp://127.0.0.1 sendfile/discard',
      'gpu://0 gpu-copy/read'
    ])
    const random = seededRandom(3)
    const all = [0, 1, 2].flatMap((round) => roundSpecs(plan, rows, round, random).map((s) => ({ ...s, round })))
    expect(all).toHaveLength(trialCount(plan))
    expect(trialCount(plan)).toBe(3 * 7)
    for (const round of [0, 1, 2]) {
      const specs = all.filter((s) => s.round === round)
      // each pair once a round, its own receiver mode on the trial
      expect(specs.map((s) => `${s.target.text} ${s.method}/${s.receiverMode}`).sort()).toEqual(
        rows.map((r) => `${r.target.text} ${r.method}/${r.receiverMode}`).sort()
      )
    }
    // shuffled: the pairs of one round are not always in the plan's order
    const orders = new Set(
      [0, 1, 2].map((round) =>
        all
          .filter((s) => s.round === round)
          .map((s) => s.method + s.receiverMode)
          .join()
      )
    )
    expect(orders.size).toBeGreaterThan(1)
  })

  it('on the fake transport: a row per pair, each with its own baseline, every round', async () => {
    const { report } = await runOnFake(
      file,
      { ...ROUNDS, methods: ['copy', 'sendfile'], receiverModes: ['read', 'splice'], precision: null, repeat: 3 },
      { methods: STEADY }
    )
    expect(report.end.aggregates.map((a) => `${a.method}/${a.receiverMode}`)).toEqual([
      'copy/read',
      'sendfile/read',
      'copy/splice',
      'sendfile/splice'
    ])
    for (const a of report.end.aggregates) expect(a.trials).toBe(3)
    const h = (r: 'read' | 'splice') =>
      report.end.aggregates.find((a) => a.method === 'sendfile' && a.receiverMode === r)!.headline!
    // the fake costs the same whatever the receiver: (0.25 + 0.5) / (1 + 0.5) against copy on either
    expect(h('read').ratio!.ratio).toBeCloseTo(0.75 / 1.5, 6)
    expect(h('splice').ratio!.ratio).toBeCloseTo(0.75 / 1.5, 6)
    expect(h('splice').n).toBe(3)
  })
})
