// `npx tsx bench/fleet-view.ts` (after `npx electron-vite build`): the README's Fleet view
// example and what building a matrix costs. Plants the test's 4 × 4 fleet
// (test/fixtures/reports/fleet.ts: n4 sends at a far higher cost; n3 → n1 failed) in a
// temporary library and prints `zcprof fleet show` at 80 columns; then times
// buildFleetView over BENCH_FLEET_NODES nodes' listing entries (every node to every
// other), in this process, the library's reading left out (bench/library-scale.ts has it).
//
// Environment: BENCH_FLEET_NODES (50).

import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { entryFor } from '../src/shared/export/library-entry'
import { buildFleetView } from '../src/shared/fleet-matrix'
import { FOUR_NODES, fleetRun, writeFleetRun } from '../test/fixtures/reports/fleet'

const NODES = Number(process.env.BENCH_FLEET_NODES ?? 50)
const BIN = path.join(__dirname, '..', 'bin', 'zcprof.js')

function example(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-fleet-bench-'))
  chmodSync(dir, 0o755)
  try {
    writeFleetRun(dir, { fleetId: 'night-7f3a', nodes: FOUR_NODES, failed: ['n3>n1'] })
    const r = spawnSync(process.execPath, [BIN, 'fleet', 'show', '--method', 'copy', '--library', dir], {
      encoding: 'utf8',
      env: { ...process.env, COLUMNS: '80', NO_COLOR: '1', XDG_CACHE_HOME: dir }
    })
    process.stdout.write(`$ zcprof fleet show --method copy\n${r.stdout}${r.stderr}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function timing(): void {
  const nodes = Array.from({ length: NODES }, (_, i) => ({ ...FOUR_NODES[i % 4], name: `node-${i}` }))
  const entries = fleetRun({ fleetId: 'big', nodes }).map(({ id, report }) =>
    entryFor(id, report, 1000, report.schemaVersion)
  )
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    buildFleetView(entries)
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  console.log(
    `\nbuildFleetView over ${NODES} nodes (${entries.length} reports, 2 methods): ` +
      `median ${times[2].toFixed(0)} ms, min ${times[0].toFixed(0)}, max ${times[4].toFixed(0)} (5 builds)`
  )
}

example()
timing()
