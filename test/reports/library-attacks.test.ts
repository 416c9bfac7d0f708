// Issue 24, "nothing overwritten, nothing lost", against the library and its journals:
// a library folder other users can tamper with, names with odd characters, hostile
// journals (a pid of 1, a 60 MB line), a disk that fills mid-run, and the mutations
// the suite let through (stat for lstat, no re-read before a write, a torn last line).

import { spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
  closeSync
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import { JournalWriter } from '../../src/main/reports/journal-writer'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { readSettings, writeSettings } from '../../src/main/settings'
import { ZcprofError } from '../../src/shared/errors'
import type { RunEvent } from '../../src/shared/events'
import type { Report } from '../../src/shared/report'
import { asyncRefusal, refusal, tempDir } from '../helpers'

const OTHER_UID = 65534
const fixture = path.join(__dirname, '../fixtures/reports/real-loopback-v2.json')
const real = () => loadReportFile(fixture).report

/** a journal as the writer lays it out: a start line, then one line per trial */
function journalText(report: Report, trials: number, start: Record<string, unknown> = {}): string {
  const head = { kind: 'start', pid: 424242, host: os.hostname(), report: { ...report, trials: [] }, ...start }
  return [head, ...report.trials.slice(0, trials).map((trial) => ({ kind: 'trial', trial }))]
    .map((l) => JSON.stringify(l) + '\n')
    .join('')
}

const journals = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.journal.ndjson'))

describe('a library folder other users can tamper with is refused (item 6)', () => {
  // mode → refused? the rule ssh applies to ~/.ssh: no group/other write unless sticky
  const table: [string, boolean][] = [
    ['0777', true],
    ['0775', true],
    ['0757', true],
    ['1777', false],
    ['0755', false],
    ['0700', false]
  ]
  it.each(table)('a folder of mode %s: refused = %s, naming it and the fix; nothing written', async (mode, refused) => {
    const folder = tempDir()
    chmodSync(folder, parseInt(mode, 8))
    const lib = new ReportLibrary(folder)
    if (!refused) {
      expect((await lib.list()).entries).toEqual([])
      expect(lib.save(real()).id).toMatch(/\.json$/)
      return
    }
    const e = await asyncRefusal(lib.list())
    expect(e).toBeInstanceOf(ZcprofError)
    expect(e.code).toBe('ZC_UNSAFE_FOLDER')
    expect(e.message).toContain(folder)
    expect(e.message).toMatch(/other users can write it/)
    expect(e.hint).toBe(`chmod go-w ${folder}, or choose a folder only you can write`)
    expect(refusal(() => lib.save(real())).code).toBe('ZC_UNSAFE_FOLDER')
    expect(refusal(() => lib.beginRun(real())).code).toBe('ZC_UNSAFE_FOLDER')
    expect(readdirSync(folder)).toEqual([])
  })

  it("refuses a folder another user owns, a link in the folder's place, and a folder inside a world-writable one", async () => {
    const theirs = tempDir()
    chownSync(theirs, OTHER_UID, OTHER_UID)
    expect((await asyncRefusal(new ReportLibrary(theirs).list())).message).toMatch(
      /belongs to another user \(uid 65534\)/
    )
    const link = path.join(tempDir(), 'lib')
    symlinkSync(tempDir(), link)
    expect((await asyncRefusal(new ReportLibrary(link).list())).message).toMatch(/is a symbolic link/)
    const open = tempDir()
    chmodSync(open, 0o777)
    const inside = path.join(open, 'reports')
    const e = refusal(() => new ReportLibrary(inside).save(real()))
    expect(e.message).toContain(`is inside ${open}`)
    expect(e.hint).toMatch(new RegExp(`^chmod go-w ${open} `))
  })

  it('an unsafe folder is never remembered, and a remembered one that became unsafe is refused on load, not used quietly', async () => {
    const settingsFile = path.join(tempDir(), 'settings.json')
    const safe = tempDir()
    writeSettings(settingsFile, { libraryFolder: safe })
    const unsafe = tempDir()
    chmodSync(unsafe, 0o777)
    expect(refusal(() => writeSettings(settingsFile, { libraryFolder: unsafe })).code).toBe('ZC_UNSAFE_FOLDER')
    expect(readSettings(settingsFile).libraryFolder).toBe(safe)
    const api = new EngineApi({ settingsFile })
    const set = await api.setLibraryFolder(unsafe)
    expect(set).toMatchObject({ ok: false, error: { code: 'ZC_UNSAFE_FOLDER' } })
    expect(readSettings(settingsFile).libraryFolder).toBe(safe)
    // the remembered folder turns unsafe between launches
    chmodSync(safe, 0o777)
    const listed = await new EngineApi({ settingsFile }).library()
    expect(listed).toMatchObject({
      ok: false,
      error: { code: 'ZC_UNSAFE_FOLDER', hint: expect.stringContaining(safe) }
    })
  })
})

describe('odd names are listed escaped; no journal is lost to its name (item 7)', () => {
  // name on disk → the id the listing shows
  const table: [string, string][] = [
    ['a\nb.json', 'a\\nb.json'],
    ['.hidden.json', '.hidden.json'],
    ['ctl\u0001.json', 'ctl\\u0001.json'],
    ['rtl\u202e.json', 'rtl\\u202e.json'],
    ['trailing.json\n', 'trailing.json\\n'],
    ['back\\slash.json', 'back\\\\slash.json']
  ]
  it('every report-like name is listed, escaped, with how to rename it; none is touched', async () => {
    const lib = new ReportLibrary(tempDir())
    const good = lib.save(real())
    const text = readFileSync(path.join(lib.folder, good.id))
    for (const [name] of table) writeFileSync(path.join(lib.folder, name), text)
    const { entries } = await lib.list()
    expect(entries.map((e) => e.id).sort()).toEqual([good.id, ...table.map(([, id]) => id)].sort())
    for (const [name, id] of table) {
      const e = entries.find((x) => x.id === id)!
      expect(e.problem).toMatchObject({ code: 'ZC_LIBRARY_ODD_NAME', hint: expect.stringMatching(/^rename it/) })
      // eslint-disable-next-line no-control-regex
      expect(JSON.stringify(e)).not.toMatch(/[\u0000-\u001f\u202e]/)
      expect(readFileSync(path.join(lib.folder, name))).toEqual(text)
    }
  })

  it.each(['odd\nrun', '.dot', 'tab\there'])(
    "a dead run's journal named %j becomes a listed report under a safe name",
    async (stem) => {
      const lib = new ReportLibrary(tempDir())
      writeFileSync(path.join(lib.folder, `${stem}.journal.ndjson`), journalText(real(), 2))
      const { entries } = await lib.list()
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({ incomplete: true, problem: null })
      expect(entries[0].id).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/)
      expect(lib.open(entries[0].id).report.trials).toEqual(real().trials.slice(0, 2))
      expect(journals(lib.folder)).toEqual([])
    }
  )

  it('a journal that cannot be read is listed with why, and stays byte for byte', async () => {
    const lib = new ReportLibrary(tempDir())
    const file = path.join(lib.folder, 'x\u0007.journal.ndjson')
    writeFileSync(file, 'not a start line\n' + journalText(real(), 1))
    const before = readFileSync(file)
    const { entries } = await lib.list()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ id: 'x\\u0007.journal.ndjson', problem: { code: 'ZC_JOURNAL_UNREADABLE' } })
    expect(readFileSync(file)).toEqual(before)
  })
})

describe('hostile journals (item 8)', () => {
  it.each([1, 0, -1, 'garbage', 2 ** 31, null])(
    'a journal claiming pid %s, with no writer holding it, is recovered',
    async (pid) => {
      const lib = new ReportLibrary(tempDir())
      writeFileSync(path.join(lib.folder, 'run.journal.ndjson'), journalText(real(), 3, { pid }))
      const { entries } = await lib.list()
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({ incomplete: true, problem: null })
      expect(lib.open(entries[0].id).report.trials).toHaveLength(3)
      expect(journals(lib.folder)).toEqual([])
    }
  )

  it('a journal whose writer still runs is left alone; the moment it is killed, it is recovered', async () => {
    const folder = tempDir()
    // tsx as a loader, in this one process: killing it kills the writer, with no child left holding on
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      path.join(__dirname, '../attacks/hold-journal.ts'),
      folder,
      '2'
    ])
    try {
      const file = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.on('data', (d) => {
          out += d
          const m = /^ready (.*)\n/.exec(out)
          if (m) resolve(m[1])
        })
        child.on('exit', (code) => reject(new Error(`the writer exited (${code})`)))
      })
      const before = readFileSync(file)
      // another process, and a second look: still running, still its journal
      for (let i = 0; i < 2; i++) expect((await new ReportLibrary(folder).list()).entries).toEqual([])
      expect(readFileSync(file)).toEqual(before)
      child.kill('SIGKILL')
      await new Promise((r) => child.once('exit', r))
      const { entries } = await new ReportLibrary(folder).list()
      expect(entries).toHaveLength(1)
      expect(new ReportLibrary(folder).open(entries[0].id).report.trials).toEqual(real().trials.slice(0, 2))
      expect(existsSync(file)).toBe(false)
    } finally {
      child.kill('SIGKILL')
    }
  }, 60_000)

  it('a 60 MB line is skipped unread as damage: the rest is recovered, and the journal is kept, not deleted', async () => {
    const lib = new ReportLibrary(tempDir())
    const report = real()
    // a line that is valid JSON, a trial even: only its length gives it away
    const huge = JSON.stringify({ kind: 'trial', trial: { ...report.trials[2], pad: 'x'.repeat(60e6) } }) + '\n'
    const text = journalText(report, 2) + huge + JSON.stringify({ kind: 'trial', trial: report.trials[3] }) + '\n'
    const file = path.join(lib.folder, 'big.journal.ndjson')
    writeFileSync(file, text)
    const { entries } = await lib.list()
    const recovered = entries.filter((e) => e.problem === null)
    expect(recovered).toHaveLength(1)
    const back = lib.open(recovered[0].id).report
    expect(back.trials).toEqual([report.trials[0], report.trials[1], report.trials[3]])
    const damage = back.end.warnings.find((w) => w.code === 'ZC_JOURNAL_DAMAGED')!
    expect(damage.message).toMatch(/line 4 is \d+ bytes, over the 16777216 a journal line may be/)
    expect(damage.hint).toContain('big.damaged-journal.ndjson')
    expect(lstatSync(path.join(lib.folder, 'big.damaged-journal.ndjson')).size).toBe(Buffer.byteLength(text))
    expect(journals(lib.folder)).toEqual([])
    // listed once: the kept journal is not recovered again
    expect((await lib.list()).entries).toHaveLength(1)
  }, 60_000)

  it('a line that is not JSON mid-journal is damage: the lines after it still count', async () => {
    const lib = new ReportLibrary(tempDir())
    const report = real()
    writeFileSync(
      path.join(lib.folder, 'mid.journal.ndjson'),
      journalText(report, 2) + '{"kind":"tri\n' + JSON.stringify({ kind: 'trial', trial: report.trials[2] }) + '\n'
    )
    const [entry] = (await lib.list()).entries
    const back = lib.open(entry.id).report
    expect(back.trials).toEqual(report.trials.slice(0, 3))
    expect(back.end.warnings.find((w) => w.code === 'ZC_JOURNAL_DAMAGED')?.message).toMatch(/line 4 is not JSON/)
    expect(existsSync(path.join(lib.folder, 'mid.damaged-journal.ndjson'))).toBe(true)
  })

  it('a torn last line (the write the kill cut short) is left out without a word, and the journal goes', async () => {
    const lib = new ReportLibrary(tempDir())
    const report = real()
    const whole = JSON.stringify({ kind: 'trial', trial: report.trials[2] })
    writeFileSync(path.join(lib.folder, 'torn.journal.ndjson'), journalText(report, 2) + whole.slice(0, 1000))
    const { entries } = await lib.list()
    expect(entries).toHaveLength(1)
    const back = lib.open(entries[0].id).report
    expect(back.trials).toEqual(report.trials.slice(0, 2))
    expect(back.end.warnings.map((w) => w.code)).not.toContain('ZC_JOURNAL_DAMAGED')
    expect(readdirSync(lib.folder).filter((n) => n.endsWith('.ndjson'))).toEqual([])
  })
})

describe('a full disk leaves one entry, never two (item 9)', () => {
  let mount = ''
  beforeAll(() => {
    mount = tempDir()
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k,mode=0755', 'tmpfs', mount], { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`this test fills a small tmpfs and needs root to mount it: ${r.stderr}`)
  })
  afterAll(() => {
    spawnSync('umount', [mount])
  })

  /** fills the file system to its last byte; answers the filler, to free it later */
  function fill(dir: string): string {
    const filler = path.join(dir, '.filler')
    const fd = openSync(filler, 'a')
    const buf = Buffer.alloc(4096)
    try {
      for (;;) writeSync(fd, buf)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
      try {
        for (;;) writeSync(fd, buf, 0, 1) // the last bytes of the last page
      } catch {
        // full
      }
    } finally {
      closeSync(fd)
    }
    return filler
  }

  const start = (r: Report): RunEvent => ({
    type: 'run-start',
    plan: r.start.plan,
    environment: r.start.environment.sender,
    trials: r.trials.length
  })
  /** a trial made big enough that no page's slack can take it */
  const bigTrial = (r: Report, i: number) => ({
    ...r.trials[i],
    samples: Array.from({ length: 12 }, () => r.trials[i].samples).flat()
  })

  it('the journal fills the disk mid-run, space comes back: the run is saved whole, and no journal stays to become a second entry', async () => {
    const folder = path.join(mount, 'a')
    mkdirSync(folder)
    const lib = new ReportLibrary(folder)
    const report = real()
    const w = new JournalWriter(lib)
    w.on(start(report))
    expect(w.on({ type: 'trial-end', trial: report.trials[0] })).toBeNull()
    const filler = fill(mount)
    expect(w.on({ type: 'trial-end', trial: bigTrial(report, 1) })).toMatchObject({
      type: 'warning',
      warning: { code: 'ENOSPC' }
    })
    expect(w.on({ type: 'trial-end', trial: report.trials[2] })).toBeNull() // said once
    rmSync(filler)
    expect(w.on({ type: 'run-end', report })).toMatchObject({ type: 'report-saved', entry: { incomplete: false } })
    expect(readdirSync(folder).filter((n) => !n.startsWith('.'))).toHaveLength(1)
    const { entries } = await new ReportLibrary(folder).list()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ incomplete: false, problem: null })
  })

  it('the disk is full when the run ends: save failed, said; the journal is its one entry once there is room', async () => {
    const folder = path.join(mount, 'b')
    mkdirSync(folder)
    const lib = new ReportLibrary(folder)
    const report = real()
    const w = new JournalWriter(lib)
    w.on(start(report))
    for (const trial of report.trials) expect(w.on({ type: 'trial-end', trial })).toBeNull()
    const filler = fill(mount)
    const ended = w.on({ type: 'run-end', report })
    expect(ended).toMatchObject({ type: 'report-save-failed', error: { code: 'ENOSPC' } })
    expect(readdirSync(folder).filter((n) => !n.startsWith('.'))).toEqual(journals(folder))
    expect(journals(folder)).toHaveLength(1)
    rmSync(filler)
    const { entries } = await new ReportLibrary(folder).list()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ incomplete: true, problem: null })
    expect(lib.open(entries[0].id).report.trials).toEqual(report.trials)
    expect(journals(folder)).toEqual([])
  })
})

describe('mutations the suite let through', () => {
  it('links that stat cannot follow (dangling, to a folder) are listed as links, sized as links', async () => {
    const lib = new ReportLibrary(tempDir())
    symlinkSync('/nonexistent/report.json', path.join(lib.folder, 'gone.json'))
    symlinkSync(tempDir(), path.join(lib.folder, 'dir.json'))
    const { entries } = await lib.list()
    expect(entries.map((e) => [e.id, e.problem?.code, e.bytes]).sort()).toEqual(
      [
        ['dir.json', 'ZC_LIBRARY_LINK', lstatSync(path.join(lib.folder, 'dir.json')).size],
        ['gone.json', 'ZC_LIBRARY_LINK', lstatSync(path.join(lib.folder, 'gone.json')).size]
      ].sort()
    )
  })

  it('a change written by someone else after the update read the file, before it wrote, is not overwritten', () => {
    const lib = new ReportLibrary(tempDir())
    const { id } = lib.save(real())
    const read = lib.open.bind(lib)
    // another machine on the share tags it the moment after this update has read it
    lib.open = (x: string) => {
      const r = read(x)
      new ReportLibrary(lib.folder).update(x, { tags: ['theirs'] })
      return r
    }
    expect(() => lib.update(id, { title: 'mine' })).toThrow(/changed by someone else/)
    expect(new ReportLibrary(lib.folder).open(id).report.meta).toEqual({ title: null, tags: ['theirs'] })
  })
})
