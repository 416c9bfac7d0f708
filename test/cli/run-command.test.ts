// `zcprof run` as a user runs it: the real binary, real sockets, real files.

import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import type { RunEvent } from '../../src/shared/events'
import { randomFile, runZcprof, tempDir, ZCPROF_BIN } from '../helpers'

const cacheHome = tempDir('zcprof-cache-')

const zcprof = (args: string[]) => runZcprof(args, { XDG_CACHE_HOME: cacheHome })

describe('zcprof run', () => {
  it('by default runs every method on loopback in timed trials over a generated file', () => {
    const dir = tempDir()
    const r = zcprof(['run', '--repeat', '1', '--json', `${dir}/r.json`])
    expect(r.code, r.stderr).toBe(0)
    const every = [
      'copy',
      'mmap',
      'sendfile',
      'splice',
      'msg-zerocopy',
      'uring-send',
      'uring-splice',
      'uring-send-zc',
      'node-stream'
    ]
    for (const m of every) expect(r.stdout).toContain(m)
    const report = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as Report
    expect(report.start.plan).toMatchObject({
      fileBytes: [256 * 1024 * 1024],
      durationMs: 1000,
      warmup: 0,
      streams: 1,
      // --repeat alone: exactly that many rounds, no precision; the threads pinned by zcprof
      precision: null,
      order: 'shuffled',
      autoPin: true
    })
    // one round: each method once, in the order it drew; the table in the plan's order
    expect(report.trials.map((t) => t.method).sort()).toEqual([...every].sort())
    expect(report.end.aggregates.map((a) => a.method)).toEqual(every)
    for (const t of report.trials) {
      // 1 s each, the first 10% (100 ms) measured but left out
      expect(t.durationMs).toBe(1000)
      expect(t.omitMs).toBe(100)
      expect(t.summary!.steady!.rampMs).toBeGreaterThanOrEqual(75)
      expect(t.summary!.steady!.rampBytes).toBeGreaterThan(0)
      expect(t.summary!.bytes).toBeGreaterThan(0)
      // 0.9 s measured at 50 ms: enough samples that no trial is flagged short for want of them
      expect(t.samples.length).toBeGreaterThanOrEqual(10)
    }
    // one round is no finding: every method says what is missing, none prints an interval
    expect(r.stdout).not.toMatch(/\[[+−]\d/)
    expect(r.stdout).toMatch(/\nsendfile +n = 1: too few to tell /)
    expect(r.stdout).toMatch(/system CPU\/bit vs copy \[95% CI\]/)
    expect(r.stdout).toMatch(/cores @ 100G/)
  })

  it('ends with the table and writes per-trial figures to the JSON report', () => {
    const dir = tempDir()
    const r = zcprof([
      'run',
      '--methods',
      'copy,sendfile',
      '--size',
      '8MiB',
      '--repeat',
      '2',
      '--warmup',
      '1',
      '--verify',
      '--json',
      `${dir}/r.json`
    ])
    expect(r.code, r.stderr).toBe(0)
    // the default table: the headline against copy first, then the system's cost and median ±σ,
    // the verdict last. Two rounds are too few to tell: the cell says so and what would settle it
    expect(r.stdout).toMatch(/method +system CPU\/bit vs copy \[95% CI\] +system cyc\/bit\*? +Gbit\/s ±σ/)
    expect(r.stdout).toMatch(/\nsendfile +n = 2: too few to tell +[\d.]+ +\d+\.\d\d ±\d+\.\d\d/)
    expect(r.stdout).toMatch(/about \d+ more repetitions? would resolve ±5%/)
    expect(r.stdout).toMatch(/^Too little data to tell for sendfile \(n = 2\): about \d+ more/m)
    expect(r.stdout).toMatch(/report: .*r\.json/)
    const report = JSON.parse(readFileSync(`${dir}/r.json`, 'utf8')) as Report
    const measured = report.trials.filter((t) => !t.warmup)
    expect(measured).toHaveLength(4)
    expect(report.trials.filter((t) => t.warmup)).toHaveLength(2)
    for (const t of measured) {
      expect(t.summary!.sender.cyclesPerBit).toBeGreaterThan(0)
      expect(t.summary!.sender.syscallsPerGiB).toBeGreaterThan(0)
      expect(t.summary!.integrity.ok).toBe(true)
    }
    expect(report.end.aggregates.map((a) => a.method)).toEqual(['copy', 'sendfile'])
    expect(readFileSync(`${dir}/r.json`, 'utf8').endsWith('\n')).toBe(true)
  })

  it('--plan runs a plan file, the flags given on the command line over it; a report runs its plan again', () => {
    const dir = tempDir()
    const plan = path.join(dir, 'plan.json')
    writeFileSync(
      plan,
      JSON.stringify({
        methods: ['copy', 'sendfile'],
        fileBytes: [4 * 1024 * 1024],
        durationMs: null,
        repeat: 2,
        precision: null,
        warmup: 0,
        seed: 11
      })
    )
    const out = path.join(dir, 'r.json')
    const r = zcprof(['run', '--plan', plan, '--methods', 'copy', '--json', out])
    expect(r.code, r.stderr).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    expect(report.start.plan).toMatchObject({
      methods: ['copy'],
      repeat: 2,
      durationMs: null,
      precision: null,
      seed: 11
    })
    expect(report.trials.filter((t) => !t.warmup)).toHaveLength(2)
    // the report as a plan: the same plan, seed and all
    const again = path.join(dir, 'again.json')
    expect(zcprof(['run', '--plan', out, '--json', again]).code).toBe(0)
    expect(JSON.parse(readFileSync(again, 'utf8')).start.plan).toMatchObject({ methods: ['copy'], repeat: 2, seed: 11 })
    const missing = zcprof(['run', '--plan', path.join(dir, 'nope.json')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/--plan .*nope\.json: no such file\n.*hint: give a JSON file of plan fields/)
    writeFileSync(plan, '{"streams": "four"}')
    expect(zcprof(['run', '--plan', plan]).stderr).toMatch(
      /plan\.json: 'streams' must be a whole number from 0, not "four"/
    )
  })

  it('--json - streams NDJSON events and keeps the table off stdout', () => {
    const r = zcprof([
      'run',
      '--methods',
      'sendfile',
      '--size',
      '4MiB',
      '--repeat',
      '1',
      '--warmup',
      '0',
      '--json',
      '-'
    ])
    expect(r.code, r.stderr).toBe(0)
    const events = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RunEvent)
    // generating the test file may report progress first; then the run starts
    expect(events.find((e) => e.type !== 'file-progress')!.type).toBe('run-start')
    expect(events.some((e) => e.type === 'trial-end')).toBe(true)
    expect(events.at(-1)!.type).toBe('run-end')
    expect(r.stderr).toMatch(/sendfile/)
  })

  it.each([
    ['Ctrl-C (SIGINT to the process group, as a terminal sends it)', 'SIGINT', true],
    ['SIGTERM to zcprof alone (kill PID)', 'SIGTERM', false],
    ["SIGTERM to the process group (a service manager's stop, kill -- -PGID)", 'SIGTERM', true],
    ['SIGHUP to the process group (the terminal closed)', 'SIGHUP', true],
    ['SIGHUP to zcprof alone', 'SIGHUP', false]
  ] as const)('%s keeps what was measured and exits non-zero', async (_what, signal, group) => {
    const dir = tempDir()
    const file = randomFile(256 * 1024 * 1024, dir)
    const args = [
      'run',
      '--file',
      file,
      '--methods',
      'copy',
      '--chunk',
      '4KiB',
      '--repeat',
      '50',
      '--warmup',
      '0',
      '--once'
    ]
    // detached: its own process group, so Ctrl-C reaches the agent child too, as in a terminal
    const child = spawn(process.execPath, [ZCPROF_BIN, ...args, '--interval', '20ms', '--json', '-'], { detached: true })
    let out = ''
    let text = ''
    let ended = 0
    let signalled = false
    child.stderr.on('data', (d) => (text += d))
    child.stdout.on('data', (d: Buffer) => {
      out += d
      // interrupt mid-trial: one trial done, the next one moving
      for (const line of d.toString().split('\n')) {
        if (line.startsWith('{"type":"trial-end"')) ended++
        if (!signalled && ended >= 1 && line.startsWith('{"type":"sample"')) {
          signalled = true
          process.kill(group ? -child.pid! : child.pid!, signal)
        }
      }
    })
    const code = await new Promise((r) => child.on('exit', r))
    expect(signalled).toBe(true)
    expect(code).toBe(1)
    expect(text).toMatch(/INCOMPLETE/)
    const endLine = out.trim().split('\n').at(-1)!
    const report = (JSON.parse(endLine) as Extract<RunEvent, { type: 'run-end' }>).report
    expect(report.end.incomplete).toBe(true)
    expect(report.trials.length).toBeGreaterThanOrEqual(2)
    expect(report.trials[0].error).toBeNull()
    // the agent outlived the signal: the interrupted trial is cancelled and still has
    // its receiver's side, which a dead agent could not have sent
    const last = report.trials.at(-1)!
    expect(last.error?.code).toBe('ZC_CANCELLED')
    // and the table says so: cancelled, not failed
    expect(text).toMatch(/\bcancelled\b/)
    expect(text).not.toMatch(/failed/)
    expect(last.summary?.receiver?.cpuNs).toBeGreaterThan(0)
    // and its partial figures stay out of the statistics
    expect(report.end.aggregates[0].failed).toBe(1)
  })
})

describe('zcprof run: clear errors', () => {
  it.each([
    [['--methods', 'copy,warp'], /unknown method 'warp'.*\n.*hint: methods are: copy, mmap/],
    [['--size', '12XB'], /--size '12XB' is not a size.*256MiB/],
    [['--chunk', 'lots'], /--chunk 'lots' is not a size/],
    [['--file', '/nonexistent/file.bin'], /file '\/nonexistent\/file.bin' does not exist\n.*hint:/],
    [['--target', 'tcp://example.com'], /not a numeric IPv4 address/],
    [['--target', 'tcp://203.0.113.9:5201'], /is not on this host/],
    [['--repeat', 'many'], /repeat 'many' is not a whole number/],
    [['--receiver', 'sponge'], /unknown receiver mode 'sponge'\n.*hint: receiver modes are: read, splice, discard/],
    [['--receiver', 'read,sponge'], /unknown receiver mode 'sponge'/]
  ])('%j', (args, message) => {
    const r = zcprof(['run', ...(args as string[])])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(message as RegExp)
    expect(r.stderr).not.toMatch(/internal error|    at /)
  })

  // the plan's rules (shared/plan-rules.ts): each mistake names the flag and exits 2
  it.each([
    [['--streams', '65'], /--streams '65' is not a whole number from 1 to 64/],
    [['--streams', '0'], /--streams '0' is not a whole number from 1 to 64/],
    [['--cpus', '4000'], /--cpus must list CPU numbers from 0 to 1023/],
    [
      ['--cpus', '1000'],
      /--cpus names CPU 1000, which this host does not let zcprof run on[\s\S]*hint: this host allows CPUs/
    ],
    [['--receiver-cpus', '999'], /--receiver-cpus names CPU 999/],
    [['--cpus', '3-1'], /--cpus '3-1' has the range 3-1, which runs backwards/],
    [['--cpus', 'two'], /--cpus 'two' has 'two', which is not a CPU number/],
    [['--duration', 'forever'], /--duration 'forever' is not a duration/],
    [
      ['--precision', 'tight'],
      /--precision 'tight' is not a share from 0.1% to 100%[\s\S]*hint: e\.g\. --precision 5%/
    ],
    [['--precision', '0'], /--precision '0' is not a share from 0.1% to 100%/],
    [
      ['--precision', '5%', '--repeat', '2'],
      /with a precision, --repeat is the fewest rounds and must be at least 3, not 2/
    ],
    [['--max-time', 'soon'], /--max-time 'soon' is not a duration/],
    [['--max-time', '10ms'], /the time budget must be from 1\.0 s to 24h00m, not 10 ms/],
    [['--seed', 'x'], /--seed 'x' is not a whole number from 0 to 4294967295/],
    [['--duration', '50ms'], /a trial's duration must be from 100 ms/],
    [['--duration', '2s', '--omit', '1.5s'], /the ramp left out \(1500 ms\) must be at most half the trial/],
    [['--duration', '2s', '--bytes', '1GiB'], /--duration and --bytes each bound a trial: give one/],
    [['--once', '--omit', '1s'], /--omit leaves out a timed trial's ramp/],
    [['--line-rate', 'fast'], /--line-rate 'fast' is not a rate/]
  ])('%j exits 2 and names the input', (args, message) => {
    const r = zcprof(['run', ...(args as string[])])
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr).toMatch(message as RegExp)
    expect(r.stderr).not.toMatch(/internal error|    at /)
  })

  it('a port in use names the port and exits 2 (bad input) with the run marked incomplete', async () => {
    const holder = net.createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    const port = (holder.address() as net.AddressInfo).port
    const r = zcprof(['run', '--methods', 'copy', '--size', '1MiB', '--target', `tcp://127.0.0.1:${port}`])
    holder.close()
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: the port is in use`))
    expect(r.stdout).toMatch(/INCOMPLETE/)
  })

  it('a method the kernel or socket lacks is skipped with a warning, not a crash', () => {
    const r = zcprof([
      'run',
      '--methods',
      'copy,msg-zerocopy',
      '--size',
      '1MiB',
      '--target',
      'unix://',
      '--repeat',
      '1',
      '--warmup',
      '0'
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/msg-zerocopy needs TCP; skipped on unix:\/\//)
  })
})

describe('zcprof agent', () => {
  it('refuses a weak token before it listens anywhere', () => {
    const r = zcprof(['agent', '--listen', '0.0.0.0:7733', '--token', ' '])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--token/)
  })
  it('names a port in use', async () => {
    const holder = net.createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    const port = (holder.address() as net.AddressInfo).port
    const r = zcprof(['agent', '--listen', `127.0.0.1:${port}`])
    holder.close()
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1:${port} is in use`))
  })
})
