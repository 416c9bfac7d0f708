// The listing's index: kept in this user's cache (never in the library), used by the next
// process for files that did not change, and never the only copy of anything.

import { chmodSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { indexFileFor } from '../../src/main/reports/library-index'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { dailyRuns, writeHistory } from '../fixtures/reports/history'
import { tempDir } from '../helpers'

let cache = ''
const saved = process.env.XDG_CACHE_HOME
beforeEach(() => {
  cache = tempDir('zcprof-index-cache-')
  process.env.XDG_CACHE_HOME = cache
})
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CACHE_HOME
  else process.env.XDG_CACHE_HOME = saved
})

function library(n: number): { folder: string; ids: string[] } {
  const folder = tempDir('zcprof-index-lib-')
  chmodSync(folder, 0o755)
  const ids = writeHistory(
    folder,
    dailyRuns(n, () => ({ copy: 3, sendfile: 2 }))
  )
  // whole seconds: a time utimes can set back exactly (a file's own has nanoseconds)
  for (const id of ids) utimesSync(path.join(folder, id), WHEN, WHEN)
  return { folder, ids }
}

const WHEN = 1_700_000_000

/** the index with one report's host replaced: a listing that shows it read the index, not the file */
function plantHost(folder: string, id: string, host: string): string {
  const file = indexFileFor(folder)
  const text = readFileSync(file, 'utf8')
  const index = JSON.parse(text) as { entries: [string, string, { host: string }][] }
  index.entries.find(([x]) => x === id)![2].host = host
  writeFileSync(file, JSON.stringify(index))
  return text
}

describe('the library index', () => {
  it("is written to the user's cache, not into the library, and the next process's listing uses it", async () => {
    const { folder, ids } = library(3)
    const first = await new ReportLibrary(folder).list()
    expect(first.entries).toHaveLength(3)
    expect(readdirSync(folder).sort()).toEqual([...ids].sort())
    expect(indexFileFor(folder).startsWith(cache)).toBe(true)
    // the index's word for a file that did not change is taken without reading the file
    plantHost(folder, ids[0], 'from-index')
    const next = await new ReportLibrary(folder).list()
    expect(next.entries.find((e) => e.id === ids[0])!.host).toBe('from-index')
    // without the index, the same listing reads the file
    rmSync(indexFileFor(folder))
    const fresh = await new ReportLibrary(folder).list()
    expect(fresh.entries.find((e) => e.id === ids[0])!.host).toBe('lab-a')
  })

  it('reads again a file whose status changed (a chmod: its ctime), though its size and mtime did not', async () => {
    const { folder, ids } = library(2)
    await new ReportLibrary(folder).list()
    plantHost(folder, ids[0], 'from-index')
    chmodSync(path.join(folder, ids[0]), 0o600)
    const next = await new ReportLibrary(folder).list()
    expect(next.entries.find((e) => e.id === ids[0])!.host).toBe('lab-a')
  })

  it('reads again a file whose size or time changed, and forgets one that went', async () => {
    const { folder, ids } = library(3)
    await new ReportLibrary(folder).list()
    const file = path.join(folder, ids[1])
    writeFileSync(file, readFileSync(file, 'utf8').replace('"hostname":"lab-a"', '"hostname":"lab-bb"'))
    rmSync(path.join(folder, ids[2]))
    const next = await new ReportLibrary(folder).list()
    expect(next.entries.map((e) => [e.id, e.host]).sort()).toEqual(
      [
        [ids[0], 'lab-a'],
        [ids[1], 'lab-bb']
      ].sort()
    )
    const index = JSON.parse(readFileSync(indexFileFor(folder), 'utf8')) as { entries: [string][] }
    expect(index.entries.map(([id]) => id).sort()).toEqual([ids[0], ids[1]].sort())
  })

  it('a damaged index, or one another version wrote, is ignored: the listing reads the reports', async () => {
    const { folder, ids } = library(2)
    await new ReportLibrary(folder).list()
    const index = indexFileFor(folder)
    const hostOf = async () => (await new ReportLibrary(folder).list()).entries.find((e) => e.id === ids[0])!.host
    const text = plantHost(folder, ids[0], 'from-index')
    expect(await hostOf()).toBe('from-index')
    plantHost(folder, ids[0], 'from-index')
    writeFileSync(index, readFileSync(index, 'utf8').replace(/"tool":"[^"]+"/, '"tool":"0.0.1"'))
    expect(await hostOf()).toBe('lab-a')
    writeFileSync(index, text.slice(0, text.length / 2))
    expect(await hostOf()).toBe('lab-a')
  })

  it('an index others could have written (group or world-writable, or a link) is not believed', async () => {
    const { folder, ids } = library(2)
    await new ReportLibrary(folder).list()
    const hostOf = async () => (await new ReportLibrary(folder).list()).entries.find((e) => e.id === ids[0])!.host
    plantHost(folder, ids[0], 'planted')
    chmodSync(indexFileFor(folder), 0o666)
    expect(await hostOf()).toBe('lab-a')
    plantHost(folder, ids[0], 'planted')
    chmodSync(indexFileFor(folder), 0o644)
    chmodSync(path.dirname(indexFileFor(folder)), 0o777)
    expect(await hostOf()).toBe('lab-a')
  })

  it('one index serves a library however its folder is reached (a symlinked parent)', async () => {
    const { folder, ids } = library(2)
    const link = path.join(tempDir('zcprof-index-link-'), 'via')
    symlinkSync(path.dirname(folder), link)
    const other = path.join(link, path.basename(folder))
    await new ReportLibrary(folder).list()
    expect(indexFileFor(other)).toBe(indexFileFor(folder))
    plantHost(folder, ids[0], 'from-index')
    expect((await new ReportLibrary(other).list()).entries.find((e) => e.id === ids[0])!.host).toBe('from-index')
  })

  it('an index that cannot be written is no error', async () => {
    const { folder } = library(2)
    writeFileSync(path.join(cache, 'zcprof'), 'a file where the cache folder would be')
    expect((await new ReportLibrary(folder).list()).entries).toHaveLength(2)
  })
})
