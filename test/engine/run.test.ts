// The engine end to end: a plan runs against a real local agent and real sockets.

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { parseReport } from '../../src/main/reports/report-loader'
import { planTrials, runPlan, validatePlan } from '../../src/main/engine/run'
import type { RunEvent } from '../../src/shared/events'
import { SCHEMA_VERSION, type Plan } from '../../src/shared/report'
import { ZcprofError } from '../../src/shared/errors'
import { METHODS } from '../../src/shared/methods'
import { randomFile, tempDir, testPlan } from '../helpers'

const SIZE = 6 * 1024 * 1024 + 4321
const file = randomFile(SIZE)
const plan = (p: Partial<Plan>): Plan => testPlan(file, p)

async function runErr(p: Plan): Promise<ZcprofError> {
  try {
    await runPlan({ plan: p })
  } catch (e) {
    return e as ZcprofError
  }
  throw new Error('expected the run to fail')
}

describe('runPlan', () => {
  it('runs every method on loopback TCP: exact bytes, checksums, figures with sources', async () => {
    const events: RunEvent[] = []
    const report = await runPlan({ plan: plan({ methods: [...METHODS] }), onEvent: (e) => events.push(e) })
    expect(report.schemaVersion).toBe(SCHEMA_VERSION)
    // what the engine writes is what the loader accepts: every method's figures fit the schema
    expect(parseReport(JSON.stringify(report), 'run').report).toEqual(JSON.parse(JSON.stringify(report)))
    expect(report.end.incomplete).toBe(false)
    // the real transport takes the machine reference at both ends (test/host checks its figures)
    expect(report.start.reference?.memoryCopyGBps.repeats.length).toBeGreaterThan(0)
    expect(report.end.reference?.memoryCopyGBps.repeats.length).toBeGreaterThan(0)
    expect(report.trials.map((t) => t.method)).toEqual([...METHODS])
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      const s = t.summary!
      expect(s.bytes).toBe(SIZE)
      expect(s.integrity).toMatchObject({ checked: true, ok: true })
      expect(s.throughputBitsPerSec).toBeGreaterThan(0)
      expect(s.sender.cyclesPerBit).toBeGreaterThan(0)
      expect(s.receiver!.cyclesPerBit).toBeGreaterThan(0)
      expect(s.system!.cyclesPerBit).toBeGreaterThanOrEqual(0)
      expect(['pmu', 'cpu-time-estimate']).toContain(s.sender.cyclesSource)
      expect(s.sender.sources.taskClock).toMatch(/perf-software|rusage|procfs/)
      expect(s.tcpInfo === null || s.tcpInfo.sndMssBytes > 0).toBe(true)
    }
    const byMethod = Object.fromEntries(report.trials.map((t) => [t.method, t.summary!]))
    expect(byMethod['node-stream'].sender.scope).toBe('process')
    expect(byMethod['node-stream'].sender.syscalls).toBeNull()
    expect(byMethod.copy.sender.scope).toBe('thread')
    expect(byMethod.copy.sender.syscallsPerGiB).toBeGreaterThan(0)
    expect(byMethod['msg-zerocopy'].zeroCopy!.fallbackShare).toBe(1)
    expect(byMethod['msg-zerocopy'].notes).toContainEqual(
      expect.objectContaining({
        code: 'ZC_COPIED',
        scope: 'trial',
        message: expect.stringMatching(/always copies on loopback/)
      })
    )
    // the run told its front ends what happened, in order
    expect(events[0].type).toBe('run-start')
    expect(events.at(-1)!.type).toBe('run-end')
    expect(events.filter((e) => e.type === 'trial-end')).toHaveLength(METHODS.length)
    expect(report.end.aggregates.find((a) => a.method === 'copy')!.speedupVsCopy).toBe(1)
    expect(report.start.environment.sender.cpuCores).toBeGreaterThan(0)
    expect(report.start.environment.receivers).toEqual([
      { target: 'tcp://127.0.0.1', environment: expect.objectContaining({ cpuCores: expect.any(Number) }) }
    ])
    if (!report.start.environment.sender.pmu.available) {
      expect(report.end.warnings.map((w) => w.code)).toContain('CYCLES_ESTIMATED')
    }
  })

  it('samples while the data moves', async () => {
    const big = randomFile(192 * 1024 * 1024, tempDir())
    const report = await runPlan({
      plan: plan({ file: big, methods: ['copy'], chunkBytes: [4096], sampleIntervalMs: 10, checksum: false })
    })
    const samples = report.trials[0].samples
    expect(samples.length).toBeGreaterThan(1)
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i].tMs).toBeGreaterThan(samples[i - 1].tMs)
      expect(samples[i].sender.bytes).toBeGreaterThanOrEqual(samples[i - 1].sender.bytes)
    }
    expect(samples.some((s) => s.sender.bytesPerSec > 0 && s.receiver !== null)).toBe(true)
  })

  it.each([
    ['tcp://[::1]', 'read'],
    ['unix://', 'splice']
  ] as const)('works on %s with a %s receiver', async (target, receiverMode) => {
    const report = await runPlan({
      plan: plan({
        targets: [target],
        receiverModes: [receiverMode],
        methods: ['copy', 'sendfile', 'splice', 'msg-zerocopy', 'node-stream']
      })
    })
    const ran = report.trials.map((t) => t.method)
    for (const t of report.trials) expect(t.summary!.integrity.ok, t.method).toBe(true)
    if (target.startsWith('unix')) {
      // MSG_ZEROCOPY needs TCP: skipped with a warning, the rest still run
      expect(ran).not.toContain('msg-zerocopy')
      expect(report.end.warnings.some((w) => w.code === 'UNSUPPORTED' && w.method === 'msg-zerocopy')).toBe(true)
    } else expect(ran).toContain('msg-zerocopy')
    expect(ran).toContain('sendfile')
  })

  it('records the chunk a splice really moved: a pipe past pipe-max-size is refused, and the largest allowed used', async () => {
    const pipeMax = Number(readFileSync('/proc/sys/fs/pipe-max-size', 'utf8'))
    const chunk = pipeMax * 4
    const report = await runPlan({ plan: plan({ methods: ['copy', 'splice'], chunkBytes: [chunk], checksum: false }) })
    const [copy, splice] = report.trials.map((t) => t.summary!)
    expect(copy.effectiveChunkBytes).toBe(chunk)
    // pipe-max-size binds without CAP_SYS_RESOURCE; with it the whole chunk fits
    expect([pipeMax, chunk]).toContain(splice.effectiveChunkBytes)
    expect(splice.notes.some((n) => n.code === 'CHUNK_CAPPED')).toBe(splice.effectiveChunkBytes! < chunk)
  })

  it('runs a cold page cache', async () => {
    const report = await runPlan({ plan: plan({ methods: ['sendfile'], cache: 'cold' }) })
    expect(report.trials[0].cache).toBe('cold')
    expect(report.trials[0].summary!.integrity.ok).toBe(true)
  })

  it('interleaves methods across repetitions, warm-ups first', () => {
    const p = plan({ methods: ['copy', 'sendfile', 'splice'], repeat: 2, warmup: 1 })
    const specs = planTrials(p, validatePlan(p), [SIZE])
    expect(specs.map((s) => `${s.warmup ? 'w' : ''}${s.method}`)).toEqual([
      'wcopy',
      'wsendfile',
      'wsplice',
      'copy',
      'sendfile',
      'splice',
      'copy',
      'sendfile',
      'splice'
    ])
  })

  it('cancel keeps the trials that finished and marks the run incomplete', async () => {
    const big = randomFile(256 * 1024 * 1024, tempDir())
    const abort = new AbortController()
    let ends = 0
    const report = await runPlan({
      plan: plan({ file: big, methods: ['copy', 'sendfile'], repeat: 3, chunkBytes: [4096], checksum: false }),
      signal: abort.signal,
      onEvent: (e) => {
        if (e.type === 'trial-end' && ++ends === 1) setTimeout(() => abort.abort(), 20)
      }
    })
    expect(report.end.incomplete).toBe(true)
    expect(report.trials.length).toBeGreaterThanOrEqual(1)
    expect(report.trials.length).toBeLessThan(6)
    expect(report.trials[0].summary!.bytes).toBe(256 * 1024 * 1024)
  })
})

describe('contamination', () => {
  it('flags trials during which another process took CPU, and says how much', async () => {
    const big = randomFile(128 * 1024 * 1024, tempDir())
    // two busy loops: on a 2-core machine, the run cannot keep them off its cores
    const hogs = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }))
    try {
      await new Promise((r) => setTimeout(r, 200))
      const report = await runPlan({
        plan: plan({ file: big, methods: ['copy', 'sendfile'], repeat: 2, checksum: false, chunkBytes: [16384] })
      })
      const flagged = report.trials.filter((t) => t.summary!.contaminated)
      expect(flagged.length).toBeGreaterThan(0)
      for (const t of flagged) {
        expect(t.summary!.system!.otherCpuCores).toBeGreaterThan(0.5)
        expect(t.summary!.notes.find((n) => n.code === 'CONTAMINATED')?.message).toMatch(
          /other processes used \d\.\d\d cores/
        )
      }
      expect(report.end.warnings.map((w) => w.code)).toContain('CONTAMINATED')
    } finally {
      for (const h of hogs) h.kill('SIGKILL')
    }
  })
})

describe('bad input', () => {
  it('a missing file names the file and the fix', async () => {
    const e = await runErr(plan({ file: '/nonexistent/data.bin' }))
    expect(e.code).toBe('ENOENT')
    expect(e.message).toMatch(/file '\/nonexistent\/data.bin' does not exist/)
    expect(e.hint).toMatch(/--file/)
  })
  it('a directory is not a file', async () => {
    expect((await runErr(plan({ file: tempDir() }))).code).toBe('ZC_NOT_A_FILE')
  })
  it('an unknown method lists the methods', async () => {
    const e = await runErr(plan({ methods: ['teleport' as never] }))
    expect(e.message).toMatch(/unknown method 'teleport'/)
    expect(e.hint).toMatch(/sendfile/)
  })
  it('a target on another host is refused before anything is sent', async () => {
    const e = await runErr(plan({ targets: ['tcp://192.0.2.1:9'] }))
    expect(e.message).toMatch(/not on this host/)
  })
  it.each(['discard', 'mapped'] as const)('%s with a unix target is refused with the alternatives', async (mode) => {
    const e = await runErr(plan({ targets: ['unix://'], receiverModes: [mode] }))
    expect(e.message).toMatch(new RegExp(`receiver mode ${mode} cannot be used`))
    expect(e.hint).toMatch(/read or splice/)
  })
  it('a port in use ends the run incomplete, with the port named', async () => {
    const holder = net.createServer()
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
    const port = (holder.address() as net.AddressInfo).port
    try {
      const report = await runPlan({ plan: plan({ targets: [`tcp://127.0.0.1:${port}`], methods: ['copy'] }) })
      expect(report.end.incomplete).toBe(true)
      const w = report.end.warnings.find((x) => x.code === 'EADDRINUSE')
      expect(w?.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}.*port is in use`))
    } finally {
      holder.close()
    }
  })
  it('a unix socket in a missing folder says which path failed', async () => {
    const report = await runPlan({ plan: plan({ targets: ['unix:///nonexistent-dir/zc.sock'], methods: ['copy'] }) })
    expect(report.end.incomplete).toBe(true)
    expect(report.end.warnings.some((w) => w.code === 'ENOENT')).toBe(true)
  })
})

describe('sampling', () => {
  it('can be turned off (0), and a too-short interval is refused', async () => {
    const report = await runPlan({ plan: plan({ methods: ['sendfile'], sampleIntervalMs: 0 }) })
    expect(report.trials[0].samples).toEqual([])
    expect(report.trials[0].summary!.bytes).toBe(SIZE)
    await expect(runPlan({ plan: plan({ sampleIntervalMs: 5 }) })).rejects.toThrow(/too short/)
  })
})

describe('events', () => {
  it('a trial emits no sample after its trial-end', async () => {
    const big = randomFile(64 * 1024 * 1024, tempDir())
    const ended = new Set<number>()
    const late: number[] = []
    await runPlan({
      plan: plan({
        file: big,
        methods: ['copy', 'sendfile'],
        repeat: 8,
        chunkBytes: [4096],
        sampleIntervalMs: 10,
        checksum: false
      }),
      onEvent: (e) => {
        if (e.type === 'trial-end') ended.add(e.trial.index)
        if (e.type === 'sample' && ended.has(e.trial)) late.push(e.trial)
      }
    })
    expect(ended.size).toBe(16)
    expect(late).toEqual([])
  })
})

describe('run warnings', () => {
  it('carry what a trial noticed, once per method, naming the trials', async () => {
    const report = await runPlan({ plan: plan({ methods: ['copy', 'msg-zerocopy'], repeat: 2 }) })
    const zc = report.end.warnings.filter((w) => w.code === 'ZC_COPIED')
    expect(zc).toEqual([
      expect.objectContaining({
        method: 'msg-zerocopy',
        scope: 'trial',
        message: expect.stringMatching(/^msg-zerocopy: the kernel copied 100% of zero-copy sends/),
        hint: expect.stringMatching(/cannot save anything here/),
        trials: report.trials.filter((t) => t.method === 'msg-zerocopy').map((t) => t.index)
      })
    ])
    // two repetitions, each code once per method
    const keys = report.end.warnings.map((w) => `${w.code}|${w.method}`)
    expect(new Set(keys).size).toBe(keys.length)
  })
})
