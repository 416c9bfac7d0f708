// Saving files from the renderer: a Blob and an <a download>. In Electron that
// opens the save dialog; in a browser it is an ordinary download.

export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.appendChild(a)
  a.click()
  a.remove()
  // the click has handed the blob over; free it on the next turn
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export function downloadText(fileName: string, text: string, mimeType: string): void {
  downloadBlob(fileName, new Blob([text], { type: `${mimeType};charset=utf-8` }))
}

/**
 * A chart's SVG drawn onto a canvas at 2× and encoded as PNG. The SVG goes in as a
 * data: URL (the CSP allows img-src data:), with a white background, since the
 * charts are transparent.
 */
export interface PngDecor {
  /** the chart's title and its unit, drawn above it */
  title: string
  /** each series' colour and name, drawn under it */
  legend: { color: string; label: string }[]
  /** the app's font, so the image reads as the app does */
  fontFamily: string
}

/**
 * A chart as a PNG that stands alone: its title and unit above, its legend below, in
 * the app's font (an SVG drawn as an image has no page CSS, so the font is set on it).
 */
export async function svgToPng(svg: SVGSVGElement, decor: PngDecor, scale = 2): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect()
  const clone = svg.cloneNode(true) as SVGSVGElement
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg')
  clone.setAttribute('width', String(width))
  clone.setAttribute('height', String(height))
  clone.setAttribute('font-family', decor.fontFamily)
  const xml = new XMLSerializer().serializeToString(clone)
  const img = new Image()
  img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(xml)))
  await img.decode()
  const titleH = 28
  const legendH = decor.legend.length ? 24 : 0
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(width * scale)
  canvas.height = Math.round((height + titleH + legendH) * scale)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2D canvas here')
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, canvas.width, canvas.height)
  ctx.scale(scale, scale)
  ctx.fillStyle = '#1d1d1f'
  ctx.font = `600 14px ${decor.fontFamily}`
  ctx.textBaseline = 'middle'
  ctx.fillText(decor.title, 8, titleH / 2)
  ctx.drawImage(img, 0, titleH, width, height)
  ctx.font = `12px ${decor.fontFamily}`
  let x = 8
  for (const item of decor.legend) {
    ctx.fillStyle = item.color
    ctx.fillRect(x, titleH + height + 7, 10, 10)
    ctx.fillStyle = '#1d1d1f'
    ctx.fillText(item.label, x + 14, titleH + height + 12)
    x += 14 + ctx.measureText(item.label).width + 16
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the chart could not be encoded'))), 'image/png')
  )
}
