// The table `zcprof run` ends with: one row per method, ratios against copy.

import Table from 'cli-table3'
import type { MethodAggregate, Report } from '../../shared/report'
import type { Stat } from '../../shared/statistics'
import { formatBytes, formatRatio } from '../../shared/units'

function gbits(s: Stat | null): string {
  if (!s) return '—'
  const g = (v: number) => (v / 1e9).toFixed(2)
  return `${g(s.median)} (${g(s.min)}–${g(s.max)})`
}

function med(s: Stat | null, digits = 3): string {
  return s ? formatRatio(s.median, digits) : '—'
}

function pct(v: number | null): string {
  return v === null ? '—' : `${v >= 0 ? '' : '−'}${Math.abs(v * 100).toFixed(0)}%`
}

function times(v: number | null): string {
  return v === null ? '—' : `${v.toFixed(2)}×`
}

function notes(a: MethodAggregate): string {
  const n: string[] = []
  if (a.failed) n.push(`${a.failed} failed`)
  if (a.zeroCopyFallbackShare !== null && a.zeroCopyFallbackShare > 0)
    n.push(`zc copied ${(a.zeroCopyFallbackShare * 100).toFixed(0)}%`)
  if (a.method === 'node-stream') n.push('process-level')
  if (a.target.startsWith('raw://')) n.push('sender only')
  return n.join('; ')
}

export function renderSummary(report: Report, color = false): string {
  const est = report.end.aggregates.some((a) => a.cyclesSource !== 'pmu')
  const cyc = est ? 'cyc/bit*' : 'cyc/bit'
  const groups = new Map<string, MethodAggregate[]>()
  for (const a of report.end.aggregates) {
    const k = `${a.target}  file ${formatBytes(a.fileBytes)}  chunk ${formatBytes(a.chunkBytes)}`
    groups.set(k, [...(groups.get(k) ?? []), a])
  }
  const out: string[] = []
  for (const [title, rows] of groups) {
    const table = new Table({
      head: [
        'method',
        'Gbit/s median (min–max)',
        `${cyc} send`,
        `${cyc} recv`,
        `${cyc} system`,
        'ctxsw/GiB',
        'syscalls/GiB',
        'speed-up vs copy',
        'send CPU saved vs copy',
        'notes'
      ],
      style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] }
    })
    for (const a of rows) {
      table.push([
        a.method,
        gbits(a.throughputBitsPerSec),
        med(a.senderCyclesPerBit),
        med(a.receiverCyclesPerBit),
        // across hosts: sending host / receiving host
        a.receiverSystemCyclesPerBit
          ? `${med(a.systemCyclesPerBit)} / ${med(a.receiverSystemCyclesPerBit)}`
          : med(a.systemCyclesPerBit),
        med(a.contextSwitchesPerGiB, 3),
        med(a.syscallsPerGiB, 4),
        times(a.speedupVsCopy),
        pct(a.senderCpuSavingVsCopy),
        notes(a)
      ])
    }
    out.push(title, table.toString())
  }
  if (est) out.push('* cycles estimated from CPU time × clock rate (no PMU count); see warnings')
  if (report.end.warnings.length) {
    out.push('', 'warnings:')
    for (const w of report.end.warnings) out.push(`  - ${w.message}`)
  }
  if (report.end.incomplete) out.push('', 'the run is INCOMPLETE: the figures above cover the trials that finished')
  return out.join('\n')
}
