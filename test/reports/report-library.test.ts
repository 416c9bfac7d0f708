// The library folder: save, list, open, import, rename/tag, delete and restore;
// nothing is lost, and a damaged file stays listed with its reason.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultLibraryFolder, ReportLibrary } from '../../src/main/reports/report-library'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { SCHEMA_VERSION } from '../../src/shared/report'
import { tempDir } from '../helpers'

const fixtures = path.join(__dirname, '../fixtures/reports')
const real = () => loadReportFile(path.join(fixtures, 'real-loopback-v2.json')).report

describe('ReportLibrary', () => {
  it('save → list → open gives back the same report, with what a list needs', async () => {
    const lib = new ReportLibrary(path.join(tempDir(), 'reports'))
    const report = real()
    const saved = lib.save(report)
    expect(saved.id).toMatch(/^2026-.*-vm\.json$/)
    const [entry] = (await lib.list()).entries
    expect(entry).toMatchObject({ id: saved.id, host: 'vm', methods: ['copy', 'sendfile'], problem: null })
    // the one definition every view uses: the whole system's CPU per bit against copy, and a verdict
    expect(entry.headline).toMatch(
      /^sendfile: system CPU\/bit vs copy ([−+]\d+(\.\d)?% \[[^\]]+\] · [a-z]|n = \d+: too few to tell; )/
    )
    expect(lib.open(saved.id).report).toEqual(report)
    expect(readdirSync(lib.folder).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })

  it('never saves over another report', async () => {
    const lib = new ReportLibrary(tempDir())
    const a = lib.save(real())
    const b = lib.save(real())
    expect(b.id).not.toBe(a.id)
    expect((await lib.list()).entries).toHaveLength(2)
  })

  it('imports an older schema (migrated) and iperf3 output (foreign)', async () => {
    const lib = new ReportLibrary(tempDir())
    const old = lib.importFile(path.join(fixtures, 'v1-loopback.json'))
    expect(old.id).toBe('v1-loopback.json')
    expect(JSON.parse(readFileSync(path.join(lib.folder, old.id), 'utf8')).schemaVersion).toBe(SCHEMA_VERSION)
    const ip = lib.importText('iperf3-run.json', readFileSync(path.join(fixtures, 'iperf3-loopback.json'), 'utf8'))
    expect(ip).toMatchObject({ foreign: true, methods: ['copy'], tool: 'iperf3 3.12' })
    expect(ip.headline).toMatch(/^copy \d+\.\d\d Gbit\/s$/)
  })

  it('a bad import writes nothing', async () => {
    const lib = new ReportLibrary(tempDir())
    expect(() => lib.importText('x.json', '{"schemaVersion": 1, "tr')).toThrow(/x\.json: .*truncated/)
    expect((await lib.list()).entries).toEqual([])
  })

  it('rename and tag change the labels, never the measurements', async () => {
    const lib = new ReportLibrary(tempDir())
    const { id } = lib.save(real())
    const e = lib.update(id, { title: '  kernel 6.19 on lab-b ', tags: ['kernel-6.19', 'lab-b', 'lab-b'] })
    expect(e).toMatchObject({ id, title: 'kernel 6.19 on lab-b', tags: ['kernel-6.19', 'lab-b'] })
    const after = lib.open(id).report
    expect(after.trials).toEqual(real().trials)
    expect((await lib.list()).entries[0].title).toBe('kernel 6.19 on lab-b')
    expect(() => lib.update(id, { tags: ['x'.repeat(41)] })).toThrow(/over 40 characters/)
    // back to the default: what ran, where, on which host and when
    expect(lib.update(id, { title: '' }).title).toMatch(/^copy, sendfile → tcp:\/\/127\.0\.0\.1 · .* · vm · \d{4}-/)
  })

  it('delete moves to the trash; restore brings it back whole', async () => {
    const lib = new ReportLibrary(tempDir())
    const { id } = lib.save(real())
    const before = readFileSync(path.join(lib.folder, id), 'utf8')
    const t = lib.remove(id)
    expect((await lib.list()).entries).toEqual([])
    expect((await lib.list()).trash).toEqual([expect.objectContaining({ trashId: t.trashId, id })])
    // a new report took the name meanwhile: the restored one gets another
    const taken = lib.save(real(), id)
    expect(taken.id).toBe(id)
    const back = lib.restore(t.trashId)
    expect(back.id).not.toBe(id)
    expect(readFileSync(path.join(lib.folder, back.id), 'utf8')).toBe(before)
    expect((await lib.list()).trash).toEqual([])
  })

  it('a damaged file stays listed with its reason', async () => {
    const lib = new ReportLibrary(tempDir())
    lib.save(real())
    writeFileSync(path.join(lib.folder, 'cut.json'), '{"schemaVersion": 2, "tool"')
    const entries = (await lib.list()).entries
    expect(entries).toHaveLength(2)
    const cut = entries.find((e) => e.id === 'cut.json')!
    expect(cut.problem?.code).toBe('ZC_REPORT_TRUNCATED')
  })

  it('a damaged file deleted and restored comes back listed with its reason', async () => {
    const lib = new ReportLibrary(tempDir())
    writeFileSync(path.join(lib.folder, 'cut.json'), '{"schemaVersion": 2')
    const back = lib.restore(lib.remove('cut.json').trashId)
    expect(back.problem?.code).toBe('ZC_REPORT_TRUNCATED')
    expect(readFileSync(path.join(lib.folder, 'cut.json'), 'utf8')).toBe('{"schemaVersion": 2')
  })

  it('ids cannot leave the folder', async () => {
    const lib = new ReportLibrary(tempDir())
    for (const id of ['../x.json', '/etc/passwd', '.trash/1.json', 'a/b.json', '..json'])
      expect(() => lib.open(id), id).toThrow(/not a report in the library/)
    expect(() => lib.restore('../../etc/passwd')).toThrow(/not a report in the library/)
  })

  it('the folder: $ZCPROF_LIBRARY, else the XDG data directory', async () => {
    expect(defaultLibraryFolder({ ZCPROF_LIBRARY: '/team/reports' })).toBe('/team/reports')
    expect(defaultLibraryFolder({ XDG_DATA_HOME: '/d' })).toBe('/d/zcprof/reports')
  })
})
