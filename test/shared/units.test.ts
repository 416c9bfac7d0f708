import { describe, expect, it } from 'vitest'
import {
  formatBitsPerSec,
  formatBytes,
  formatTick,
  minuteText,
  parseSize,
  parseSizeList,
  niceTicks
} from '../../src/shared/units'

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

describe('durations, rates and CPU lists', () => {
  it('durations: ms, s, m, or bare seconds as iperf3 -t takes them', async () => {
    const { parseDurationMs } = await import('../../src/shared/units')
    expect(parseDurationMs('10s')).toBe(10_000)
    expect(parseDurationMs('500ms')).toBe(500)
    expect(parseDurationMs('1.5m')).toBe(90_000)
    expect(parseDurationMs('3')).toBe(3000)
    expect(() => parseDurationMs('soon', '--duration')).toThrow(/--duration 'soon' is not a duration/)
  })
  it('line rates: G, Gbit, M, T, bare Gbit/s; formatted as people say them', async () => {
    const { parseBitRateList, formatLineRate } = await import('../../src/shared/units')
    expect(parseBitRateList('10G,25Gbit,100,800M,1.6T')).toEqual([10e9, 25e9, 100e9, 800e6, 1.6e12])
    expect(() => parseBitRateList('0G')).toThrow(/not a rate/)
    expect([10e9, 400e9, 800e6, 1.6e12].map(formatLineRate)).toEqual(['10G', '400G', '800M', '1.6T'])
  })
  it('CPU lists as taskset writes them, and back', async () => {
    const { parseCpuList, formatCpuList } = await import('../../src/shared/units')
    expect(parseCpuList('0,2,4-7,2')).toEqual([0, 2, 4, 5, 6, 7])
    expect(formatCpuList([7, 0, 1, 2, 5])).toBe('0-2,5,7')
    expect(() => parseCpuList('3-1')).toThrow(/runs backwards/)
    expect(() => parseCpuList('a')).toThrow(/not a CPU number/)
    expect(() => parseCpuList('0-100000')).toThrow(/more than 4096/)
  })
})

describe('a figure that is not a number', () => {
  it('is shown as a dash by every formatter, never Infinity or NaN', async () => {
    const { formatDurationMs, formatLineRate, formatRatio } = await import('../../src/shared/units')
    for (const v of [Infinity, -Infinity, NaN])
      for (const f of [formatBytes, formatBitsPerSec, formatDurationMs, formatLineRate, formatRatio])
        expect(f(v), `${f.name}(${v})`).toBe('—')
  })
})

describe('minuteText', () => {
  it('an instant to the minute, as written (no zone shift)', () => {
    expect(minuteText('2026-12-06T20:59:07.123Z')).toBe('2026-12-06 20:59')
    expect(minuteText('2026-12-06T20:59:07+02:00')).toBe('2026-12-06 20:59')
  })
})

describe('formatTick', () => {
  it.each([
    [0.005, '0.005'],
    [0.0123456, '0.0123'],
    [2.5, '2.5'],
    [99.94, '99.9'],
    [150, '150'],
    [1234.5, '1235']
  ])('%s → %s', (v, text) => expect(formatTick(v)).toBe(text))
})

describe('niceTicks', () => {
  it.each([
    [0.195, 4, [0, 0.05, 0.1, 0.15, 0.2]],
    [1.8, 4, [0, 0.5, 1, 1.5, 2]],
    [1.6, 4, [0, 0.5, 1, 1.5, 2]],
    [160, 4, [0, 50, 100, 150, 200]],
    [0.9, 4, [0, 0.25, 0.5, 0.75, 1]],
    [7, 5, [0, 2, 4, 6, 8]],
    [0, 5, [0, 1]]
  ])('%d in about %i steps: %j', (max, count, expected) => {
    expect(niceTicks(max, count)).toEqual(expected)
  })
})
