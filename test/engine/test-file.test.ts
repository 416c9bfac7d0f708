import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureTestFile, privateCacheDir } from '../../src/main/engine/test-file'
import { asyncRefusal, tempDir } from '../helpers'

const OTHER_UID = 65534 // nobody: another user on this machine

describe('ensureTestFile', () => {
  it('makes a file of exactly the size asked, then reuses it', async () => {
    const dir = tempDir()
    const a = await ensureTestFile(1_000_003, dir)
    expect(statSync(a).size).toBe(1_000_003)
    const mtime = statSync(a).mtimeMs
    expect(await ensureTestFile(1_000_003, dir)).toBe(a)
    expect(statSync(a).mtimeMs).toBe(mtime)
  })

  it('reports progress while it writes', async () => {
    const seen: number[] = []
    await ensureTestFile(9 * 1024 * 1024, tempDir(), (d) => seen.push(d))
    expect(seen.length).toBeGreaterThan(1)
    expect(seen.at(-1)).toBe(9 * 1024 * 1024)
  })

  it('never holds the event loop for long: the desktop app runs it on its main thread', async () => {
    let ticks = 0
    let worstGapMs = 0
    let last = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      worstGapMs = Math.max(worstGapMs, now - last)
      last = now
      ticks++
    }, 5)
    await ensureTestFile(256 * 1024 * 1024, tempDir())
    clearInterval(timer)
    // a synchronous writer gives one tick at the end; this one many, at short gaps
    expect(ticks).toBeGreaterThan(10)
    expect(worstGapMs).toBeLessThan(1000)
  })
})

describe('the cache is private (issue 24, item 1)', () => {
  it('refuses a cache folder other users can write, sticky or not, naming it and the fix', async () => {
    for (const mode of [0o777, 0o1777, 0o775, 0o757]) {
      const dir = tempDir()
      chmodSync(dir, mode)
      const e = await asyncRefusal(ensureTestFile(4096, dir))
      expect(e.code, mode.toString(8)).toBe('ZC_UNSAFE_FOLDER')
      expect(e.message).toContain(dir)
      expect(e.message).toMatch(/other users can write it/)
      expect(e.hint).toMatch(/--cache-dir/)
    }
  })

  it("refuses a folder another user owns, and a link in the folder's place", async () => {
    const theirs = tempDir()
    chmodSync(theirs, 0o700)
    chownSync(theirs, OTHER_UID, OTHER_UID)
    expect((await asyncRefusal(ensureTestFile(4096, theirs))).message).toMatch(/belongs to another user \(uid 65534\)/)
    const link = path.join(tempDir(), 'cache')
    symlinkSync(tempDir(), link)
    expect((await asyncRefusal(ensureTestFile(4096, link))).message).toMatch(/symbolic link/)
  })

  it('makes the default folder (XDG cache) 0700', async () => {
    const home = tempDir()
    const before = process.env.XDG_CACHE_HOME
    process.env.XDG_CACHE_HOME = home
    try {
      await ensureTestFile(4096)
      expect(lstatSync(path.join(home, 'zcprof')).mode & 0o777).toBe(0o700)
      chmodSync(path.join(home, 'zcprof'), 0o755) // as versions before 0.4 left it
      expect(await privateCacheDir()).toBe(path.join(home, 'zcprof'))
      expect(lstatSync(path.join(home, 'zcprof')).mode & 0o777).toBe(0o700)
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME
      else process.env.XDG_CACHE_HOME = before
    }
  })

  it('a link planted at the test file never has its target written', async () => {
    const dir = tempDir()
    const victim = path.join(tempDir(), 'victim.txt')
    writeFileSync(victim, 'precious\n')
    symlinkSync(victim, path.join(dir, 'zcprof-4096.bin'))
    const file = await ensureTestFile(4096, dir)
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
    expect(lstatSync(file).isFile()).toBe(true)
    expect(lstatSync(file).size).toBe(4096)
  })

  it('links planted at every name the old writer used for its temporary file (pid-named) are never followed', async () => {
    const dir = tempDir()
    const victim = path.join(tempDir(), 'victim.txt')
    writeFileSync(victim, 'precious\n')
    for (let pid = process.pid - 3; pid <= process.pid + 3; pid++)
      symlinkSync(victim, path.join(dir, `zcprof-4096.bin.${pid}.tmp`))
    await ensureTestFile(4096, dir)
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
  })

  it('a file of the right size that zcprof did not make is not used as test data', async () => {
    const dir = tempDir()
    const planted = Buffer.alloc(65536, 'A')
    writeFileSync(path.join(dir, 'zcprof-65536.bin'), planted)
    const file = await ensureTestFile(65536, dir)
    expect(readFileSync(file).equals(planted)).toBe(false)
  })

  it('a cached file changed after it was made, or given to another user, is made again', async () => {
    const dir = tempDir()
    const file = await ensureTestFile(65536, dir)
    const edited = Buffer.alloc(65536, 'B')
    writeFileSync(file, edited) // same inode, same size: only the stamp tells
    expect(readFileSync(await ensureTestFile(65536, dir)).equals(edited)).toBe(false)
    const again = await ensureTestFile(65536, dir)
    const bytes = readFileSync(again)
    chownSync(again, OTHER_UID, OTHER_UID)
    expect(readFileSync(await ensureTestFile(65536, dir)).equals(bytes)).toBe(false)
    const mine = await ensureTestFile(65536, dir)
    chmodSync(mine, 0o666)
    const kept = readFileSync(mine)
    expect(readFileSync(await ensureTestFile(65536, dir)).equals(kept)).toBe(false)
  })

  it('two runs making the same file at once each end with a whole one', async () => {
    const dir = tempDir()
    mkdirSync(dir, { recursive: true })
    const [a, b] = await Promise.all([ensureTestFile(8 << 20, dir), ensureTestFile(8 << 20, dir)])
    expect(a).toBe(b)
    expect(statSync(a).size).toBe(8 << 20)
  })
})
