// CSV (RFC 4180): one row per trial, one per sample, or one per method (its headline),
// with units in the column names.

import { baselineMethod } from '../methods'
import type { Report, SideFigures, SideSample } from '../report'
import { headlineText } from './figures'

type Cell = string | number | boolean | null | undefined

/** quotes where needed; text that a spreadsheet would run as a formula gets a leading ' */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  const text = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function csv(head: string[], rows: Cell[][]): string {
  return [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
}

const SIDE_COLUMNS = [
  'cpu_ns',
  'cycles',
  'cycles_source',
  'cycles_per_bit',
  'context_switches',
  'syscalls',
  'page_faults'
] as const

function side(s: SideFigures | null): Cell[] {
  if (!s) return SIDE_COLUMNS.map(() => null)
  return [s.cpuNs, s.cycles, s.cyclesSource, s.cyclesPerBit, s.contextSwitches, s.syscallsTotal, s.pageFaults]
}

export function trialsCsv(report: Report): string {
  const head = [
    'trial',
    'method',
    'target',
    'file_bytes',
    'chunk_bytes',
    'trial_duration_ms',
    'omit_ms',
    'trial_bytes',
    'streams',
    'repetition',
    'warmup',
    'cache',
    'receiver_mode',
    'bytes',
    'duration_ns',
    'throughput_bits_per_sec',
    'ramp_ms',
    'stream_min_over_max',
    ...SIDE_COLUMNS.map((c) => `sender_${c}`),
    ...SIDE_COLUMNS.map((c) => `receiver_${c}`),
    'system_cycles_per_bit',
    'receiver_system_cycles_per_bit',
    'zero_copy_fallback_share',
    'contaminated',
    'pinning_held',
    'softirq_on_sender_cpus_share',
    'warnings',
    'error_code',
    'error_message'
  ]
  const rows = report.trials.map((t) => {
    const s = t.summary
    return [
      t.index,
      t.method,
      t.target,
      t.fileBytes,
      t.chunkBytes,
      t.durationMs,
      t.omitMs,
      t.trialBytes,
      t.streams,
      t.repetition,
      t.warmup,
      t.cache,
      t.receiverMode,
      s?.bytes,
      s?.durationNs,
      s?.throughputBitsPerSec,
      s?.steady?.rampMs,
      s?.fairness?.minOverMax,
      ...side(s?.sender ?? null),
      ...side(s?.receiver ?? null),
      s?.system?.cyclesPerBit,
      s?.receiverSystem?.cyclesPerBit,
      s?.zeroCopy?.fallbackShare,
      s?.contaminated,
      s?.placement?.held,
      s?.placement?.softirqOnSenderCpusShare,
      // the codes of what this trial noticed: each row marked, as the tables mark theirs
      (s?.notes ?? []).map((n) => n.code).join(' '),
      t.error?.code,
      t.error?.message
    ]
  })
  return csv(head, rows)
}

const SAMPLE_COLUMNS = ['bytes', 'bytes_per_sec', 'cpu_ns', 'cycles', 'context_switches', 'syscalls', 'page_faults']

function sampleSide(s: SideSample | null): Cell[] {
  if (!s) return SAMPLE_COLUMNS.map(() => null)
  return [s.bytes, s.bytesPerSec, s.cpuNs, s.cycles, s.contextSwitches, s.syscalls, s.pageFaults]
}

export function samplesCsv(report: Report): string {
  const head = [
    'trial',
    'method',
    'target',
    'repetition',
    'warmup',
    't_ms',
    ...SAMPLE_COLUMNS.map((c) => `sender_${c}`),
    ...SAMPLE_COLUMNS.map((c) => `receiver_${c}`),
    'system_busy_cores'
  ]
  const rows: Cell[][] = []
  for (const t of report.trials)
    for (const s of t.samples)
      rows.push([
        t.index,
        t.method,
        t.target,
        t.repetition,
        t.warmup,
        s.tMs,
        ...sampleSide(s.sender),
        ...sampleSide(s.receiver),
        s.systemBusyCores
      ])
  return csv(head, rows)
}

/**
 * One row per method (per pair, with several receiver modes): the headline, as every view gives it. The interval's ends are
 * written only where the interval is a finding (statistics.intervalStatus); elsewhere
 * they are empty and `headline` says what is missing. The JSON report keeps the raw
 * numbers whatever they are.
 */
export function methodsCsv(report: Report): string {
  const head = [
    'method',
    'target',
    'file_bytes',
    'chunk_bytes',
    'trial_duration_ms',
    'streams',
    'baseline',
    'system_cycles_per_bit_median',
    'throughput_bits_per_sec_median',
    'system_change_vs_baseline',
    'system_change_ci95_low',
    'system_change_ci95_high',
    'half_width',
    'repetitions',
    'status',
    'verdict',
    'repetitions_needed',
    'headline',
    // last, so columns read by position before receiver lists keep their place
    'receiver_mode'
  ]
  const stop = report.end.rounds?.stop
  const rows = report.end.aggregates.map((a) => {
    const h = a.headline ?? null
    const finding = h?.status === 'finding' && h.ratio !== null
    return [
      a.method,
      a.target,
      a.fileBytes,
      a.chunkBytes,
      a.durationMs,
      a.streams,
      h?.baseline ?? baselineMethod(a.method),
      a.allHostsCyclesPerBit?.median,
      a.throughputBitsPerSec?.median,
      finding ? h.ratio!.ratio - 1 : null,
      finding ? h.ratio!.ci95Low - 1 : null,
      finding ? h.ratio!.ci95High - 1 : null,
      finding ? h.halfWidth : null,
      h?.n,
      h?.status,
      h?.verdict,
      h?.repetitionsNeeded,
      headlineText(a, stop),
      a.receiverMode
    ]
  })
  return csv(head, rows)
}
