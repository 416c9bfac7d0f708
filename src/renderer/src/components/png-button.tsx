// "PNG" beside a chart: saves the chart in its figure as an image.

import { useState, type RefObject } from 'react'
import { downloadBlob, svgToPng } from '../download'

export function PngButton({ figure, fileName }: { figure: RefObject<HTMLElement | null>; fileName: string }) {
  const [error, setError] = useState<string | null>(null)
  const save = async () => {
    // the chart's own surface: the largest svg in the figure (legend icons are svgs too)
    const svgs = [...(figure.current?.querySelectorAll('svg') ?? [])]
    const area = (e: SVGSVGElement) => e.getBoundingClientRect().width * e.getBoundingClientRect().height
    const svg = svgs.sort((a, b) => area(b) - area(a))[0] ?? null
    if (!svg) return setError('the chart has not been drawn yet')
    const fig = figure.current!
    // the caption without this button, and the legend as the page shows it
    const caption = fig.querySelector('figcaption')?.cloneNode(true) as HTMLElement | undefined
    caption?.querySelectorAll('button, .field-error').forEach((b) => b.remove())
    const legend = [...fig.querySelectorAll('.recharts-legend-item')].map((item) => ({
      color: item.querySelector('path, rect')?.getAttribute('fill') ?? '#888',
      label: item.textContent?.trim() ?? ''
    }))
    try {
      const decor = { title: caption?.textContent?.trim() ?? '', legend, fontFamily: getComputedStyle(fig).fontFamily }
      downloadBlob(fileName, await svgToPng(svg, decor))
      setError(null)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  return (
    <>
      <button type="button" className="small" onClick={() => void save()} title="save this chart as a PNG image">
        PNG
      </button>
      {error && <span className="field-error">{error}</span>}
    </>
  )
}
