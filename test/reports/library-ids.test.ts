// An id prefix that begins several reports: the error names the first eight (in id
// order) and counts the rest, so a library of thousands does not flood the terminal.

import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { findReportId } from '../../src/main/reports/library-ids'
import { refusal, tempDir } from '../helpers'

/** a library holding run-01.json … run-NN.json, made last first, so a listing in the order made would not pass */
function libraryOf(count: number): string {
  const folder = tempDir()
  for (let i = count; i >= 1; i--) writeFileSync(path.join(folder, `run-${String(i).padStart(2, '0')}.json`), '{}')
  return folder
}

const HINT = '\n  hint: give more of the id, or all of it'

describe('findReportId: an ambiguous prefix', () => {
  it('of ten reports names the first eight and says "and 2 more"', () => {
    const folder = libraryOf(10)
    const e = refusal(() => findReportId(folder, 'run-'))
    expect(e.code).toBe('ZC_LIBRARY_AMBIGUOUS')
    expect(e.message).toBe(
      [
        `"run-" begins 10 reports in ${folder}:`,
        '  run-01.json',
        '  run-02.json',
        '  run-03.json',
        '  run-04.json',
        '  run-05.json',
        '  run-06.json',
        '  run-07.json',
        '  run-08.json',
        '  and 2 more'
      ].join('\n') + HINT
    )
  })

  it('of exactly eight names them all, with no count of more', () => {
    const folder = libraryOf(8)
    const e = refusal(() => findReportId(folder, 'run-0'))
    expect(e.message).toBe(
      [
        `"run-0" begins 8 reports in ${folder}:`,
        '  run-01.json',
        '  run-02.json',
        '  run-03.json',
        '  run-04.json',
        '  run-05.json',
        '  run-06.json',
        '  run-07.json',
        '  run-08.json'
      ].join('\n') + HINT
    )
  })
})
