// A chart in a figure: its caption with the unit, a PNG button, and the chart sized
// to the figure's width. Every results and compare chart goes through it.

import { useRef, type ReactElement } from 'react'
import { ResponsiveContainer } from 'recharts'
import { PngButton } from './png-button'

interface Props {
  testId: string
  title: string
  unit: string
  heightPx: number
  children: ReactElement
}

export function ChartFigure({ testId, title, unit, heightPx, children }: Props) {
  const figure = useRef<HTMLElement>(null)
  return (
    <figure className="chart" data-testid={testId} ref={figure}>
      <figcaption>
        {title} <span className="unit">({unit})</span> <PngButton figure={figure} fileName={`${testId}.png`} />
      </figcaption>
      <ResponsiveContainer width="100%" height={heightPx}>
        {children}
      </ResponsiveContainer>
    </figure>
  )
}
