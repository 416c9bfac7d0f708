// The fleet matrix on planted fleet runs (fixtures/reports/fleet.ts): each pair's cost
// is its sender's host plus its receiver's, so every cell, every node's median and
// every outlier below is worked out by hand from the planted costs, not by the code.

import { describe, expect, it } from 'vitest'
import { aggregateTrials, analysisOf } from '../../src/shared/aggregate'
import { entryFor } from '../../src/shared/export/library-entry'
import { buildFleetView, listFleets, pickFleet, type FleetMatrix } from '../../src/shared/fleet-matrix'
import type { LibraryEntry } from '../../src/shared/library'
import type { Report } from '../../src/shared/report'
import {
  fleetRun,
  FOUR_NODES,
  PAIR_HALF_WIDTH,
  SENDFILE_SHARE,
  type FleetNodeSpec,
  type FleetRunOptions
} from '../fixtures/reports/fleet'

const entries = (o: FleetRunOptions): LibraryEntry[] =>
  fleetRun(o).map(({ id, report }) => entryFor(id, report, 1000, report.schemaVersion))

const copyOf = (m: FleetMatrix[]) => m.find((x) => x.method === 'copy')!

/** a 4 × 4 run with n3 → n1 failed and n2 → n4 never run */
const GAPS: FleetRunOptions = { fleetId: 'fleet-gaps', nodes: FOUR_NODES, failed: ['n3>n1'], missing: ['n2>n4'] }

// copy's whole-system cycles per bit, sender (row) × receiver (column): sendCost(S) + recvCost(R)
const GAPS_TABLE: (number | string)[][] = [
  ['self', 0.26, 0.25, 0.25],
  [0.26, 'self', 0.26, 'missing'],
  ['failed', 0.25, 'self', 0.24],
  [0.35, 0.36, 0.35, 'self']
]

describe('the fleet matrix', () => {
  it('lays the pairs out sender × receiver, each cell its report row’s mean, failed and missing pairs as such', () => {
    const view = buildFleetView(entries(GAPS))
    expect(view.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4'])
    expect(view.matrices.map((m) => m.method)).toEqual(['copy', 'sendfile'])
    const copy = copyOf(view.matrices)
    GAPS_TABLE.forEach((row, i) =>
      row.forEach((want, j) => {
        const cell = copy.cells[i][j]
        if (typeof want === 'string') {
          expect(cell.status, `${i}→${j}`).toBe(want)
          expect(cell.cpu).toBeNull()
        } else {
          expect(cell.status, `${i}→${j}`).toBe('ok')
          expect(cell.cpu!.mean).toBeCloseTo(want, 10)
          // the interval the report's own row has: mean × (1 ± half-width)
          expect(cell.cpu!.ci95Low).toBeCloseTo(want * (1 - PAIR_HALF_WIDTH), 5)
          expect(cell.cpu!.ci95High).toBeCloseTo(want * (1 + PAIR_HALF_WIDTH), 5)
          expect(cell.gbps!.mean / 1e9).toBeCloseTo(i === 3 ? 12 : 20, 8)
          expect(cell.reportId).toBe(`fleet-gaps-${FOUR_NODES[i].name}-${FOUR_NODES[j].name}.json`)
        }
      })
    )
    // the failed pair's cell still opens its report (to read why)
    expect(copy.cells[2][0].reportId).toBe('fleet-gaps-n3-n1.json')
    expect(copy.cells[1][3].reportId).toBeNull()
    // sendfile pays 0.7 of copy on both hosts
    expect(view.matrices[1].cells[3][0].cpu!.mean).toBeCloseTo(0.35 * SENDFILE_SHARE, 10)
  })

  it('marks n4 as a sender far from its pool, and not n1, n2 or n3; no receiver with a gap is judged', () => {
    const copy = copyOf(buildFleetView(entries(GAPS)).matrices)
    const send = copy.judgements.cpu.sender
    // row medians: n1 .25 (3 pairs), n2 .26 (2), n3 .245 (2), n4 .35 (3); pool median .255, MAD .0075
    expect(send.map((j) => j.median)).toEqual([0.25, 0.26, 0.245, 0.35].map((v) => expect.closeTo(v, 10)))
    expect(send[3].groupMedian).toBeCloseTo(0.255, 10)
    expect(send[3].groupMad).toBeCloseTo(0.0075, 10)
    expect(send[3].change).toBeCloseTo(0.35 / 0.255 - 1, 10)
    expect(send.map((j) => j.outlier)).toEqual([false, false, false, true])
    expect(send[3].reason).toMatch(/above pool rack-1's median by 37\.3%/)
    expect(send[0].reason).toMatch(/within 3 MADs/)
    // n2 and n3 have two finished pairs as senders: too few to judge
    expect(send[1].reason).toMatch(/^2 finished pairs: 3 are needed/)
    const recv = copy.judgements.cpu.receiver
    // n1's column lost n3 → n1 (failed): .26 and .35 left, whose median the outlier sender moves
    expect(recv[0].pairs).toBe(2)
    expect(recv.map((j) => j.outlier)).toEqual([false, false, false, false])
    // throughput: n4 sends at 12 Gbit/s against the others' 20
    expect(copy.judgements.gbps.sender.map((j) => j.outlier)).toEqual([false, false, false, true])
  })

  it('a full 4 × 4: n4 the one outlier; a receiver 3.8% off a tight pool is within the 5% floor', () => {
    const copy = copyOf(buildFleetView(entries({ fleetId: 'full', nodes: FOUR_NODES })).matrices)
    expect(copy.cells.flat().filter((c) => c.status === 'ok')).toHaveLength(12)
    const recv = copy.judgements.cpu.receiver
    // column medians .26 .26 .26 .25: MAD 0, so n4 lies beyond 3 MADs, yet only 3.8% below
    expect(recv.map((j) => j.median)).toEqual([0.26, 0.26, 0.26, 0.25].map((v) => expect.closeTo(v, 10)))
    expect(recv[3].groupMad).toBeCloseTo(0, 12)
    expect(recv[3].change).toBeCloseTo(0.25 / 0.26 - 1, 10)
    expect(recv.map((j) => j.outlier)).toEqual([false, false, false, false])
    expect(recv[3].reason).toMatch(/within 5% of pool rack-1's median/)
    // rows .25 .26 .24 .35: median .255, MAD .01; n4 37.3% above
    expect(copy.judgements.cpu.sender[3].groupMad).toBeCloseTo(0.01, 10)
    expect(copy.judgements.cpu.sender.map((j) => j.outlier)).toEqual([false, false, false, true])
  })

  it('judges nothing without intervals: pairs of one repetition', () => {
    const copy = copyOf(buildFleetView(entries({ fleetId: 'once', nodes: FOUR_NODES, repetitions: 1 })).matrices)
    expect(copy.cells[3][0].cpu!.n).toBe(1)
    const n4 = copy.judgements.cpu.sender[3]
    expect(n4.outlier).toBe(false)
    expect(n4.reason).toMatch(/no interval/)
  })

  it('holds a node against its pool, one without a pool against the whole fleet, and a small pool not at all', () => {
    const node = (name: string, pool: string | null, send: number): FleetNodeSpec => ({
      name,
      pool,
      sendCost: send,
      recvCost: 0.15,
      sendGbps: 20
    })
    // pool a: .25 .25 .26 and a4 at .35, as costly as pool b; x, with no pool, at 1.05; c: two nodes
    const nodes = [
      node('a1', 'a', 0.1),
      node('a2', 'a', 0.1),
      node('a3', 'a', 0.11),
      node('a4', 'a', 0.2),
      node('b1', 'b', 0.2),
      node('b2', 'b', 0.2),
      node('b3', 'b', 0.21),
      node('x', null, 0.9),
      node('c1', 'c', 0.1),
      node('c2', 'c', 0.4)
    ]
    const view = buildFleetView(entries({ fleetId: 'pools', nodes }))
    // by pool, then the node without one last
    expect(view.nodes.map((n) => n.name)).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2', 'b3', 'c1', 'c2', 'x'])
    const send = copyOf(view.matrices).judgements.cpu.sender
    const by = (n: string) => send.find((j) => j.node === n)!
    // pool a: median .255, MAD .005: a4 (.35) is 37.3% above it
    expect(by('a4').outlier).toBe(true)
    expect(by('a4').groupMedian).toBeCloseTo(0.255, 10)
    expect(by('a4').change).toBeCloseTo(0.35 / 0.255 - 1, 10)
    // pool b costs as much as a4, and is not marked for it
    expect(['b1', 'b2', 'b3'].map((n) => by(n).outlier)).toEqual([false, false, false])
    // x against all ten nodes: median .35, MAD .095 (beyond 3 MADs: .4225); x at 1.05 is 200% above
    expect(by('x').group).toBeNull()
    expect(by('x').groupNodes).toBe(10)
    expect(by('x').groupMedian).toBeCloseTo(0.35, 10)
    expect(by('x').groupMad).toBeCloseTo(0.095, 10)
    expect(by('x').outlier).toBe(true)
    expect(by('x').reason).toMatch(/the whole fleet's median by 200\.0%/)
    // pool c has two nodes: c2 (.55) is not judged, however far
    expect(by('c2').outlier).toBe(false)
    expect(by('c2').reason).toMatch(/^pool c has 2 nodes with figures: 3 are needed/)
  })
})

describe('which fleet', () => {
  const two = [
    ...entries({ fleetId: 'night-7f3a', nodes: FOUR_NODES, start: Date.UTC(2026, 11, 1) }),
    ...entries({ fleetId: 'night-91bc', nodes: FOUR_NODES.slice(0, 3), start: Date.UTC(2026, 11, 2) })
  ]

  it('lists the fleets newest first, the newest by default', () => {
    const fleets = listFleets(two)
    expect(fleets.map((f) => [f.fleetId, f.reports, f.nodes])).toEqual([
      ['night-91bc', 6, 3],
      ['night-7f3a', 12, 4]
    ])
    expect(fleets[0].pools).toEqual(['rack-1'])
    expect(buildFleetView(two).fleet.fleetId).toBe('night-91bc')
  })

  it('takes an id or its unique beginning, and says which fleets there are otherwise', () => {
    expect(buildFleetView(two, 'night-7f3a').nodes).toHaveLength(4)
    expect(buildFleetView(two, 'night-7').fleet.fleetId).toBe('night-7f3a')
    expect(() => pickFleet(listFleets(two), 'night-')).toThrow(/'night-' begins 2 fleet ids/)
    expect(() => pickFleet(listFleets(two), 'nope')).toThrow(/no fleet run 'nope'/)
    expect(() => pickFleet([], null)).toThrow(/holds no fleet run/)
  })
})

describe('a fleet of two sizes and two chunk sizes', () => {
  const KiB = 1024
  const MiB = 1024 * KiB
  const SIZES = [MiB, 64 * MiB]
  const CHUNKS = [64 * KiB, MiB]
  /** each condition's planted share of the pair's cost: every one different */
  const SHARE: Record<string, number> = {
    [`${MiB}|${64 * KiB}`]: 1,
    [`${MiB}|${MiB}`]: 0.5,
    [`${64 * MiB}|${64 * KiB}`]: 2,
    [`${64 * MiB}|${MiB}`]: 0.8
  }
  /** the pair's report with each trial run at every size and chunk, its costs times the condition's share */
  function twoByTwo(r: Report): Report {
    const trials = SIZES.flatMap((size) =>
      CHUNKS.flatMap((chunk) =>
        r.trials.map((t) => {
          const c = structuredClone(t)
          c.fileBytes = size
          c.chunkBytes = chunk
          const k = SHARE[`${size}|${chunk}`]
          if (c.summary?.system) c.summary.system.cyclesPerBit = c.summary.system.cyclesPerBit! * k
          if (c.summary?.receiverSystem)
            c.summary.receiverSystem.cyclesPerBit = c.summary.receiverSystem.cyclesPerBit! * k
          return c
        })
      )
    )
    trials.forEach((t, i) => (t.index = i))
    r.trials = trials
    r.start.plan = { ...r.start.plan, fileBytes: SIZES, chunkBytes: CHUNKS }
    r.end.aggregates = aggregateTrials(r.trials, analysisOf(r.start.plan))
    return r
  }
  const nodes = FOUR_NODES.slice(0, 3)
  const view = buildFleetView(
    fleetRun({ fleetId: 'fleet-sizes', nodes }).map(({ id, report }) =>
      entryFor(id, twoByTwo(report), 1000, report.schemaVersion)
    )
  )

  it('has a matrix for each size and chunk, named by both', () => {
    expect(view.matrices.filter((m) => m.method === 'copy').map((m) => m.label)).toEqual([
      'copy · 1MiB file · 64KiB chunks · 1 stream',
      'copy · 1MiB file · 1MiB chunks · 1 stream',
      'copy · 64MiB file · 64KiB chunks · 1 stream',
      'copy · 64MiB file · 1MiB chunks · 1 stream'
    ])
    expect(view.matrices).toHaveLength(8)
    expect(new Set(view.matrices.map((m) => m.key)).size).toBe(8)
  })

  it("each cell is its own condition's figure: (sender's cost + receiver's) × the condition's share", () => {
    for (const size of SIZES)
      for (const chunk of CHUNKS) {
        const m = view.matrices.find((x) => x.method === 'copy' && x.fileBytes === size && x.chunkBytes === chunk)!
        nodes.forEach((s, i) =>
          nodes.forEach((r, j) => {
            const cell = m.cells[i][j]
            if (i === j) return expect(cell.status).toBe('self')
            expect(cell.status).toBe('ok')
            expect(cell.cpu!.mean, `${m.label} ${s.name}→${r.name}`).toBeCloseTo(
              (s.sendCost + r.recvCost) * SHARE[`${size}|${chunk}`],
              10
            )
          })
        )
      }
  })

  it('names no size when the fleet ran one', () => {
    const one = buildFleetView(entries({ fleetId: 'fleet-one', nodes }))
    expect(one.matrices.map((m) => m.label)).toEqual(['copy', 'sendfile'])
  })
})
