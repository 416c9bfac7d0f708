// `zcprof run`'s short options follow iperf3's where the concept is the same (-t seconds,
// -P streams, -l bytes per write, -i seconds, -J the JSON report); the old short forms
// are refused with the new name, never run in a sense the person did not mean.

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { randomFile, runZcprof, tempDir } from '../helpers'

const cacheHome = tempDir('zcprof-cache-')
const zcprof = (args: string[]) => runZcprof(args, { XDG_CACHE_HOME: cacheHome })

describe("zcprof run's iperf3 short options", () => {
  it('-t 0.3 -l 64KiB -i 0.1 -P 2 -J FILE: a real run whose plan holds each, in the units iperf3 means', () => {
    const dir = tempDir()
    const file = randomFile(3 * 1024 * 1024 + 17)
    const r = zcprof(
      ['run', '--methods', 'copy', '-f', file, '-t', '0.3', '-l', '64KiB', '-i', '0.1', '-P', '2'].concat([
        '-r',
        '1',
        '--no-progress',
        '-J',
        `${dir}/r.json`
      ])
    )
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as Report
    // 0.3 s, 64 KiB, 0.1 s and 2 streams, as iperf3 -t 0.3 -l 64K -i 0.1 -P 2 reads them
    expect(report.start.plan).toMatchObject({
      durationMs: 300,
      chunkBytes: [65536],
      sampleIntervalMs: 100,
      streams: 2
    })
    expect(r.stdout).toContain(`report: ${dir}/r.json`)
  })

  it('--interval takes a unit: 20ms is 20 ms, and -t takes one too', () => {
    const dir = tempDir()
    const file = randomFile(1024 * 1024 + 5)
    const r = zcprof(
      ['run', '--methods', 'copy', '-f', file, '-t', '250ms', '--interval', '20ms', '-r', '1'].concat([
        '--no-progress',
        '--json',
        `${dir}/r.json`
      ])
    )
    expect(r.code, r.stderr).toBe(0)
    const plan = (JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as Report).start.plan
    expect(plan).toMatchObject({ durationMs: 250, sampleIntervalMs: 20 })
  })

  it.each([
    // [what was typed, what stderr must say]
    [['-t', 'tcp://127.0.0.1'], /-t is now a trial's seconds .*\n {2}hint: .*--target tcp:\/\/127\.0\.0\.1/],
    [['-c', '1MiB'], /bytes per write is now -l.*\n {2}hint: e\.g\. -l 1MiB/],
    // an address is a host, though it starts with a digit (nothing is sent: the flag is refused first)
    [
      ['-c', '192.0.2.7'],
      /iperf3's -c \(the server\) is --target here\n {2}hint: e\.g\. --target agent:\/\/192\.0\.2\.7:7733/
    ],
    [['-c', '::1'], /iperf3's -c \(the server\) is --target here\n {2}hint: e\.g\. --target agent:\/\/\[::1\]:7733/],
    [['-c', 'lab2'], /iperf3's -c \(the server\) is --target here\n {2}hint: e\.g\. --target agent:\/\/lab2:7733/],
    [['-d', '2s'], /a trial's length is now -t.*\n {2}hint: e\.g\. -t 2s/],
    [['-j', 'out.json'], /the JSON report is now -J.*\n {2}hint: e\.g\. -J out\.json/],
    // 50 in -i's old sense (ms) is 50 seconds now: longer than the 1 s default trial
    [['-i', '50'], /--interval '50' is 50\.0 s: no sample in a 1\.0 s trial\n {2}hint: .*-i 50ms/]
  ] as [string[], RegExp][])('the old sense of %j exits 2 naming the new option', (args, said) => {
    const r = zcprof(['run', '--methods', 'copy', ...args])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(said)
    // each line of the error fits a terminal
    for (const line of r.stderr.split('\n')) expect([...line].length).toBeLessThanOrEqual(80)
  })

  it('run --help says which short options follow iperf3, and --target has no -t', () => {
    const r = zcprof(['run', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/Short options as in iperf3: -t seconds a timed trial lasts, -P parallel streams,/)
    expect(r.stdout).toMatch(/-l bytes per write, -i sampling interval in seconds, -J the JSON report\./)
    expect(r.stdout).toMatch(/^ {2}-t, --duration <time>/m)
    expect(r.stdout).toMatch(/^ {2}-l, --chunk <sizes>/m)
    expect(r.stdout).toMatch(/^ {2}-J, --json <file>/m)
    expect(r.stdout).toMatch(/^ {2}--target <url\.\.\.>/m)
    // the refused old forms are not offered
    expect(r.stdout).not.toMatch(/^ {2}-[cdj][ ,]/m)
  })
})
