// The file a run sends, opened once after its checks and held for every trial.
// Trials read it through /proc/self/fd/N, which names the open inode, not the path:
// a link or file swapped in at the path after the checks cannot put other bytes
// (a secret) on the wire, and two runs sharing a cache file each keep the bytes
// they checksummed. Before each trial the path is looked at again, and a run whose
// file was replaced stops rather than measure something the user did not name.

import { closeSync, constants, fstatSync, openSync, realpathSync, statSync, type Stats } from 'node:fs'
import { ZcprofError } from '../../shared/errors'

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = constants

export interface HeldFile {
  /** the path as the user (or the cache) named it: what messages say */
  name: string
  /** where the addon and Node read it from: the held descriptor's link */
  readPath: string
  bytes: number
  /**
   * the user's own file: its path must keep naming it (checkUnchanged). A generated
   * one may be replaced by another run making its own: the bytes held are still whole.
   */
  named: boolean
  fd: number
  dev: number
  ino: number
}

const FIX = 'choose an existing regular file (--file in the CLI), or none to send generated data of the size asked'

function openError(file: string, e: NodeJS.ErrnoException): ZcprofError {
  const code = e.code ?? 'EIO'
  if (code === 'ENOENT') return new ZcprofError({ code, message: `file '${file}' does not exist`, hint: FIX })
  if (code === 'EACCES' || code === 'EPERM')
    return new ZcprofError({
      code: 'EACCES',
      message: `file '${file}' is not readable by this user`,
      hint: `check its permissions (chmod +r '${file}') or run as its owner`
    })
  if (code === 'ELOOP')
    return new ZcprofError({
      code: 'ZC_FILE_CHANGED',
      message: `'${file}' became a symbolic link after it was checked`,
      hint: 'something changed the file while zcprof opened it: check who else writes that folder, then run again'
    })
  return new ZcprofError({ code, message: `cannot read file '${file}': ${e.message}`, hint: FIX })
}

function notRegular(file: string, st: Stats): ZcprofError | null {
  if (!st.isFile())
    return new ZcprofError({
      code: 'ZC_NOT_A_FILE',
      message: `'${file}' is not a regular file`,
      hint: 'choose a regular file (--file in the CLI): not a folder, device or pipe'
    })
  if (st.size === 0)
    return new ZcprofError({
      code: 'ZC_EMPTY_FILE',
      message: `file '${file}' is empty`,
      hint: 'pick a file with data in it'
    })
  return null
}

/**
 * Opens file for the whole run. A link the user named is resolved once, here; the
 * resolved name is opened without following links (O_NOFOLLOW) and without blocking
 * (a FIFO must not hang the run), and what was opened is what the checks look at.
 */
export function holdFile(file: string, named = true): HeldFile {
  let fd = -1
  try {
    const real = realpathSync(file)
    fd = openSync(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)
    const st = fstatSync(fd)
    const bad = notRegular(file, st)
    if (bad) throw bad
    // the name must still lead to what was opened: a swap between realpath and open is refused too
    const now = statSync(file)
    if (now.dev !== st.dev || now.ino !== st.ino) throw changedError(file)
    return { name: file, readPath: `/proc/self/fd/${fd}`, bytes: st.size, named, fd, dev: st.dev, ino: st.ino }
  } catch (e) {
    if (fd >= 0) closeSync(fd)
    if (e instanceof ZcprofError) throw e
    throw openError(file, e as NodeJS.ErrnoException)
  }
}

function changedError(file: string): ZcprofError {
  return new ZcprofError({
    code: 'ZC_FILE_CHANGED',
    message: `'${file}' was replaced while the run used it (it is no longer the file that was checked)`,
    hint: 'something else writes that path: keep it unchanged during the run, or copy the file somewhere only you write'
  })
}

/** Throws ZC_FILE_CHANGED when the user's path no longer names the held file: before each trial. */
export function checkUnchanged(h: HeldFile): void {
  if (!h.named) return
  let now: Stats
  try {
    now = statSync(h.name)
  } catch {
    throw changedError(h.name)
  }
  if (now.dev !== h.dev || now.ino !== h.ino) throw changedError(h.name)
}

export function releaseFile(h: HeldFile): void {
  try {
    closeSync(h.fd)
  } catch {
    // already closed: nothing held
  }
}
