// Every table and line the CLI prints fits the terminal's width ($COLUMNS where output
// is not a terminal), in one style: borderless, a head, a rule under it (issue 26 item
// 6). run, report and compare at 80 columns; compare --wide brings back the one table
// with every figure and each row's whole key, for wide terminals and files.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { renderComparison } from '../../src/main/cli/compare-command'
import type { RowKey } from '../../src/shared/compare'
import { rowKeyParts, type ComparisonText } from '../../src/shared/export/compare-export'
import { rowKeyText } from '../../src/shared/export/figures'
import { randomFile, runZcprof, tempDir, unwrapHangingIndent } from '../helpers'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const fx = (name: string) => path.join(F, name)
const zcprof = (args: string[], columns: number) =>
  runZcprof(args, { COLUMNS: String(columns), XDG_CACHE_HOME: tempDir(), XDG_DATA_HOME: tempDir() })
/** columns a line takes: code points (─ and − are one each), colour codes none */
const columnsOf = (line: string) => [...line.replace(/\u001b\[[0-9;]*m/g, '')].length
const widest = (text: string) => Math.max(0, ...text.split('\n').map(columnsOf))

// machine-b carries a planted 20% throughput drop on sendfile and a newer kernel
// (make-two-machines.ts); machine-c is the same plan, noisier, on another CPU model
const COMPARISONS: [string, string[], number][] = [
  ['machine-a vs machine-b', [fx('machine-a.json'), fx('machine-b.json')], 4],
  [
    'machine-a vs machine-b judged across the kernel',
    [fx('machine-a.json'), fx('machine-b.json'), '--allow-plan-diff'],
    1
  ],
  ['machine-a vs machine-c-noisy', [fx('machine-a.json'), fx('machine-c-noisy.json')], 4],
  [
    'machines a, b and c, every figure',
    [fx('machine-a.json'), fx('machine-b.json'), fx('machine-c-noisy.json'), '--metrics', 'all'],
    4
  ],
  ['two iperf3 imports', [fx('iperf3-loopback.json'), fx('iperf3-loopback-zerocopy.json')], 3]
]

describe('compare fits the terminal', () => {
  it.each(COMPARISONS.flatMap(([what, args, code]) => [80, 60].map((w) => [what, w, args, code] as const)))(
    '%s at %i columns',
    (_what, columns, args, code) => {
      const r = zcprof(['compare', ...args], columns)
      expect(r.code, r.stdout + r.stderr).toBe(code)
      expect(r.stdout.length).toBeGreaterThan(200)
      expect(widest(r.stdout + r.stderr)).toBeLessThanOrEqual(columns)
      // the run table's style: no box, a rule of ─ under each head and nowhere else
      expect(r.stdout).not.toMatch(/[│┌┐└┘├┤┼]/)
      const lines = r.stdout.split('\n')
      expect(lines.filter((l) => /^─+( {2}─+)*$/.test(l)).length).toBe(lines.filter((l) => /^method\b/.test(l)).length)
    }
  )

  it("keeps machine-b's facts at 80 columns: each report, the regression, the environment, the verdict", () => {
    const r = zcprof(['compare', fx('machine-a.json'), fx('machine-b.json'), '--allow-plan-diff'], 80)
    expect(r.code, r.stdout + r.stderr).toBe(1)
    const out = r.stdout
    expect(out).toMatch(/^A: lab-a baseline \(baseline\)$/m)
    expect(out).toMatch(/^B: lab-b new kernel$/m)
    // what every row shares is said once; the rows are named by their method
    expect(out).toMatch(/^every row: tcp:\/\/127\.0\.0\.1 · 128MiB · 128KiB \(target · size · chunk\)$/m)
    // one table a figure, each with a row per method and report (A's, then B's on the next line)
    expect(out).toMatch(/^method +report +all hosts cycles\/bit +vs baseline \(95% CI\)$/m)
    expect(out).toMatch(/^method +report +throughput +vs baseline \(95% CI\)$/m)
    expect(out).toMatch(
      /^sendfile +A +20\.04 Gbit\/s +baseline\n +B +16\.03 Gbit\/s +−20\.0% \[−22\.1%, −17\.8%\] worse ✗ REGRESSION$/m
    )
    expect(out).toMatch(/^sendfile +A +0\.220 +baseline\n +B +0\.221 +\+0\.3% \[−1\.0%, \+1\.5%\] noise$/m)
    expect(out).toMatch(/^copy +A +17\.16 Gbit\/s +baseline\n +B +16\.88 Gbit\/s +−1\.6% \[−5\.2%, \+2\.0%\] noise$/m)
    // prose wraps under its item, and reads as it did once joined
    const prose = unwrapHangingIndent(out)
    expect(prose).toContain('  kernel: [A] 6.18.44 · x64  vs  [B] 6.19.2 · x64')
    expect(prose).toContain(
      '  NICs: [A] eth0 (virtio_net, speed n/a, MTU 1400)  vs  [B] eth0 (mlx5_core, 25 Gb/s, MTU 9000)'
    )
    expect(prose).toMatch(/^1 regression\(s\) beyond 5\.0% and the noise:$/m)
    expect(prose).toContain('  B: sendfile tcp://127.0.0.1 throughput −20.0% (95% CI −22.1% to −17.8%)')
    // the narrow tables do not repeat each row's whole key: that is --wide's
    expect(out).not.toContain('sendfile · tcp://127.0.0.1')
  })

  it('--wide: one table with every figure and each row named in full, past the width; same exit', () => {
    const args = ['compare', fx('machine-a.json'), fx('machine-b.json'), '--wide']
    const r = zcprof(args, 80)
    expect(r.code, r.stdout + r.stderr).toBe(4)
    const lines = r.stdout.split('\n')
    const head = lines.findIndex((l) => l.startsWith('method · target · size · chunk '))
    expect(head).toBeGreaterThanOrEqual(0)
    expect(lines[head]).toMatch(/ all hosts cycles\/bit +vs baseline \(95% CI\) +throughput +vs baseline \(95% CI\)$/)
    expect(lines[head + 1]).toMatch(/^─+( {2}─+)+$/)
    expect(r.stdout).toMatch(
      /^sendfile · tcp:\/\/127\.0\.0\.1 · 128MiB · 128KiB +A +0\.220 +baseline +20\.04 Gbit\/s +baseline\n +B +0\.221 +\+0\.3% \[−1\.0%, \+1\.5%\] noise +16\.03 Gbit\/s +−20\.0% \[−22\.1%, −17\.8%\] worse ✗ REGRESSION$/m
    )
    expect(widest(r.stdout)).toBeGreaterThan(80)
    expect(r.stdout).not.toMatch(/[│┌┐└┘├┤┼]/)
  })

  it('with --json - the table goes to stderr, fitted there, and the JSON is the same at any width', () => {
    const args = ['compare', fx('machine-a.json'), fx('machine-b.json'), '--json', '-']
    const narrow = zcprof(args, 80)
    const wide = zcprof([...args, '--wide'], 200)
    expect(narrow.code).toBe(4)
    expect(wide.code).toBe(4)
    expect(JSON.parse(narrow.stdout).gate).toBe('not-comparable')
    expect(narrow.stdout).toBe(wide.stdout)
    expect(narrow.stderr).toContain('−20.0% [−22.1%, −17.8%] worse ✗ REGRESSION')
    expect(widest(narrow.stderr)).toBeLessThanOrEqual(80)
  })
})

describe('run and report fit 80 columns', () => {
  it.each([
    'machine-a.json',
    'machine-b.json',
    'machine-c-noisy.json',
    'real-loopback-v2.json',
    'v1-loopback.json',
    'iperf3-loopback.json',
    'iperf3-loopback-zerocopy.json'
  ])('report %s', (name) => {
    const r = zcprof(['report', fx(name)], 80)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^method +/m)
    expect(widest(r.stdout + r.stderr)).toBeLessThanOrEqual(80)
  })

  it('a short real loopback run', () => {
    const file = randomFile(2 * 1024 * 1024)
    const r = zcprof(['run', '--file', file, '--methods', 'copy,sendfile', '--once', '--repeat', '3'], 80)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^copy +baseline /m)
    expect(r.stdout).toMatch(/^sendfile +/m)
    expect(widest(r.stdout + r.stderr)).toBeLessThanOrEqual(80)
  })
})

describe("compare's narrow table names each row by what differs", () => {
  const key = (k: Partial<RowKey>): RowKey => ({
    method: 'copy',
    receiverMode: 'read',
    target: 'tcp://127.0.0.1',
    fileBytes: 128 * 2 ** 20,
    chunkBytes: 128 * 2 ** 10,
    timed: false,
    trialBytes: null,
    streams: 1,
    ...k
  })

  it.each([
    [key({}), 'copy · tcp://127.0.0.1 · 128MiB · 128KiB'],
    [key({ timed: true, fileBytes: 0 }), 'copy · tcp://127.0.0.1 · timed · 128KiB'],
    [key({ trialBytes: 4 * 2 ** 30, streams: 4 }), 'copy · tcp://127.0.0.1 · 4GiB per trial · 128KiB · 4 streams']
  ])('its parts read as the whole key: %s', (k, whole) => {
    const p = rowKeyParts(k)
    expect([p.method, p.target, p.size, p.chunk, p.streams].filter(Boolean).join(' · ')).toBe(whole)
    expect(rowKeyText(k)).toBe(whole)
  })

  it('two targets: the key column names the target, the shared size and chunk are said once', () => {
    const keys = [key({}), key({}), key({ target: 'tcp://10.0.0.2' }), key({ target: 'tcp://10.0.0.2' })]
    const t: ComparisonText = {
      baseline: 'A: one (zcprof)',
      reports: ['A: one (baseline)', 'B: two'],
      head: ['method · target · size · chunk', 'report', 'throughput', 'vs baseline (95% CI)'],
      rows: [
        [rowKeyText(keys[0]), 'A', '10.00 Gbit/s', 'baseline'],
        ['', 'B', '9.00 Gbit/s', '−10.0% [−12.0%, −8.0%] worse ✗ REGRESSION'],
        [rowKeyText(keys[2]), 'A', '5.00 Gbit/s', 'baseline'],
        ['', 'B', '5.00 Gbit/s', '+0.0% [−1.0%, +1.0%] noise']
      ],
      keys: keys.map(rowKeyParts),
      metrics: ['throughput'],
      legend: 'means compared',
      environment: [],
      notes: [],
      verdict: ['1 regression(s)'],
      gate: 'regression'
    }
    const out = renderComparison(t, { width: 80 })
    expect(out).toMatch(/^every row: 128MiB · 128KiB \(size · chunk\)$/m)
    expect(out).toMatch(/^method · target +report +throughput +vs baseline \(95% CI\)$/m)
    expect(out).toMatch(/^copy · tcp:\/\/127\.0\.0\.1 +A +10\.00 Gbit\/s +baseline\n {2,}B +9\.00 Gbit\/s +−10\.0%/m)
    expect(out).toMatch(/^copy · tcp:\/\/10\.0\.0\.2 +A +5\.00 Gbit\/s +baseline$/m)
    expect(widest(out)).toBeLessThanOrEqual(80)
  })
})
