// `zcprof compare | report | library`, and `run --save`, as a user (or a CI gate) runs them.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runZcprof, tempDir, unwrapProse } from '../helpers'
import type { Comparison } from '../../src/shared/compare'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const fx = (name: string) => path.join(F, name)

const zcprof = (args: string[], env: Record<string, string> = {}) =>
  runZcprof(args, { XDG_CACHE_HOME: tempDir(), XDG_DATA_HOME: tempDir(), ...env })

describe('zcprof compare', () => {
  it('an iperf3 -J import lines up with a timed zcprof run of the same method and target', () => {
    const dir = tempDir()
    const out = path.join(dir, 'timed.json')
    // timed 0.4 s, copy at 128 KiB, as iperf3 -l 128K -t 2 to 127.0.0.1 ran
    const run = zcprof(['run', '--methods', 'copy', '--duration', '400ms', '--repeat', '2', '--json', out])
    expect(run.code, run.stderr).toBe(0)
    const cmp = path.join(dir, 'cmp.json')
    const r = zcprof(['compare', out, fx('iperf3-loopback.json'), '--json', cmp])
    expect(r.stderr).not.toMatch(/internal error/)
    const c = JSON.parse(readFileSync(cmp, 'utf8')) as Comparison
    // one row, both reports in it: the file size and the durations differ, the measurement does not
    expect(c.rows).toHaveLength(1)
    expect(c.rows[0].key).toMatchObject({ method: 'copy', target: 'tcp://127.0.0.1', timed: true, streams: 1 })
    expect(c.rows[0].aggregates.every((a) => a !== null)).toBe(true)
    // iperf3's process CPU shows as a labelled, process-level estimate
    expect(c.rows[0].aggregates[1]!.cyclesSource).toBe('process-cpu-estimate')
    expect(c.notes.join(' ')).toMatch(/process-level estimates/)
    // what every row shares is said once above the tables, the rows named by method
    expect(r.stdout).toMatch(/every row: tcp:\/\/127\.0\.0\.1 · timed · 128KiB/)
    expect(r.stdout).toMatch(/^copy +A /m)
  })

  it('exits 4 across a plan or machine difference, naming it; 1 on the planted 20% regression when told to judge across it', () => {
    const refused = zcprof(['compare', fx('machine-a.json'), fx('machine-b.json')])
    expect(refused.code, refused.stderr).toBe(4)
    expect(refused.stdout).toMatch(/not comparable: the reports' plans or machines differ, so no regression is called/)
    expect(refused.stdout).toMatch(/kernel: \[A\] 6\.18\.44 {2}vs {2}\[B\] 6\.19\.2/)
    const r = zcprof(['compare', fx('machine-a.json'), fx('machine-b.json'), '--threshold', '5%', '--allow-plan-diff'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/sendfile .*throughput −20\.0% \(95% CI −2\d\.\d% to −1\d\.\d%\)/)
    expect(r.stdout).toMatch(/−1\.6% \[[^\]]+\] noise/) // copy: inside the spread
    // each report by its letter, the letters named once above the table
    expect(r.stdout).toMatch(/^A: lab-a baseline \(baseline\)\nB: lab-b new kernel\n/)
    expect(r.stdout).toMatch(/kernel: \[A\] 6\.18\.44 · x64 {2}vs {2}\[B\] 6\.19\.2/)
  })

  it("exits 3 when the noise hides a change of the threshold's size, and says how many repetitions would decide", () => {
    // machine C's sendfile varies by ±25% from run to run: 5 runs cannot see 5%
    const noisy = zcprof(['compare', fx('machine-a.json'), fx('machine-c-noisy.json'), '--allow-plan-diff'])
    expect(noisy.code, noisy.stdout).toBe(3)
    expect(noisy.stdout).toMatch(
      /inconclusive: no regression seen, but \d gated figure\(s\) could not have shown a 5\.0% change:/
    )
    expect(unwrapProse(noisy.stdout)).toMatch(
      /B: sendfile tcp:\/\/127\.0\.0\.1 throughput: n = 5 a side, it could tell ±\d+\.\d% from noise: about \d+ repetitions a side would decide ±5\.0%/
    )
  })

  it("exits 0 when every gated figure could have shown a change of the threshold's size and none did", () => {
    // B is 20% slower: under a 25% threshold, and each figure's interval is narrower than that
    const r = zcprof(['compare', fx('machine-a.json'), fx('machine-b.json'), '--threshold', '25%', '--allow-plan-diff'])
    expect(r.code, r.stdout).toBe(0)
    expect(unwrapProse(r.stdout)).toMatch(
      /pass: no regression beyond 25\.0% and the noise in all hosts cycles\/bit, throughput, and each could have shown one/
    )
  })

  it('writes the comparison as JSON, and takes another baseline', () => {
    const out = path.join(tempDir(), 'cmp.json')
    const r = zcprof([
      'compare',
      fx('machine-a.json'),
      fx('machine-b.json'),
      '--baseline',
      '1',
      '--allow-plan-diff',
      '--json',
      out
    ])
    expect(r.code).toBe(0) // against B, A is an improvement
    const cmp = JSON.parse(readFileSync(out, 'utf8'))
    expect(cmp.baseline).toBe(1)
    expect(cmp.regressions).toEqual([])
  })

  it('exits 2 with the file named on bad input or arguments', () => {
    const bad = path.join(tempDir(), 'bad.json')
    writeFileSync(bad, '{"schemaVersion": 2, "tool": {"na')
    const r = zcprof(['compare', fx('machine-a.json'), bad])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/bad\.json: it ends mid-document .* truncated/)
    expect(zcprof(['compare', fx('machine-a.json'), fx('machine-b.json'), '--threshold', 'lots']).stderr).toMatch(
      /threshold 'lots' is not a percentage/
    )
    expect(zcprof(['compare', fx('machine-a.json'), fx('machine-b.json'), '--gate', 'speed']).stderr).toMatch(
      /unknown metric 'speed'/
    )
  })
})

describe('zcprof report', () => {
  it('exports HTML, Markdown and both CSVs from an older schema', () => {
    const dir = tempDir()
    const r = zcprof([
      'report',
      fx('v1-loopback.json'),
      '--html',
      `${dir}/r.html`,
      '--md',
      '--csv',
      `${dir}/t.csv`,
      '--csv-samples',
      `${dir}/s.csv`
    ])
    expect(r.code, r.stderr).toBe(0)
    // the default title says what ran, where, and on which host when
    expect(r.stdout).toMatch(/^# copy, sendfile → tcp:\\\/\\\/127\.0\.0\.1 · .* · vm · 2026-/)
    expect(r.stdout).toMatch(/^\| sendfile \|/m)
    expect(r.stderr).toMatch(/schema 1; it was read as schema 3/)
    expect(readFileSync(`${dir}/r.html`, 'utf8')).toMatch(/^<!doctype html>/)
    expect(readFileSync(`${dir}/t.csv`, 'utf8').split('\r\n')).toHaveLength(4 + 2) // head, 4 trials, final newline
    expect(readFileSync(`${dir}/s.csv`, 'utf8')).toMatch(/^trial,method,target/)
  })

  it('warnings one line a kind; --verbose prints each in full', () => {
    const short = zcprof(['report', fx('machine-a.json')])
    expect(short.code, short.stderr).toBe(0)
    // machine-a's one warning: cycles estimated, with no PMU (its message names the PMU's reason)
    expect(short.stdout).toMatch(/^ {2}- cycles estimated: /m)
    expect(short.stdout).not.toMatch(/hint:/)
    const full = zcprof(['report', fx('machine-a.json'), '--verbose'])
    expect(full.code, full.stderr).toBe(0)
    // the warning's own words, which the short line leaves out (this fixture's warning has no hint)
    expect(full.stdout).toMatch(/^ {2}- cycles are estimated from CPU time × 2\.60 GHz/m)
    expect(short.stdout).not.toMatch(/2\.60 GHz, not counted/)
  })

  it('reads iperf3 -J output, and prints the table with no format asked', () => {
    const r = zcprof(['report', fx('iperf3-loopback-zerocopy.json'), '--method', 'sendfile'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/sendfile/)
    expect(r.stdout).toMatch(/imported from iperf3/)
  })

  it('a missing report exits 2 and names it', () => {
    const r = zcprof(['report', '/nonexistent/r.json', '--md'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/\/nonexistent\/r\.json: no such file/)
  })
})

describe('zcprof library and run --save', () => {
  it('run --save lands in the library; import, rm and restore work from the terminal', () => {
    const library = path.join(tempDir(), 'team-reports')
    const run = zcprof([
      'run',
      '--methods',
      'copy',
      '--size',
      '4MiB',
      '--repeat',
      '1',
      '--warmup',
      '0',
      '--save',
      '--library',
      library
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`library: ${library}/\\S+\\.json`))
    expect(zcprof(['library', 'import', fx('iperf3-loopback.json'), '--library', library]).code).toBe(0)
    const list = zcprof(['library', '--library', library])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toMatch(/iperf3-loopback\.json/)
    expect(list.stdout).toMatch(/copy \d+\.\d\d Gbit\/s/)
    const rm = zcprof(['library', 'rm', 'iperf3-loopback.json', '--library', library])
    const trashId = /as (\S+)/.exec(rm.stdout)![1]
    expect(existsSync(path.join(library, 'iperf3-loopback.json'))).toBe(false)
    expect(zcprof(['library', 'restore', trashId, '--library', library]).code).toBe(0)
    expect(readdirSync(library).sort()).toContain('iperf3-loopback.json')
    // ZCPROF_LIBRARY names the folder too
    expect(zcprof(['library'], { ZCPROF_LIBRARY: library }).stdout).toMatch(/iperf3-loopback\.json/)
  })
})
