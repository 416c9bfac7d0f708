// The one place JSON Schemas are compiled and checked (ajv), for the loader of reports
// and for the environment an agent sends: below the engine and the reports alike.

import { createRequire } from 'node:module'
import type { default as AjvClass, ValidateFunction } from 'ajv'
import type { Environment } from '../../shared/report'
import { ENVIRONMENT_SCHEMA } from '../../shared/report-schema'

// Ajv and its compiled validators cost about 250 ms: made on first use, so commands
// that never read a report (--help, agent) don't pay for them
let ajv: AjvClass | null = null
const compiled = new Map<object, ValidateFunction>()
export function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema)
  if (!v) {
    if (!ajv) {
      const Ajv = (createRequire(import.meta.url)('ajv') as { default: typeof AjvClass }).default
      ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true })
    }
    v = ajv.compile(schema)
    compiled.set(schema, v)
  }
  return v
}

/**
 * An environment another host sent (an agent's hello), as a report may hold it: an
 * agent of the previous release sends no NICs (not recorded); anything else that
 * does not fit is dropped rather than written into a report no one could load.
 */
export function acceptEnvironment(env: unknown): Environment | null {
  if (typeof env !== 'object' || env === null) return null
  const e = 'nics' in env ? env : { ...env, nics: null }
  return validatorFor(ENVIRONMENT_SCHEMA)(e) ? (e as Environment) : null
}

/** the first five of a failed check's errors, as one line */
export function schemaErrors(validate: ValidateFunction): string {
  const errors = validate.errors ?? []
  const shown = errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
  return shown.join('; ') + (errors.length > 5 ? `; and ${errors.length - 5} more` : '')
}
