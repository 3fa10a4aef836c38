import { InvalidArgumentError } from './errors.js'

/** A dense count matrix, row-major: counts[unit * bins + bin]. */
export interface Raster {
  readonly counts: Uint32Array | Float64Array
  readonly units: number
  readonly bins: number
  readonly binMs?: number
}

const MAX_CELLS = 2 ** 28

/** What rasterCounts reads: flat trains with their offsets (a SpikeData satisfies it). */
export interface FlatSpikeTrains {
  N: number
  lengthMs: number
  startTimeMs: number
  times: Float64Array
  offsets: Float64Array
}

/** SpikeLab's raster: bin = ceil((t - start) / bin) - 1, clipped into [0, T - 1], T = ceil(length / bin). */
export function rasterCounts(sd: FlatSpikeTrains, binMs: number): Raster {
  if (!(typeof binMs === 'number' && binMs > 0 && Number.isFinite(binMs))) throw new InvalidArgumentError('binMs', binMs, 'a positive number of milliseconds')
  const bins = Math.ceil(sd.lengthMs / binMs)
  if (sd.N * bins > MAX_CELLS) throw new InvalidArgumentError('binMs', binMs, `a bin large enough that units x bins stays under ${MAX_CELLS} cells (${sd.N} x ${bins} asked)`)
  const counts = new Uint32Array(sd.N * bins)
  for (let i = 0; i < sd.N; i++) {
    for (let k = sd.offsets[i]; k < sd.offsets[i + 1]; k++) {
      let b = Math.ceil((sd.times[k] - sd.startTimeMs) / binMs) - 1
      if (b < 0) b = 0
      if (b > bins - 1) b = bins - 1
      counts[i * bins + b]++
    }
  }
  return { counts, units: sd.N, bins, binMs }
}
