// The library against hostile files and a shared folder: planted links, a file that
// breaks a parser, two writers at once, a change made against a stale listing, a
// title of megabytes, deleting what is not a report, and a run killed mid-way.

import { spawn } from 'node:child_process'
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeFileAtomic } from '../../src/main/storage/atomic-file'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { randomFile, tempDir } from '../helpers'

const fixtures = path.join(__dirname, '../fixtures/reports')
const real = () => loadReportFile(path.join(fixtures, 'real-loopback-v2.json')).report

describe('writes cannot be redirected', () => {
  it('a planted temp-file link (the old pid-named temp file, or any name) does not overwrite its target', () => {
    const dir = tempDir()
    const victim = path.join(tempDir(), 'victim.txt')
    writeFileSync(victim, 'precious\n')
    // every name the old writer could have used, planted
    for (let pid = process.pid - 5; pid <= process.pid + 5; pid++)
      symlinkSync(victim, path.join(dir, `.a.json.${pid}.tmp`))
    writeFileAtomic(path.join(dir, 'a.json'), '{"new":1}\n')
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
    expect(lstatSync(path.join(dir, 'a.json')).isSymbolicLink()).toBe(false)
    expect(readFileSync(path.join(dir, 'a.json'), 'utf8')).toBe('{"new":1}\n')
  })

  it('updating a report the library saved leaves a planted link alone', () => {
    const lib = new ReportLibrary(tempDir())
    const { id } = lib.save(real())
    const victim = path.join(tempDir(), 'victim.txt')
    writeFileSync(victim, 'precious\n')
    symlinkSync(victim, path.join(lib.folder, `.${id}.${process.pid}.tmp`))
    lib.update(id, { title: 'renamed' })
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
    expect(lstatSync(path.join(lib.folder, id)).isFile()).toBe(true)
  })
})

describe('no links are followed in the library', () => {
  it('a link to /etc/passwd is listed as a link, never read, and cannot be opened', async () => {
    const lib = new ReportLibrary(tempDir())
    lib.save(real())
    symlinkSync('/etc/passwd', path.join(lib.folder, 'passwd.json'))
    const { entries } = await lib.list()
    const link = entries.find((e) => e.id === 'passwd.json')!
    expect(link.problem).toMatchObject({ code: 'ZC_LIBRARY_LINK' })
    expect(JSON.stringify(link)).not.toMatch(/root:/)
    expect(() => lib.open('passwd.json')).toThrow(/symbolic link/)
    expect(() => lib.remove('passwd.json')).toThrow(/symbolic link/)
    expect(readlinkSync(path.join(lib.folder, 'passwd.json'))).toBe('/etc/passwd')
  })

  it('a .trash that is a link is refused: a deleted report never leaves the library', () => {
    const lib = new ReportLibrary(tempDir())
    const { id } = lib.save(real())
    const outside = tempDir()
    const trash = path.join(lib.folder, '.trash')
    readdirSync(trash) // made by save
    rmSync(trash, { recursive: true })
    symlinkSync(outside, trash)
    expect(() => lib.remove(id)).toThrow(/\.trash is a symbolic link/)
    expect(readdirSync(outside)).toEqual([])
    expect(existsSync(path.join(lib.folder, id))).toBe(true)
    expect(lib.trash()).toEqual([])
  })
})

describe('one bad file does not break the listing', () => {
  const iperf = (patch: (d: Record<string, any>) => void) => {
    const d: Record<string, any> = {
      start: { version: 'iperf 3.9', timestamp: { timesecs: 1_700_000_000 }, connecting_to: { host: 'h', port: 5201 } },
      end: { sum_sent: { bytes: 1, seconds: 1 }, cpu_utilization_percent: { host_total: 1 } }
    }
    patch(d)
    return JSON.stringify(d)
  }
  it.each([
    ['a timestamp of 1e300', iperf((d) => (d.start.timestamp.timesecs = 1e300)), /timesecs is 1e\+300, outside/],
    [
      'a port that is an object',
      iperf((d) => (d.start.connecting_to.port = {})),
      /port is object, not a finite number/
    ],
    ['a host that is a list', iperf((d) => (d.start.connecting_to.host = ['a'])), /host is a list, not text/],
    ['a byte count that is text', iperf((d) => (d.end.sum_sent.bytes = '1')), /bytes is string/],
    ['a 5 MB host name', iperf((d) => (d.start.connecting_to.host = 'h'.repeat(5e6))), /over 255/],
    ['a zcprof report with a 5 MB title', '', /title|must NOT have more than 200 characters/]
  ])('%s: listed with its problem, the rest still list; import refuses it in words', async (_what, text, why) => {
    const lib = new ReportLibrary(tempDir())
    const good = lib.save(real())
    let body = text
    if (!body) {
      const r = real()
      r.meta.title = 'x'.repeat(5e6)
      body = JSON.stringify(r)
    }
    writeFileSync(path.join(lib.folder, 'bad.json'), body)
    const { entries } = await lib.list()
    expect(entries.map((e) => e.id).sort()).toEqual(['bad.json', good.id].sort())
    const bad = entries.find((e) => e.id === 'bad.json')!
    expect(bad.problem?.message).toMatch(why)
    expect(() => lib.importText('x.json', body)).toThrow(why)
    expect(readdirSync(lib.folder).filter((n) => n.endsWith('.json'))).toHaveLength(2)
  })
})

describe('a shared folder', () => {
  it('two machines saving the same name at once never overwrite each other', async () => {
    const folder = tempDir()
    const report = real()
    // two library objects on one folder, as two machines on a share: same timestamp, same host, same name
    const a = new ReportLibrary(folder)
    const b = new ReportLibrary(folder)
    const ids = [] as string[]
    for (let i = 0; i < 20; i++) {
      const ra = structuredClone(report)
      ra.meta.title = `a${i}`
      const rb = structuredClone(report)
      rb.meta.title = `b${i}`
      ids.push(a.save(ra).id, b.save(rb).id)
    }
    expect(new Set(ids).size).toBe(40)
    const titles = (await a.list()).entries.map((e) => e.title).sort()
    expect(titles).toHaveLength(40)
  })

  it('a name taken between choosing it and writing it is not overwritten (exclusive write)', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'taken.json'), 'theirs\n')
    expect(() => writeFileAtomic(path.join(dir, 'taken.json'), 'ours\n', { exclusive: true })).toThrow(
      /EEXIST|took that name/
    )
    expect(readFileSync(path.join(dir, 'taken.json'), 'utf8')).toBe('theirs\n')
    expect(readdirSync(dir)).toEqual(['taken.json']) // no temp file left behind
  })

  it('a rename made against a stale listing loses, and is told', async () => {
    const lib = new ReportLibrary(tempDir())
    const { id } = lib.save(real())
    const listed = (await lib.list()).entries[0]
    // someone else, elsewhere, tags it first
    new ReportLibrary(lib.folder).update(id, { tags: ['theirs'] })
    expect(() => lib.update(id, { title: 'mine', revision: listed.revision })).toThrow(/changed by someone else/)
    expect(lib.open(id).report.meta).toEqual({ title: null, tags: ['theirs'] })
    // with the fresh revision it goes through
    const fresh = (await lib.list()).entries[0]
    expect(lib.update(id, { title: 'mine', revision: fresh.revision }).title).toBe('mine')
  })
})

describe('delete acts only on reports', () => {
  it('refuses a JSON file that is not a report, and leaves it where it is', async () => {
    const lib = new ReportLibrary(tempDir())
    lib.save(real())
    writeFileSync(path.join(lib.folder, 'package.json'), '{"name":"victim","version":"1.0.0"}\n')
    expect(() => lib.remove('package.json')).toThrow(/not a zcprof report/)
    expect(existsSync(path.join(lib.folder, 'package.json'))).toBe(true)
    // a damaged zcprof report may still go to the trash
    writeFileSync(path.join(lib.folder, 'damaged.json'), '{"schemaVersion": 3, "tool": {"name": "zcprof"')
    expect(lib.remove('damaged.json').id).toBe('damaged.json')
  })
})

describe('runs survive a killed process', () => {
  it('SIGKILL mid-run leaves every finished trial in the library, listed as incomplete', async () => {
    const folder = tempDir()
    const file = randomFile(8 * 1024 * 1024)
    const cli = path.join(__dirname, '../../bin/zcprof.js')
    const child = spawn(
      process.execPath,
      [
        cli,
        'run',
        '--file',
        file,
        '--methods',
        'copy,sendfile',
        '--repeat',
        '50',
        '--warmup',
        '0',
        '--duration',
        '200ms',
        '--omit',
        '0',
        '--save',
        '--library',
        folder,
        '--json',
        '-'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    )
    // kill it once three trials have ended (the NDJSON stream says so)
    let ended = 0
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8')
      let buf = ''
      child.stdout.on('data', (d: string) => {
        buf += d
        const lines = buf.split('\n')
        buf = lines.pop()!
        for (const l of lines) if (l.includes('"type":"trial-end"')) ended++
        if (ended >= 3) {
          child.kill('SIGKILL')
          resolve()
        }
      })
      child.on('exit', () => resolve())
    })
    await new Promise((r) => child.once('exit', r))
    expect(ended).toBeGreaterThanOrEqual(3)
    const journals = readdirSync(folder).filter((n) => n.endsWith('.journal.ndjson'))
    expect(journals).toHaveLength(1)
    // the next listing turns it into an incomplete report holding every trial that ended
    const { entries } = await new ReportLibrary(folder).list()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ incomplete: true, problem: null })
    const { report } = new ReportLibrary(folder).open(entries[0].id)
    expect(report.trials.length).toBeGreaterThanOrEqual(ended)
    expect(report.end.warnings.map((w) => w.code)).toContain('RUN_INTERRUPTED')
    expect(report.end.aggregates.map((a) => a.method).sort()).toEqual(['copy', 'sendfile'])
    expect(readdirSync(folder).filter((n) => n.endsWith('.journal.ndjson'))).toEqual([])
  }, 60_000)

  it('a run that ends replaces its journal with its report', async () => {
    const folder = tempDir()
    const file = randomFile(1024 * 1024)
    const cli = path.join(__dirname, '../../bin/zcprof.js')
    await new Promise((resolve) =>
      spawn(
        process.execPath,
        [cli, 'run', '--file', file, '--methods', 'copy', '--once', '--save', '--library', folder],
        {
          stdio: 'ignore'
        }
      ).on('exit', resolve)
    )
    const names = readdirSync(folder).filter((n) => !n.startsWith('.'))
    expect(names).toHaveLength(1)
    expect(names[0]).toMatch(/\.json$/)
    expect((await new ReportLibrary(folder).list()).entries[0].incomplete).toBe(false)
  }, 60_000)
})
