// The options a front end sends with fleet(): checked here, in main, before the library
// is read. A page is not trusted to send what its types say (as trend-options.ts).

import { ZcprofError } from '../../shared/errors'
import type { FleetOptions } from '../../shared/fleet-matrix'
import { MAX_FLEET_NAME_LENGTH } from '../../shared/report'

function bad(message: string, hint: string): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

/** a value as the error quotes it: short, whatever it is */
const shown = (v: unknown) => (typeof v === 'string' ? `'${v.slice(0, 40)}'` : String(JSON.stringify(v)).slice(0, 40))

/** the options as buildFleetView takes them, or a ZcprofError naming the first wrong one */
export function checkFleetOptions(sent: unknown): Required<FleetOptions> {
  const raw = sent ?? {}
  if (typeof raw !== 'object' || Array.isArray(raw))
    bad(`the fleet options ${shown(raw)} are not an object`, 'send e.g. { fleet: "night-7f3a" }, or {} for the newest')
  const o = raw as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => k !== 'fleet')
  if (unknown.length) bad(`fleet option ${unknown[0].slice(0, 40)} is not one fleet takes`, 'the one option is: fleet')
  const fleet = o.fleet
  if (fleet === undefined || fleet === null || fleet === '') return { fleet: null }
  if (typeof fleet !== 'string')
    bad(`fleet option fleet ${shown(fleet)} is not text`, 'send a fleet id as a string, or null for the newest')
  if (fleet.length > MAX_FLEET_NAME_LENGTH)
    bad(`fleet option fleet is ${fleet.length} characters long`, `a fleet id is at most ${MAX_FLEET_NAME_LENGTH}`)
  return { fleet }
}
