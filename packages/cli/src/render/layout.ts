import type { SpikeData } from '@spikes/core'

export interface RasterLayout {
  width: number
  height: number
  plot: { x: number; y: number; w: number; h: number }
  rate: { x: number; y: number; w: number; h: number }
  rowHeight: number
  /** counts[unit * columns + column]: spikes per pixel column. */
  counts: Uint32Array
  columns: number
  maxCount: number
  populationRate: Float64Array
  maxRate: number
  ticks: { value: number; x: number; label: string }[]
  unitTicks: { unit: number; y: number }[]
}

/** Places every spike in a pixel column of its unit's row; the same binning feeds SVG and PNG. */
export function layoutRaster(sd: SpikeData, width = 1200): RasterLayout {
  const rowHeight = sd.N <= 40 ? 12 : sd.N <= 120 ? 5 : Math.max(1, Math.floor(800 / sd.N))
  const plotH = Math.max(sd.N * rowHeight, 40)
  const margin = { left: 64, right: 20, top: 46, bottom: 48 }
  const rateH = 70
  const plot = { x: margin.left, y: margin.top + rateH + 12, w: width - margin.left - margin.right, h: plotH }
  const rate = { x: plot.x, y: margin.top, w: plot.w, h: rateH }
  const height = plot.y + plot.h + margin.bottom
  const columns = plot.w
  const counts = new Uint32Array(sd.N * columns)
  const span = sd.lengthMs > 0 ? sd.lengthMs : 1
  let maxCount = 0
  const population = new Float64Array(columns)
  for (let i = 0; i < sd.N; i++) {
    const t = sd.train(i)
    for (let k = 0; k < t.length; k++) {
      const c = Math.min(columns - 1, Math.max(0, Math.floor(((t[k] - sd.startTimeMs) / span) * columns)))
      const v = ++counts[i * columns + c]
      if (v > maxCount) maxCount = v
      population[c]++
    }
  }
  const binSeconds = span / columns / 1000
  let maxRate = 0
  for (let c = 0; c < columns; c++) {
    population[c] = sd.N ? population[c] / binSeconds / sd.N : 0
    if (population[c] > maxRate) maxRate = population[c]
  }
  const ticks = niceTicks(sd.startTimeMs / 1000, (sd.startTimeMs + span) / 1000, 8).map((value) => ({
    value,
    x: plot.x + ((value * 1000 - sd.startTimeMs) / span) * plot.w,
    label: formatTick(value),
  }))
  const step = Math.max(1, niceStep(sd.N / 8))
  const unitTicks: { unit: number; y: number }[] = []
  for (let u = 0; u < sd.N; u += step) unitTicks.push({ unit: u, y: plot.y + u * rowHeight + rowHeight / 2 })
  return { width, height, plot, rate, rowHeight, counts, columns, maxCount, populationRate: population, maxRate, ticks, unitTicks }
}

function niceStep(raw: number): number {
  if (raw <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(raw))
  const f = raw / p
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p
}

export function niceTicks(lo: number, hi: number, count: number): number[] {
  const step = niceStep((hi - lo) / count)
  const out: number[] = []
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)))
  return out
}

function formatTick(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))
}
