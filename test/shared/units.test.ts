import { describe, expect, it } from 'vitest'
import { formatBitsPerSec, formatBytes, parseSize, parseSizeList } from '../../src/shared/units'

describe('parseSize', () => {
  it.each([
    ['4096', 4096],
    ['128KiB', 131072],
    ['128k', 131072],
    ['1MB', 1_000_000],
    ['256MiB', 268435456],
    ['1.5GiB', 1610612736],
    [' 2 gib ', 2147483648]
  ])('%s → %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes))

  it.each(['', 'abc', '12XB', '-5MiB', '0', '1e9', 'MiB'])('rejects %j naming the input and the form', (text) => {
    expect(() => parseSize(text, '--size')).toThrow(
      new RegExp(`--size '${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`)
    )
  })

  it('parses lists', () => expect(parseSizeList('128KiB,1MiB')).toEqual([131072, 1048576]))
})

describe('formatting', () => {
  it('bytes', () => {
    expect(formatBytes(268435456)).toBe('256MiB')
    expect(formatBytes(1536)).toBe('1.50KiB')
  })
  it('rates', () => {
    expect(formatBitsPerSec(12.345e9)).toBe('12.35 Gbit/s')
    expect(formatBitsPerSec(5e6)).toBe('5.0 Mbit/s')
  })
})
