import type { Report } from '../report'

/** the library's title, or what the report is: host and time */
export function reportTitle(report: Report): string {
  return (
    report.meta.title ??
    `${report.start.environment.sender.hostname} · ${report.start.timestamp.slice(0, 16).replace('T', ' ')}`
  )
}

/** text made safe as a file name on every file system: [A-Za-z0-9._-], starting with a letter or digit */
export function safeFileStem(text: string, fallback = 'report'): string {
  const clean = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 120)
  return clean || fallback
}
