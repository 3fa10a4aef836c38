import type { SpikeData } from '@spikes/core'
import { formatNumber, niceStep, niceTicks } from '@spikes/core/figures'
import type { TimeWindow } from './time-window.js'

/** What to draw: the window, the rows (unit indices, top to bottom) and their labels, the title. */
export interface RasterView {
  window: TimeWindow
  order: readonly number[]
  labels: readonly string[]
  title: string
}

/** Where the spikes are drawn in the canvas (for mouse positions). */
export interface PlotBox {
  x: number
  y: number
  w: number
  h: number
}

const FONT = '12px sans-serif'

/**
 * Draws the figure the CLI draws: a title, the mean rate per unit with its axis, zero line and bin width,
 * one row per unit labelled by unit id with a tick per spike (pixels written directly, so millions of
 * spikes draw at once), and time below. Returns the plot's box and how many spike pixels were set.
 */
export function drawRaster(canvas: HTMLCanvasElement, sd: SpikeData, view: RasterView): { plot: PlotBox; inked: number } {
  const context = canvas.getContext('2d')
  const left = Math.max(64, 24 + 7 * Math.max(0, ...view.labels.map((l) => l.length)))
  const rate: PlotBox = { x: left, y: 52, w: canvas.width - left - 16, h: 70 }
  const plot: PlotBox = { x: left, y: rate.y + rate.h + 14, w: rate.w, h: canvas.height - rate.y - rate.h - 14 - 44 }
  if (!context) return { plot, inked: 0 }
  context.fillStyle = '#fff'
  context.fillRect(0, 0, canvas.width, canvas.height)
  context.font = FONT
  context.fillStyle = '#222'
  context.font = 'bold 14px sans-serif'
  context.fillText(view.title, plot.x, 18)
  context.font = FONT
  const { startMs, endMs } = view.window
  const span = endMs - startMs
  const inked = drawSpikes(context, sd, view, plot)
  drawRate(context, sd, view, rate)
  drawAxes(context, view, plot, span)
  return { plot, inked }
}

function drawSpikes(context: CanvasRenderingContext2D, sd: SpikeData, view: RasterView, plot: PlotBox): number {
  const image = context.createImageData(plot.w, plot.h)
  const pixels = new Uint32Array(image.data.buffer)
  pixels.fill(0xffffffff)
  const ink = 0xff202020
  const rows = Math.max(view.order.length, 1)
  const rowHeight = plot.h / rows
  const { startMs, endMs } = view.window
  const scale = (plot.w - 1) / (endMs - startMs)
  let set = 0
  view.order.forEach((unit, row) => {
    const top = Math.floor(row * rowHeight)
    const bottom = Math.max(top + 1, Math.floor((row + 1) * rowHeight) - (rowHeight >= 3 ? 1 : 0))
    const train = sd.train(unit)
    for (let k = lowerBound(train, startMs); k < train.length && train[k] < endMs; k++) {
      const x = Math.round((train[k] - startMs) * scale)
      for (let y = top; y < bottom; y++) {
        const at = y * plot.w + x
        if (pixels[at] !== ink) set++
        pixels[at] = ink
      }
    }
  })
  context.putImageData(image, plot.x, plot.y)
  context.strokeStyle = '#999'
  context.strokeRect(plot.x - 0.5, plot.y - 0.5, plot.w + 1, plot.h + 1)
  return set
}

function drawRate(context: CanvasRenderingContext2D, sd: SpikeData, view: RasterView, box: PlotBox): void {
  const { startMs, endMs } = view.window
  const span = endMs - startMs
  const binMs = Math.max(niceStep(span / 200), 1e-3)
  const bins = new Float64Array(Math.max(1, Math.ceil(span / binMs - 1e-9)))
  for (const unit of view.order) {
    const t = sd.train(unit)
    for (let k = lowerBound(t, startMs); k < t.length && t[k] < endMs; k++) bins[Math.min(bins.length - 1, Math.floor((t[k] - startMs) / binMs))]++
  }
  let max = 0
  for (let b = 0; b < bins.length; b++) {
    bins[b] /= (Math.min(binMs, span - b * binMs) / 1000) * Math.max(1, view.order.length)
    max = Math.max(max, bins[b])
  }
  const top = max > 0 ? (niceTicks(0, max, 2).find((v) => v >= max) ?? niceStep(max)) : 1
  context.fillStyle = '#f6f8fa'
  context.fillRect(box.x, box.y, box.w, box.h)
  context.textAlign = 'right'
  for (const value of niceTicks(0, top, 2)) {
    const y = Math.round(box.y + box.h - (value / top) * box.h) + 0.5
    context.strokeStyle = value === 0 ? '#333' : '#ddd'
    line(context, box.x - (value === 0 ? 4 : 0), y, box.x + box.w, y)
    context.fillStyle = '#333'
    context.fillText(formatNumber(value), box.x - 7, y + 4)
  }
  context.strokeStyle = '#444'
  context.beginPath()
  const binW = (binMs / span) * box.w
  for (let b = 0; b < bins.length; b++) {
    const y = box.y + box.h - (bins[b] / top) * box.h
    if (b === 0) context.moveTo(box.x, y)
    else context.lineTo(box.x + b * binW, y)
    context.lineTo(Math.min(box.x + box.w, box.x + (b + 1) * binW), y)
  }
  context.stroke()
  context.fillStyle = '#555'
  context.fillText(`mean rate per unit, bin ${formatNumber(binMs)} ms`, box.x + box.w, box.y - 6)
  context.textAlign = 'left'
  context.fillText('rate (Hz)', 4, box.y - 6)
}

function drawAxes(context: CanvasRenderingContext2D, view: RasterView, plot: PlotBox, span: number): void {
  const unit = span < 2000 ? 'ms' : 's'
  const scale = unit === 'ms' ? 1 : 1000
  const { startMs, endMs } = view.window
  context.fillStyle = '#222'
  context.strokeStyle = '#333'
  context.textAlign = 'center'
  for (const value of niceTicks(startMs / scale, endMs / scale, Math.max(2, Math.floor(plot.w / 110)))) {
    const x = Math.round(plot.x + ((value * scale - startMs) / span) * (plot.w - 1)) + 0.5
    line(context, x, plot.y + plot.h, x, plot.y + plot.h + 5)
    context.fillText(formatNumber(value), x, plot.y + plot.h + 18)
  }
  context.fillText(`time (${unit})`, plot.x + plot.w / 2, plot.y + plot.h + 36)
  context.textAlign = 'right'
  const rowHeight = plot.h / Math.max(1, view.order.length)
  const every = Math.max(1, Math.ceil(12 / rowHeight))
  view.labels.forEach((label, row) => {
    if (row % every === 0) context.fillText(label, plot.x - 6, plot.y + (row + 0.5) * rowHeight + 4)
  })
  context.textAlign = 'left'
  context.fillText('unit id', 4, plot.y - 4)
}

function line(context: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  context.beginPath()
  context.moveTo(x0, y0)
  context.lineTo(x1, y1)
  context.stroke()
}

function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (sorted[mid] < value) lo = mid + 1
    else hi = mid
  }
  return lo
}
