// Text → plan value, one parser per kind of field, for every front end that reads what a
// person typed (the CLI's flags, the setup form's fields). Each answers a value or a
// problem naming the field, the input and the range, taken from PLAN_LIMITS; the front
// end says where the input came from ("--streams", a form field) around it.

import { PLAN_DEFAULTS, PLAN_LIMITS } from './plan-rules'
import { formatBytes, parseCpuList, parseDurationMs, parseShare, parseSize, parseSizeList } from './units'

/**
 * What was wrong with a field's text: `expected` is what it must be ("a whole number
 * from 1 to 64"), `message` the whole sentence with where it came from
 * ("--streams '65' is not a whole number from 1 to 64").
 */
export interface TextProblem {
  field: string
  input: string
  expected: string
  message: string
  range?: { min: number; max: number }
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: TextProblem }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const bad = <T>(problem: TextProblem): Parsed<T> => ({ ok: false, problem })

/** the plan fields a person types as a whole number */
export type WholeField = 'streams' | 'repeat' | 'warmup' | 'uringDepth' | 'seed' | 'receiverGpu'

/** "1..64": a whole-number field's range as help text shows it */
export function rangeText(field: WholeField | 'cpu'): string {
  const r = PLAN_LIMITS[field]
  return `${r.min}..${r.max}`
}

/** a value (not text: a protocol message's number) within a whole-number field's range */
export function inLimits(v: unknown, field: WholeField | 'cpu'): v is number {
  const r = PLAN_LIMITS[field]
  return typeof v === 'number' && Number.isInteger(v) && v >= r.min && v <= r.max
}

/** what a whole-number field must be, in words */
export function wholeExpected(field: WholeField): string {
  const r = PLAN_LIMITS[field]
  return `a whole number from ${r.min} to ${r.max}`
}

/** digits only (spaces around them allowed), within the field's PLAN_LIMITS range */
export function wholeFromText(text: string, field: WholeField, where: string = field): Parsed<number> {
  const range = PLAN_LIMITS[field]
  const t = text.trim()
  const n = Number(t)
  if (/^\d+$/.test(t) && n >= range.min && n <= range.max) return ok(n)
  const expected = wholeExpected(field)
  return bad({ field, input: text, expected, message: `${where} '${text}' is not ${expected}`, range })
}

/** what a precision must be, in words: "a share from 0.1% to 100%" */
export function shareExpected(): string {
  const r = PLAN_LIMITS.precision
  return `a share from ${r.min * 100}% to ${r.max * 100}%`
}

/** '5%', '5' or '0.05' (units.parseShare), within PLAN_LIMITS.precision */
export function precisionFromText(text: string, where = 'precision'): Parsed<number> {
  const range = PLAN_LIMITS.precision
  const v = parseShare(text)
  if (v !== null && v >= range.min && v <= range.max) return ok(v)
  const expected = shareExpected()
  return bad({ field: 'precision', input: text, expected, message: `${where} '${text}' is not ${expected}`, range })
}

/**
 * The unit-bearing kinds: sizes, durations and CPU lists. Their ranges are the plan
 * rules' (planProblems), which every front end applies to the plan it builds; here
 * the text is read, and a problem keeps units' own words (they name the input).
 */
function caught<T>(field: string, text: string, read: () => T): Parsed<T> {
  try {
    return ok(read())
  } catch (e) {
    const message = (e as Error).message
    return bad({ field, input: text, expected: message, message })
  }
}

export const sizeListFromText = (text: string, field: 'fileBytes' | 'chunkBytes', where: string) =>
  caught(field, text, () => parseSizeList(text, where))

export const sizeFromText = (text: string, field: 'trialBytes', where: string) =>
  caught(field, text, () => parseSize(text, where))

export const durationFromText = (text: string, field: string, where: string) =>
  caught(field, text, () => parseDurationMs(text, where))

export const cpuListFromText = (text: string, field: 'senderCpus' | 'receiverCpus', where: string) =>
  caught(field, text, () => parseCpuList(text, where))

/** a default for help text: "5", "1s", "2m", "5%", "128KiB" */
export function defaultText(field: keyof typeof PLAN_DEFAULTS): string {
  const v = PLAN_DEFAULTS[field]
  if (field === 'precision') return `${v * 100}%`
  if (field.endsWith('Bytes')) return formatBytes(v)
  if (field.endsWith('Ms')) return v % 60_000 === 0 ? `${v / 60_000}m` : v % 1000 === 0 ? `${v / 1000}s` : `${v}ms`
  return String(v)
}
