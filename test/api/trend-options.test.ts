// trend()'s options as a page sends them: what buildTrend may be given, and each wrong
// one refused with the option named. The cases are a fixed table written from the
// contract (shared/api.ts, shared/trend.ts), not read from the checker.

import { describe, expect, it } from 'vitest'
import { checkTrendOptions, isIsoInstant, MAX_TREND_TEXT } from '../../src/main/api/trend-options'
import { ZcprofError } from '../../src/shared/errors'

/** the error the options come back as, or null where they pass */
function refusal(raw: unknown) {
  try {
    checkTrendOptions(raw)
    return null
  } catch (e) {
    if (!(e instanceof ZcprofError)) throw e
    return e.toInfo()
  }
}

describe('checkTrendOptions', () => {
  it('nothing sent is the defaults: cost, a series per host, no filter', () => {
    const defaults = {
      metric: 'allHostsCyclesPerBit',
      by: 'host',
      host: null,
      method: null,
      label: null,
      since: null,
      until: null
    }
    expect(checkTrendOptions(undefined)).toEqual(defaults)
    expect(checkTrendOptions({})).toEqual(defaults)
    // an empty filter field is no filter
    expect(checkTrendOptions({ host: '', label: '' })).toEqual(defaults)
  })

  it('every option the view sends passes as sent', () => {
    const sent = {
      metric: 'throughputBitsPerSec',
      by: 'cpu',
      host: 'lab-a',
      method: 'sendfile',
      label: 'nightly',
      since: '2026-10-01T00:00:00.000Z',
      until: '2026-10-31',
      thresholdFraction: 0.1,
      window: 50
    }
    expect(checkTrendOptions(sent)).toEqual(sent)
  })

  const REFUSED: [string, unknown, RegExp][] = [
    ['not an object', 'cost', /trend options 'cost' are not an object/],
    ['an array', [], /are not an object/],
    ['a metric trend does not follow', { metric: 'syscallsPerGiB' }, /trend metric 'syscallsPerGiB' is not a figure/],
    ['the CLI word for a metric', { metric: 'cost' }, /trend metric 'cost'/],
    ['a grouping that is not host or cpu', { by: 'kernel' }, /by 'kernel' is not a grouping/],
    ['a host that is not text', { host: 7 }, /host 7 is not text/],
    ['a method that is not one', { method: 'carrier-pigeon' }, /method 'carrier-pigeon' is not a method/],
    ['a label too long to have been typed', { label: 'x'.repeat(MAX_TREND_TEXT + 1) }, /label is 201 characters/],
    ['a since that is no date', { since: 'last week' }, /since 'last week' is not an ISO 8601 date/],
    ['an until that rolls over', { until: '2026-02-30' }, /until '2026-02-30' is not an ISO 8601 date/],
    ['a date as a number', { since: 1_700_000_000_000 }, /since 1700000000000 is not text/],
    ['a threshold of 1 or more', { thresholdFraction: 1 }, /thresholdFraction 1 is not a fraction/],
    ['a window under six runs', { window: 5 }, /window 5 is not a whole number of runs from 6 to 500/],
    ['a window of part of a run', { window: 20.5 }, /window 20.5/],
    [
      'a window that would hold main for seconds',
      { window: 501 },
      /window 501 is not a whole number of runs from 6 to 500/
    ],
    // a page must not choose how many permutations main runs
    ['change-point settings', { changePoints: { permutations: 1e9 } }, /changePoints is not one trend takes/]
  ]

  it.each(REFUSED)('refuses %s, naming it, with a hint', (_what, raw, message) => {
    const e = refusal(raw)
    expect(e).toMatchObject({ code: 'ZC_BAD_ARGUMENT', message: expect.stringMatching(message) })
    expect(e!.hint).toBeTruthy()
  })
})

describe('isIsoInstant', () => {
  it.each([
    ['2026-12-06', true],
    ['2026-12-06T20:59Z', true],
    // no offset: main would read it in its own local time, the CLI in UTC
    ['2026-12-06T20:59', false],
    ['2026-12-06T20:59:07.123Z', true],
    ['2026-12-06T20:59:07+02:00', true],
    ['2024-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-12-06T24:00Z', false],
    ['06/12/2026', false],
    ['', false]
  ])('%s → %s', (text, ok) => {
    expect(isIsoInstant(text)).toBe(ok)
  })
})
