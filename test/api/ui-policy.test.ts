// What a front end (a compromised page, or anyone holding the UI token) may make main
// do: send a user's file off this host, aim traffic at a sink zcprof does not run,
// point the library at any folder, or move files that are not reports. Each is
// refused unless the person at the machine allowed it, at launch or in a dialog.

import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import type { UiPolicy } from '../../src/main/api/ui-policy'
import { LIBRARY_MARKER } from '../../src/main/reports/report-library'
import type { ApiEvent } from '../../src/shared/api'
import { randomFile, tempDir, testPlan } from '../helpers'

const secret = randomFile(64 * 1024)

/** a TCP sink on 127.0.0.2 that counts what it is sent: the attacker's listener */
async function sink(): Promise<{ port: number; bytes: () => number; close: () => void }> {
  let bytes = 0
  const server = net.createServer((s) => s.on('data', (d) => (bytes += d.length)).on('error', () => undefined))
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r))
  return { port: (server.address() as net.AddressInfo).port, bytes: () => bytes, close: () => server.close() }
}

const api = (policy?: UiPolicy) =>
  new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), defaultLibraryFolder: tempDir(), policy })

function ended(a: EngineApi, runId: string): Promise<ApiEvent['event']> {
  return new Promise((resolve) => {
    const off = a.onEvent((e) => {
      if (e.runId === runId && (e.event.type === 'run-end' || e.event.type === 'run-failed')) {
        off()
        resolve(e.event)
      }
    })
  })
}

describe('sending', () => {
  it('a file may not go to a raw:// sink, and nothing is sent', async () => {
    const s = await sink()
    const r = await api().startRun(testPlan(secret, { targets: [`raw://127.0.0.2:${s.port}`] }))
    expect(r).toMatchObject({ ok: false, error: { code: 'ZC_POLICY_TARGET' } })
    await new Promise((res) => setTimeout(res, 200))
    expect(s.bytes()).toBe(0)
    s.close()
  })

  it('an allowed raw:// target still may not receive a file that was not allowed', async () => {
    const s = await sink()
    const target = `raw://127.0.0.2:${s.port}`
    const r = await api({ files: [], targets: [target] }).startRun(testPlan(secret, { targets: [target] }))
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'ZC_POLICY_FILE', hint: expect.stringMatching(/--allow-file/) }
    })
    expect(s.bytes()).toBe(0)
    s.close()
  })

  it('with the target and the file allowed at launch, the run goes', async () => {
    const s = await sink()
    const target = `raw://127.0.0.2:${s.port}`
    const a = api({ files: [secret], targets: [target] })
    const r = await a.startRun(testPlan(secret, { targets: [target], methods: ['copy'] }))
    expect(r.ok).toBe(true)
    if (r.ok) expect((await ended(a, r.runId)).type).toBe('run-end')
    expect(s.bytes()).toBeGreaterThanOrEqual(64 * 1024)
    s.close()
  })

  it('a dialog answer decides when nothing was allowed at launch', async () => {
    const s = await sink()
    const target = `raw://127.0.0.2:${s.port}`
    const asked: string[] = []
    const no = api({ files: [], targets: [], confirm: async (q) => (asked.push(q), false) })
    expect(await no.startRun(testPlan(secret, { targets: [target] }))).toMatchObject({ ok: false })
    expect(asked[0]).toMatch(new RegExp(`Send test traffic to raw://127.0.0.2:${s.port}`))
    const yes = api({ files: [], targets: [], confirm: async () => true })
    const r = await yes.startRun(testPlan(secret, { targets: [target], methods: ['copy'] }))
    expect(r.ok).toBe(true)
    if (r.ok) await ended(yes, r.runId)
    s.close()
  })

  it('a file to zcprof’s own loopback receiver needs no permission', async () => {
    const a = api()
    const r = await a.startRun(testPlan(secret, { methods: ['copy'] }))
    expect(r.ok).toBe(true)
    if (r.ok) expect((await ended(a, r.runId)).type).toBe('run-end')
  })

  it('repeat 1e9 is refused by the plan rules before anything is allocated', async () => {
    expect(await api().startRun(testPlan(secret, { repeat: 1e9 }))).toMatchObject({
      ok: false,
      error: { code: 'ZC_BAD_PLAN', message: expect.stringMatching(/repeat/) }
    })
  })
})

describe('a file the UI may not use is refused the same way, whatever the reason', () => {
  // one path, refused while missing and again once it exists: the answers must not differ by a byte
  it('missing, then existing but not allowed: byte-identical refusals', async () => {
    const s = await sink()
    const target = `raw://127.0.0.2:${s.port}`
    const a = api({ files: [], targets: [target] })
    const file = path.join(tempDir(), 'secret.txt')
    const refusal = async () => JSON.stringify(await a.startRun(testPlan(file, { targets: [target] })))
    const missing = await refusal()
    writeFileSync(file, 'x'.repeat(4096))
    const forbidden = await refusal()
    expect(missing).toBe(forbidden)
    expect(JSON.parse(forbidden)).toMatchObject({ ok: false, error: { code: 'ZC_POLICY_FILE' } })
    expect(s.bytes()).toBe(0)
    s.close()
  })
  it('to this host’s own receiver too: missing, a folder and empty read alike', async () => {
    const a = api()
    const dir = tempDir()
    const file = path.join(dir, 'thing')
    const refusal = async () => JSON.stringify(await a.startRun(testPlan(file, { methods: ['copy'] })))
    const missing = await refusal()
    mkdirSync(file)
    const folder = await refusal()
    rmdirSync(file)
    writeFileSync(file, '')
    const empty = await refusal()
    expect(new Set([missing, folder, empty]).size).toBe(1)
    expect(JSON.parse(missing)).toMatchObject({ ok: false, error: { code: 'ZC_POLICY_FILE' } })
  })
})

describe('the library', () => {
  it('may not be pointed at a folder of other files', async () => {
    const project = tempDir()
    writeFileSync(path.join(project, 'package.json'), '{"name":"victim"}\n')
    const r = await api().setLibraryFolder(project)
    expect(r).toMatchObject({ ok: false, error: { code: 'ZC_POLICY_FOLDER' } })
  })
  it('may be pointed at a new or empty folder, or an existing library', async () => {
    const a = api()
    expect((await a.setLibraryFolder(path.join(tempDir(), 'new'))).ok).toBe(true)
    expect((await a.setLibraryFolder(tempDir())).ok).toBe(true)
    const existing = tempDir()
    writeFileSync(path.join(existing, 'a.json'), '{}')
    writeFileSync(path.join(existing, LIBRARY_MARKER), '')
    expect((await a.setLibraryFolder(existing)).ok).toBe(true)
    const older = tempDir()
    writeFileSync(path.join(older, 'b.json'), '{}')
    mkdirSync(path.join(older, '.trash'))
    expect((await a.setLibraryFolder(older)).ok).toBe(true)
  })
  it('deleteReport moves reports only', async () => {
    const folder = tempDir()
    const a = new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), libraryFolder: folder })
    writeFileSync(path.join(folder, 'package.json'), '{"name":"victim"}\n')
    expect(await a.deleteReport('package.json')).toMatchObject({ ok: false, error: { code: 'ZC_LIBRARY_NOT_REPORT' } })
    expect(existsSync(path.join(folder, 'package.json'))).toBe(true)
  })
})
