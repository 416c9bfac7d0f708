// `zcprof report r.json --html out.html | --md [out.md] | --csv out.csv | --csv-samples out.csv | --json out.json`:
// any readable report (older schema, iperf3 -J) into any export format.

import { ZcprofError } from '../../shared/errors'
import { exporterFor, type ExportFormat } from '../../shared/export/exporters'
import { writeFileAtomic } from '../engine/report-store'
import { printableDeep } from '../../shared/printable'
import { loadReportFile } from '../reports/report-loader'
import { renderSummary } from './summary-table'
import { colorFor, widthFor } from './terminal'

export interface ReportFlags {
  wide?: boolean
  html?: string
  md?: string | true
  csv?: string
  csvSamples?: string
  json?: string
  method?: 'copy' | 'sendfile'
}

export function reportCommand(file: string, flags: ReportFlags): number {
  const { report, fromVersion } = loadReportFile(file, { method: flags.method })
  const outputs: [ExportFormat, string | true | undefined][] = [
    ['html', flags.html],
    ['markdown', flags.md],
    ['csv-trials', flags.csv],
    ['csv-samples', flags.csvSamples],
    ['json', flags.json]
  ]
  const wanted = outputs.filter(([, to]) => to !== undefined)
  if (wanted.filter(([, to]) => to === true || to === '-').length > 1)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: 'only one format can go to standard output',
      hint: 'give the others a file name, e.g. --html out.html'
    })
  if (wanted.length === 0) {
    // no format asked for: the same table `zcprof run` prints
    process.stdout.write(
      renderSummary(printableDeep(report), {
        color: colorFor(process.stdout),
        width: widthFor(process.stdout),
        wide: flags.wide
      }) + '\n'
    )
    return 0
  }
  for (const [format, to] of wanted) {
    // a file keeps the report as it is; the terminal gets printable text only
    if (to === true || to === '-') process.stdout.write(exporterFor(format).render(printableDeep(report)))
    else {
      writeFileAtomic(to!, exporterFor(format).render(report))
      process.stderr.write(`${format}: ${to}\n`)
    }
  }
  if (fromVersion !== 0 && fromVersion !== report.schemaVersion)
    process.stderr.write(
      `note: ${file} is in report schema ${fromVersion}; it was read as schema ${report.schemaVersion}\n`
    )
  return 0
}
