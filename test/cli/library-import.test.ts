// `zcprof library import DIR`: a team's folder of reports into a library, and a library
// two people add to at once. Nothing is lost, nothing is kept twice.

import { spawn } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { dailyRuns, writeHistory } from '../fixtures/reports/history'
import { runZcprof, tempDir, ZCPROF_BIN } from '../helpers'

const F = path.join(__dirname, '..', 'fixtures', 'reports')

function folder(): string {
  const dir = tempDir('zcprof-import-')
  chmodSync(dir, 0o755)
  return dir
}

const reportsIn = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json'))

describe('zcprof library import DIR', () => {
  it("takes a folder's reports, names each one it cannot take and why, and exits 2 after trying them all", () => {
    const from = folder()
    writeHistory(
      from,
      dailyRuns(3, () => ({ copy: 3, sendfile: 2 }))
    )
    copyFileSync(path.join(F, 'iperf3-loopback.json'), path.join(from, 'x-iperf3.json'))
    writeFileSync(path.join(from, 'notes.json'), '{"not": "a report"}')
    writeFileSync(path.join(from, 'README.md'), 'not json, not tried')
    mkdirSync(path.join(from, 'sub'))
    const lib = folder()
    const r = runZcprof(['library', 'import', from, '--library', lib])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/^4 imported, 0 already in the library, 1 not imported \(above\)$/m)
    expect(r.stderr).toMatch(/^zcprof: not imported: .*notes\.json/m)
    expect(reportsIn(lib)).toHaveLength(4)
  })

  it('a run the library holds already is skipped, however often the folder is imported', async () => {
    const from = folder()
    writeHistory(
      from,
      dailyRuns(4, () => ({ sendfile: 2 }))
    )
    const lib = folder()
    expect(runZcprof(['library', 'import', from, '--library', lib]).stdout).toMatch(/4 imported, 0 already/)
    const again = runZcprof(['library', 'import', from, path.join(F, 'machine-b.json'), '--library', lib])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^skipped .*: already in the library as /m)
    expect(again.stdout).toMatch(/^1 imported, 4 already in the library$/m)
    expect(reportsIn(lib)).toHaveLength(5)
    const listed = (await new ReportLibrary(lib).list()).entries
    expect(listed.filter((e) => e.problem)).toEqual([])
  })

  it('two people importing into one library at once lose nothing', async () => {
    const lib = folder()
    const [a, b] = [folder(), folder()]
    // two hosts' runs in files of the same names: the names the library picks collide without care
    writeHistory(
      a,
      dailyRuns(15, () => ({ sendfile: 2 }), { host: 'lab-a' })
    )
    for (const name of writeHistory(
      b,
      dailyRuns(15, () => ({ sendfile: 2 }), { host: 'lab-b', label: 'other' })
    ))
      renameSync(path.join(b, name), path.join(b, name.replace('lab-b', 'lab-a')))
    expect(reportsIn(b)).toEqual(reportsIn(a))
    const importing = (dir: string) =>
      new Promise<number | null>((done) => {
        const p = spawn(process.execPath, [ZCPROF_BIN, 'library', 'import', dir, '--library', lib], { stdio: 'ignore' })
        p.on('exit', done)
      })
    expect(await Promise.all([importing(a), importing(b)])).toEqual([0, 0])
    expect(reportsIn(lib)).toHaveLength(30)
    const listed = (await new ReportLibrary(lib).list()).entries
    expect(listed.filter((e) => e.problem)).toEqual([])
    expect(listed.filter((e) => e.trend?.label === 'other')).toHaveLength(15)
  })

  it('two runs that share a start and a host but measured different things are both kept; a link is not followed', () => {
    const from = folder()
    const at = '2026-11-01T00:00:00.000Z'
    writeHistory(from, [
      { timestamp: at, level: { copy: 3, sendfile: 2 } },
      { timestamp: at, level: { copy: 3, sendfile: 2.5 } }
    ])
    symlinkSync(path.join(F, 'machine-b.json'), path.join(from, 'z-link.json'))
    const lib = folder()
    const r = runZcprof(['library', 'import', from, '--library', lib])
    expect(r.code).toBe(2)
    expect(r.stdout).toMatch(/^2 imported, 0 already in the library, 1 not imported \(above\)$/m)
    expect(r.stderr).toMatch(/z-link\.json is a link, which an import from a folder does not follow/)
    expect(reportsIn(lib)).toHaveLength(2)
  })

  it('a folder with no reports in it, or no arguments: exit 2 saying what to give', () => {
    const empty = folder()
    const r = runZcprof(['library', 'import', empty, '--library', folder()])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/holds no \.json files/)
    expect(runZcprof(['library', 'import', '--library', folder()]).stderr).toMatch(/import needs files or folders/)
  })
})
