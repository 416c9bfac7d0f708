import type { Report } from '../report'

/** the library's title, or what the report is: host and time */
export function reportTitle(report: Report): string {
  return (
    report.meta.title ??
    `${report.start.environment.sender.hostname} · ${report.start.timestamp.slice(0, 16).replace('T', ' ')}`
  )
}
