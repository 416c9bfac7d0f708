// Older report schemas, brought up to the current one step by step. Each step takes
// the parsed JSON of version N and returns version N + 1; validation runs after the
// last step, so a step only adds or renames and never has to check.

import { aggregateTrials } from './aggregate'
import { OLDEST_SCHEMA_VERSION, SCHEMA_VERSION, type TrialRecord } from './report'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** schema 2 wrote a trial's notes as plain text: each known one gets its code, once, here */
const NOTE_CODES: [RegExp, string][] = [
  [/^other processes used/, 'CONTAMINATED'],
  [/MSG_ZEROCOPY fell back/, 'ZC_COPIED'],
  [/receiver window limited/, 'RECEIVER_WINDOW_LIMITED'],
  [/send buffer limited/, 'SNDBUF_LIMITED'],
  [/did not close after the sender/, 'NOT_CONFIRMED'],
  [/TCP retransmits/, 'RETRANSMITS']
]
const noteCode = (text: string) => NOTE_CODES.find(([re]) => re.test(text))?.[1] ?? 'NOTE'

/** schema 3: timed and byte-bounded trials, streams, placement, warnings as data, costs against copy */
function toSchema3(doc: Json): Json {
  const start = isObject(doc.start) ? doc.start : {}
  const end = isObject(doc.end) ? doc.end : {}
  const foreign = isObject(doc.foreign)
  const trials = (Array.isArray(doc.trials) ? doc.trials : []).map((raw: unknown) => {
    if (!isObject(raw)) return raw
    const summary = isObject(raw.summary) ? raw.summary : null
    // an iperf3 import is a timed stream: it keeps its duration, so it aligns with timed runs
    const timedMs =
      foreign && summary && typeof summary.durationNs === 'number' ? Math.round(summary.durationNs / 1e6) : null
    const notes = (summary && Array.isArray(summary.warnings) ? summary.warnings : [])
      .filter((w: unknown): w is string => typeof w === 'string')
      .map((message: string) => ({
        code: noteCode(message),
        message,
        hint: null,
        scope: 'trial',
        method: raw.method,
        trials: [raw.index]
      }))
    let nextSummary: Json | null = null
    if (summary) {
      const { warnings: _old, ...rest } = summary
      nextSummary = { ...rest, steady: null, streams: [], fairness: null, placement: null, notes }
    }
    return {
      ...raw,
      durationMs: timedMs,
      omitMs: timedMs === null ? null : 0,
      trialBytes: null,
      streams: 1,
      summary: nextSummary
    }
  })
  const plan = isObject(start.plan) ? start.plan : {}
  const firstTimed = trials.find((t): t is Json => isObject(t) && typeof t.durationMs === 'number')
  const warnings = (Array.isArray(end.warnings) ? end.warnings : []).map((w: unknown) => {
    if (!isObject(w)) return w
    const message = String(w.message ?? '')
    // schema 2 said "method: note" for what a trial noticed
    const code = w.code === 'TRIAL_NOTE' ? noteCode(message) : w.code
    return { ...w, code, hint: null, scope: typeof w.method === 'string' ? 'method' : 'run' }
  })
  return {
    ...doc,
    schemaVersion: 3,
    start: {
      ...start,
      plan: {
        ...plan,
        durationMs: firstTimed ? firstTimed.durationMs : null,
        omitMs: firstTimed ? 0 : null,
        trialBytes: null,
        streams: 1,
        senderCpus: null,
        receiverCpus: null,
        lineRatesBitsPerSec: null
      }
    },
    trials,
    // the trials are the data: the aggregates are made again from them, by today's rules
    end: { ...end, warnings, aggregates: aggregateTrials(trials as TrialRecord[]) }
  }
}

/** version N → N + 1, keyed by N */
const STEPS: Record<number, (doc: Json) => Json> = {
  // schema 2 added library labels, the foreign marker and NICs (which schema 1 did not record)
  1: (doc) => {
    const start = isObject(doc.start) ? doc.start : {}
    const environment = isObject(start.environment) ? start.environment : {}
    const withNics = (env: unknown) => (isObject(env) && !('nics' in env) ? { ...env, nics: null } : env)
    const receivers = Array.isArray(environment.receivers)
      ? environment.receivers.map((r: unknown) => (isObject(r) ? { ...r, environment: withNics(r.environment) } : r))
      : environment.receivers
    return {
      ...doc,
      schemaVersion: 2,
      meta: { title: null, tags: [] },
      foreign: null,
      start: { ...start, environment: { ...environment, sender: withNics(environment.sender), receivers } }
    }
  },
  2: toSchema3
}

/**
 * Within schema 3: a plan from before 0.5 ran one `receiverMode`; it is the list of it
 * (`receiverModes`), and each row of results is that mode's pair. A doc that has the
 * list is left as it is.
 */
export function withReceiverModes(doc: Json): Json {
  const start = isObject(doc.start) ? doc.start : null
  const plan = start && isObject(start.plan) ? start.plan : null
  if (!start || !plan || !('receiverMode' in plan) || 'receiverModes' in plan) return doc
  const { receiverMode: mode, ...rest } = plan
  const end = isObject(doc.end) ? doc.end : null
  const aggregates = end && Array.isArray(end.aggregates) ? end.aggregates : null
  return {
    ...doc,
    start: { ...start, plan: { ...rest, receiverModes: [mode] } },
    ...(end &&
      aggregates && {
        end: {
          ...end,
          aggregates: aggregates.map((a: unknown) =>
            isObject(a) && !('receiverMode' in a) ? { ...a, receiverMode: mode } : a
          )
        }
      })
  }
}

export interface Migrated {
  doc: Json
  /** the version the file was written in */
  fromVersion: number
}

/** Brings a doc of a readable version up to date; the caller has checked the version range. */
export function migrateReport(doc: Json, version: number): Migrated {
  let out = doc
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const step = STEPS[v]
    if (!step) throw new Error(`no migration from schema ${v}`) // a bug: every version in range has a step
    out = step(out)
  }
  return { doc: withReceiverModes(out), fromVersion: version }
}

export const READABLE_VERSIONS = `${OLDEST_SCHEMA_VERSION}–${SCHEMA_VERSION}`
