// Live charts: one line per method over run time. Animation is off for live series:
// it would replay on every sample.

import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis
} from 'recharts'
import type { MethodName } from '../../../shared/methods'
import type { SeriesPoint } from '../state/run-state'
import { METHOD_COLORS } from '../../../shared/method-colors'

interface Props {
  series: Record<string, SeriesPoint[]>
  metric: 'gbps' | 'cyclesPerBit' | 'ctxPerSec'
  title: string
  unit: string
  /** the 1 cycle/bit rule of thumb */
  reference?: number
  estimated?: boolean
}

export function LiveChart({ series, metric, title, unit, reference, estimated }: Props) {
  const methods = Object.keys(series) as MethodName[]
  return (
    <figure
      className="chart"
      data-testid={`live-${metric}`}
      data-points={methods.reduce((n, m) => n + series[m].length, 0)}
    >
      <figcaption>
        {title}{' '}
        <span className="unit">
          ({unit}
          {estimated ? ', estimated' : ''})
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e5e5" />
          <XAxis
            dataKey="t"
            type="number"
            domain={['dataMin', 'dataMax']}
            tickFormatter={(v: number) => `${v.toFixed(1)}s`}
            allowDuplicatedCategory={false}
          />
          <YAxis width={56} tickFormatter={(v: number) => (v >= 100 ? v.toFixed(0) : v.toPrecision(2))} />
          <Tooltip
            formatter={(v) => (typeof v === 'number' ? v.toPrecision(3) : String(v))}
            labelFormatter={(t) => `${Number(t).toFixed(2)} s`}
          />
          <Legend />
          {reference !== undefined && (
            <ReferenceLine
              y={reference}
              ifOverflow="extendDomain"
              stroke="#999"
              strokeDasharray="6 4"
              label={{ value: '1 cycle/bit', position: 'insideTopRight', fontSize: 11 }}
            />
          )}
          {methods.map((m) => (
            <Line
              key={m}
              name={m}
              data={series[m]}
              dataKey={metric}
              stroke={METHOD_COLORS[m]}
              dot={false}
              strokeWidth={2}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  )
}
