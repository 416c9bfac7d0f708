// The options a front end sends with trend(): checked here, in main, before they reach
// buildTrend. A page is not trusted to send what its types say: a wrong one comes back
// as an error that names the option and what it takes (errors as data, shared/api.ts).

import { ZcprofError } from '../../shared/errors'
import { ALL_METHODS, isMethod } from '../../shared/methods'
import { TREND_METRICS, type TrendMetric, type TrendOptions } from '../../shared/trend'

/** a filter's text longer than this is no host, method or label anyone typed */
export const MAX_TREND_TEXT = 200
/**
 * the window a page may ask for: the trend runs on main's thread, and a drifting series of
 * 5,000 runs took 9.5 s to search (200 runs: a quarter second); the CLI may ask more
 */
const WINDOW_RUNS = { min: 6, max: 500 }
const TEXT_KEYS = ['host', 'method', 'label'] as const
const DATE_KEYS = ['since', 'until'] as const
const KNOWN = new Set<string>(['metric', 'by', 'thresholdFraction', 'window', ...TEXT_KEYS, ...DATE_KEYS])
// an instant as toISOString() writes it, or a date (UTC, as the CLI reads it), or a date
// and time with its offset: a time without one would be read in main's local time
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/

function bad(message: string, hint: string): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

/** a value as the error quotes it: short, whatever it is */
const shown = (v: unknown) => (typeof v === 'string' ? `'${v.slice(0, 40)}'` : String(JSON.stringify(v)).slice(0, 40))

/** true for an ISO 8601 date or instant whose date reads back (2026-02-30 does not) */
export function isIsoInstant(text: string): boolean {
  const m = ISO_INSTANT.exec(text)
  if (!m) return false
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1)
  // a day past its month's end rolls into the next month: the month no longer reads back
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)))
  return (
    day.getUTCMonth() === Number(mo) - 1 &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59 &&
    Number.isFinite(Date.parse(text))
  )
}

function textOption(o: Record<string, unknown>, key: string): string | null {
  const v = o[key]
  if (v === undefined || v === null || v === '') return null
  if (typeof v !== 'string')
    bad(`trend option ${key} ${shown(v)} is not text`, `send ${key} as a string, or null for any`)
  if (v.length > MAX_TREND_TEXT)
    bad(`trend option ${key} is ${v.length} characters long`, `at most ${MAX_TREND_TEXT}: shorten it`)
  return v
}

function numberOption(o: Record<string, unknown>, key: string, ok: (n: number) => boolean, takes: string) {
  const v = o[key]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !ok(v))
    bad(`trend option ${key} ${shown(v)} is not ${takes}`, `send ${takes}, or leave it out`)
  return v
}

/** the options as buildTrend takes them, or a ZcprofError naming the first wrong one */
export function checkTrendOptions(sent: unknown): TrendOptions {
  const raw = sent ?? {}
  if (typeof raw !== 'object' || Array.isArray(raw))
    bad(`the trend options ${shown(raw)} are not an object`, 'send e.g. { metric: "allHostsCyclesPerBit", by: "host" }')
  const o = raw as Record<string, unknown>
  // changePoints and anything else: a page must not set how hard main works (permutations)
  const unknown = Object.keys(o).filter((k) => !KNOWN.has(k))
  if (unknown.length)
    bad(`trend option ${unknown[0].slice(0, 40)} is not one trend takes`, `the options are: ${[...KNOWN].join(', ')}`)
  const metric = o.metric ?? TREND_METRICS[0]
  if (!TREND_METRICS.includes(metric as TrendMetric))
    bad(`trend metric ${shown(metric)} is not a figure trend follows`, `one of: ${TREND_METRICS.join(', ')}`)
  const by = o.by ?? 'host'
  if (by !== 'host' && by !== 'cpu')
    bad(`trend option by ${shown(by)} is not a grouping`, 'host (a series per host name) or cpu (per CPU model)')
  const [host, method, label] = TEXT_KEYS.map((k) => textOption(o, k))
  if (method !== null && !isMethod(method))
    bad(`trend method '${method.slice(0, 40)}' is not a method`, `methods are: ${ALL_METHODS.join(', ')}`)
  const [since, until] = DATE_KEYS.map((k) => {
    const v = textOption(o, k)
    if (v !== null && !isIsoInstant(v))
      bad(
        `trend option ${k} '${v.slice(0, 40)}' is not an ISO 8601 date`,
        `e.g. 2026-12-06 or 2026-12-06T20:59:00.000Z`
      )
    return v
  })
  const thresholdFraction = numberOption(o, 'thresholdFraction', (n) => n >= 0 && n < 1, 'a fraction from 0 to below 1')
  const window = numberOption(
    o,
    'window',
    (n) => Number.isInteger(n) && n >= WINDOW_RUNS.min && n <= WINDOW_RUNS.max,
    `a whole number of runs from ${WINDOW_RUNS.min} to ${WINDOW_RUNS.max}`
  )
  return {
    metric: metric as TrendMetric,
    by,
    host,
    method,
    label,
    since,
    until,
    ...(thresholdFraction === undefined ? {} : { thresholdFraction }),
    ...(window === undefined ? {} : { window })
  }
}
