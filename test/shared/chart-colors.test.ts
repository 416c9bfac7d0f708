// One meaning per colour: no method's colour is a side's or a report's (red was copy in
// one view, the sender in another and report B in a third).

import { describe, expect, it } from 'vitest'
import { METHOD_COLORS, REPORT_COLORS, SIDE_COLORS } from '../../src/shared/method-colors'

/** hue in degrees and chroma of a #rrggbb colour */
function hueChroma(hex: string): { hue: number; chroma: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
  const max = Math.max(r, g, b)
  const min = Math.min(r, g, b)
  const c = max - min
  if (c === 0) return { hue: 0, chroma: 0 }
  const h = max === r ? ((g - b) / c) % 6 : max === g ? (b - r) / c + 2 : (r - g) / c + 4
  return { hue: (h * 60 + 360) % 360, chroma: c }
}

describe('chart colours', () => {
  const methods = Object.values(METHOD_COLORS)
  it('every palette is its own: no colour appears in two', () => {
    const all = [...methods, ...Object.values(SIDE_COLORS), ...REPORT_COLORS]
    expect(new Set(all.map((c) => c.toLowerCase())).size).toBe(all.length)
  })
  it("reports' hues stay 15° or more from every saturated method's", () => {
    for (const r of REPORT_COLORS) {
      const rh = hueChroma(r)
      for (const m of methods) {
        const mh = hueChroma(m)
        if (mh.chroma < 0.2) continue // grey: node-stream
        const apart = Math.min(Math.abs(rh.hue - mh.hue), 360 - Math.abs(rh.hue - mh.hue))
        expect(apart, `${r} vs ${m}`).toBeGreaterThanOrEqual(15)
      }
    }
  })
  it('the sides are shades of one low-chroma hue, darker as they add up', () => {
    const shades = [SIDE_COLORS.sender, SIDE_COLORS.receiver, SIDE_COLORS.system]
    for (const s of shades) expect(hueChroma(s).chroma).toBeLessThan(0.25)
    const light = shades.map((s) => [1, 3, 5].reduce((a, i) => a + parseInt(s.slice(i, i + 2), 16), 0))
    expect(light[0]).toBeGreaterThan(light[1])
    expect(light[1]).toBeGreaterThan(light[2])
  })
})
