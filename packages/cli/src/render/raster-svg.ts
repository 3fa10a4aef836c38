import type { SpikeData } from '@spikes/core'
import { layoutRaster } from './layout.js'

const PALETTE = ['#1f4e79', '#2e75b6', '#c55a11', '#548235', '#7030a0', '#bf9000']

/**
 * An SVG raster: one row per unit, a tick per spike (a shaded cell when several spikes share a pixel),
 * the population rate above, time in seconds below.
 */
export function rasterSvg(sd: SpikeData, title: string, width = 1200): string {
  const L = layoutRaster(sd, width)
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`)
  parts.push(`<rect width="100%" height="100%" fill="#ffffff"/>`)
  parts.push(`<text x="${L.plot.x}" y="24" font-size="15" font-weight="bold">${escape(title)}</text>`)
  parts.push(`<text x="${L.plot.x + L.plot.w}" y="24" text-anchor="end" fill="#555">${sd.N} units · ${sd.totalSpikes.toLocaleString('en-US')} spikes · ${(sd.lengthMs / 1000).toFixed(2)} s</text>`)
  // population rate
  const r = L.rate
  let d = ''
  for (let c = 0; c < L.columns; c++) {
    const y = r.y + r.h - (L.maxRate > 0 ? (L.populationRate[c] / L.maxRate) * r.h : 0)
    d += `${c ? 'L' : 'M'}${(r.x + c + 0.5).toFixed(1)} ${y.toFixed(1)}`
  }
  parts.push(`<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="#f6f8fa"/>`)
  parts.push(`<path d="${d}" fill="none" stroke="#444" stroke-width="1"/>`)
  parts.push(`<text x="${r.x - 6}" y="${r.y + 10}" text-anchor="end" fill="#555" font-size="10">${L.maxRate.toFixed(1)} Hz</text>`)
  parts.push(`<text x="${r.x - 6}" y="${r.y + r.h}" text-anchor="end" fill="#555" font-size="10">0</text>`)
  parts.push(`<text x="${r.x + 4}" y="${r.y + 12}" fill="#555" font-size="10">mean rate per unit</text>`)
  // spikes
  const p = L.plot
  parts.push(`<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" fill="none" stroke="#bbb"/>`)
  const tickH = Math.max(1, L.rowHeight - (L.rowHeight > 3 ? 2 : 0))
  for (let i = 0; i < sd.N; i++) {
    const y = p.y + i * L.rowHeight + (L.rowHeight - tickH) / 2
    let single = ''
    const shaded: string[] = []
    for (let c = 0; c < L.columns; c++) {
      const n = L.counts[i * L.columns + c]
      if (n === 0) continue
      if (n === 1 || L.maxCount <= 1) single += `M${p.x + c + 0.5} ${y.toFixed(1)}v${tickH}`
      else shaded.push(`<rect x="${p.x + c}" y="${y.toFixed(1)}" width="1" height="${tickH}" fill-opacity="${Math.min(1, 0.35 + (0.65 * n) / L.maxCount).toFixed(2)}"/>`)
    }
    const color = PALETTE[i % PALETTE.length]
    if (single) parts.push(`<path d="${single}" stroke="${color}" stroke-width="1"/>`)
    if (shaded.length) parts.push(`<g fill="${color}">${shaded.join('')}</g>`)
  }
  // axes
  for (const t of L.ticks) {
    parts.push(`<line x1="${t.x.toFixed(1)}" y1="${p.y + p.h}" x2="${t.x.toFixed(1)}" y2="${p.y + p.h + 5}" stroke="#333"/>`)
    parts.push(`<text x="${t.x.toFixed(1)}" y="${p.y + p.h + 18}" text-anchor="middle">${t.label}</text>`)
  }
  parts.push(`<text x="${p.x + p.w / 2}" y="${p.y + p.h + 38}" text-anchor="middle">time (s)</text>`)
  for (const u of L.unitTicks) parts.push(`<text x="${p.x - 6}" y="${(u.y + 4).toFixed(1)}" text-anchor="end" fill="#333">${u.unit}</text>`)
  parts.push(`<text transform="translate(16 ${p.y + p.h / 2}) rotate(-90)" text-anchor="middle">unit</text>`)
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

function escape(text: string): string {
  return text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] as string)
}
