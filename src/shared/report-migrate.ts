// Older report schemas, brought up to the current one step by step. Each step takes
// the parsed JSON of version N and returns version N + 1; validation runs after the
// last step, so a step only adds or renames and never has to check.

import { OLDEST_SCHEMA_VERSION, SCHEMA_VERSION } from './report'

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

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
  return { doc: out, fromVersion: version }
}

export const READABLE_VERSIONS = `${OLDEST_SCHEMA_VERSION}–${SCHEMA_VERSION}`
