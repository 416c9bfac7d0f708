// Every file zcprof writes (reports, exports, settings) is written atomically: a temp file with a random name,
// created exclusively and without following links, in the target's folder; fsync
// the file, rename (or link, when the name must not be taken), fsync the folder.
// A crash or a full disk never leaves a half report under the real name, and a link
// planted where the temp file will be cannot redirect the write.

import { randomBytes } from 'node:crypto'
import { closeSync, constants, fsyncSync, linkSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import { exporterFor } from '../../shared/export/exporters'
import type { Report } from '../../shared/report'

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY, O_RDONLY, O_DIRECTORY } = constants

export interface AtomicWriteOptions {
  /** fail with EEXIST instead of replacing a file already at the name (a shared folder's race) */
  exclusive?: boolean
}

/** the folder's entry for the new name reaches the disk too; some file systems cannot, and that is fine */
function fsyncFolder(dir: string): void {
  let fd = -1
  try {
    fd = openSync(dir, O_RDONLY | O_DIRECTORY)
    fsyncSync(fd)
  } catch {
    // EINVAL/EISDIR on file systems that cannot sync a directory: the rename is still atomic
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}

/** moves from to file without replacing anything there; EEXIST when the name is taken */
export function moveNoReplace(tmp: string, file: string): void {
  try {
    linkSync(tmp, file)
    rmSync(tmp, { force: true })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e
    // no hard links here (some network shares): claim the name exclusively, then rename over the claim
    closeSync(openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644))
    renameSync(tmp, file)
  }
}

export function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`)
  let fd = -1
  let created = false
  try {
    fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o644)
    created = true
    // writeSync may write less than asked (a disk filling up): loop until all of it is down
    const buf = Buffer.from(data, 'utf8')
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
    fsyncSync(fd)
    closeSync(fd)
    fd = -1
    if (options.exclusive) moveNoReplace(tmp, file)
    else renameSync(tmp, file)
    created = false
    fsyncFolder(dir)
  } catch (e) {
    if (fd >= 0) closeSync(fd)
    if (created) rmSync(tmp, { force: true })
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO'
    throw new ZcprofError({
      code,
      message: `cannot write ${file}: ${(e as Error).message}`,
      hint:
        code === 'ENOSPC'
          ? 'the disk is full: free space or write the report elsewhere; the run itself is kept in memory until then'
          : code === 'ENOENT'
            ? `the folder ${dir} does not exist`
            : code === 'EEXIST'
              ? 'another report took that name at the same moment: save again'
              : 'check the path and its permissions'
    })
  }
}

/**
 * writes the report in its one JSON form (the JSON exporter's, shared/export) and
 * answers the text it wrote (what a digest or a size is taken of)
 */
export function writeReport(file: string, report: Report, options: AtomicWriteOptions = {}): string {
  const text = exporterFor('json').render(report)
  writeFileAtomic(file, text, options)
  return text
}
