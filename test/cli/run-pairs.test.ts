// `zcprof run --receiver read,mapped` end to end on loopback, through the built CLI:
// every sender method runs with every receiver mode (a pair each), in the same rounds,
// each byte-exact; the report has a row per pair and the output a sender × receiver
// grid that fits 80 columns. Per-pair rules: --verify warns for the non-read receiver
// only, and the mapped receiver's share is on its pairs' rows only.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { randomFile, runZcprof, tempDir } from '../helpers'

const cache = { XDG_CACHE_HOME: tempDir('zcprof-pairs-cache-'), COLUMNS: '80' }
const FILE_BYTES = 2 * 1024 * 1024 + 333
// three: the fewest repetitions a cell's interval is printed for
const REPEAT = 3

describe('zcprof run with two receiver modes', () => {
  it('runs every (method, receiver mode) pair each round and prints their grid', () => {
    const file = randomFile(FILE_BYTES)
    const out = path.join(tempDir(), 'r.json')
    const r = runZcprof(
      ['run', '-m', 'copy,sendfile', '-f', file, '--once', '-r', String(REPEAT), '--receiver', 'read,mapped'].concat([
        '--verify',
        '--no-reference',
        '--no-progress',
        '--json',
        out
      ]),
      cache
    )
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(report.start.plan.receiverModes).toEqual(['read', 'mapped'])
    // each round (warm-up included) runs each of the 4 pairs once
    const rounds = new Map<string, string[]>()
    for (const t of report.trials) {
      const k = `${t.warmup}|${t.repetition}`
      rounds.set(k, [...(rounds.get(k) ?? []), `${t.method}/${t.receiverMode}`])
      expect(t.summary?.integrity).toMatchObject({ checked: true, ok: true })
    }
    expect(rounds.size).toBe(report.start.plan.warmup + REPEAT)
    for (const pairs of rounds.values())
      expect([...pairs].sort()).toEqual(['copy/mapped', 'copy/read', 'sendfile/mapped', 'sendfile/read'])
    // a row per pair, the mapped share on the mapped pairs alone
    const rows = report.end.aggregates.map((a) => `${a.method}/${a.receiverMode}`)
    expect(rows).toEqual(['copy/read', 'sendfile/read', 'copy/mapped', 'sendfile/mapped'])
    for (const a of report.end.aggregates) {
      expect(a.trials).toBe(REPEAT)
      expect(a.receiveMappedShare === undefined).toBe(a.receiverMode === 'read')
      // against copy with the same receiver
      if (a.method === 'sendfile') expect(a.headline?.baseline).toBe('copy')
    }
    // --verify copies for the mapped receiver only
    const checksum = report.end.warnings.filter((w) => w.code === 'CHECKSUM_COPIES')
    expect(checksum.map((w) => w.message)).toEqual([expect.stringMatching(/the mapped receiver copy/)])
    // the grid: a column a receiver, a row a sender, one cell marked cheapest
    expect(r.stdout).toMatch(/^sender +read +mapped$/m)
    expect(r.stdout).toMatch(/^copy +\d\S* \[\S+, \S+\]/m)
    expect(r.stdout).toMatch(/^sendfile +\d\S* \[\S+, \S+\]/m)
    expect(r.stdout.match(/\] <( |$)/gm)).toHaveLength(1)
    for (const line of r.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80)
  })

  it('zcrx anywhere in the list: exit 2 with what this host lacks for it, no trial run', () => {
    const r = runZcprof(['run', '-m', 'copy', '-s', '1MiB', '--receiver', 'read,zcrx'], cache)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/zcrx: not available here/)
    expect(r.stdout).not.toMatch(/^copy /m)
  })

  it('refuses an unknown receiver mode in the list, naming it and the modes there are', () => {
    const r = runZcprof(['run', '-m', 'copy', '-s', '1MiB', '--receiver', 'read,fast'], cache)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/unknown receiver mode 'fast'/)
    expect(r.stderr).toMatch(/read, splice, discard/)
  })
})
