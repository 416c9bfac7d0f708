// The library's trash: a report removed goes to .trash inside the library, under
// the time it went and its id, so it can be restored until someone empties it by hand.

import { lstatSync, mkdirSync, readdirSync, type Stats } from 'node:fs'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import type { LibraryEntry, TrashEntry } from '../../shared/library'
import { moveNoReplace } from '../storage/atomic-file'
import { linkRefused } from './library-files'
import { numberedStem } from './library-ids'

const TRASH = '.trash'
/** a report in the trash: the ms it was removed (13 digits), '-', its id */
export const TRASH_ID = /^\d{13}-[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/

/** makes folder's .trash, or refuses one that is a link or not a folder (a removed report would leave the library) */
export function ensureTrashFolder(folder: string): void {
  const trash = path.join(folder, TRASH)
  let st: Stats | null = null
  try {
    st = lstatSync(trash)
  } catch {
    mkdirSync(trash, { mode: 0o755 })
  }
  if (st && (st.isSymbolicLink() || !st.isDirectory()))
    throw new ZcprofError({
      code: 'ZC_LIBRARY_TRASH',
      message: `${trash} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: deleted reports would leave the library`,
      hint: `remove ${trash}; zcprof makes a new one`
    })
}

/** moves the report id into the trash (ensureTrashFolder first) */
export function moveToTrash(folder: string, id: string): TrashEntry {
  const trashId = `${Date.now()}-${id}`
  moveNoReplace(path.join(folder, id), path.join(folder, TRASH, trashId))
  return { trashId, id, title: id, deletedAt: new Date().toISOString() }
}

/** what the trash holds, last removed first */
export function listTrash(folder: string): TrashEntry[] {
  const dir = path.join(folder, TRASH)
  try {
    if (!lstatSync(dir).isDirectory()) return []
  } catch {
    return []
  }
  return readdirSync(dir)
    .filter((n) => TRASH_ID.test(n))
    .map((trashId) => {
      const id = trashId.slice(14)
      return { trashId, id, title: id, deletedAt: new Date(Number(trashId.slice(0, 13))).toISOString() }
    })
    .sort((a, b) => b.deletedAt.localeCompare(a.deletedAt))
}

/**
 * Moves trashId back into the library under its id, or the next free name, and answers
 * entryOf the id it came back as (ensureTrashFolder first).
 */
export function restoreFromTrash(folder: string, trashId: string, entryOf: (id: string) => LibraryEntry): LibraryEntry {
  const from = path.join(folder, TRASH, trashId)
  let st: Stats
  try {
    st = lstatSync(from)
  } catch {
    throw new ZcprofError({
      code: 'ZC_LIBRARY_MISSING',
      message: `${trashId} is not in the trash`,
      hint: 'refresh the list'
    })
  }
  if (st.isSymbolicLink()) linkRefused(from)
  const stem = trashId.slice(14).replace(/\.json$/, '')
  for (let i = 1; i < 10_000; i++) {
    const id = `${numberedStem(stem, i)}.json`
    try {
      moveNoReplace(from, path.join(folder, id))
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue
      throw e
    }
    return entryOf(id)
  }
  throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${folder}` })
}
