// The per-trial line chart has an x axis a reader can read values off: round ticks
// from 0 past the last sample, each at its place on the plot.

import { describe, expect, it } from 'vitest'
import { lineChartSvg } from '../../../src/shared/export/svg-charts'

/** the x-axis labels: centred texts below the plot, with their x positions */
function xLabels(svg: string): { x: number; text: string }[] {
  return [...svg.matchAll(/<text x="([\d.]+)" y="231" text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((m) => ({
    x: Number(m[1]),
    text: m[2]
  }))
}

describe('lineChartSvg', () => {
  it('marks the x axis with round ticks: 0 to 4 s for samples up to 3.7 s, evenly spaced', () => {
    const svg = lineChartSvg('t', 'seconds into the trial', 'Gbit/s', [
      {
        label: 'copy',
        color: '#000',
        points: [
          [0, 1],
          [1.5, 2],
          [3.7, 3]
        ]
      }
    ])
    const labels = xLabels(svg)
    expect(labels.map((l) => l.text)).toEqual(['0', '1', '2', '3', '4'])
    // the plot spans x 56 to 544 (560 wide, margins 56 and 16): ticks every 122 px
    expect(labels.map((l) => l.x)).toEqual([56, 178, 300, 422, 544])
    // the last sample sits at 3.7 of 4 across, not at the right edge
    const last = /points="[^"]* ([\d.]+),[\d.]+"/.exec(svg)![1]
    expect(Number(last)).toBeCloseTo(56 + (3.7 / 4) * 488, 0)
    expect(svg).toContain('>seconds into the trial</text>')
  })
})
