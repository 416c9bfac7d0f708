// Every way a report can come in: current, older (migrated), newer, foreign, iperf3,
// and each kind of bad input. Each refusal must name the file and the fix, fast.

import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeReport } from '../../src/main/storage/atomic-file'
import { acceptEnvironment } from '../../src/main/model/schema-validator'
import { loadReportFile, parseReport, readInputFile } from '../../src/main/reports/report-loader'
import { MAX_REPORT_BYTES, SCHEMA_VERSION } from '../../src/shared/report'
import { refusal, tempDir } from '../helpers'

const FIXTURES = path.join(__dirname, '../fixtures/reports')
const fixture = (name: string) => path.join(FIXTURES, name)
const v1Text = readFileSync(fixture('v1-loopback.json'), 'utf8')

describe('current and older reports', () => {
  it('a schema 1 report (written by zcprof 0.1.0) migrates: same measurements, new fields at their defaults', () => {
    const { report, fromVersion } = loadReportFile(fixture('v1-loopback.json'))
    const original = JSON.parse(v1Text)
    expect(original.schemaVersion).toBe(1)
    expect(fromVersion).toBe(1)
    expect(report.schemaVersion).toBe(SCHEMA_VERSION)
    expect(report.meta).toEqual({ title: null, tags: [] })
    expect(report.foreign).toBeNull()
    expect(report.start.environment.sender.nics).toBeNull()
    // schema 3's fields at their defaults: one-pass trials of one stream, notes as data
    const noteCode = (text: string) =>
      /fell back/.test(text) ? 'ZC_COPIED' : /other processes/.test(text) ? 'CONTAMINATED' : expect.any(String)
    expect(report.trials).toEqual(
      original.trials.map((t: Record<string, any>) => {
        const { warnings, ...summary } = t.summary ?? {}
        return {
          ...t,
          durationMs: null,
          omitMs: null,
          trialBytes: null,
          streams: 1,
          summary: t.summary && {
            ...summary,
            steady: null,
            streams: [],
            fairness: null,
            placement: null,
            notes: (warnings as string[]).map((message) =>
              expect.objectContaining({ code: noteCode(message), message, scope: 'trial', trials: [t.index] })
            )
          }
        }
      })
    )
    // the same measurements: the aggregates, made again from the trials, give the same statistics
    // (the interval to within the old t table's 4 digits: 12.706 then, t(0.975, 1) = 12.7062 now)
    for (const a of original.end.aggregates) {
      const b = report.end.aggregates.find((x) => x.method === a.method)!
      for (const k of ['throughputBitsPerSec', 'senderCyclesPerBit', 'receiverCyclesPerBit', 'systemCyclesPerBit']) {
        const [now, then] = [
          b[k as keyof typeof b] as unknown as Record<string, number>,
          a[k] as Record<string, number>
        ]
        expect({ ...now, ci95Low: 0, ci95High: 0 }, `${a.method} ${k}`).toEqual({ ...then, ci95Low: 0, ci95High: 0 })
        for (const end of ['ci95Low', 'ci95High']) {
          const half = Math.abs(then[end] - then.mean)
          if (half === 0) expect(now[end]).toBe(then[end])
          else expect(Math.abs(now[end] - then[end]) / half, `${a.method} ${k} ${end}`).toBeLessThan(1e-4)
        }
      }
      expect(b.speedupVsCopy).toBe(a.speedupVsCopy)
    }
    expect(report.end.warnings.length).toBe(original.end.warnings.length)
  })

  it('a schema 2 report migrates: notes get their codes, aggregates their costs against copy', () => {
    const doc = JSON.parse(readFileSync(fixture('real-loopback-v2.json'), 'utf8'))
    expect(doc.schemaVersion).toBe(2)
    const planted = doc.trials.find((t: { method: string; warmup: boolean }) => t.method === 'sendfile' && !t.warmup)
    planted.summary.warnings = ['other processes used 0.80 cores during this trial', 'something schema 2 said']
    doc.end.warnings.push({
      code: 'TRIAL_NOTE',
      method: 'sendfile',
      message: 'sendfile: the receiver window limited the sender'
    })
    const { report, fromVersion } = parseReport(JSON.stringify(doc), 'v2.json')
    expect(fromVersion).toBe(2)
    const t = report.trials[planted.index]
    expect(t.summary!.notes.map((n) => [n.code, n.scope, n.trials])).toEqual([
      ['CONTAMINATED', 'trial', [t.index]],
      ['NOTE', 'trial', [t.index]]
    ])
    expect(report.end.warnings.at(-1)).toMatchObject({ code: 'RECEIVER_WINDOW_LIMITED', scope: 'method', hint: null })
    // one-pass trials of one stream, as schema 2 ran them
    expect(report.trials.every((x) => x.durationMs === null && x.streams === 1)).toBe(true)
    expect(report.start.plan).toMatchObject({ durationMs: null, streams: 1, senderCpus: null })
    // the aggregates are made again from the trials: the new figures are there, the rows marked
    const sendfile = report.end.aggregates.find((a) => a.method === 'sendfile')!
    expect(sendfile.vsCopy!.systemCyclesPerBit!.ratio).toBeGreaterThan(0)
    expect(sendfile.allHostsCyclesPerBit).toEqual(sendfile.systemCyclesPerBit)
    expect(sendfile.notes).toContainEqual({ code: 'CONTAMINATED', trials: 1 })
  })

  it('round trip: save → load gives back the same report', () => {
    const { report } = loadReportFile(fixture('v1-loopback.json'))
    report.meta = { title: 'loopback, laptop', tags: ['baseline', 'kernel-6.18'] }
    const file = path.join(tempDir(), 'r.json')
    writeReport(file, report)
    const again = loadReportFile(file)
    expect(again.fromVersion).toBe(SCHEMA_VERSION)
    expect(again.report).toEqual(report)
  })
})

describe('refusals', () => {
  it('a newer schema names its version, the writer and the versions this build reads', () => {
    const doc = { ...JSON.parse(v1Text), schemaVersion: 9, tool: { name: 'zcprof', version: '3.0.0' } }
    const e = refusal(() => parseReport(JSON.stringify(doc), 'new.json'))
    expect(e.code).toBe('ZC_REPORT_NEWER')
    expect(e.message).toMatch(/new\.json: .*schema 9 by zcprof 3\.0\.0.*reads schemas 1–3/)
    expect(e.hint).toMatch(/update zcprof/)
  })

  it('a JSON document of another tool is foreign', () => {
    expect(refusal(() => parseReport('{"name": "x", "version": 1}', 'x.json')).code).toBe('ZC_REPORT_FOREIGN')
    const other = { ...JSON.parse(v1Text), tool: { name: 'other', version: '1' } }
    expect(refusal(() => parseReport(JSON.stringify(other), 'o.json')).message).toMatch(/written by "other"/)
    expect(refusal(() => parseReport('[1, 2]', 'a.json')).code).toBe('ZC_REPORT_FOREIGN')
  })

  it('truncated: cut anywhere, it says truncated, not a parser message', () => {
    for (const cut of [1, 100, Math.floor(v1Text.length / 2), v1Text.length - 3]) {
      const e = refusal(() => parseReport(v1Text.slice(0, cut), 'cut.json'))
      expect(e.code, `cut at ${cut}`).toBe('ZC_REPORT_TRUNCATED')
      expect(e.message).toMatch(/cut\.json: .*truncated/)
    }
  })

  it('not JSON at all, or damaged JSON', () => {
    expect(refusal(() => parseReport('PK\u0003\u0004 zip bytes', 'r.zip')).message).toMatch(/r\.zip: it is not JSON/)
    expect(refusal(() => parseReport('{"a": 1,, "b": 2}', 'd.json')).code).toBe('ZC_REPORT_NOT_JSON')
    expect(refusal(() => parseReport('  \n', 'e.json')).code).toBe('ZC_REPORT_EMPTY')
  })

  it('the wrong shape names the paths that are wrong', () => {
    const doc = JSON.parse(v1Text)
    delete doc.trials[0].summary.bytes
    doc.trials[1].method = 'teleport'
    const e = refusal(() => parseReport(JSON.stringify(doc), 'bad.json'))
    expect(e.code).toBe('ZC_REPORT_SCHEMA')
    expect(e.message).toMatch(/\/trials\/0\/summary must have required property 'bytes'/)
    expect(e.message).toMatch(/\/trials\/1\/method must be equal to one of the allowed values/)
    expect(e.message).toMatch(/after migrating from 1/)
  })

  it('over 100 MB is refused from its size, without being read', () => {
    const file = path.join(tempDir(), 'huge.json')
    const fd = openSync(file, 'w')
    ftruncateSync(fd, MAX_REPORT_BYTES + 1) // sparse: takes no disk
    closeSync(fd)
    const t0 = performance.now()
    const e = refusal(() => loadReportFile(file))
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(e.code).toBe('ZC_REPORT_TOO_LARGE')
    expect(e.message).toMatch(/huge\.json: it is 104857601 bytes .*, over the 104857600 bytes/)
  })

  it('deeply nested input is refused before the parser recurses', () => {
    const deep = '['.repeat(5_000_000) + ']'.repeat(5_000_000)
    const e = refusal(() => parseReport(deep, 'deep.json'))
    expect(e.code).toBe('ZC_REPORT_TOO_DEEP')
    // nesting hidden inside a valid report, inside a string it does not count
    const doc = JSON.parse(v1Text)
    doc.trials[0].summary.warnings.push('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[')
    expect(() => parseReport(JSON.stringify(doc), 'ok.json')).not.toThrow()
    doc.trials[0].summary.tcpInfo = JSON.parse('{"a":' + '{"a":'.repeat(80) + '1' + '}'.repeat(81))
    expect(refusal(() => parseReport(JSON.stringify(doc), 'nested.json')).code).toBe('ZC_REPORT_TOO_DEEP')
  })

  it('prototype-pollution keys are refused, and nothing is polluted', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const text = v1Text.replace('"schemaVersion": 1,', `"schemaVersion": 1, "meta": {"${key}": {"polluted": true}},`)
      expect(text).not.toBe(v1Text)
      const e = refusal(() => parseReport(text, 'evil.json'))
      expect(e.code).toBe('ZC_REPORT_UNSAFE_KEY')
      expect(e.message).toContain(`"${key}"`)
    }
    // an escaped spelling is the same key to JSON.parse
    const escaped = v1Text.replace(
      '"schemaVersion": 1,',
      '"schemaVersion": 1, "meta": {"\\u005f_proto__": {"polluted": true}},'
    )
    expect(refusal(() => parseReport(escaped, 'escaped.json')).code).toBe('ZC_REPORT_UNSAFE_KEY')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a missing file or a folder names the path', () => {
    expect(refusal(() => loadReportFile('/nonexistent/r.json')).message).toMatch(/\/nonexistent\/r\.json: no such file/)
    expect(refusal(() => loadReportFile(tempDir())).code).toBe('ZC_REPORT_NOT_FILE')
  })
})

describe('what is not a regular file is refused before it is read', () => {
  /**
   * Each path through loadReportFile in a child process: an open that blocks (a FIFO with
   * no writer) would hang this worker past any test timeout, so the child has a deadline.
   */
  function loadInChild(files: string[]): { status: number | null; lines: string[]; ms: number } {
    const script = path.join(tempDir(), 'load.ts')
    writeFileSync(
      script,
      `import { loadReportFile } from ${JSON.stringify(path.resolve(__dirname, '../../src/main/reports/report-loader'))}
for (const f of process.argv.slice(2)) {
  try { loadReportFile(f); console.log('loaded ' + f) } catch (e) { console.log(e.code + ' ' + e.message.split('\\n')[0]) }
}
`
    )
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx')
    const t0 = performance.now()
    const r = spawnSync(tsx, [script, ...files], { encoding: 'utf8', timeout: 30_000 })
    return { status: r.status, lines: r.stdout.trim().split('\n'), ms: performance.now() - t0 }
  }

  it('a FIFO with no writer and /dev/zero are refused at once, naming the path and what it is', () => {
    const fifo = path.join(tempDir(), 'report.json')
    execFileSync('mkfifo', [fifo])
    const r = loadInChild([fifo, '/dev/zero'])
    // killed at the deadline: status null, and nothing printed for the FIFO
    expect(r.status, r.lines.join('\n')).toBe(0)
    expect(r.lines).toEqual([
      `ZC_REPORT_NOT_FILE ${fifo}: it is a named pipe (FIFO), not a file, so it was not read`,
      'ZC_REPORT_NOT_FILE /dev/zero: it is a character device, not a file, so it was not read'
    ])
  })

  it('a file whose size says less than it holds (/proc) is read no further than the bound', () => {
    // /proc files say size 0 to fstat: only the read itself can hold to the bound
    const environ = readFileSync('/proc/self/environ')
    expect(environ.length).toBeGreaterThan(64)
    const e = refusal(() => readInputFile('/proc/self/environ', 64))
    expect(e.code).toBe('ZC_REPORT_TOO_LARGE')
    expect(e.message).toMatch(/\/proc\/self\/environ: it is over 64 bytes \(it grew while being read\)/)
    expect(readInputFile('/proc/self/environ', 1024 * 1024)).toBe(readFileSync('/proc/self/environ', 'utf8'))
  })
})

describe('iperf3 -J imports', () => {
  it('becomes a foreign report: throughput and process CPU, nothing else claimed', () => {
    const raw = JSON.parse(readFileSync(fixture('iperf3-loopback.json'), 'utf8'))
    const { report, fromVersion } = loadReportFile(fixture('iperf3-loopback.json'))
    expect(fromVersion).toBe(0)
    expect(report.tool.name).toBe('iperf3')
    expect(report.foreign?.format).toBe('iperf3-json')
    expect(report.foreign?.notes.join(' ')).toMatch(/does not record -Z/)
    const s = report.trials[0].summary!
    expect(s.throughputBitsPerSec).toBeCloseTo(raw.end.sum_received.bits_per_second, 3)
    expect(s.bytes).toBe(raw.end.sum_received.bytes)
    const cpuNs = (raw.end.cpu_utilization_percent.host_total / 100) * raw.end.sum_received.seconds * 1e9
    expect(s.sender.cpuNs).toBeCloseTo(cpuNs, -3)
    // iperf3 records no clock: this host's (read here from /proc/cpuinfo) makes a labelled estimate
    const mhz = Math.max(
      ...[...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) => Number(m[1]))
    )
    expect(s.sender.cyclesSource).toBe('process-cpu-estimate')
    expect(s.sender.cyclesPerBit).toBeCloseTo(((cpuNs / 1e9) * mhz * 1e6) / (raw.end.sum_received.bytes * 8), 6)
    expect(s.sender.sources.cycles).toMatch(/importing host's clock/)
    expect(report.trials[0].durationMs).toBe(Math.round(raw.end.sum_received.seconds * 1000))
    expect(report.trials[0].samples).toHaveLength(raw.intervals.length)
    expect(report.start.environment.sender.kernel).toBe(raw.start.system_info.split(' ')[2])
    const agg = report.end.aggregates[0]
    expect(agg.method).toBe('copy')
    expect(agg.cyclesSource).toBe('process-cpu-estimate')
    expect(agg.durationMs).toBe(report.trials[0].durationMs)
    // the row's throughput is over iperf3's two 1 s intervals: their median, too few for an interval
    const slices = raw.intervals.map((i: { sum: { bits_per_second: number } }) => i.sum.bits_per_second)
    expect(s.throughputSlicesBitsPerSec).toEqual(slices)
    expect(agg.throughputBitsPerSec).toMatchObject({ n: 1, median: (slices[0] + slices[1]) / 2 })
    expect(agg.throughputBitsPerSec?.ci95Low).toBe(agg.throughputBitsPerSec?.ci95High)
  })

  it('the method can be told (iperf3 -Z is sendfile), and an iperf3 error is named', () => {
    const { report } = loadReportFile(fixture('iperf3-loopback-zerocopy.json'), { method: 'sendfile' })
    expect(report.end.aggregates[0].method).toBe('sendfile')
    const failed = JSON.stringify({
      start: { version: 'iperf 3.12' },
      intervals: [],
      end: {},
      error: 'unable to connect to server: Connection refused'
    })
    const e = refusal(() => parseReport(failed, 'failed.json'))
    expect(e.code).toBe('ZC_REPORT_IPERF3')
    expect(e.message).toMatch(/iperf3 reported an error: unable to connect/)
  })
})

describe('iperf3 -J imports are bounded by their size', () => {
  // the bound as documented (README, iperf3-import.ts): 32 MiB, written out here
  const BOUND_BYTES = 33_554_432
  const OVER_BYTES = 40 * 1024 * 1024
  /** bytes this process has read through read(2) so far: the kernel's count, not zcprof's */
  const bytesReadSoFar = () => Number(/^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'))![1])

  /** a sparse file of `bytes` (no disk taken) that starts as `head` does */
  function sparseFile(name: string, head: string, bytes: number): string {
    const file = path.join(tempDir(), name)
    const fd = openSync(file, 'w')
    writeSync(fd, head)
    ftruncateSync(fd, bytes)
    closeSync(fd)
    return file
  }

  it('an iperf3 file over the bound is refused from its first bytes, unread, naming its size, the bound and the fix', () => {
    // under the 100 MiB a report may be, over the iperf3 bound; starts as every iperf3 -J output does
    const file = sparseFile('long-run.json', '{\n\t"start":\t{\n\t\t"connected":\t[{', OVER_BYTES)
    const before = bytesReadSoFar()
    const e = refusal(() => loadReportFile(file))
    const readBytes = bytesReadSoFar() - before
    expect(readBytes).toBeLessThan(1024 * 1024)
    expect(e.code).toBe('ZC_REPORT_TOO_LARGE')
    expect(e.message).toContain(`long-run.json: it is iperf3 -J output of ${OVER_BYTES} bytes (40MiB)`)
    expect(e.message).toContain(`over the ${BOUND_BYTES} bytes (32MiB) an iperf3 import may be`)
    expect(e.hint).toMatch(/-i 5 or -i 10.*fewer streams \(-P\)/)
  })

  it('a zcprof report of the same size is not held to the iperf3 bound', () => {
    const file = sparseFile('long-zcprof.json', '{"schemaVersion": 3, ', OVER_BYTES)
    const before = bytesReadSoFar()
    const e = refusal(() => loadReportFile(file))
    // read whole, then refused for what it holds (NUL bytes), not for its size
    expect(bytesReadSoFar() - before).toBeGreaterThanOrEqual(OVER_BYTES)
    expect(e.code).toBe('ZC_REPORT_NOT_JSON')
  })

  it('iperf3 text from the app over the bound is refused before it is parsed', () => {
    // not JSON past its head: parsed, it would be refused as not JSON instead
    const text = '{"start": {"version": "iperf 3.12"}, ' + 'x'.repeat(BOUND_BYTES)
    const e = refusal(() => parseReport(text, 'dropped.json'))
    expect(e.code).toBe('ZC_REPORT_TOO_LARGE')
    expect(e.message).toContain(`dropped.json: it is iperf3 -J output of ${text.length} bytes`)
  })

  it('iperf3 output whose first key is not "start" is held to the same bound once parsed', () => {
    const real = JSON.parse(readFileSync(fixture('iperf3-loopback.json'), 'utf8'))
    const small = JSON.stringify({ title: 'x', ...real })
    expect(parseReport(small, 'small.json').report.tool.name).toBe('iperf3')
    const big = JSON.stringify({ title: 'x'.repeat(BOUND_BYTES), ...real })
    const e = refusal(() => parseReport(big, 'reordered.json'))
    expect(e.code).toBe('ZC_REPORT_TOO_LARGE')
    expect(e.message).toContain(`reordered.json: it is iperf3 -J output of ${big.length} bytes`)
  })
})

describe('acceptEnvironment (an agent hello)', () => {
  const env = JSON.parse(v1Text).start.environment.sender
  it('takes a 0.1.0 agent’s environment (no NICs) as "not recorded"', () => {
    expect(acceptEnvironment(env)).toEqual({ ...env, nics: null })
  })
  it('drops one that would make the report unloadable', () => {
    expect(acceptEnvironment({ ...env, cpuCores: 'many' })).toBeNull()
    expect(acceptEnvironment('hello')).toBeNull()
  })
})
