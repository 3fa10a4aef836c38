import type { SpikeData } from '@spikes/core'
import { rasterCaptions, type RasterTitle } from './captions.js'
import { drawText, textWidth } from './font.js'
import { layoutRaster, type RasterOptions } from './layout.js'
import { encodePng } from './png-encode.js'

type Rgb = [number, number, number]
const PALETTE: Rgb[] = [[31, 78, 121], [46, 117, 182], [197, 90, 17], [84, 130, 53], [112, 48, 160], [191, 144, 0]]
const INK: Rgb = [34, 34, 34]
const GREY: Rgb = [85, 85, 85]

/** The same picture as rasterSvg, rendered to PNG pixels with no native dependency. */
export function rasterPng(sd: SpikeData, title: RasterTitle | string, options: RasterOptions = {}): Uint8Array {
  const L = layoutRaster(sd, options)
  const text = rasterCaptions(sd, L, typeof title === 'string' ? { input: title } : title, options)
  const W = L.width
  const H = L.height
  const rgb = new Uint8Array(W * H * 3).fill(255)
  const put = (x: number, y: number, c: Rgb, alpha = 1) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return
    const o = (Math.round(y) * W + Math.round(x)) * 3
    for (let k = 0; k < 3; k++) rgb[o + k] = Math.round(rgb[o + k] * (1 - alpha) + c[k] * alpha)
  }
  const hline = (x0: number, x1: number, y: number, c: Rgb) => {
    for (let x = Math.round(x0); x <= Math.round(x1); x++) put(x, y, c)
  }
  const label = (s: string, x: number, y: number, c: Rgb = INK) => drawText(rgb, W, H, s, x, y, c)
  const r = L.rate
  const p = L.plot
  label(text.title, p.x, 10, INK)
  label(text.subtitle, p.x, 30, GREY)
  for (let x = r.x; x < r.x + r.w; x++) for (let y = r.y; y < r.y + r.h; y++) put(x, y, [246, 248, 250])
  for (const t of L.rateTicks) {
    hline(t.value === 0 ? r.x - 4 : r.x, r.x + r.w - 1, Math.round(t.y), t.value === 0 ? [51, 51, 51] : [221, 221, 221])
    label(t.label, r.x - 7 - textWidth(t.label), t.y - 3)
  }
  const binW = (L.binMs / (L.window.endMs - L.window.startMs)) * r.w
  let prev = -1
  for (let b = 0; b < L.rateBins.length; b++) {
    const y = Math.round(r.y + r.h - (L.rateBins[b] / L.rateTop) * r.h)
    const x0 = Math.round(r.x + b * binW)
    if (prev >= 0) for (let yy = Math.min(prev, y); yy <= Math.max(prev, y); yy++) put(x0, yy, [68, 68, 68])
    hline(x0, Math.min(r.x + r.w - 1, r.x + (b + 1) * binW), y, [68, 68, 68])
    prev = y
  }
  label(text.rateCaption, r.x + r.w - textWidth(text.rateCaption), r.y - 11, GREY)
  label('rate (Hz)', 4, r.y - 11, INK)
  hline(p.x, p.x + p.w - 1, p.y, [187, 187, 187])
  hline(p.x, p.x + p.w - 1, p.y + p.h, [51, 51, 51])
  for (let y = p.y; y <= p.y + p.h; y++) put(p.x - 1, y, [51, 51, 51])
  const tickH = Math.max(1, L.rowHeight - (L.rowHeight > 3 ? 2 : 0))
  for (let row = 0; row < L.order.length; row++) {
    const y0 = p.y + row * L.rowHeight + Math.floor((L.rowHeight - tickH) / 2)
    const color = PALETTE[L.order[row] % PALETTE.length]
    for (let c = 0; c < L.columns; c++) {
      const n = L.counts[row * L.columns + c]
      if (!n) continue
      const alpha = L.maxCount <= 1 ? 1 : Math.min(1, 0.35 + (0.65 * n) / L.maxCount)
      for (let y = y0; y < y0 + tickH; y++) put(p.x + c, y, color, alpha)
    }
  }
  for (const t of L.ticks) {
    for (let y = p.y + p.h; y < p.y + p.h + 5; y++) put(t.x, y, INK)
    label(t.label, t.x - textWidth(t.label) / 2, p.y + p.h + 9)
  }
  label(text.timeAxis, p.x + p.w / 2 - textWidth(text.timeAxis) / 2, p.y + p.h + 28)
  for (const u of L.unitTicks) label(u.label, p.x - 6 - textWidth(u.label), u.y - 3)
  label(text.unitAxis, 4, p.y - 11)
  return encodePng(rgb, W, H)
}
