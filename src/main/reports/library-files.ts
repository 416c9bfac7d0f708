// Reading a library's files: through descriptors opened without following a link,
// no larger than a report may be, and every failure as a problem a list entry shows
// (a report that will not load stays listed with its reason).

import { createHash } from 'node:crypto'
import { closeSync, constants, fstatSync, openSync, readFileSync, type Stats } from 'node:fs'
import { open as openAsync } from 'node:fs/promises'
import path from 'node:path'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { LibraryEntry } from '../../shared/library'
import { safeFileStem } from '../../shared/report-title'
import { MAX_REPORT_BYTES } from '../../shared/report'

const { O_RDONLY, O_NOFOLLOW } = constants

/** a name as text anyone can read and nobody can be fooled by: JSON's escapes, and \u for invisible and reordering characters */
export function escapedName(name: string): string {
  return JSON.stringify(name)
    .slice(1, -1)
    .replace(
      /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
    )
}

/** a name the library would list, but for characters it does not take in a report's name */
export function looksLikeReport(name: string): boolean {
  return /\.json$/i.test(name.replace(/[\p{C}\s]+$/u, ''))
}

export function badId(id: string): never {
  throw new ZcprofError({
    code: 'ZC_LIBRARY_BAD_ID',
    message: `"${escapedName(id.slice(0, 60))}" is not a report in the library`,
    hint: 'pick a report from the list (a file listed with an odd name must be renamed first)'
  })
}

export function linkProblem(file: string): ErrorInfo {
  return {
    code: 'ZC_LIBRARY_LINK',
    message: `${file} is a symbolic link: zcprof follows no links in a report library`,
    hint: 'copy the report into the library instead of linking it'
  }
}

export function linkRefused(file: string): never {
  throw new ZcprofError(linkProblem(file))
}

export function revisionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}

/** what an opened file must be: a regular file no larger than a report may be */
function checkOpened(file: string, st: { isFile(): boolean; size: number }): void {
  if (!st.isFile()) throw new Error('not a regular file')
  if (st.size > MAX_REPORT_BYTES) tooLarge(file, st.size)
}

/** a failure to open or read a library file, in words that say what to do */
export function readFailure(file: string, e: unknown): ZcprofError {
  if (e instanceof ZcprofError) return e
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return new ZcprofError(linkProblem(file))
  if (code === 'ENOENT')
    return new ZcprofError({
      code: 'ZC_LIBRARY_MISSING',
      message: `${path.basename(file)} is no longer in ${path.dirname(file)}`,
      hint: 'refresh the list: another program moved or deleted it'
    })
  return new ZcprofError({
    code: 'ZC_REPORT_UNREADABLE',
    message: `cannot read ${file}: ${(e as Error).message}`,
    hint: 'check its permissions'
  })
}

/** a file's text, read through a descriptor opened without following a link */
export function readNoFollow(file: string): string {
  let fd = -1
  try {
    fd = openSync(file, O_RDONLY | O_NOFOLLOW)
    checkOpened(file, fstatSync(fd))
    return readFileSync(fd, 'utf8')
  } catch (e) {
    throw readFailure(file, e)
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}

/** the same, without holding the thread while the disk reads */
export async function readNoFollowAsync(file: string): Promise<string> {
  let handle: Awaited<ReturnType<typeof openAsync>> | null = null
  try {
    handle = await openAsync(file, O_RDONLY | O_NOFOLLOW)
    checkOpened(file, await handle.stat())
    return await handle.readFile('utf8')
  } catch (e) {
    throw readFailure(file, e)
  } finally {
    await handle?.close()
  }
}

function tooLarge(file: string, size: number): never {
  throw new ZcprofError({
    code: 'ZC_REPORT_TOO_LARGE',
    message: `${file} is ${size} bytes, over the ${MAX_REPORT_BYTES} a report may be`,
    hint: 'no report is that big: it is not one, or it was damaged'
  })
}

/** any failure to read or load a file, as the problem its list entry shows */
export function problemOf(file: string, e: unknown): ErrorInfo {
  if (e instanceof ZcprofError) return e.toInfo()
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return linkProblem(file)
  return {
    code: 'ZC_REPORT_UNREADABLE',
    message: `${file} cannot be read as a report: ${(e as Error).message}`,
    hint: 'open it in an editor, or move it out of the library'
  }
}

export function oddNameProblem(name: string): ErrorInfo {
  const suggested = `${safeFileStem(name.replace(/\.json[\p{C}\s]*$/iu, ''))}.json`
  return {
    code: 'ZC_LIBRARY_ODD_NAME',
    message: `"${escapedName(name)}" has characters zcprof does not take in a report's name (a newline, a control character, a leading dot, …)`,
    hint: `rename it to open it here, e.g. to ${suggested}`
  }
}

export function problemEntry(id: string, st: Stats, problem: ErrorInfo): LibraryEntry {
  return {
    id,
    title: id,
    tags: [],
    host: '',
    timestamp: st.mtime.toISOString(),
    tool: '',
    foreign: false,
    methods: [],
    headline: '',
    bytes: st.size,
    schemaVersion: 0,
    problem,
    incomplete: false,
    revision: null
  }
}
