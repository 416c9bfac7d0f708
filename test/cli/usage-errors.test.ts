// A typo gets the error, the nearest option and where help is: three lines at most,
// never the whole help, which would bury the one line that says what was wrong.

import { describe, expect, it } from 'vitest'
import { runZcprof } from '../helpers'

describe('usage errors are short', () => {
  it.each([
    [
      'a misspelt option',
      ['run', '--metods', 'copy'],
      ["error: unknown option '--metods'", '(Did you mean --methods?)', '(zcprof run --help lists its options)']
    ],
    [
      'an option no command has',
      ['compare', '--bogus'],
      ["error: unknown option '--bogus'", '(zcprof compare --help lists its options)']
    ],
    ['an unknown command', ['bogus'], ["error: unknown command 'bogus'", '(zcprof --help lists the commands)']],
    [
      'a value not among the choices',
      ['run', '--cache', 'lukewarm'],
      [
        "error: option '--cache <state>' argument 'lukewarm' is invalid. Allowed choices are warm, cold.",
        '(zcprof run --help lists its options)'
      ]
    ]
  ])('%s', (_what, args, lines) => {
    const r = runZcprof(args)
    expect(r.code).toBe(2)
    expect(r.stderr.trimEnd().split('\n')).toEqual(lines)
    expect(r.stdout).toBe('')
  })
})
