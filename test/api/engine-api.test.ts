// The API contract, on the engine: answers as data, and startRun answers before its events.

import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import type { ApiEvent } from '../../src/shared/api'
import { randomFile, tempDir, testPlan } from '../helpers'
import { dailyRuns, writeHistory } from '../fixtures/reports/history'

const file = randomFile(4 * 1024 * 1024)

function runToEnd(api: EngineApi, runId: string): Promise<ApiEvent[]> {
  return new Promise((resolve) => {
    const seen: ApiEvent[] = []
    const off = api.onEvent((e) => {
      if (e.runId !== runId) return
      seen.push(e)
      if (e.event.type === 'run-end' || e.event.type === 'run-failed') {
        off()
        resolve(seen)
      }
    })
  })
}

describe('EngineApi', () => {
  it('answers startRun before the first event of the run', async () => {
    const api = new EngineApi()
    const order: string[] = []
    const off = api.onEvent((e) => order.push(`event:${e.event.type}`))
    const r = await api.startRun(testPlan(file, { methods: ['sendfile'] }))
    order.push('answered')
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const events = await runToEnd(api, r.runId)
    off()
    expect(order[0]).toBe('answered')
    expect(events.at(-1)!.event.type).toBe('run-end')
  })

  it('returns bad plans and a busy engine as data, not exceptions', async () => {
    const api = new EngineApi()
    expect(await api.startRun(testPlan(file, { methods: [] }))).toMatchObject({
      ok: false,
      error: { code: 'ZC_BAD_PLAN' }
    })
    const first = await api.startRun(testPlan(file, { methods: ['copy'] }))
    expect(first.ok).toBe(true)
    expect(await api.startRun(testPlan(file))).toMatchObject({ ok: false, error: { code: 'ZC_BUSY' } })
    if (first.ok) await runToEnd(api, first.runId)
    // free again once the run is over
    const again = await api.startRun(testPlan(file, { methods: ['copy'] }))
    expect(again.ok).toBe(true)
    if (again.ok) await runToEnd(api, again.runId)
  })

  it('a missing file is refused before the run, with the file named (the policy’s one refusal, see ui-policy)', async () => {
    const api = new EngineApi()
    const r = await api.startRun(testPlan('/nonexistent/zcprof.bin'))
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'ZC_POLICY_FILE', message: expect.stringMatching(/\/nonexistent\/zcprof\.bin/) }
    })
  })
})

describe('EngineApi library', () => {
  const fixtures = path.join(__dirname, '../fixtures/reports')

  it('a finished run is saved to the library, and opens back the same', async () => {
    const settingsFile = path.join(tempDir(), 'settings.json')
    const api = new EngineApi({ settingsFile, defaultLibraryFolder: path.join(tempDir(), 'reports') })
    const seen: ApiEvent['event'][] = []
    const off = api.onEvent((e) => seen.push(e.event))
    const r = await api.startRun(testPlan(file, { methods: ['copy'] }))
    if (!r.ok) throw new Error(r.error.message)
    await expect
      .poll(() => seen.some((e) => e.type === 'report-saved' || e.type === 'report-save-failed'), { timeout: 30_000 })
      .toBe(true)
    off()
    const end = seen.find((e) => e.type === 'run-end')!
    const saved = seen.find((e) => e.type === 'report-saved')
    expect(saved, JSON.stringify(seen.at(-1))).toBeDefined()
    if (saved?.type !== 'report-saved' || end.type !== 'run-end') return
    const listing = await api.library()
    expect(listing.ok && listing.value.entries.map((x) => x.id)).toEqual([saved.entry.id])
    expect(await api.openReport(saved.entry.id)).toEqual({ ok: true, value: end.report })
  })

  it('import, tag, delete and restore answer as data; mistakes are data too', async () => {
    const api = new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), defaultLibraryFolder: tempDir() })
    const text = readFileSync(path.join(fixtures, 'iperf3-loopback-zerocopy.json'), 'utf8')
    const imported = await api.importReport('iperf.json', text, 'sendfile')
    if (!imported.ok) throw new Error(imported.error.message)
    expect(imported.value).toMatchObject({ methods: ['sendfile'], foreign: true })
    const tagged = await api.updateReport(imported.value.id, { tags: ['iperf3', 'lab-a'] })
    expect(tagged.ok && tagged.value.tags).toEqual(['iperf3', 'lab-a'])
    const deleted = await api.deleteReport(imported.value.id)
    if (!deleted.ok) throw new Error(deleted.error.message)
    expect((await api.restoreReport(deleted.value.trashId)).ok).toBe(true)
    expect(await api.importReport('bad.json', '{"schemaVersion": 7}')).toMatchObject({
      ok: false,
      error: { code: 'ZC_REPORT_NEWER' }
    })
    expect(await api.openReport('../../etc/passwd')).toMatchObject({ ok: false, error: { code: 'ZC_LIBRARY_BAD_ID' } })
    expect(await api.setLibraryFolder('relative/dir')).toMatchObject({
      ok: false,
      error: { code: 'ZC_LIBRARY_FOLDER' }
    })
  })

  it('one import at a time: a second while one runs is refused as busy, naming both; the next goes in', async () => {
    const api = new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), defaultLibraryFolder: tempDir() })
    const text = readFileSync(path.join(fixtures, 'iperf3-loopback.json'), 'utf8')
    const [first, second] = await Promise.all([
      api.importReport('first.json', text),
      api.importReport('second.json', text)
    ])
    expect(first.ok).toBe(true)
    expect(second).toMatchObject({
      ok: false,
      error: { code: 'ZC_BUSY', message: 'second.json: not imported, first.json is being imported' }
    })
    expect((await api.importReport('third.json', text)).ok).toBe(true)
    const listing = await api.library()
    expect(listing.ok && listing.value.entries.length).toBe(2)
  })

  it('an import lets the event loop turn between its steps (check, parse, import), so a window stays live', async () => {
    const api = new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), defaultLibraryFolder: tempDir() })
    const text = readFileSync(path.join(fixtures, 'iperf3-loopback.json'), 'utf8')
    let turns = 0
    let done = false
    const count = () => {
      turns++
      if (!done) setImmediate(count)
    }
    setImmediate(count)
    const imported = await api.importReport('iperf.json', text)
    done = true
    expect(imported.ok).toBe(true)
    expect(turns).toBeGreaterThanOrEqual(3)
  })

  it('a chosen library folder is remembered across launches', async () => {
    const settingsFile = path.join(tempDir(), 'settings.json')
    const shared = path.join(tempDir(), 'team', 'reports')
    const first = new EngineApi({ settingsFile, defaultLibraryFolder: tempDir() })
    expect((await first.setLibraryFolder(shared)).ok).toBe(true)
    await first.importReport('a.json', readFileSync(path.join(fixtures, 'machine-a.json'), 'utf8'))
    const second = new EngineApi({ settingsFile, defaultLibraryFolder: tempDir() })
    const listing = await second.library()
    expect(listing.ok && listing.value.folder).toBe(shared)
    expect(listing.ok && listing.value.entries.map((e) => e.id)).toEqual(['a.json'])
  })
})

describe('EngineApi library folder precedence', () => {
  it('a folder asked for at launch wins over the remembered one', async () => {
    const settingsFile = path.join(tempDir(), 'settings.json')
    const remembered = tempDir()
    await new EngineApi({ settingsFile }).setLibraryFolder(remembered)
    const asked = tempDir()
    const api = new EngineApi({ settingsFile, libraryFolder: asked })
    const listing = await api.library()
    expect(listing.ok && listing.value.folder).toBe(asked)
    const plain = await new EngineApi({ settingsFile }).library()
    expect(plain.ok && plain.value.folder).toBe(remembered)
  })
})

describe('EngineApi trend', () => {
  // 30 daily runs: sendfile steps up 20% at run 20, copy stays flat
  const planted = () => {
    const folder = tempDir()
    const ids = writeHistory(
      folder,
      dailyRuns(30, (i) => ({ copy: 3, sendfile: i < 20 ? 2 : 2.4 }))
    )
    return { api: new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), libraryFolder: folder }), ids }
  }

  it('answers the library as series, with the planted step found where it was planted', async () => {
    const { api, ids } = planted()
    const r = await api.trend({ metric: 'allHostsCyclesPerBit', by: 'host' })
    if (!r.ok) throw new Error(r.error.message)
    expect(r.value.series.map((s) => s.method).sort()).toEqual(['copy', 'sendfile'])
    const sendfile = r.value.series.find((s) => s.method === 'sendfile')!
    expect(sendfile.changes.map((c) => c.id)).toEqual([ids[20]])
    expect(r.value.series.find((s) => s.method === 'copy')!.changes).toEqual([])
    const one = await api.trend({ method: 'copy' })
    expect(one.ok && one.value.series.map((s) => s.method)).toEqual(['copy'])
  })

  it('refuses wrong options as data, before reading the folder', async () => {
    const { api } = planted()
    expect(await api.trend({ by: 'kernel' } as never)).toMatchObject({
      ok: false,
      error: { code: 'ZC_BAD_ARGUMENT', message: expect.stringMatching(/by 'kernel'/) }
    })
  })

  it('the listing a front end gets carries no trend rows; trend still reads them in main', async () => {
    const { api, ids } = planted()
    const listing = await api.library()
    if (!listing.ok) throw new Error(listing.error.message)
    expect(listing.value.entries).toHaveLength(30)
    expect(listing.value.entries.filter((e) => 'trend' in e)).toEqual([])
    const tagged = await api.updateReport(ids[0], { tags: ['nightly'] })
    if (!tagged.ok) throw new Error(tagged.error.message)
    expect(tagged.value.tags).toEqual(['nightly'])
    expect('trend' in tagged.value).toBe(false)
    // a folder a front end may choose: a library already (its trash folder says so)
    const other = path.join(tempDir(), 'reports')
    mkdirSync(path.join(other, '.trash'), { recursive: true })
    writeHistory(
      other,
      dailyRuns(3, () => ({ copy: 3 }))
    )
    const moved = await api.setLibraryFolder(other)
    if (!moved.ok) throw new Error(moved.error.message)
    expect(moved.value.entries).toHaveLength(3)
    expect(moved.value.entries.filter((e) => 'trend' in e)).toEqual([])
    const t = await api.trend({})
    expect(t.ok && t.value.series.map((s) => s.points.length)).toEqual([3])
  })
})
