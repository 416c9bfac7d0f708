// The generated file a trial sends when the user names none, kept in a cache and reused.
// The cache is private: a folder other users can write could hold a planted link (our
// write would overwrite its target) or a planted file (we would measure with their
// data), so such a folder is refused, and the default one is made 0700.

import { randomBytes, randomFill } from 'node:crypto'
import { constants, type BigIntStats } from 'node:fs'
import { chmod, lstat, mkdir, open, readFile, rename, rm, statfs } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import { formatBytes } from '../../shared/units'
import { writeFileAtomic } from '../storage/atomic-file'
import { folderProblem } from '../storage/private-folder'

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'zcprof')
}

const myUid = () => process.getuid?.() ?? 0

/**
 * The cache folder, checked: the default is made (0700) when missing; one named with
 * --cache-dir must be a folder only this user (or root) can write, as ssh asks of ~/.ssh.
 */
export async function privateCacheDir(cacheDir = defaultCacheDir()): Promise<string> {
  const isDefault = cacheDir === defaultCacheDir()
  const dir = path.resolve(cacheDir)
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const st = await lstat(dir)
  // the default folder is ours to fix; a folder the user named is theirs to decide about
  if (isDefault && st.isDirectory() && st.uid === myUid() && st.mode & 0o077) await chmod(dir, 0o700)
  const problem = folderProblem(dir, {
    what: 'the cache folder',
    harm: 'they could plant a link where zcprof writes its test file, or their own data to be measured',
    // the test file's name is known in advance: a sticky shared folder still lets others plant it
    stickyOk: false,
    hint: isDefault
      ? `make it yours and private (chmod 700 '${dir}'), or pass --cache-dir with a folder only you can write`
      : `pass a folder only you can write (mkdir -m 700 ~/zcprof-cache; --cache-dir ~/zcprof-cache), or leave --cache-dir out for ${defaultCacheDir()}`
  })
  if (problem) throw new ZcprofError(problem)
  return dir
}

/** what a cached file was when we made it: reused only while it is still that file */
interface Stamp {
  bytes: number
  dev: number
  ino: number
  mtimeNs: string
}

const stampOf = (st: BigIntStats, bytes: number): Stamp => ({
  bytes,
  dev: Number(st.dev),
  ino: Number(st.ino),
  mtimeNs: String(st.mtimeNs)
})

/** the cached file when it is one we made and nobody changed since: ours, private, unlinked, as stamped */
async function reusable(file: string, stampFile: string, bytes: number): Promise<boolean> {
  try {
    const st = await lstat(file, { bigint: true })
    if (!st.isFile() || Number(st.uid) !== myUid() || Number(st.mode) & 0o022 || Number(st.size) !== bytes) return false
    const stamp = JSON.parse(await readFile(stampFile, 'utf8')) as Stamp
    const now = stampOf(st, bytes)
    return stamp.bytes === now.bytes && stamp.dev === now.dev && stamp.ino === now.ino && stamp.mtimeNs === now.mtimeNs
  } catch {
    return false // missing, unreadable or not ours: made again
  }
}

/**
 * Returns the path of a cached file of exactly `bytes` random bytes, making it
 * if needed: created exclusively under a random name (never through a link), filled,
 * synced and renamed into place, so a crash leaves no half file and two runs making
 * one at once each end with a whole one. Asynchronous throughout: in the desktop
 * app this runs on Electron's main thread.
 */
export async function ensureTestFile(
  bytes: number,
  cacheDir = defaultCacheDir(),
  onProgress?: (done: number) => void
): Promise<string> {
  const dir = await privateCacheDir(cacheDir)
  const file = path.join(dir, `zcprof-${bytes}.bin`)
  const stampFile = `${file}.stamp`
  if (await reusable(file, stampFile, bytes)) return file
  const free = await statfs(dir).then(
    (s) => s.bavail * s.bsize,
    () => Infinity
  )
  if (free < bytes + 64 * 1024 * 1024) {
    throw new ZcprofError({
      code: 'ENOSPC',
      message: `not enough disk space in ${dir} for a ${formatBytes(bytes)} test file (${formatBytes(free)} free)`,
      hint: 'free some space, pick a smaller --size, or point --cache-dir at a larger disk'
    })
  }
  const tmp = path.join(dir, `.zcprof-${bytes}.${randomBytes(8).toString('hex')}.tmp`)
  const block = Buffer.allocUnsafe(Math.min(bytes, 4 << 20))
  let fh
  try {
    fh = await open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600)
    for (let done = 0; done < bytes; ) {
      const n = Math.min(block.length, bytes - done)
      await new Promise<void>((resolve, reject) => randomFill(block, 0, n, (e) => (e ? reject(e) : resolve())))
      // a write may be short when the disk fills: loop until the block is down
      for (let off = 0; off < n; ) off += (await fh.write(block, off, n - off)).bytesWritten
      done += n
      onProgress?.(done)
    }
    await fh.sync()
    await fh.close()
    fh = undefined
    await rename(tmp, file)
    writeFileAtomic(stampFile, JSON.stringify(stampOf(await lstat(file, { bigint: true }), bytes)) + '\n')
  } catch (e) {
    await fh?.close().catch(() => undefined)
    await rm(tmp, { force: true })
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'EIO',
      message: `cannot write the test file ${tmp}: ${(e as Error).message}`,
      hint: code === 'ENOSPC' ? 'the disk is full: free space or use --cache-dir on another disk' : undefined
    })
  }
  return file
}
