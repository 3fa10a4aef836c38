import type { SpikeData } from '@spikes/core'
import { layoutRaster, type RasterLayout, type RasterOptions } from './layout.js'
import { rasterCaptions, type RasterTitle } from './captions.js'

const PALETTE = ['#1f4e79', '#2e75b6', '#c55a11', '#548235', '#7030a0', '#bf9000']

/**
 * An SVG raster: a title (input, format, units, spikes), the mean rate per unit above with its axis,
 * zero line and bin width, one row per unit labelled by unit id, a tick per spike (a shaded cell when
 * several share a pixel), and time below.
 */
export function rasterSvg(sd: SpikeData, title: RasterTitle | string, options: RasterOptions = {}): string {
  const L = layoutRaster(sd, options)
  const text = rasterCaptions(sd, L, typeof title === 'string' ? { input: title } : title, options)
  const p = L.plot
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`)
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`)
  parts.push(`<text x="${p.x}" y="22" font-size="15" font-weight="bold">${escape(text.title)}</text>`)
  parts.push(`<text x="${p.x}" y="40" fill="#555">${escape(text.subtitle)}</text>`)
  parts.push(...ratePanel(L, text.rateCaption))
  parts.push(`<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" fill="none" stroke="#bbb"/>`)
  parts.push(...spikeRows(L))
  for (const t of L.ticks) {
    parts.push(`<line x1="${t.x.toFixed(1)}" y1="${p.y + p.h}" x2="${t.x.toFixed(1)}" y2="${p.y + p.h + 5}" stroke="#333"/>`)
    parts.push(`<text x="${t.x.toFixed(1)}" y="${p.y + p.h + 18}" text-anchor="middle">${t.label}</text>`)
  }
  parts.push(`<text x="${p.x + p.w / 2}" y="${p.y + p.h + 38}" text-anchor="middle">${text.timeAxis}</text>`)
  for (const u of L.unitTicks) parts.push(`<text x="${p.x - 6}" y="${(u.y + 4).toFixed(1)}" text-anchor="end" fill="#333" font-size="${L.rowHeight >= 10 ? 11 : 10}" class="unit-id">${escape(u.label)}</text>`)
  parts.push(`<text transform="translate(14 ${p.y + p.h / 2}) rotate(-90)" text-anchor="middle">${escape(text.unitAxis)}</text>`)
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

function ratePanel(L: RasterLayout, caption: string): string[] {
  const r = L.rate
  const parts = [`<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="#f6f8fa"/>`]
  for (const t of L.rateTicks) {
    parts.push(`<line x1="${r.x - 4}" y1="${t.y.toFixed(1)}" x2="${r.x + r.w}" y2="${t.y.toFixed(1)}" stroke="${t.value === 0 ? '#333' : '#ddd'}"/>`)
    parts.push(`<text x="${r.x - 7}" y="${(t.y + 4).toFixed(1)}" text-anchor="end" fill="#333" font-size="11">${t.label}</text>`)
  }
  let d = ''
  const binW = (L.binMs / (L.window.endMs - L.window.startMs)) * r.w
  for (let b = 0; b < L.rateBins.length; b++) {
    const y = r.y + r.h - (L.rateBins[b] / L.rateTop) * r.h
    const x0 = r.x + b * binW
    const x1 = Math.min(r.x + r.w, x0 + binW)
    d += `${b ? 'L' : 'M'}${x0.toFixed(1)} ${y.toFixed(1)}H${x1.toFixed(1)}`
  }
  parts.push(`<path d="${d}" fill="none" stroke="#444" stroke-width="1.2"/>`)
  parts.push(`<text x="${r.x + r.w}" y="${r.y - 6}" text-anchor="end" fill="#555" font-size="11">${escape(caption)}</text>`)
  parts.push(`<text transform="translate(14 ${r.y + r.h / 2}) rotate(-90)" text-anchor="middle" font-size="11">rate (Hz)</text>`)
  return parts
}

function spikeRows(L: RasterLayout): string[] {
  const p = L.plot
  const parts: string[] = []
  const tickH = Math.max(1, L.rowHeight - (L.rowHeight > 3 ? 2 : 0))
  for (let row = 0; row < L.order.length; row++) {
    const y = p.y + row * L.rowHeight + (L.rowHeight - tickH) / 2
    let single = ''
    const shaded: string[] = []
    for (let c = 0; c < L.columns; c++) {
      const n = L.counts[row * L.columns + c]
      if (n === 0) continue
      if (n === 1 || L.maxCount <= 1) single += `M${p.x + c + 0.5} ${y.toFixed(1)}v${tickH}`
      else shaded.push(`<rect x="${p.x + c}" y="${y.toFixed(1)}" width="1" height="${tickH}" fill-opacity="${Math.min(1, 0.35 + (0.65 * n) / L.maxCount).toFixed(2)}"/>`)
    }
    const color = PALETTE[L.order[row] % PALETTE.length]
    if (single) parts.push(`<path d="${single}" stroke="${color}" stroke-width="1"/>`)
    if (shaded.length) parts.push(`<g fill="${color}">${shaded.join('')}</g>`)
  }
  return parts
}

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string)
}
