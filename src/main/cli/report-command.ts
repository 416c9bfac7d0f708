// `zcprof report r.json|ID --html out.html | --md [out.md] | --csv out.csv | --csv-samples out.csv | --json out.json`:
// any readable report (older schema, iperf3 -J) into any export format.

import { printableDeep } from '../../shared/printable'
import { requestedExports, writeExports, type ExportFlags } from './export-outputs'
import { loadReportArgument } from './report-argument'
import { renderSummary } from './summary-table'
import { colorFor, widthFor } from './terminal'

export interface ReportFlags extends ExportFlags {
  wide?: boolean
  /** every warning in full (default: one line a kind) */
  verbose?: boolean
  json?: string
  method?: 'copy' | 'sendfile'
  /** where an id is looked up: the report library folder */
  library?: string
}

export function reportCommand(file: string, flags: ReportFlags): number {
  // a file, or a report in the library by its id (or the id's unique beginning)
  const { report, fromVersion } = loadReportArgument(file, { method: flags.method, library: flags.library })
  const wanted = requestedExports(flags, flags.json)
  if (wanted.length === 0) {
    // no format asked for: the same table `zcprof run` prints
    process.stdout.write(
      renderSummary(printableDeep(report), {
        color: colorFor(process.stdout),
        width: widthFor(process.stdout),
        wide: flags.wide,
        verbose: flags.verbose
      }) + '\n'
    )
    return 0
  }
  const failed = writeExports(report, wanted)
  if (fromVersion !== 0 && fromVersion !== report.schemaVersion)
    process.stderr.write(
      `note: ${file} is in report schema ${fromVersion}; it was read as schema ${report.schemaVersion}\n`
    )
  // an output that could not be written (a disk full since the check) is a failure
  return failed ? 1 : 0
}
