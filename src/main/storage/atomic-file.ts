// Every file zcprof writes (reports, exports, settings) is written atomically: a temp file with a random name,
// created exclusively and without following links, in the target's folder; fsync
// the file, rename (or link, when the name must not be taken), fsync the folder.
// A crash or a full disk never leaves a half report under the real name, and a link
// planted where the temp file will be cannot redirect the write.

import { randomBytes } from 'node:crypto'
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats
} from 'node:fs'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import { exporterFor } from '../../shared/export/exporters'
import type { Report } from '../../shared/report'

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_WRONLY, O_RDONLY, O_DIRECTORY, W_OK } = constants

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

/** this process's own standard streams, by the names a shell gives them */
const OWN_FD = /^\/(?:dev\/(?:std(out|err)|fd\/([12]))|proc\/(?:self|thread-self)\/fd\/([12]))$/

/**
 * How an output path is written:
 * - fd: /dev/stdout, /dev/fd/1, /proc/self/fd/2…: our own stream, whatever it leads to
 *   (a pipe, a terminal, a file the shell opened), written at its current offset;
 * - in-place: an existing character device or FIFO (/dev/null, a named pipe, >(jq)),
 *   opened and written: renaming a file over it would replace the device itself;
 * - atomic: a regular file or a new name, by a temp file and a rename. A link at the
 *   name is replaced, never written through (a planted link cannot redirect the write).
 * Anything else (a folder, a disk, a socket) is refused, naming it and the fix.
 */
export type OutputWay = { kind: 'fd'; fd: number } | { kind: 'in-place' } | { kind: 'atomic' }

function outputError(file: string, message: string, hint: string, code = 'ZC_BAD_OUTPUT'): ZcprofError {
  return new ZcprofError({ code, message: `cannot write ${file}: ${message}`, hint })
}

export function outputWay(file: string): OutputWay {
  const own = OWN_FD.exec(file)
  if (own) return { kind: 'fd', fd: own[1] === 'err' || own[2] === '2' || own[3] === '2' ? 2 : 1 }
  let st: Stats | null = null
  let link = false
  try {
    link = lstatSync(file).isSymbolicLink()
    st = statSync(file)
  } catch {
    st = null // nothing there, or a dangling link: a new file (the link is replaced)
  }
  if (!st) return { kind: 'atomic' }
  if (st.isFile()) return { kind: 'atomic' }
  if (st.isDirectory())
    throw outputError(file, 'it is a folder', `give a file name in it, e.g. ${path.join(file, 'report.json')}`)
  if (st.isCharacterDevice() || st.isFIFO()) {
    // a link to a device in a folder others may write could be planted: only the user's own /dev names are followed
    if (link && !file.startsWith('/dev/'))
      throw outputError(file, 'it is a link to a device or pipe', 'name the device itself')
    return { kind: 'in-place' }
  }
  throw outputError(
    file,
    st.isBlockDevice() ? 'it is a disk device' : 'it is not a regular file',
    'give the name of a regular file, or - for standard output'
  )
}

/**
 * Checks, before any work, that an output can be written: the way above, and a folder
 * that exists and that this user may write. A run must not measure for minutes and
 * then find it cannot save (exit 2 up front instead).
 */
export function checkOutput(file: string, flag: string): void {
  if (file === '-') return
  let way: OutputWay
  try {
    way = outputWay(file)
  } catch (e) {
    const z = e as ZcprofError
    throw new ZcprofError({ code: z.code, message: `${flag} ${z.message}`, hint: z.hint })
  }
  if (way.kind !== 'atomic') return
  const dir = path.dirname(path.resolve(file))
  let st: Stats
  try {
    st = statSync(dir)
  } catch {
    throw outputError(
      file,
      `the folder ${dir} does not exist`,
      `create it first (mkdir -p '${dir}') or write elsewhere`,
      'ENOENT'
    )
  }
  if (!st.isDirectory()) throw outputError(file, `${dir} is not a folder`, 'give a path inside a folder')
  try {
    accessSync(dir, W_OK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EACCES'
    throw outputError(
      file,
      code === 'EROFS' ? `${dir} is on a read-only file system` : `this user may not write in ${dir}`,
      'write it in a folder you own',
      code
    )
  }
}

/** writes data to a device, FIFO or one of our own streams, where it is: there is nothing to rename */
function writeInPlace(file: string, way: OutputWay, data: string): void {
  // our own streams through Node's, so that what was printed before stays before
  if (way.kind === 'fd') return void (way.fd === 2 ? process.stderr : process.stdout).write(data)
  const buf = Buffer.from(data, 'utf8')
  let fd = -1
  try {
    // a FIFO nobody reads would hang a blocking open: ENXIO says so instead
    closeSync(openSync(file, O_WRONLY | O_NONBLOCK))
    fd = openSync(file, O_WRONLY)
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'EIO'
    throw outputError(
      file,
      code === 'ENXIO' ? 'nobody reads that pipe' : (e as Error).message,
      code === 'ENXIO' ? 'start its reader first' : 'check the device or pipe',
      code
    )
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}

export function writeFileAtomic(file: string, data: string, options: AtomicWriteOptions = {}): void {
  const way = options.exclusive ? ({ kind: 'atomic' } as const) : outputWay(file)
  if (way.kind !== 'atomic') return writeInPlace(file, way, data)
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
