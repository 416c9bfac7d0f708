// Charts as plain SVG strings: the exported HTML report draws them with no script,
// so it opens offline, in any browser, under a CSP that forbids scripts.

import { niceTicks } from '../units'

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** max without spreading: a long trial has more samples than the call stack has room for arguments */
function maxOf(values: Iterable<number>): number {
  let m = 0
  for (const v of values) if (Number.isFinite(v) && v > m) m = v
  return m
}

/** at most `limit` points, evenly strided, the last kept: a chart has no more pixels than that */
export function thinPoints<T>(points: readonly T[], limit = 600): readonly T[] {
  if (points.length <= limit) return points
  const step = points.length / limit
  const out: T[] = []
  for (let i = 0; i < limit - 1; i++) out.push(points[Math.floor(i * step)])
  out.push(points[points.length - 1])
  return out
}

const tickText = (v: number) => (v >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toPrecision(2))

export interface Bar {
  label: string
  value: number
  /** whisker ends, e.g. min and max over repetitions */
  low?: number
  high?: number
  color: string
  /** said in place of a bar that has no value ("n/a" unless given) */
  note?: string
}

const W = 560
const H = 260
const M = { top: 30, right: 16, bottom: 44, left: 56 }

function frame(title: string, yLabel: string, body: string, ticks: number[], y: (v: number) => number): string {
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#e5e5e5"/>` +
        `<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11" fill="#555">${tickText(t)}</text>`
    )
    .join('')
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif">` +
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<text x="${M.left}" y="18" font-size="13" font-weight="600">${escapeXml(title)}</text>` +
    grid +
    `<text transform="translate(14 ${(H - M.bottom + M.top) / 2}) rotate(-90)" text-anchor="middle" font-size="11" fill="#555">${escapeXml(yLabel)}</text>` +
    body +
    `</svg>`
  )
}

/** round ticks up to the largest value, and the y pixel of a value on them */
function yScale(max: number): { ticks: number[]; y: (v: number) => number } {
  const ticks = niceTicks(max)
  const top = ticks[ticks.length - 1]
  const plotH = H - M.top - M.bottom
  return { ticks, y: (v: number) => M.top + plotH - (v / top) * plotH }
}

export function barChartSvg(
  title: string,
  yLabel: string,
  bars: readonly Bar[],
  reference?: { value: number; label: string }
): string {
  const { ticks, y } = yScale(maxOf([...bars.map((b) => Math.max(b.value, b.high ?? b.value)), reference?.value ?? 0]))
  const slot = (W - M.left - M.right) / Math.max(1, bars.length)
  const body = bars
    .map((b, i) => {
      const x = M.left + i * slot + slot * 0.2
      const w = slot * 0.6
      const label = `<text x="${x + w / 2}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(b.label)}</text>`
      if (!Number.isFinite(b.value))
        return (
          label +
          `<text x="${x + w / 2}" y="${y(0) - 6}" text-anchor="middle" font-size="10" fill="#888">${escapeXml(b.note ?? 'n/a')}</text>`
        )
      const whisker =
        b.low !== undefined && b.high !== undefined
          ? `<line x1="${x + w / 2}" x2="${x + w / 2}" y1="${y(b.low)}" y2="${y(b.high)}" stroke="#222"/>` +
            `<line x1="${x + w / 2 - 6}" x2="${x + w / 2 + 6}" y1="${y(b.low)}" y2="${y(b.low)}" stroke="#222"/>` +
            `<line x1="${x + w / 2 - 6}" x2="${x + w / 2 + 6}" y1="${y(b.high)}" y2="${y(b.high)}" stroke="#222"/>`
          : ''
      return (
        `<rect x="${x}" y="${y(b.value)}" width="${w}" height="${y(0) - y(b.value)}" fill="${b.color}"><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>` +
        whisker +
        label
      )
    })
    .join('')
  const line = reference
    ? `<line x1="${M.left}" x2="${W - M.right}" y1="${y(reference.value)}" y2="${y(reference.value)}" stroke="#555" stroke-dasharray="4 3"/>` +
      `<text x="${W - M.right}" y="${y(reference.value) - 4}" text-anchor="end" font-size="10" fill="#555">${escapeXml(reference.label)}</text>`
    : ''
  return frame(title, yLabel, body + line, ticks, y)
}

export interface LineSeries {
  label: string
  color: string
  points: readonly [number, number][]
}

export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: readonly LineSeries[]): string {
  const thin = series.map((s) => ({
    ...s,
    points: thinPoints(s.points.filter(([px, py]) => Number.isFinite(px) && Number.isFinite(py)))
  }))
  const all = thin.flatMap((s) => s.points)
  const ticks = niceTicks(maxOf(all.map(([, v]) => v)))
  const top = ticks[ticks.length - 1]
  // the x axis has round ticks too: a time line without them cannot be read off
  const xTicks = niceTicks(maxOf(all.map(([x]) => x)))
  const xMax = xTicks[xTicks.length - 1]
  const plotH = H - M.top - M.bottom
  const plotW = W - M.left - M.right
  const y = (v: number) => M.top + plotH - (v / top) * plotH
  const x = (v: number) => M.left + (v / xMax) * plotW
  const lines = thin
    .filter((s) => s.points.length > 0)
    .map(
      (s) =>
        `<polyline fill="none" stroke="${s.color}" stroke-width="1.5" points="${s.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ')}"><title>${escapeXml(s.label)}</title></polyline>`
    )
    .join('')
  const legend = [...new Map(series.map((s) => [s.label, s.color])).entries()]
    .map(
      ([label, color], i) =>
        `<rect x="${M.left + i * 110}" y="${H - 14}" width="10" height="10" fill="${color}"/><text x="${M.left + i * 110 + 14}" y="${H - 5}" font-size="11">${escapeXml(label)}</text>`
    )
    .join('')
  const base = H - M.bottom
  const xAxis =
    xTicks
      .map(
        (t) =>
          `<line x1="${x(t)}" x2="${x(t)}" y1="${base}" y2="${base + 4}" stroke="#999"/>` +
          `<text x="${x(t)}" y="${base + 15}" text-anchor="middle" font-size="11" fill="#555">${tickText(t)}</text>`
      )
      .join('') +
    `<text x="${M.left + plotW / 2}" y="${base + 28}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(xLabel)}</text>`
  return frame(title, yLabel, lines + legend + xAxis, ticks, y)
}

export interface BarGroup {
  label: string
  bars: { label: string; value: number | null; color: string; dashed?: boolean }[]
}

/** Bars in groups (one group per x label), with a legend of the bars' labels. */
export function groupedBarChartSvg(title: string, yLabel: string, groups: readonly BarGroup[]): string {
  const { ticks, y } = yScale(maxOf(groups.flatMap((g) => g.bars.map((b) => b.value ?? 0))))
  const slot = (W - M.left - M.right) / Math.max(1, groups.length)
  const body = groups
    .map((g, i) => {
      const x0 = M.left + i * slot + slot * 0.1
      const w = (slot * 0.8) / Math.max(1, g.bars.length)
      const bars = g.bars
        .map((b, k) => {
          const x = x0 + k * w
          if (b.value === null || !Number.isFinite(b.value)) return ''
          const style = b.dashed ? ` fill="none" stroke="${b.color}" stroke-dasharray="3 2"` : ` fill="${b.color}"`
          return `<rect x="${x.toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${(w * 0.9).toFixed(1)}" height="${(y(0) - y(b.value)).toFixed(1)}"${style}><title>${escapeXml(`${g.label} · ${b.label}: ${b.value.toPrecision(3)}`)}</title></rect>`
        })
        .join('')
      return (
        bars +
        `<text x="${(x0 + slot * 0.4).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle" font-size="11">${escapeXml(g.label)}</text>`
      )
    })
    .join('')
  const names = [...new Map(groups.flatMap((g) => g.bars.map((b) => [b.label, b] as const))).values()]
  const legend = names
    .map(
      (b, i) =>
        `<rect x="${M.left + i * 96}" y="${H - 14}" width="10" height="10" ${b.dashed ? `fill="none" stroke="${b.color}" stroke-dasharray="3 2"` : `fill="${b.color}"`}/><text x="${M.left + i * 96 + 14}" y="${H - 5}" font-size="11">${escapeXml(b.label)}</text>`
    )
    .join('')
  return frame(title, yLabel, body + legend, ticks, y)
}
