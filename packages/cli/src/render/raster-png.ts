import type { SpikeData } from '@spikes/core'
import { drawText, textWidth } from './font.js'
import { layoutRaster } from './layout.js'
import { encodePng } from './png-encode.js'

const PALETTE: [number, number, number][] = [[31, 78, 121], [46, 117, 182], [197, 90, 17], [84, 130, 53], [112, 48, 160], [191, 144, 0]]

/** The same picture as rasterSvg, rendered to PNG pixels with no native dependency. */
export function rasterPng(sd: SpikeData, width = 1200): Uint8Array {
  const L = layoutRaster(sd, width)
  const W = L.width
  const H = L.height
  const rgb = new Uint8Array(W * H * 3).fill(255)
  const put = (x: number, y: number, c: [number, number, number], alpha = 1) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return
    const o = (Math.round(y) * W + Math.round(x)) * 3
    for (let k = 0; k < 3; k++) rgb[o + k] = Math.round(rgb[o + k] * (1 - alpha) + c[k] * alpha)
  }
  const r = L.rate
  for (let x = r.x; x < r.x + r.w; x++) for (let y = r.y; y < r.y + r.h; y++) put(x, y, [246, 248, 250])
  let prev = -1
  for (let c = 0; c < L.columns; c++) {
    const y = Math.round(r.y + r.h - (L.maxRate > 0 ? (L.populationRate[c] / L.maxRate) * r.h : 0))
    const from = prev < 0 ? y : Math.min(prev, y)
    const to = prev < 0 ? y : Math.max(prev, y)
    for (let yy = from; yy <= to; yy++) put(r.x + c, yy, [68, 68, 68])
    prev = y
  }
  const p = L.plot
  for (let x = p.x; x < p.x + p.w; x++) {
    put(x, p.y, [187, 187, 187])
    put(x, p.y + p.h, [51, 51, 51])
  }
  for (let y = p.y; y <= p.y + p.h; y++) put(p.x - 1, y, [51, 51, 51])
  const tickH = Math.max(1, L.rowHeight - (L.rowHeight > 3 ? 2 : 0))
  for (let i = 0; i < sd.N; i++) {
    const y0 = p.y + i * L.rowHeight + Math.floor((L.rowHeight - tickH) / 2)
    const color = PALETTE[i % PALETTE.length]
    for (let c = 0; c < L.columns; c++) {
      const n = L.counts[i * L.columns + c]
      if (!n) continue
      const alpha = L.maxCount <= 1 ? 1 : Math.min(1, 0.35 + (0.65 * n) / L.maxCount)
      for (let y = y0; y < y0 + tickH; y++) put(p.x + c, y, color, alpha)
    }
  }
  const ink: [number, number, number] = [34, 34, 34]
  for (const t of L.ticks) {
    for (let y = p.y + p.h; y < p.y + p.h + 5; y++) put(t.x, y, ink)
    drawText(rgb, W, H, t.label, t.x - textWidth(t.label) / 2, p.y + p.h + 9, ink)
  }
  drawText(rgb, W, H, 'time (s)', p.x + p.w / 2 - textWidth('time (s)') / 2, p.y + p.h + 28, ink)
  for (const u of L.unitTicks) drawText(rgb, W, H, String(u.unit), p.x - 6 - textWidth(String(u.unit)), u.y - 3, ink)
  drawText(rgb, W, H, 'unit', 8, p.y + p.h / 2 - 3, ink)
  const top = `${L.maxRate.toFixed(1)} Hz`
  drawText(rgb, W, H, top, r.x - 6 - textWidth(top), r.y, [85, 85, 85])
  drawText(rgb, W, H, 'mean rate per unit', r.x + 4, r.y + 4, [85, 85, 85])
  return encodePng(rgb, W, H)
}
