// Exit statuses a CI can trust, from a fixed table (the README's "Exit codes"):
// 0 done, 1 a regression or a failed trial, 2 bad input or usage, 3 compare cannot
// decide, 4 compared plans or machines differ, 70 a bug.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runZcprof, tempDir } from '../helpers'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const a = path.join(F, 'machine-a.json')
const version = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version
const cache = { XDG_CACHE_HOME: tempDir('zcprof-exit-cache-') }

describe('exit statuses', () => {
  it.each([
    ['one report to compare', 2, ['compare', a], /missing required argument 'others'/],
    ['an unknown option', 2, ['run', '--bogus'], /unknown option '--bogus'/],
    ['a value not among the choices', 2, ['run', '--cache', 'lukewarm'], /Allowed choices are warm, cold/],
    ['an unknown command', 2, ['bogus'], /unknown command 'bogus'/],
    ['no command at all', 2, [], /Usage: zcprof/],
    ['a missing report', 2, ['report', path.join(F, 'no-such.json')], /no-such\.json/],
    [
      'reports that share no row',
      2,
      ['compare', a, path.join(F, 'iperf3-loopback.json')],
      /share no row to compare[\s\S]*machine-a\.json \(baseline\): copy · tcp:\/\/127\.0\.0\.1 · 128MiB/
    ],
    ['a planted 20% regression on a newer kernel', 4, ['compare', a, path.join(F, 'machine-b.json')], /^$/],
    [
      'a planted 20% regression, judged across the kernels',
      1,
      ['compare', a, path.join(F, 'machine-b.json'), '--allow-plan-diff'],
      /^$/
    ],
    [
      'a noisy machine: the data cannot decide',
      3,
      ['compare', a, path.join(F, 'machine-c-noisy.json'), '--allow-plan-diff'],
      /^$/
    ],
    ['a report against itself', 0, ['compare', a, a], /^$/],
    ['--help', 0, ['--help'], /^$/],
    ['a file that does not exist', 2, ['run', '--file', '/nonexistent/zcprof', '-m', 'copy'], /does not exist/]
  ])('%s exits %i', (_what, status, args, stderr) => {
    const r = runZcprof(args, cache)
    expect(r.code, r.stderr).toBe(status)
    expect(r.stderr).toMatch(stderr)
  })

  it('--version prints the version and exits 0', () => {
    const r = runZcprof(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe(version)
  })

  it('an agent nobody runs: exit 2, and what stopped the run is said last', () => {
    const r = runZcprof(['run', '--target', 'agent://127.0.0.1:1', '-m', 'copy', '-s', '1MiB', '--no-progress'], cache)
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('no trial finished, so there are no figures')
    expect(r.stdout).not.toContain('the figures above')
    expect(r.stderr.trim().split('\n').slice(-2).join('\n')).toMatch(
      /^zcprof: the run stopped: cannot reach the agent at 127\.0\.0\.1:1.*\n {2}hint: nothing listens there/
    )
  })
})
