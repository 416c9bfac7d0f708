// The file a trial sends: the user's own, or a generated one kept in a cache and reused.

import { randomFill } from 'node:crypto'
import { mkdir, open, rename, rm, stat, statfs } from 'node:fs/promises'
import { accessSync, constants, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import { formatBytes } from '../../shared/units'

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'zcprof')
}

/** Checks a user's file up front, so a trial never starts on something it cannot send. */
export function checkUserFile(file: string): number {
  let st
  try {
    st = statSync(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'ENOENT',
      message:
        code === 'ENOENT' ? `file '${file}' does not exist` : `cannot read file '${file}': ${(e as Error).message}`,
      hint: 'choose an existing regular file (--file in the CLI), or none to send generated data of the size asked'
    })
  }
  if (!st.isFile()) {
    throw new ZcprofError({
      code: 'ZC_NOT_A_FILE',
      message: `'${file}' is not a regular file`,
      hint: 'choose a regular file (--file in the CLI): not a folder, device or pipe'
    })
  }
  try {
    accessSync(file, constants.R_OK)
  } catch {
    throw new ZcprofError({
      code: 'EACCES',
      message: `file '${file}' is not readable by this user`,
      hint: `check its permissions (chmod +r '${file}') or run as its owner`
    })
  }
  if (st.size === 0)
    throw new ZcprofError({
      code: 'ZC_EMPTY_FILE',
      message: `file '${file}' is empty`,
      hint: 'pick a file with data in it'
    })
  return st.size
}

/**
 * Returns the path of a cached file of exactly `bytes` random bytes, making it
 * if needed. Written to a temp name and renamed, so a crash leaves no half file.
 * Asynchronous throughout: in the desktop app this runs on Electron's main thread.
 */
export async function ensureTestFile(
  bytes: number,
  cacheDir = defaultCacheDir(),
  onProgress?: (done: number) => void
): Promise<string> {
  await mkdir(cacheDir, { recursive: true })
  const file = path.join(cacheDir, `zcprof-${bytes}.bin`)
  try {
    if ((await stat(file)).size === bytes) return file
  } catch {
    // not there yet
  }
  const free = await statfs(cacheDir).then(
    (s) => s.bavail * s.bsize,
    () => Infinity
  )
  if (free < bytes + 64 * 1024 * 1024) {
    throw new ZcprofError({
      code: 'ENOSPC',
      message: `not enough disk space in ${cacheDir} for a ${formatBytes(bytes)} test file (${formatBytes(free)} free)`,
      hint: 'free some space, pick a smaller --size, or point --cache-dir at a larger disk'
    })
  }
  const tmp = `${file}.${process.pid}.tmp`
  const block = Buffer.allocUnsafe(Math.min(bytes, 4 << 20))
  const fh = await open(tmp, 'w')
  try {
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
  } catch (e) {
    await fh.close().catch(() => undefined)
    await rm(tmp, { force: true })
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'EIO',
      message: `cannot write the test file ${tmp}: ${(e as Error).message}`,
      hint: code === 'ENOSPC' ? 'the disk is full: free space or use --cache-dir on another disk' : undefined
    })
  }
  await rename(tmp, file)
  return file
}
