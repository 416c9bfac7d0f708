// `npm run bench:design`: which experiment design gives an answer that repeats. Each
// design is run BENCH_DESIGN_RUNS times (3) back to back, copy, sendfile and splice on
// loopback, with the same time for trials in every design; what it prints is the
// spread (max − min, in points) of sendfile's and splice's whole-system change against
// copy over those runs, each run's interval half-width, and each run's wall time.
// Designs that differ only in how the data is read (paired or not) are read from the
// same runs. docs/statistics.md quotes its output.
//
// Environment: BENCH_DESIGN_RUNS (3), BENCH_DESIGNS (e.g. "A,D": those designs only),
// BENCH_DESIGN_METHODS (copy,sendfile,splice), BENCH_DESIGN_KEEP (a folder for the reports).

import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { aggregateTrials, analysisOf } from '../src/shared/aggregate'
import { DEFAULT_PLAN, runPlan } from '../src/main/engine/run'
import { ensureTestFile } from '../src/main/engine/test-file'
import type { MethodName } from '../src/shared/methods'
import type { Plan, Report } from '../src/shared/report'
import { halfWidthShare, type RatioEstimate } from '../src/shared/statistics'
import { printTable } from './print-table'

const runs = Number(process.env.BENCH_DESIGN_RUNS ?? 3)
/** a folder to keep each run's report in, for a second look */
const keep = process.env.BENCH_DESIGN_KEEP ?? null
const only = process.env.BENCH_DESIGNS?.split(',')
const methods = (process.env.BENCH_DESIGN_METHODS ?? 'copy,sendfile,splice').split(',') as MethodName[]
const compared = methods.filter((m) => m !== 'copy')

interface Design {
  id: string
  label: string
  plan: Partial<Plan>
  /** read the runs in pairs by round (a shuffled plan), or as ratios of means */
  paired: boolean
  /** read the whole system with other processes' CPU counted in, as before 0.4 */
  othersCounted?: boolean
}

// every design gives the trials 12 s a method: 6 × 2 s, 12 × 1 s or 24 × 0.5 s
const fixed = { precision: null, maxTimeMs: null } as const
const DESIGNS: Design[] = [
  {
    id: 'A',
    label: 'threads unpinned, fixed order, ratio of means, 6 × 2 s (0.3)',
    plan: { ...fixed, autoPin: false, order: 'fixed', repeat: 6, durationMs: 2000 },
    paired: false
  },
  {
    id: 'B',
    label: 'pinned, fixed order, ratio of means, 6 × 2 s',
    plan: { ...fixed, autoPin: true, order: 'fixed', repeat: 6, durationMs: 2000 },
    paired: false
  },
  {
    id: 'C',
    label: 'pinned, shuffled rounds, ratio of means, 6 × 2 s',
    plan: { ...fixed, autoPin: true, order: 'shuffled', repeat: 6, durationMs: 2000 },
    paired: false
  },
  {
    id: 'C+',
    label: 'pinned, shuffled rounds, paired by round, 6 × 2 s',
    plan: { ...fixed, autoPin: true, order: 'shuffled', repeat: 6, durationMs: 2000 },
    paired: true
  },
  {
    id: 'D+',
    label: 'pinned, shuffled rounds, paired by round, 12 × 1 s',
    plan: { ...fixed, autoPin: true, order: 'shuffled', repeat: 12, durationMs: 1000 },
    paired: true
  },
  {
    id: 'E+',
    label: 'pinned, shuffled rounds, paired by round, 24 × 0.5 s',
    plan: { ...fixed, autoPin: true, order: 'shuffled', repeat: 24, durationMs: 500 },
    paired: true
  },
  {
    id: 'D+o',
    label: 'as D+, other processes’ CPU counted in the whole system (0.3)',
    plan: { ...fixed, autoPin: true, order: 'shuffled', repeat: 12, durationMs: 1000 },
    paired: true,
    othersCounted: true
  },
  {
    id: 'U+',
    label: 'unpinned, shuffled rounds, paired by round, 12 × 1 s',
    plan: { ...fixed, autoPin: false, order: 'shuffled', repeat: 12, durationMs: 1000 },
    paired: true
  }
]

/** the whole system as it was read before 0.4: other processes' CPU in it (the busy time scales it back) */
function othersCountedIn(r: Report): Report {
  const trials = r.trials.map((t) => {
    const sys = t.summary?.system
    if (!t.summary || !sys || sys.otherProcessesCpuNs === undefined || sys.cyclesPerBit === null) return t
    const ours = sys.busyCpuNs - sys.otherProcessesCpuNs
    const cyclesPerBit = ours > 0 ? (sys.cyclesPerBit * sys.busyCpuNs) / ours : sys.cyclesPerBit
    return { ...t, summary: { ...t.summary, system: { ...sys, cyclesPerBit } } }
  })
  return { ...r, trials }
}

/** each compared method's headline, read as the design says */
function headlines(report: Report, d: Design): Map<MethodName, RatioEstimate | null> {
  const r = d.othersCounted ? othersCountedIn(report) : report
  const aggs = aggregateTrials(r.trials, { ...analysisOf(r.start.plan), paired: d.paired })
  return new Map(compared.map((m) => [m, aggs.find((a) => a.method === m)?.headline?.ratio ?? null]))
}

const pct = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}`

async function main(): Promise<void> {
  const file = await ensureTestFile(DEFAULT_PLAN.fileBytes[0])
  if (keep) mkdirSync(keep, { recursive: true })
  // a design that reads the same plan as one before it reads that one's runs
  const done = new Map<string, { reports: Report[]; wallMs: number[] }>()
  const rows: string[][] = [
    ['design', ...compared.map((m) => `${m}: each run`), ...compared.map((m) => `${m} spread`), 'mean ±', 'wall s']
  ]
  const chosen = DESIGNS.filter((d) => !only || only.includes(d.id))
  // the runs interleave across designs (run 1 of each, then run 2 of each…), so a drift
  // of the machine over the minutes this takes falls on every design alike
  for (let i = 0; i < runs; i++)
    for (const d of chosen) {
      const key = JSON.stringify(d.plan)
      const ran = done.get(key) ?? { reports: [], wallMs: [] }
      done.set(key, ran)
      if (ran.reports.length > i) continue
      const t0 = Date.now()
      const report = await runPlan({ plan: { ...DEFAULT_PLAN, methods, file, ...d.plan } })
      ran.reports.push(report)
      ran.wallMs.push(Date.now() - t0)
      if (keep) writeFileSync(path.join(keep, `${d.id}-${i + 1}.json`), JSON.stringify(report))
      process.stderr.write(`design ${d.id}: run ${i + 1} of ${runs} done\n`)
    }
  for (const d of chosen) {
    const ran = done.get(JSON.stringify(d.plan))!
    const per = ran.reports.map((r) => headlines(r, d))
    const cells: string[] = []
    const spreads: string[] = []
    const widths: number[] = []
    for (const m of compared) {
      const changes = per.map((h) => h.get(m)).filter((r): r is RatioEstimate => r !== null)
      cells.push(changes.map((r) => pct(r.ratio - 1)).join(' '))
      const c = changes.map((r) => (r.ratio - 1) * 100)
      spreads.push(c.length ? (Math.max(...c) - Math.min(...c)).toFixed(1) : '—')
      for (const r of changes) widths.push(halfWidthShare(r) ?? Number.NaN)
    }
    const meanWidth = widths.reduce((a, b) => a + b, 0) / widths.length
    rows.push([
      `${d.id}: ${d.label}`,
      ...cells,
      ...spreads,
      (meanWidth * 100).toFixed(1),
      ran.wallMs.map((w) => (w / 1000).toFixed(0)).join(' ')
    ])
  }
  console.log(
    `\n${runs} identical runs per design, ${methods.join(', ')} on loopback; change = whole-system CPU per bit against copy, %; ` +
      'spread = max − min over the runs, points; mean ± = mean half-width of the 95% intervals, points\n'
  )
  printTable(rows)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
