// A report's id in a library: its file's name, which the library lists and takes
// (nothing else in the folder is a report to it), and the prefixes that name one.

import { readdirSync } from 'node:fs'
import { ZcprofError } from '../../shared/errors'
import { escapedName, readFailure } from './library-files'

/** the file names the library takes as reports' ids */
export const REPORT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,180}\.json$/
/** the candidates an ambiguous id prefix names in its error */
const AMBIGUOUS_SHOWN = 8

/**
 * The report an argument names: its id, its id less ".json", or the one id it begins
 * (a prefix); null when none does. A prefix several ids begin is an error naming them.
 */
export function findReportId(folder: string, arg: string): string | null {
  let names: string[]
  try {
    names = readdirSync(folder)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw readFailure(folder, e)
  }
  const ids = names.filter((n) => REPORT_ID.test(n))
  for (const exact of [arg, `${arg}.json`]) if (ids.includes(exact)) return exact
  const hits = arg ? ids.filter((id) => id.startsWith(arg)).sort() : []
  if (hits.length > 1) {
    const shown = hits.slice(0, AMBIGUOUS_SHOWN)
    throw new ZcprofError({
      code: 'ZC_LIBRARY_AMBIGUOUS',
      message:
        `"${escapedName(arg.slice(0, 60))}" begins ${hits.length} reports in ${folder}:\n` +
        shown.map((id) => `  ${escapedName(id)}`).join('\n') +
        (hits.length > shown.length ? `\n  and ${hits.length - shown.length} more` : ''),
      hint: 'give more of the id, or all of it'
    })
  }
  return hits[0] ?? null
}

/** findReportId, where naming no report is an error */
export function reportIdOf(folder: string, arg: string): string {
  const id = findReportId(folder, arg)
  if (id === null)
    throw new ZcprofError({
      code: 'ZC_LIBRARY_MISSING',
      message: `no report in ${folder} has an id beginning "${escapedName(arg.slice(0, 60))}"`,
      hint: 'zcprof library list shows the ids'
    })
  return id
}

/** the i-th name for stem: stem itself, then stem-2, stem-3, … (never over another file) */
export function numberedStem(stem: string, i: number): string {
  return `${stem}${i === 1 ? '' : `-${i}`}`
}
