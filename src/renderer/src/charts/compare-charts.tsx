// The compared reports side by side: per method, one bar per report, with its
// min–max over repetitions as a whisker.

import { sizeText } from '../../../shared/export/figures'
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import type { Comparison } from '../../../shared/compare'
import type { MethodAggregate } from '../../../shared/report'
import type { Stat } from '../../../shared/statistics'
import { reportLetter } from '../../../shared/export/compare-export'
import { REPORT_COLORS } from '../../../shared/method-colors'
import { formatBytes, niceTicks } from '../../../shared/units'
import { inDrawOrder } from './legend-order'
import { ChartFigure } from '../components/chart-figure'

interface Props {
  comparison: Comparison
  testId: string
  title: string
  unit: string
  pick: (a: MethodAggregate) => Stat | null
  scale?: number
}

export function CompareBars({ comparison, testId, title, unit, pick, scale = 1 }: Props) {
  const multiGroup =
    new Set(comparison.rows.map((r) => `${r.key.target}|${r.key.fileBytes}|${r.key.chunkBytes}`)).size > 1
  const data = comparison.rows.map((row) => {
    const k = row.key
    const point: Record<string, unknown> = {
      row: multiGroup ? `${k.method} ${sizeText(k.fileBytes)}/${formatBytes(k.chunkBytes)}` : k.method
    }
    row.aggregates.forEach((a, i) => {
      const s = a ? pick(a) : null
      if (!s) return
      point[`r${i}`] = s.median * scale
      point[`e${i}`] = [(s.median - s.min) * scale, (s.max - s.median) * scale]
    })
    return point
  })
  const ticks = niceTicks(
    Math.max(
      ...data.flatMap((d) =>
        comparison.columns.map((_, i) => ((d[`r${i}`] as number) ?? 0) + ((d[`e${i}`] as number[])?.[1] ?? 0))
      )
    ),
    4
  )
  // each report by its letter, as the tables name it
  const names = comparison.columns.map((c, i) => `${reportLetter(i)}: ${c.label}`)
  return (
    <ChartFigure testId={testId} title={title} unit={`${unit}; median, min–max`} heightPx={260}>
      <BarChart data={data}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
        <XAxis dataKey="row" />
        <YAxis
          width={64}
          ticks={ticks}
          domain={[0, ticks.at(-1)!]}
          label={{ value: unit, angle: -90, position: 'insideLeft', fontSize: 11 }}
        />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))} />
        <Legend itemSorter={inDrawOrder(names)} />
        {comparison.columns.map((_, i) => (
          <Bar
            key={i}
            dataKey={`r${i}`}
            name={names[i]}
            fill={REPORT_COLORS[i % REPORT_COLORS.length]}
            isAnimationActive={false}
          >
            <ErrorBar dataKey={`e${i}`} width={4} stroke="#222" />
          </Bar>
        ))}
      </BarChart>
    </ChartFigure>
  )
}
