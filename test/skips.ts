// A skipped test says what it skipped and why: the reason goes to a log the skip
// reporter (test/skip-reporter.ts) prints at the end of the run, beside the summary.

import { appendFileSync } from 'node:fs'
import path from 'node:path'

/** true when the tests it guards must be skipped; the reason is printed at the end of the run */
export function skipWhen(condition: boolean, what: string, why: string): boolean {
  const log = process.env.ZCPROF_SKIP_LOG
  if (condition && log)
    appendFileSync(log, JSON.stringify({ file: path.basename(process.argv[1] ?? ''), what, why }) + '\n')
  return condition
}
