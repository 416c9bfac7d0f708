// The gate a CI runs (`zcprof compare`), on reports whose truth is planted: too few
// repetitions say "inconclusive" (exit 3) with how many would decide; a planted 40%
// change with enough repetitions still fails (exit 1); the same report twice passes.

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { aggregateTrials, analysisOf } from '../../src/shared/aggregate'
import type { Report } from '../../src/shared/report'
import { runZcprof, tempDir, unwrapHangingIndent } from '../helpers'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const machineA = () => JSON.parse(readFileSync(path.join(F, 'machine-a.json'), 'utf8')) as Report
const zcprof = (args: string[]) => runZcprof(args, { XDG_CACHE_HOME: tempDir(), XDG_DATA_HOME: tempDir() })

/** machine A's report with its first `reps` repetitions, every whole-system figure of sendfile × scale */
function variant(reps: number, sendfileSystem = 1): string {
  const r = machineA()
  r.trials = r.trials.filter((t) => t.warmup || t.repetition < reps)
  for (const t of r.trials)
    if (t.method === 'sendfile' && t.summary?.system?.cyclesPerBit) t.summary.system.cyclesPerBit *= sendfileSystem
  r.start.plan = { ...r.start.plan, repeat: reps }
  r.end.aggregates = aggregateTrials(r.trials, analysisOf(r.start.plan))
  const file = path.join(tempDir(), `a-${reps}-${sendfileSystem}.json`)
  writeFileSync(file, JSON.stringify(r))
  return file
}

describe('the compare gate', () => {
  it('two repetitions a side: inconclusive (exit 3), with how many repetitions would decide', () => {
    const r = zcprof(['compare', variant(2), variant(2)])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(r.stdout).toMatch(
      /^inconclusive: no regression seen, but \d+ gated figure\(s\) could not have shown a 5\.0% change:/m
    )
    expect(unwrapHangingIndent(r.stdout)).toMatch(/n = 2 a side, .*: about \d+ repetitions a side would decide ±5\.0%/)
    // the cells say what is missing, never an interval two repetitions cannot support
    expect(r.stdout).toMatch(/n = 2: too few to tell/)
    expect(r.stdout).not.toMatch(/\[[+−]\d+\.\d%, [+−]\d+\.\d%\]/)
  })

  it('two repetitions a side hide even a planted 40% change: still inconclusive, never a pass', () => {
    const r = zcprof(['compare', variant(2), variant(2, 1.4)])
    expect(r.code, r.stdout).toBe(3)
  })

  it('a planted 40% change with five repetitions a side: a regression (exit 1), named', () => {
    const r = zcprof(['compare', variant(5), variant(5, 1.4)])
    expect(r.code, r.stdout + r.stderr).toBe(1)
    expect(r.stdout).toMatch(
      /B: sendfile tcp:\/\/127\.0\.0\.1 all hosts cycles\/bit \+40\.0% \(95% CI \+3\d\.\d% to \+4\d\.\d%\)/
    )
  })

  it('the same five repetitions twice: a pass (exit 0), each figure able to show a 5% change', () => {
    const r = zcprof(['compare', variant(5), variant(5)])
    expect(r.code, r.stdout).toBe(0)
    expect(r.stdout).toMatch(/^pass: /m)
  })

  it('--method limits the gate to those methods: copy alone passes where sendfile has the planted 40% change', () => {
    const base = variant(5)
    const worse = variant(5, 1.4)
    const copy = zcprof(['compare', base, worse, '--method', 'copy'])
    expect(copy.code, copy.stdout + copy.stderr).toBe(0)
    expect(copy.stdout).not.toMatch(/sendfile/)
    const sendfile = zcprof(['compare', base, worse, '--method', 'copy,sendfile'])
    expect(sendfile.code, sendfile.stdout + sendfile.stderr).toBe(1)
  })

  it('--method with an unknown name is bad input (exit 2), naming it and listing the methods', () => {
    const r = zcprof(['compare', variant(2), variant(2), '--method', 'copy,sendfil'])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr).toContain("unknown method 'sendfil' in --method")
    // the hint lists the valid names: two from the method table, written out here
    expect(r.stderr).toMatch(/methods are: .*\bcopy\b.*\bsendfile\b/)
  })

  it('--method naming a method neither report ran compares nothing: exit 2, saying why', () => {
    const r = zcprof(['compare', variant(2), variant(2), '--method', 'mmap'])
    expect(r.code, r.stdout + r.stderr).toBe(2)
    expect(r.stderr).toContain('--method mmap kept only those rows')
  })

  it('names the plan differences that make reports not comparable, and judges across them when told to', () => {
    const a = variant(5)
    const doc = JSON.parse(readFileSync(variant(5, 1.4), 'utf8')) as Report
    doc.start.plan = { ...doc.start.plan, checksum: true, receiverModes: ['splice'], streams: 1 }
    const b = path.join(tempDir(), 'b.json')
    writeFileSync(b, JSON.stringify(doc))
    const refused = zcprof(['compare', a, b])
    expect(refused.code, refused.stdout).toBe(4)
    expect(refused.stdout).toMatch(/verify: \[A\] off {2}vs {2}\[B\] on/)
    expect(refused.stdout).toMatch(/receiver mode: \[A\] read {2}vs {2}\[B\] splice/)
    const judged = zcprof(['compare', a, b, '--allow-plan-diff'])
    expect(judged.code, judged.stdout).toBe(1)
  })

  it('a baseline no finite ratio can be made to (1e-300 bit/s, which loads): inconclusive (exit 3), never Infinity', () => {
    const doc = JSON.parse(readFileSync(variant(5), 'utf8')) as Report
    for (const t of doc.trials) if (t.method === 'sendfile' && t.summary) t.summary.throughputBitsPerSec = 1e-300
    const tiny = path.join(tempDir(), 'tiny.json')
    writeFileSync(tiny, JSON.stringify(doc))
    const r = zcprof(['compare', tiny, variant(5)])
    expect(r.code, r.stdout + r.stderr).toBe(3)
    expect(unwrapHangingIndent(r.stdout)).toContain(
      'note: cannot compare B: sendfile tcp://127.0.0.1 throughput: the ratio of the means is too large to be a number'
    )
    expect(r.stdout + r.stderr).not.toMatch(/Infinity|NaN/)
  })
})
