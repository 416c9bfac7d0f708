// Reports are written atomically: a temp file beside the target, fsync, rename.
// A crash or a full disk never leaves a half report under the real name.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import type { Report } from '../../shared/report'

export function writeFileAtomic(file: string, data: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
  let fd = -1
  try {
    fd = openSync(tmp, 'w', 0o644)
    // writeSync may write less than asked (a disk filling up): loop until all of it is down
    const buf = Buffer.from(data, 'utf8')
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
    fsyncSync(fd)
    closeSync(fd)
    fd = -1
    renameSync(tmp, file)
  } catch (e) {
    if (fd >= 0) closeSync(fd)
    rmSync(tmp, { force: true })
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO'
    throw new ZcprofError({
      code,
      message: `cannot write ${file}: ${(e as Error).message}`,
      hint:
        code === 'ENOSPC'
          ? 'the disk is full: free space or write the report elsewhere; the run itself is kept in memory until then'
          : code === 'ENOENT'
            ? `the folder ${path.dirname(file)} does not exist`
            : 'check the path and its permissions'
    })
  }
}

export function writeReport(file: string, report: Report): void {
  writeFileAtomic(file, JSON.stringify(report, null, 1) + '\n')
}
