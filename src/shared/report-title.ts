import { METHODS } from './methods'
import type { Report } from './report'
import { formatBytes, formatDurationMs, minuteText } from './units'

/**
 * The library's title, or one that tells runs apart: what ran, where, how long, on
 * which host and when, e.g. "copy, sendfile → tcp://127.0.0.1 · 2 s trials · vm ·
 * 2026-11-27 17:32". Every method is "every method".
 */
export function reportTitle(report: Report): string {
  if (report.meta.title) return report.meta.title
  const plan = report.start.plan
  const when = `${report.start.environment.sender.hostname} · ${minuteText(report.start.timestamp)}`
  // an older report may lack a plan's newer fields: the host and time still tell it apart
  if (!plan?.methods?.length) return when
  const methods = METHODS.every((m) => plan.methods.includes(m)) ? 'every method' : plan.methods.join(', ')
  const bound =
    plan.durationMs != null
      ? `${formatDurationMs(plan.durationMs)} trials`
      : plan.trialBytes != null
        ? `${formatBytes(plan.trialBytes)} trials`
        : plan.file
          ? 'one pass over a file'
          : `${plan.fileBytes.map((b) => formatBytes(b)).join(', ')} once`
  return `${methods} → ${plan.targets.join(', ')} · ${bound} · ${when}`
}

/** text made safe as a file name on every file system: [A-Za-z0-9._-], starting with a letter or digit */
export function safeFileStem(text: string, fallback = 'report'): string {
  const clean = text
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 120)
  return clean || fallback
}
