// The export flags `zcprof report` and `zcprof run` share (--html, --md, --csv,
// --csv-samples, --csv-methods): which formats were asked for, and writing each one atomically.

import { ZcprofError } from '../../shared/errors'
import { exporterFor, type ExportFormat } from '../../shared/export/exporters'
import { printableDeep } from '../../shared/printable'
import type { Report } from '../../shared/report'
import { checkOutput, writeFileAtomic } from '../storage/atomic-file'

export interface ExportFlags {
  html?: string
  md?: string | true
  csv?: string
  csvSamples?: string
  csvMethods?: string
}

export type ExportRequest = [ExportFormat, string | true]

const FLAG_OF: Record<ExportFormat, string> = {
  json: '--json',
  html: '--html',
  markdown: '--md',
  'csv-trials': '--csv',
  'csv-samples': '--csv-samples',
  'csv-methods': '--csv-methods'
}

/**
 * json: the report itself, for `zcprof report` (`zcprof run` writes its own). Each
 * path is checked here, before any work: a folder that is missing or not writable
 * is bad input (exit 2), not a surprise at the end of a run.
 */
export function requestedExports(flags: ExportFlags, json?: string): ExportRequest[] {
  const all: [ExportFormat, string | true | undefined][] = [
    ['json', json],
    ['html', flags.html],
    ['markdown', flags.md],
    ['csv-trials', flags.csv],
    ['csv-samples', flags.csvSamples],
    ['csv-methods', flags.csvMethods]
  ]
  const wanted = all.filter((e): e is ExportRequest => e[1] !== undefined)
  if (wanted.filter(([, to]) => to === true || to === '-').length > 1)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: 'only one format can go to standard output',
      hint: 'give the others a file name, e.g. --html out.html'
    })
  for (const [format, to] of wanted) if (typeof to === 'string') checkOutput(to, FLAG_OF[format])
  return wanted
}

/**
 * each export to its file (atomically; its path said on stderr), or to standard output
 * as printable text. One that fails is said and the rest are still written; answers
 * how many failed.
 */
export function writeExports(report: Report, wanted: readonly ExportRequest[]): number {
  let failed = 0
  for (const [format, to] of wanted) {
    if (to === true || to === '-') process.stdout.write(exporterFor(format).render(printableDeep(report)))
    else {
      try {
        writeFileAtomic(to, exporterFor(format).render(report))
        process.stderr.write(`${format}: ${to}\n`)
      } catch (e) {
        failed++
        // a ZcprofError's message carries its hint
        process.stderr.write(`zcprof: ${(e as Error).message}\n`)
      }
    }
  }
  return failed
}
