// `zcprof library list | search | show | tag`, and library ids (or their unique
// beginnings) where `zcprof report` and `zcprof compare` take a report, as a user runs
// them, on a library generated here with known hosts, dates, tags and titles.

import { spawnSync } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { loadReportFile } from '../../src/main/reports/report-loader'
import type { Report } from '../../src/shared/report'
import { runZcprof, tempDir, ZCPROF_BIN } from '../helpers'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const fx = (name: string) => path.join(F, name)

const LONG_HOST = 'build-server-with-a-rather-long-hostname-01'
/** a tag may be 40 characters: this one is 39 */
const LONG_TAG = 'a-tag-long-enough-to-be-cut-at-80-cols!'
const LONG_TITLE = 'a title long enough that no eighty-column line holds it, said twice: '.repeat(2).trim()

/** the generated reports: [day of November 2026, host, tags, title or null (the default)] */
const MADE: [number, string, string[], string | null][] = [
  [1, 'lab-a', ['nightly'], LONG_TITLE],
  [2, LONG_HOST, ['kernel-6.18', 'baseline', LONG_TAG], null],
  [3, 'vm', ['nightly'], null],
  [4, 'lab-a', ['kernel-6.18'], 'lab-a on 6.18'],
  [5, LONG_HOST, ['nightly', 'baseline'], null],
  [6, 'vm', [], null]
]

let library = ''
/** each generated report's id, by its day */
const idOn: Record<number, string> = {}
/** the iperf3 import: host vm, 2026-11-24, copy only */
const IPERF3_ID = 'iperf3-loopback.json'

const zcprof = (args: string[], env: Record<string, string> = {}) =>
  runZcprof(args, { XDG_CACHE_HOME: tempDir(), XDG_DATA_HOME: tempDir(), ZCPROF_LIBRARY: library, ...env })

/** the ids a list or search printed, in order: lines that start with a library id */
const idsIn = (stdout: string) =>
  stdout
    .split('\n')
    .map((l) => /^(\S+\.json)(?: |$)/.exec(l)?.[1])
    .filter(Boolean)

beforeAll(() => {
  library = path.join(tempDir(), 'reports')
  const lib = new ReportLibrary(library)
  const real = loadReportFile(fx('real-loopback-v2.json')).report
  for (const [day, host, tags, title] of MADE) {
    const r = structuredClone(real) as Report
    r.start.timestamp = `2026-11-${String(day).padStart(2, '0')}T10:00:00.000Z`
    r.start.environment.sender.hostname = host
    r.meta = { title, tags }
    idOn[day] = lib.save(r).id
  }
  expect(lib.importFile(fx('iperf3-loopback.json')).id).toBe(IPERF3_ID)
})

describe('zcprof library list', () => {
  it('at 80 columns: borderless, every line within 80, every id whole, newest first', () => {
    const r = zcprof(['library', 'list'], { COLUMNS: '80' })
    expect(r.code, r.stderr).toBe(0)
    const lines = r.stdout.trimEnd().split('\n')
    for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(80)
    // the house style: a head, a rule of ─, no box
    expect(r.stdout).not.toMatch(/[│┌┐└┘├┤┬┴┼]/)
    expect(lines[1]).toMatch(/^id\b/)
    expect(lines[2]).toMatch(/^─+( {2}─+)*$/)
    // newest first: the iperf3 import (Nov 24), then days 6 down to 1
    expect(idsIn(r.stdout)).toEqual([IPERF3_ID, ...[6, 5, 4, 3, 2, 1].map((d) => idOn[d])])
    // what is cut is marked, and the cut long title and tag are not printed whole
    expect(r.stdout).toContain('…')
    expect(r.stdout).not.toContain(LONG_TITLE)
    expect(r.stdout).not.toContain(LONG_TAG)
  })

  it('--wide: the full title, every tag and the whole headline, a line a report', () => {
    const r = zcprof(['library', 'list', '--wide'], { COLUMNS: '80' })
    expect(r.code, r.stderr).toBe(0)
    const line = r.stdout.split('\n').find((l) => l.startsWith(idOn[2]))!
    expect(line).toContain(`kernel-6.18, baseline, ${LONG_TAG}`)
    expect(line).toContain(LONG_HOST)
    expect(r.stdout.split('\n').find((l) => l.startsWith(idOn[1]))).toContain(LONG_TITLE)
    // the fixture's headline, whole
    expect(line).toContain('sendfile: system CPU/bit vs copy −2% [−17, +16] · no clear change')
  })

  it('a file that cannot be read stays listed with why, its long path broken within 80 columns', () => {
    const dir = path.join(tempDir(), 'a-library-folder-with-a-name-long-enough-to-make-paths-long')
    new ReportLibrary(dir).save(loadReportFile(fx('real-loopback-v2.json')).report)
    writeFileSync(path.join(dir, 'damaged-report-whose-name-is-long-as-well.json'), '{"schemaVersion": 3, "tool": {')
    const r = zcprof(['library', 'list', '--library', dir], { COLUMNS: '80' })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^ {2}unreadable:/m)
    for (const line of r.stdout.split('\n').slice(1)) expect([...line].length, line).toBeLessThanOrEqual(80)
  })
})

describe('zcprof library search', () => {
  it.each([
    // [flags, the ids expected, by the table above]
    [
      ['--host', 'lab-a'],
      [4, 1]
    ],
    [
      ['--host', LONG_HOST],
      [5, 2]
    ],
    [
      ['--tag', 'nightly'],
      [5, 3, 1]
    ],
    [
      ['--tag', 'baseline', '--host', LONG_HOST],
      [5, 2]
    ],
    [
      ['--since', '2026-11-03', '--until', '2026-11-05'],
      [5, 4, 3]
    ],
    [['--until', '2026-11-02T09:59'], [1]],
    [
      ['--since', '2026-11-06T10:00'],
      [IPERF3_ID, 6]
    ],
    [
      ['--method', 'sendfile', '--since', '2026-11-05'],
      [6, 5]
    ],
    [
      ['--method', 'copy', '--host', 'vm'],
      [IPERF3_ID, 6, 3]
    ],
    [['6.18'], [4, 2]]
  ] as [string[], (number | string)[]][])('%j keeps the reports that match', (flags, expected) => {
    const r = zcprof(['library', 'search', ...flags], { COLUMNS: '80' })
    expect(r.code, r.stderr).toBe(0)
    const ids = expected.map((e) => (typeof e === 'number' ? idOn[e] : e))
    expect(idsIn(r.stdout)).toEqual(ids)
    expect(r.stdout).toContain(`${ids.length} of ${MADE.length + 1} reports match`)
    for (const line of r.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80)
  })

  it('a date that is not one, a method that is not one, or a search flag on list: exit 2, saying so', () => {
    expect(zcprof(['library', 'search', '--since', '2026-02-30']).stderr).toMatch(/--since '2026-02-30' is not a date/)
    expect(zcprof(['library', 'search', '--method', 'sendfiel']).stderr).toMatch(/--method 'sendfiel' is not a method/)
    const list = zcprof(['library', 'list', '--host', 'vm'])
    expect(list.code).toBe(2)
    expect(list.stderr).toMatch(/--host narrows a search, not list/)
  })
})

describe('zcprof library show and tag', () => {
  it("show ID: the summary `zcprof report FILE` prints, found by the id's unique beginning", () => {
    const shown = zcprof(['library', 'show', idOn[4].slice(0, 13)])
    expect(shown.code, shown.stderr).toBe(0)
    const asFile = zcprof(['report', path.join(library, idOn[4])])
    expect(shown.stdout).toBe(`${idOn[4]}\n${asFile.stdout}`)
  })

  it('an ambiguous beginning exits 2 naming each candidate; one that begins nothing names the library', () => {
    // days 1..6 all begin "2026-11-0"
    const r = zcprof(['library', 'show', '2026-11-0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/"2026-11-0" begins 6 reports in /)
    for (const d of [1, 2, 3, 4, 5, 6]) expect(r.stderr).toContain(`  ${idOn[d]}\n`)
    expect(r.stderr).toMatch(/hint: give more of the id/)
    const none = zcprof(['library', 'show', '2027'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain(`no report in ${library} has an id beginning "2027"`)
  })

  it('an id less ".json" names that report even where a longer id begins with it', () => {
    const dir = path.join(tempDir(), 'reports')
    const lib = new ReportLibrary(dir)
    const report = loadReportFile(fx('real-loopback-v2.json')).report
    const first = lib.save(report).id
    const second = lib.save(report).id
    const stem = first.replace(/\.json$/, '')
    // the second took the first's name with "-2": the first's name begins it
    expect(second).toBe(`${stem}-2.json`)
    const firstLine = (arg: string) => zcprof(['library', 'show', arg, '--library', dir]).stdout.split('\n')[0]
    expect(firstLine(stem)).toBe(first)
    expect(firstLine(first)).toBe(first)
    expect(firstLine(`${stem}-`)).toBe(second)
  })

  it('tag ID TAG… adds tags in the file; --remove takes them off; search finds them', () => {
    const id = idOn[6]
    const tagsOnDisk = () => (JSON.parse(readFileSync(path.join(library, id), 'utf8')) as Report).meta.tags
    const add = zcprof(['library', 'tag', id.replace(/\.json$/, ''), 'regression', 'kernel-6.19,lab'])
    expect(add.code, add.stderr).toBe(0)
    expect(add.stdout).toBe(`${id}: regression, kernel-6.19, lab\n`)
    expect(tagsOnDisk()).toEqual(['regression', 'kernel-6.19', 'lab'])
    expect(idsIn(zcprof(['library', 'search', '--tag', 'kernel-6.19']).stdout)).toEqual([id])
    const rm = zcprof(['library', 'tag', id, 'lab', 'regression', '--remove'])
    expect(rm.code, rm.stderr).toBe(0)
    expect(tagsOnDisk()).toEqual(['kernel-6.19'])
    // nothing but the report is left behind: the write replaced the file in one step
    expect(zcprof(['library', 'list']).stdout).not.toMatch(/unreadable/)
    zcprof(['library', 'tag', id, 'kernel-6.19', '--remove'])
    expect(tagsOnDisk()).toEqual([])
  })
})

describe('library ids where a report is taken', () => {
  it('report and compare take an id or its unique beginning, as they take the file', () => {
    const byId = zcprof(['report', idOn[3].slice(0, 13), '--md'])
    expect(byId.code, byId.stderr).toBe(0)
    expect(byId.stdout).toBe(zcprof(['report', path.join(library, idOn[3]), '--md']).stdout)
    const files = zcprof(['compare', path.join(library, idOn[3]), path.join(library, idOn[4]), '--md'])
    const ids = zcprof(['compare', idOn[3].slice(0, 13), idOn[4], '--md'])
    expect(ids.code, ids.stderr).toBe(files.code)
    expect(ids.stdout).toBe(files.stdout)
  })

  it('a file of that name wins over an id; neither a file nor an id exits 2 naming both', () => {
    // in this folder "iperf3-loopback.json" is a file: machine B's report, not the library's import
    const cwd = tempDir()
    copyFileSync(fx('machine-b.json'), path.join(cwd, IPERF3_ID))
    const r = spawnSync(process.execPath, [ZCPROF_BIN, 'report', IPERF3_ID, '--md'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, ZCPROF_LIBRARY: library }
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^# lab-b new kernel/)
    const none = zcprof(['report', 'no-such-report'])
    expect(none.code).toBe(2)
    expect(none.stderr).toContain(`no-such-report: no such file, nor a report id in ${library}`)
  })
})
