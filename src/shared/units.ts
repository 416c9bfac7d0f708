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
  if (ms < 1000) return `${ms.toFixed(0)} ms`
  const s = ms / 1000
  if (s < 120) return `${s.toFixed(1)} s`
  return `${Math.floor(s / 60)}m${Math.round(s % 60)
    .toString()
    .padStart(2, '0')}s`
}
