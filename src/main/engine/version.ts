import pkg from '../../../package.json'
import { SCHEMA_VERSION, type Report } from '../../shared/report'

export const TOOL_VERSION: string = pkg.version

/** a report written by this build: the one place its schema, tool and empty labels are set */
export function zcprofReport(start: Report['start'], trials: Report['trials'], end: Report['end']): Report {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'zcprof', version: TOOL_VERSION },
    meta: { title: null, tags: [] },
    foreign: null,
    start,
    trials,
    end
  }
}
