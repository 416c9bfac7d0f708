import pkg from '../../../package.json'
import { SCHEMA_VERSION, type Report } from '../../shared/report'

export const TOOL_VERSION: string = pkg.version

/** a report written by this build: the one place its schema, tool and empty labels are set */
export function zcprofReport(
  start: Report['start'],
  trials: Report['trials'],
  end: Report['end'],
  meta: Report['meta'] = { title: null, tags: [] }
): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'zcprof', version: TOOL_VERSION },
    meta,
    foreign: null,
    start,
    trials,
    end
  }
}
