// `zcprof fleet show` and `zcprof fleet list` on planted fleet runs (fixtures/reports/
// fleet.ts): the matrix at 80 columns with the cells the planted costs give by hand,
// the outlier marked and said, long names as keys, wide fleets in blocks, and bad input.

import { chmodSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { FOUR_NODES, writeFleetRun, type FleetRunOptions } from '../fixtures/reports/fleet'
import { runZcprof, tempDir } from '../helpers'

function library(...runs: FleetRunOptions[]): string {
  const dir = tempDir('zcprof-fleet-')
  chmodSync(dir, 0o755)
  for (const r of runs) writeFleetRun(dir, r)
  return dir
}

const zcprof = (args: string[]) => runZcprof(args, { COLUMNS: '80', XDG_CACHE_HOME: tempDir() })
/** columns a line takes: code points, colour codes none */
const widest = (text: string) =>
  Math.max(...text.split('\n').map((l) => [...l.replace(/\u001b\[[0-9;]*m/g, '')].length))

describe('zcprof fleet show', () => {
  it('draws each method’s matrix in 80 columns, the cells as planted, n4 marked as an outlier sender', () => {
    const dir = library({ fleetId: 'night-7f3a', nodes: FOUR_NODES, failed: ['n3>n1'], missing: ['n2>n4'] })
    const r = zcprof(['fleet', 'show', '--library', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(widest(r.stdout)).toBeLessThanOrEqual(80)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toMatch(/^fleet night-7f3a: 4 nodes in pool rack-1, 11 reports, 2026-12-01 09:00 to/)
    const copy = lines.indexOf('copy: whole-system CPU per bit (cycles/bit), lower is better')
    expect(copy).toBeGreaterThan(0)
    // sendCost(sender) + recvCost(receiver), worked out by hand (see test/shared/fleet-matrix.test.ts)
    expect(lines.slice(copy + 1, copy + 7)).toEqual([
      'send\\recv       n1       n2       n3       n4',
      '─────────  ───────  ───────  ───────  ───────',
      'n1               ·    0.260    0.250    0.250',
      'n2           0.260        ·    0.260  missing',
      'n3          failed    0.250        ·    0.240',
      'n4 !         0.350    0.360    0.350        ·'
    ])
    expect(lines[copy + 7]).toBe("! n4 as sender: 0.350 cycles/bit against 0.255: above pool rack-1's median by")
    expect(lines[copy + 8]).toMatch(/^ {2}37\.3%, beyond 3 MADs, and its interval clear of the rest's$/)
    // the legend says what each mark is
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/! an outlier: a node far from its pool's median as sender/)
  })

  it('--figure gbps --method sendfile: one matrix of Gbit/s; n4 the slow sender', () => {
    const dir = library({ fleetId: 'night-7f3a', nodes: FOUR_NODES })
    const r = zcprof(['fleet', 'show', 'night', '--library', dir, '--figure', 'gbps', '--method', 'sendfile'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).not.toMatch(/^copy:/m)
    expect(r.stdout).toMatch(/^sendfile: throughput \(Gbit\/s\), higher is better$/m)
    expect(r.stdout).toMatch(/^n4 ! +12\.00 +12\.00 +12\.00 +·$/m)
    expect(r.stdout).toMatch(/^n1 +· +20\.00 +20\.00 +20\.00$/m)
    expect(r.stdout).toMatch(/^! n4 as sender: 12\.00 Gbit\/s against 20\.00: below pool rack-1's median by 40\.0%/m)
  })

  it('keys long names, and draws a fleet too wide for 80 columns in blocks of receivers', () => {
    const nodes = Array.from({ length: 12 }, (_, i) => ({
      ...FOUR_NODES[i % 3],
      name: `worker-${String(i).padStart(2, '0')}.pool-a.example.internal`
    }))
    const r = zcprof(['fleet', 'show', '--library', library({ fleetId: 'wide', nodes }), '--method', 'copy'])
    expect(r.code, r.stderr).toBe(0)
    expect(widest(r.stdout)).toBeLessThanOrEqual(80)
    const heads = r.stdout.split('\n').filter((l) => l.startsWith('send\\recv'))
    // 12 receivers of 5 columns and 2 between: 10 a block beside the label, then 2
    expect(heads.map((h) => h.trim().split(/\s+/).slice(1))).toEqual([
      ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J'],
      ['K', 'L']
    ])
    expect(r.stdout).toMatch(/^key:\nA {4}worker-00\.pool-a\.example\.internal \(pool rack-1\)\n/m)
    expect(r.stdout).toMatch(/^L {4}worker-11\.pool-a\.example\.internal \(pool rack-1\)$/m)
  })

  it('--json - writes the view; bad input exits 2 naming it', () => {
    const dir = library({ fleetId: 'night-7f3a', nodes: FOUR_NODES }, { fleetId: 'night-91bc', nodes: FOUR_NODES })
    const r = zcprof(['fleet', 'show', 'night-7', '--library', dir, '--json', '-'])
    expect(r.code, r.stderr).toBe(0)
    const view = JSON.parse(r.stdout)
    expect(view.fleet.fleetId).toBe('night-7f3a')
    expect(view.matrices[0].cells[3][0].cpu.mean).toBeCloseTo(0.35, 10)
    const sendfile = JSON.parse(
      zcprof(['fleet', 'show', 'night-7', '--library', dir, '--json', '-', '--method', 'sendfile']).stdout
    )
    expect(sendfile.matrices.map((m: { method: string }) => m.method)).toEqual(['sendfile'])
    const ambiguous = zcprof(['fleet', 'show', 'night', '--library', dir])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr).toMatch(/'night' begins 2 fleet ids/)
    const figure = zcprof(['fleet', 'show', '--library', dir, '--figure', 'watts'])
    expect(figure.code).toBe(2)
    expect(figure.stderr).toMatch(/--figure 'watts' is not a figure the matrix shows/)
    const method = zcprof(['fleet', 'show', '--library', dir, '--method', 'splice'])
    expect(method.code).toBe(2)
    expect(method.stderr).toMatch(/ran no splice/)
    const none = zcprof(['fleet', 'show', '--library', library()])
    expect(none.code).toBe(2)
    expect(none.stderr).toMatch(/the library holds no fleet run/)
  })
})

describe('zcprof fleet list', () => {
  it('lists the fleet runs newest first in 80 columns', () => {
    const dir = library(
      { fleetId: 'night-7f3a', nodes: FOUR_NODES },
      { fleetId: 'night-91bc', nodes: FOUR_NODES.slice(0, 3), start: Date.UTC(2026, 11, 2, 9) }
    )
    const r = zcprof(['fleet', 'list', '--library', dir])
    expect(r.code, r.stderr).toBe(0)
    expect(widest(r.stdout)).toBeLessThanOrEqual(80)
    const rows = r.stdout.trim().split('\n').slice(2)
    expect(rows.map((l) => l.split(/\s{2,}/))).toEqual([
      ['night-91bc', '2026-12-02 09:05', '3', '6', 'rack-1'],
      ['night-7f3a', '2026-12-01 09:11', '4', '12', 'rack-1']
    ])
  })
})
