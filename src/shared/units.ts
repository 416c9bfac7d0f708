// Sizes, rates and durations: parsing user input and formatting figures.
// Binary units (KiB, MiB, GiB) are exact; decimal ones (KB, MB, GB) are powers of 1000.

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1000 ** 4,
  tib: 1024 ** 4
}

export const BYTES_PER_GIB = 1024 ** 3

/** Parses "256MiB", "1.5GB", "4096" into bytes. Throws a message naming the input. */
export function parseSize(text: string, what = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text)
  const unit = m ? (m[2] || 'b').toLowerCase() : ''
  if (!m || !(unit in SIZE_UNITS)) {
    throw new RangeError(
      `${what} '${text}' is not a size: use a number with an optional unit, e.g. 4096, 128KiB, 256MiB, 1GiB, 1GB`
    )
  }
  const bytes = Math.round(Number(m[1]) * SIZE_UNITS[unit])
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new RangeError(`${what} '${text}' must be a positive number of bytes`)
  }
  return bytes
}

export function parseSizeList(text: string, what = 'size'): number[] {
  return text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => parseSize(s, what))
}

export function formatBytes(bytes: number): string {
  // a figure that is not one is shown as missing, never "InfinityTiB"
  if (!Number.isFinite(bytes)) return '—'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = bytes
  let i = 0
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  const digits = i === 0 || Number.isInteger(v) ? 0 : v < 10 ? 2 : 1
  return `${v.toFixed(digits)}${units[i]}`
}

export function formatBitsPerSec(bitsPerSec: number): string {
  if (!Number.isFinite(bitsPerSec)) return '—'
  if (bitsPerSec >= 1e9) return `${(bitsPerSec / 1e9).toFixed(2)} Gbit/s`
  if (bitsPerSec >= 1e6) return `${(bitsPerSec / 1e6).toFixed(1)} Mbit/s`
  return `${(bitsPerSec / 1e3).toFixed(1)} kbit/s`
}

/** Significant-figure formatting for small ratios such as cycles per bit. */
export function formatRatio(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—'
  if (v === 0) return '0'
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(digits)
}

export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  const s = ms / 1000
  if (s < 120) return `${s.toFixed(1)} s`
  if (s >= 3600)
    return `${Math.floor(s / 3600)}h${Math.round((s % 3600) / 60)
      .toString()
      .padStart(2, '0')}m`
  return `${Math.floor(s / 60)}m${Math.round(s % 60)
    .toString()
    .padStart(2, '0')}s`
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * "10s", "500ms", "1.5m", "2m30s", "1h05m" (what formatDurationMs writes reads back), or
 * a bare number of seconds (as iperf3 -t takes it), into milliseconds
 */
export function parseDurationMs(text: string, what = 'duration'): number {
  const t = text.trim()
  const bare = /^(\d+(?:\.\d+)?)$/.exec(t)
  const parts = bare ? [] : [...t.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*/gi)]
  // every character is a number with its unit: nothing left over, nothing before
  if (
    !bare &&
    (parts.length === 0 ||
      parts
        .map((p) => p[0])
        .join('')
        .trim() !== t)
  )
    throw new RangeError(`${what} '${text}' is not a duration: use e.g. 10s, 500ms, 2m (a bare number is seconds)`)
  const ms = bare
    ? Number(bare[1]) * 1000
    : parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2].toLowerCase()], 0)
  if (!Number.isFinite(ms)) throw new RangeError(`${what} '${text}' is too long`)
  return Math.round(ms)
}

const RATE_UNITS: Record<string, number> = {
  '': 1e9,
  g: 1e9,
  gbit: 1e9,
  gbps: 1e9,
  'gbit/s': 1e9,
  m: 1e6,
  mbit: 1e6,
  mbps: 1e6,
  'mbit/s': 1e6,
  t: 1e12,
  tbit: 1e12,
  tbps: 1e12,
  'tbit/s': 1e12
}

/** "100G", "25Gbit", "400" (Gbit/s when bare), "800M" into bits per second; a list with commas */
export function parseBitRateList(text: string, what = 'line rate'): number[] {
  const out = text
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((s) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z/]*)\s*$/.exec(s)
      const unit = m ? m[2].toLowerCase() : 'x'
      if (!m || !(unit in RATE_UNITS) || !(Number(m[1]) > 0))
        throw new RangeError(`${what} '${s.trim()}' is not a rate: use e.g. 10G, 25Gbit, 100 (Gbit/s), 800M`)
      return Number(m[1]) * RATE_UNITS[unit]
    })
  if (out.length === 0) throw new RangeError(`${what} is empty: give a rate, e.g. 100G`)
  return out
}

/** a link rate as people say it: 10G, 25G, 400G, 800M */
export function formatLineRate(bitsPerSec: number): string {
  if (!Number.isFinite(bitsPerSec)) return '—'
  if (bitsPerSec >= 1e12) return `${Number((bitsPerSec / 1e12).toPrecision(3))}T`
  if (bitsPerSec >= 1e9) return `${Number((bitsPerSec / 1e9).toPrecision(3))}G`
  return `${Number((bitsPerSec / 1e6).toPrecision(3))}M`
}

/** "0,2,4-7" (taskset's form) into [0, 2, 4, 5, 6, 7]; order kept, duplicates dropped */
export function parseCpuList(text: string, what = 'CPU list'): number[] {
  const out: number[] = []
  for (const part of text.split(',')) {
    const p = part.trim()
    if (p === '') continue
    const m = /^(\d+)(?:-(\d+))?$/.exec(p)
    if (!m) throw new RangeError(`${what} '${text}' has '${p}', which is not a CPU number or a range like 4-7`)
    const lo = Number(m[1])
    const hi = m[2] === undefined ? lo : Number(m[2])
    if (hi < lo) throw new RangeError(`${what} '${text}' has the range ${p}, which runs backwards`)
    if (hi - lo > 4096) throw new RangeError(`${what} '${text}' has a range of more than 4096 CPUs`)
    for (let c = lo; c <= hi; c++) if (!out.includes(c)) out.push(c)
  }
  if (out.length === 0) throw new RangeError(`${what} is empty: give CPUs, e.g. 0,2 or 4-7`)
  return out
}

/** [0, 1, 2, 5] → "0-2,5" */
export function formatCpuList(cpus: readonly number[]): string {
  const s = [...new Set(cpus)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let i = 0; i < s.length; ) {
    let j = i
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++
    parts.push(j > i ? `${s[i]}-${s[j]}` : String(s[i]))
    i = j + 1
  }
  return parts.join(',')
}

/** an ISO 8601 instant to the minute, as every list shows a date: 2026-12-06 20:59 (UTC as written) */
export const minuteText = (iso: string): string => iso.slice(0, 16).replace('T', ' ')

/** a tick as short as it can be: 0.005, 0.01, 2.5, 150 (round ticks have few digits) */
export const formatTick = (v: number): string => (v >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3))))

/**
 * Round axis ticks from 0 to at least `max`: steps of 1, 2, 2.5 or 5 times a power of
 * ten (0.05, 0.1, 0.25…, never 0.065), about `count` of them.
 */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1]
  const rough = max / count
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough)!
  const top = Math.ceil(max / step - 1e-9) * step
  const ticks: number[] = []
  // built from integers so no tick is 0.30000000000000004
  for (let i = 0; i * step <= top + step / 1e6; i++) ticks.push(Number((i * step).toPrecision(12)))
  return ticks
}

/**
 * A share as a fraction (a threshold, a precision): '5%' and '5' are 5%, '0.05' is 5% too (a
 * fraction under 1 without a % sign). null when it is not a number from 0 to 1000%.
 */
export function parseShare(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text)
  if (!m) return null
  const v = Number(m[1]) / (m[2] || Number(m[1]) >= 1 ? 100 : 1)
  return v >= 0 && v < 10 ? v : null
}
