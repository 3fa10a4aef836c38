import { InvalidArgumentError, InvalidDataError, type SpikeData } from '@spikes/core'
import { formatNumber, lowerBound, niceStep, niceTicks, orderUnits, unitTable, type UnitOrder } from '@spikes/core/figures'

/** What a raster shows: the unit order, a time window (absolute ms), the rate bin, the width. */
export interface RasterOptions {
  width?: number
  order?: UnitOrder
  /** Window start and end in ms on the recording's clock (default: the recording's window). */
  fromMs?: number
  toMs?: number
  /** Width of the rate panel's bins in ms (default: about 200 bins across the window, rounded). */
  binMs?: number
}

interface Box {
  x: number
  y: number
  w: number
  h: number
}

export interface RasterLayout {
  width: number
  height: number
  plot: Box
  rate: Box
  rowHeight: number
  /** Unit index (in the SpikeData) of each row, top to bottom. */
  order: number[]
  /** counts[row * columns + column]: spikes per pixel column. */
  counts: Uint32Array
  columns: number
  maxCount: number
  /** Mean firing rate per unit in each rate bin, Hz. */
  rateBins: Float64Array
  binMs: number
  /** Top of the rate axis (a round number at least the highest bin). */
  rateTop: number
  rateTicks: { value: number; y: number; label: string }[]
  window: { startMs: number; endMs: number }
  timeUnit: 's' | 'ms'
  ticks: { value: number; x: number; label: string }[]
  unitTicks: { label: string; y: number }[]
  spikesInWindow: number
}

/** Places every spike of the window in a pixel column of its unit's row; the same layout feeds SVG and PNG. */
export function layoutRaster(sd: SpikeData, options: RasterOptions = {}): RasterLayout {
  if (sd.N === 0) throw new InvalidDataError('The recording has no units, so there is no raster to draw.', { N: 0 })
  const width = options.width ?? 1200
  const window = rasterWindow(sd, options)
  const span = window.endMs - window.startMs
  const rows = unitTable(sd)
  const order = orderUnits(rows, options.order ?? 'id')
  const labels = order.map((i) => rows[i].id)
  const rowHeight = sd.N <= 40 ? 12 : sd.N <= 120 ? 5 : Math.max(1, Math.floor(800 / sd.N))
  const left = Math.max(70, 30 + 7 * Math.max(...labels.map((l) => l.length)))
  const rate: Box = { x: left, y: 64, w: width - left - 24, h: 80 }
  const plot: Box = { x: left, y: rate.y + rate.h + 16, w: rate.w, h: Math.max(sd.N * rowHeight, 40) }
  const height = plot.y + plot.h + 52
  const columns = plot.w
  const counts = new Uint32Array(sd.N * columns)
  const binMs = options.binMs ?? Math.max(niceStep(span / 200), 1e-3)
  const rateBins = new Float64Array(Math.max(1, Math.ceil(span / binMs - 1e-9)))
  let maxCount = 0
  let spikesInWindow = 0
  order.forEach((unit, row) => {
    const t = sd.train(unit)
    for (let k = lowerBound(t, window.startMs); k < t.length && t[k] < window.endMs; k++) {
      const c = Math.min(columns - 1, Math.floor(((t[k] - window.startMs) / span) * columns))
      const v = ++counts[row * columns + c]
      if (v > maxCount) maxCount = v
      rateBins[Math.min(rateBins.length - 1, Math.floor((t[k] - window.startMs) / binMs))]++
      spikesInWindow++
    }
  })
  let maxRate = 0
  for (let b = 0; b < rateBins.length; b++) {
    // The last bin may be cut short by the window's end: its rate is over the time it covers.
    const covered = Math.min(binMs, span - b * binMs) / 1000
    rateBins[b] = rateBins[b] / covered / sd.N
    if (rateBins[b] > maxRate) maxRate = rateBins[b]
  }
  const rateTop = maxRate > 0 ? niceTicks(0, maxRate, 2).find((v) => v >= maxRate) ?? niceStep(maxRate) : 1
  const rateTicks = niceTicks(0, rateTop, 2).map((value) => ({ value, y: rate.y + rate.h - (value / rateTop) * rate.h, label: formatNumber(value) }))
  const timeUnit = span < 2000 ? 'ms' : 's'
  const scale = timeUnit === 'ms' ? 1 : 1000
  const ticks = niceTicks(window.startMs / scale, window.endMs / scale, Math.max(2, Math.floor(plot.w / 110))).map((value) => ({
    value,
    x: plot.x + ((value * scale - window.startMs) / span) * plot.w,
    label: formatNumber(value),
  }))
  const every = Math.max(1, Math.ceil(11 / rowHeight))
  const unitTicks = labels.flatMap((label, row) => (row % every === 0 ? [{ label, y: plot.y + row * rowHeight + rowHeight / 2 }] : []))
  return { width, height, plot, rate, rowHeight, order, counts, columns, maxCount, rateBins, binMs, rateTop, rateTicks, window, timeUnit, ticks, unitTicks, spikesInWindow }
}

/** The window to draw: the options' bounds, checked against the recording's window. */
export function rasterWindow(sd: SpikeData, options: Pick<RasterOptions, 'fromMs' | 'toMs'>): { startMs: number; endMs: number } {
  const end = sd.startTimeMs + sd.lengthMs
  const startMs = options.fromMs ?? sd.startTimeMs
  const endMs = options.toMs ?? end
  if (!Number.isFinite(startMs) || startMs < sd.startTimeMs || startMs >= end) throw new InvalidArgumentError('fromMs', options.fromMs, `a time in the recording's window, ${formatNumber(sd.startTimeMs)} to ${formatNumber(end)} ms`)
  if (!Number.isFinite(endMs) || endMs <= startMs || endMs > end) throw new InvalidArgumentError('toMs', options.toMs, `a time after ${formatNumber(startMs)} ms and at most the recording's end, ${formatNumber(end)} ms`)
  return { startMs, endMs }
}
