// Whether a folder zcprof writes into is private: ssh's rule for ~/.ssh. Whoever can
// write a folder can replace what is in it (or plant a link where we will write), so
// the folder (not a link to one) and every folder above it must belong to this user
// or root, and none may be writable by group or others, unless its sticky bit is set
// (as /tmp's is). The report library and the test-file cache both ask here.

import { lstatSync, realpathSync, type Stats } from 'node:fs'
import path from 'node:path'
import type { ErrorInfo } from '../../shared/errors'

/** what the folder is for, in the words its refusal uses */
export interface FolderUse {
  /** e.g. 'the report library' */
  what: string
  /** what another user could do, e.g. 'they could replace or plant reports' */
  harm: string
  /**
   * a sticky folder (1777) is allowed as the folder itself: others cannot replace
   * what is there. A cache whose names are predictable must refuse it: others could
   * plant a name before we make it.
   */
  stickyOk: boolean
  /** the fix when the folder itself is not private; default: chmod go-w, or another folder */
  hint?: string
}

/** a path as a shell takes it, for hints a person pastes */
export function shellQuoted(p: string): string {
  return /^[\w@%+=:,./-]+$/.test(p) ? p : `'${p.replace(/'/g, `'\\''`)}'`
}

/** why another user could change what is in dir (st), or null */
export function folderRisk(st: Stats, uid: number, stickyOk = true): string | null {
  if (st.uid !== uid && st.uid !== 0) return `it belongs to another user (uid ${st.uid})`
  if (st.mode & 0o022 && !(stickyOk && st.mode & 0o1000))
    return `other users can write it (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}${stickyOk ? ', no sticky bit' : ''})`
  return null
}

/**
 * Why a folder used for `use` could be tampered with by another user, or null. A folder
 * not made yet is judged by those above it.
 */
export function folderProblem(folder: string, use: FolderUse): ErrorInfo | null {
  const uid = process.getuid?.()
  if (uid === undefined) return null // no Unix owners on this system
  const abs = path.resolve(folder)
  const refused = (message: string, hint: string): ErrorInfo => ({ code: 'ZC_UNSAFE_FOLDER', message, hint })
  let st: Stats | null = null
  try {
    st = lstatSync(abs)
  } catch {
    // not made yet: zcprof makes it
  }
  if (st?.isSymbolicLink())
    return refused(
      `${use.what} ${abs} is a symbolic link: whoever can change the link can swap the folder`,
      use.hint ?? 'use the folder it points to, by its own path'
    )
  if (st && !st.isDirectory()) return refused(`${use.what} ${abs} is not a folder`, use.hint ?? 'choose a folder')
  const own = st && folderRisk(st, uid, use.stickyOk)
  if (own)
    return refused(
      `${use.what} ${abs} is not private: ${own}, so ${use.harm}`,
      use.hint ??
        (own.startsWith('other')
          ? `chmod go-w ${shellQuoted(abs)}, or choose a folder only you can write`
          : 'choose a folder you own (e.g. under your home folder)')
    )
  // the folders above, by their real paths: a link above is where it leads
  let up = path.dirname(abs)
  for (;;) {
    try {
      up = realpathSync(up)
      break
    } catch {
      if (up === path.dirname(up)) return null
      up = path.dirname(up)
    }
  }
  for (let dir = up; ; dir = path.dirname(dir)) {
    let risk: string | null = null
    try {
      risk = folderRisk(lstatSync(dir), uid)
    } catch {
      // unreadable: not ours to judge
    }
    if (risk)
      return refused(
        `${use.what} ${abs} is inside ${dir}, and ${risk}: they could swap it for another folder`,
        risk.startsWith('other')
          ? `chmod go-w ${shellQuoted(dir)} (or chmod +t, as /tmp has), or choose a folder elsewhere`
          : 'choose a folder inside one you own (e.g. your home folder)'
      )
    if (dir === path.dirname(dir)) return null
  }
}
