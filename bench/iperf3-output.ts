// iperf3 -J output of a chosen length, shaped as iperf3 3.12 writes it (cJSON_Print:
// tab-indented, one interval per second, one entry per stream per interval), so the
// import bench times files as big as real long runs make them.

import { readFileSync } from 'node:fs'
import path from 'node:path'

const REAL = path.join(__dirname, '..', 'test', 'fixtures', 'reports', 'iperf3-loopback.json')

/** the text of a run of `intervals` one-second intervals with `streams` parallel streams */
export function iperf3Output(intervals: number, streams: number): string {
  const real = JSON.parse(readFileSync(REAL, 'utf8')) as {
    start: { test_start: Record<string, unknown> }
    intervals: { streams: Record<string, unknown>[]; sum: Record<string, unknown> }[]
    end: Record<string, unknown>
  }
  const one = real.intervals[0]
  real.start.test_start.num_streams = streams
  real.start.test_start.duration = intervals
  const parts: string[] = []
  for (let i = 0; i < intervals; i++) {
    const at = { start: i, end: i + 1, seconds: 1 }
    const iv = {
      streams: Array.from({ length: streams }, (_, s) => ({ ...one.streams[0], ...at, socket: 5 + s })),
      sum: { ...one.sum, ...at }
    }
    parts.push(JSON.stringify(iv, null, '\t'))
  }
  const head = JSON.stringify({ start: real.start }, null, '\t').slice(0, -2)
  const end = JSON.stringify({ end: real.end }, null, '\t').slice(2)
  return `${head},\n"intervals":\t[${parts.join(', ')}],\n${end}`
}
