// cutText: the one way a line, a title or a label is cut to a length, by characters
// (code points), as the schema's maxLength and the terminal count them.

import { describe, expect, it } from 'vitest'
import { cutText } from '../../src/shared/printable'

describe('cutText', () => {
  it.each([
    ['abc', 3, 'abc'],
    ['abcd', 3, 'ab…'],
    ['', 0, ''],
    // a character outside the BMP is one character, never half of one
    ['a😀b😀c', 4, 'a😀b…'],
    ['😀😀😀', 2, '😀…']
  ])('%j within %i is %j', (text, n, expected) => {
    expect(cutText(text, n)).toBe(expected)
    expect([...cutText(text, n)].length).toBeLessThanOrEqual(n)
  })
})
