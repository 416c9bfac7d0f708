// A library file that is a symbolic link: opening it without following links fails
// with ELOOP, which zcprof says as "a symbolic link", not as an unreadable file.

import { constants, openSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { problemOf, readFailure, readNoFollow, readNoFollowAsync } from '../../src/main/reports/library-files'
import { asyncRefusal, refusal, tempDir } from '../helpers'

/** a library with linked.json, a link to a readable report elsewhere */
function linkedReport(): string {
  const target = path.join(tempDir(), 'elsewhere.json')
  writeFileSync(target, '{}')
  const link = path.join(tempDir(), 'linked.json')
  symlinkSync(target, link)
  return link
}

/** the error the system gives for opening `file` without following a link */
function openNoFollowError(file: string): NodeJS.ErrnoException {
  try {
    openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (e) {
    return e as NodeJS.ErrnoException
  }
  throw new Error(`${file} opened: it should be a link`)
}

const LINK_MESSAGE = (file: string) =>
  `${file} is a symbolic link: zcprof follows no links in a report library\n` +
  '  hint: copy the report into the library instead of linking it'

describe('a link in the library (ELOOP)', () => {
  it('the system says ELOOP (the fact the rules below rest on)', () => {
    expect(openNoFollowError(linkedReport()).code).toBe('ELOOP')
  })

  it('readNoFollow and readNoFollowAsync refuse it as a link', async () => {
    const link = linkedReport()
    const e = refusal(() => readNoFollow(link))
    expect([e.code, e.message]).toEqual(['ZC_LIBRARY_LINK', LINK_MESSAGE(link)])
    const a = await asyncRefusal(readNoFollowAsync(link))
    expect([a.code, a.message]).toEqual(['ZC_LIBRARY_LINK', LINK_MESSAGE(link)])
  })

  it('readFailure and problemOf say the ELOOP as a link problem', () => {
    const link = linkedReport()
    const errno = openNoFollowError(link)
    expect(readFailure(link, errno).code).toBe('ZC_LIBRARY_LINK')
    expect(problemOf(link, errno)).toEqual({
      code: 'ZC_LIBRARY_LINK',
      message: `${link} is a symbolic link: zcprof follows no links in a report library`,
      hint: 'copy the report into the library instead of linking it'
    })
  })
})
