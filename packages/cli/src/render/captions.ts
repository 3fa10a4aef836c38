import type { SpikeData } from '@spikes/core'
import type { RasterLayout, RasterOptions } from './layout.js'
import { formatNumber } from '@spikes/core/figures'

/** What the figure's title names: the input and, when known, the format it was read as. */
export interface RasterTitle {
  input: string
  format?: string
}

/** The texts around a raster, shared by the SVG and PNG renderers. */
export function rasterCaptions(sd: SpikeData, L: RasterLayout, title: RasterTitle, options: RasterOptions) {
  const whole = L.window.startMs === sd.startTimeMs && L.window.endMs === sd.startTimeMs + sd.lengthMs
  const range = (a: number, b: number) => {
    const unit = b - a < 2000 ? 'ms' : 's'
    const scale = unit === 'ms' ? 1 : 1000
    return `${formatNumber(a / scale)}–${formatNumber(b / scale)} ${unit}`
  }
  const spikes = whole ? `${sd.totalSpikes.toLocaleString('en-US')} spikes` : `${L.spikesInWindow.toLocaleString('en-US')} of ${sd.totalSpikes.toLocaleString('en-US')} spikes`
  const window = whole ? range(L.window.startMs, L.window.endMs) : `${range(L.window.startMs, L.window.endMs)} of ${range(sd.startTimeMs, sd.startTimeMs + sd.lengthMs)}`
  return {
    title: title.format ? `${title.input} — ${title.format}` : title.input,
    subtitle: `${sd.N.toLocaleString('en-US')} units · ${spikes} · ${window} · units by ${options.order ?? 'id'}`,
    rateCaption: `mean rate per unit, bin ${formatNumber(L.binMs)} ms`,
    timeAxis: `time (${L.timeUnit})`,
    unitAxis: 'unit id',
  }
}
