// A report argument of `zcprof report` and `zcprof compare`: a file, or a report in the
// library by its id or a unique beginning of it. A file of that name wins, so a path
// always means what it meant before ids were taken.

import { lstatSync } from 'node:fs'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import type { Iperf3ImportOptions } from '../../shared/iperf3-import'
import { defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { loadReportFile, type LoadedReport } from '../reports/report-loader'

export interface LoadedArgument extends LoadedReport {
  /** the file read: the argument, or the library's file for the id it named */
  file: string
}

function exists(file: string): boolean {
  try {
    lstatSync(file)
    return true
  } catch {
    return false
  }
}

/**
 * The report an argument names. An id never has a "/", so a path with one is read as a
 * file (a missing one named by the loader, as before); so is any name a file has.
 */
export function loadReportArgument(arg: string, opts: { library?: string } & Iperf3ImportOptions = {}): LoadedArgument {
  if (arg.includes(path.sep) || exists(arg)) return { ...loadReportFile(arg, opts), file: arg }
  const lib = new ReportLibrary(opts.library ?? defaultLibraryFolder())
  const id = lib.findId(arg)
  if (id === null)
    throw new ZcprofError({
      code: 'ZC_REPORT_NOT_FOUND',
      message: `${arg}: no such file, nor a report id in ${lib.folder}`,
      hint: 'check the path; zcprof library list shows the ids'
    })
  const { revision: _revision, ...loaded } = lib.open(id)
  return { ...loaded, file: path.join(lib.folder, id) }
}
