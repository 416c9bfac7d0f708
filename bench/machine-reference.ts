// `npx tsx bench/machine-reference.ts`: what the machine reference costs and how
// much it moves by itself. Takes BENCH_REF_RUNS references back to back (the host
// unchanged between them) and prints, per figure: the time its part took (its
// set-up included), the
// median of its medians, the spread between references (max − min over median),
// the median within-reference spread, and how many neighbouring pairs the drift
// rule (shared/machine-reference.ts) calls a changed machine: on an unchanged host
// that is the rule's false alarms here. Then the whole reference's time.
//
// Environment: BENCH_REF_RUNS (10), the references taken.

import { measureMachineReference, REFERENCE_REPEATS, type ReferenceTimings } from '../src/main/host/machine-reference'
import { figureDrifted, REFERENCE_FIGURES, referenceFigure } from '../src/shared/machine-reference'
import type { MachineReference, ReferenceFigure } from '../src/shared/report'
import { printTable } from './print-table'

const RUNS = Number(process.env.BENCH_REF_RUNS ?? 10)

const median = (xs: number[]) => referenceFigure(xs).median
const pct = (v: number) => `${(v * 100).toFixed(0)} %`

async function main(): Promise<void> {
  const refs: MachineReference[] = []
  const parts: ReferenceTimings[] = []
  for (let i = 0; i < RUNS; i++) {
    const spent: ReferenceTimings = { memoryCopyGBps: 0, syscallNs: 0, loopbackCpuNsPerBit: 0 }
    refs.push(await measureMachineReference(REFERENCE_REPEATS, spent))
    parts.push(spent)
  }
  const rows = [['figure', 'part ms', 'median', 'between refs', 'within ref', 'drift flags']]
  for (const info of REFERENCE_FIGURES) {
    const figs = refs.map((r) => r[info.key]).filter((f): f is ReferenceFigure => f !== null)
    if (!figs.length) {
      rows.push([info.label, '—', 'could not run here', '', '', ''])
      continue
    }
    const medians = figs.map((f) => f.median)
    let flags = 0
    for (let i = 1; i < figs.length; i++) if (figureDrifted(figs[i - 1], figs[i])) flags++
    rows.push([
      info.label,
      median(parts.map((p) => p[info.key])).toFixed(0),
      `${median(medians).toPrecision(3)} ${info.unit}`,
      pct(referenceFigure(medians).spread),
      pct(median(figs.map((f) => f.spread))),
      `${flags}/${figs.length - 1}`
    ])
  }
  printTable(rows)
  const took = refs.map((r) => r.tookMs)
  console.log(
    `\nwhole reference: median ${median(took).toFixed(0)} ms, ` +
      `min ${Math.min(...took).toFixed(0)}, max ${Math.max(...took).toFixed(0)} ` +
      `(${RUNS} runs, ${REFERENCE_REPEATS} repeats a figure)`
  )
}

void main()
