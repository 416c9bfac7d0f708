// The text → value parsers every front end reads typed plan fields with.

import { describe, expect, it } from 'vitest'
import { precisionFromText, sizeListFromText, wholeFromText } from '../../src/shared/plan-text'

describe('plan text', () => {
  it.each([
    ['4', 'streams', 4],
    [' 64 ', 'streams', 64],
    ['0', 'warmup', 0],
    ['4096', 'uringDepth', 4096]
  ] as const)('%j as %s is %d', (text, field, value) => {
    expect(wholeFromText(text, field)).toEqual({ ok: true, value })
  })

  it.each([
    ['65', 'streams', '--streams', "--streams '65' is not a whole number from 1 to 64"],
    ['0', 'repeat', '--repeat', "--repeat '0' is not a whole number from 1 to 1000"],
    ['4097', 'uringDepth', 'io_uring depth', "io_uring depth '4097' is not a whole number from 1 to 4096"],
    ['1.5', 'streams', 'streams', "streams '1.5' is not a whole number from 1 to 64"],
    ['-1', 'warmup', 'warmup', "warmup '-1' is not a whole number from 0 to 100"]
  ] as const)('%j as %s is refused, naming the input and the range', (text, field, where, message) => {
    const r = wholeFromText(text, field, where)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problem).toMatchObject({ field, input: text, message })
      expect(message).toContain(r.problem.expected)
    }
  })

  it('reads a precision as a share within 0.1% to 100%', () => {
    expect(precisionFromText('5%')).toEqual({ ok: true, value: 0.05 })
    for (const text of ['0', '0.0001', '150%', 'tight']) {
      const r = precisionFromText(text, '--precision')
      expect(r.ok ? r.value : r.problem.message).toBe(`--precision '${text}' is not a share from 0.1% to 100%`)
    }
  })

  it('keeps the unit parser’s words for a size it cannot read', () => {
    const r = sizeListFromText('12XB', 'fileBytes', '--size')
    expect(r.ok ? r.value : r.problem.message).toMatch(/^--size '12XB' is not a size/)
  })
})
