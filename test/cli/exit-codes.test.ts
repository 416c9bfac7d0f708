// Exit statuses a CI can trust, from a fixed table (the README's "Exit codes"):
// 0 done, 1 a regression or a failed trial, 2 bad input or usage, 3 compare cannot
// decide, 4 compared plans or machines differ, 70 a bug.

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runZcprof, tempDir } from '../helpers'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const a = path.join(F, 'machine-a.json')
const version = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version
const cache = { XDG_CACHE_HOME: tempDir('zcprof-exit-cache-') }
/** fleet hosts files: a good one, and one whose second line names no host */
const fleetDir = tempDir('zcprof-exit-fleet-')
const goodHosts = path.join(fleetDir, 'hosts')
const badHosts = path.join(fleetDir, 'bad-hosts')
writeFileSync(goodHosts, 'a 127.0.0.1:1\nb 127.0.0.1:2\n')
writeFileSync(badHosts, 'a 127.0.0.1:1\nb\n')
const fleetLibrary = path.join(fleetDir, 'lib')

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
    ['a file that does not exist', 2, ['run', '--file', '/nonexistent/zcprof', '-m', 'copy'], /does not exist/],
    [
      'fleet: a hosts file line with no host',
      2,
      ['fleet', 'run', '--hosts', badHosts, '--token', 'x'.repeat(20)],
      /bad-hosts:2: 'b' names no host/
    ],
    ['fleet: no token', 2, ['fleet', 'run', '--hosts', goodHosts, '--library', fleetLibrary], /no token/],
    [
      'fleet: every agent unreachable, each pair its own failure',
      1,
      ['fleet', 'run', '--hosts', goodHosts, '--library', fleetLibrary, '--token', 'x'.repeat(20)],
      /\[1\/2\] a → b {2}failed .*ECONNREFUSED[\s\S]*\[2\/2\] b → a {2}failed/
    ]
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
