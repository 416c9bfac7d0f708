// `zcprof run --receiver mapped` end to end on loopback: the local agent receives with
// TCP_ZEROCOPY_RECEIVE, byte-exact, and the report carries the mapped share with the
// reason it was low. Loopback maps nothing on current kernels, but nothing here assumes
// the share: only that every byte is counted as mapped or copied.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { randomFile, runZcprof, tempDir } from '../helpers'

const cache = { XDG_CACHE_HOME: tempDir('zcprof-mapped-cache-') }
const FILE_BYTES = 4 * 1024 * 1024 + 777

describe('zcprof run --receiver mapped', () => {
  it('receives every trial byte-exact and reports mapped + copied = the bytes, and the share', () => {
    const file = randomFile(FILE_BYTES)
    const out = path.join(tempDir(), 'r.json')
    const r = runZcprof(
      ['run', '-m', 'copy,sendfile', '-f', file, '--once', '-r', '2', '--receiver', 'mapped', '--verify'].concat([
        '--no-progress',
        '--json',
        out
      ]),
      cache
    )
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(report.start.plan.receiverModes).toEqual(['mapped'])
    const measured = report.trials.filter((t) => !t.warmup)
    expect(measured.length).toBe(4)
    for (const t of measured) {
      const s = t.summary!
      expect(s.integrity).toMatchObject({ checked: true, ok: true })
      const m = s.receiveMapping!
      expect(m.mappedBytes + m.copiedBytes).toBe(FILE_BYTES)
      expect(m.mappedShare).toBeGreaterThanOrEqual(0)
      expect(m.mappedShare).toBeLessThanOrEqual(1)
      expect(m.mappedShare).toBeCloseTo(m.mappedBytes / FILE_BYTES, 12)
      // a low share says why; loopback is always among the reasons here
      if (m.mappedShare! < 0.5)
        expect(s.notes.find((n) => n.code === 'RECV_MAPPED_LOW')?.message).toMatch(
          /loopback and veth carry page fragments/
        )
    }
    for (const a of report.end.aggregates) {
      expect(typeof a.receiveMappedShare).toBe('number')
      // the notes column wraps where a row has more notes (window-limited, short): words, not lines
      const pct = (a.receiveMappedShare! * 100).toFixed(0)
      expect(r.stdout).toMatch(new RegExp(`receiver\\s+mapped\\s+${pct}%\\s+of\\s+bytes`))
    }
  })

  it('a unix target is refused before anything runs, with read or splice named', () => {
    const r = runZcprof(['run', '-m', 'copy', '-s', '1MiB', '--target', 'unix://', '--receiver', 'mapped'], cache)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/receiver mode mapped cannot be used with unix:\/\//)
    expect(r.stderr).toMatch(/read or splice/)
  })
})
