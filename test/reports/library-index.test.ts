// The listing's index: kept in this user's cache (never in the library), used by the next
// process for files that did not change, and never the only copy of anything.

import { chmodSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
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

/** a file's bytes changed in place, its size, mtime and inode as they were: only its content can tell */
function changeUnseen(file: string, from: string, to: string): void {
  const st = statSync(file)
  const text = readFileSync(file, 'utf8')
  expect(to.length).toBe(from.length)
  writeFileSync(file, text.replace(from, to))
  utimesSync(file, WHEN, WHEN)
  const now = statSync(file)
  expect([now.size, now.mtimeMs, now.ino]).toEqual([st.size, st.mtimeMs, st.ino])
}

describe('the library index', () => {
  it("is written to the user's cache, not into the library, and the next process's listing uses it", async () => {
    const { folder, ids } = library(3)
    const first = await new ReportLibrary(folder).list()
    expect(first.entries).toHaveLength(3)
    expect(readdirSync(folder).sort()).toEqual([...ids].sort())
    expect(indexFileFor(folder).startsWith(cache)).toBe(true)
    // a change the index cannot see (same size, mtime and inode): a new library object still lists
    // the host it indexed, so it did not read the file
    changeUnseen(path.join(folder, ids[0]), '"hostname":"lab-a"', '"hostname":"lab-z"')
    const next = await new ReportLibrary(folder).list()
    expect(next.entries.find((e) => e.id === ids[0])!.host).toBe('lab-a')
    // without the index, the same listing reads the file
    rmSync(indexFileFor(folder))
    const fresh = await new ReportLibrary(folder).list()
    expect(fresh.entries.find((e) => e.id === ids[0])!.host).toBe('lab-z')
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
    changeUnseen(path.join(folder, ids[0]), '"hostname":"lab-a"', '"hostname":"lab-q"')
    const index = indexFileFor(folder)
    const hostOf = async () => (await new ReportLibrary(folder).list()).entries.find((e) => e.id === ids[0])!.host
    expect(await hostOf()).toBe('lab-a')
    const text = readFileSync(index, 'utf8')
    writeFileSync(index, text.replace(/"tool":"[^"]+"/, '"tool":"0.0.1"'))
    expect(await hostOf()).toBe('lab-q')
    changeUnseen(path.join(folder, ids[0]), '"hostname":"lab-q"', '"hostname":"lab-r"')
    writeFileSync(index, text.slice(0, text.length / 2))
    expect(await hostOf()).toBe('lab-r')
  })

  it('an index that cannot be written is no error', async () => {
    const { folder } = library(2)
    writeFileSync(path.join(cache, 'zcprof'), 'a file where the cache folder would be')
    expect((await new ReportLibrary(folder).list()).entries).toHaveLength(2)
  })
})
