import type { SpikeData } from '@spikes/core'
import { h5, type H5GroupSpec, type H5TypedArray } from './tree.js'
import { regionRows, type Hdmf } from './hdmf.js'
import { ELECTRODES } from './electrodes.js'

/** The typed array of the same type as `like`, of `length` elements. */
function sameType(like: ArrayLike<number>, length: number): H5TypedArray {
  const Ctor = (ArrayBuffer.isView(like) ? like.constructor : Float64Array) as new (n: number) => H5TypedArray
  return new Ctor(length)
}

/**
 * The SpikeData's raw traces (channels × samples) as an ElectricalSeries: data samples × channels (NWB's
 * order) in the traces' own type, timestamps in seconds, and the electrodes region of one row per channel.
 * Values are taken to be µV (SpikeLab's raw_data convention): conversion 1e-6 to volts.
 */
export function electricalSeries(sd: SpikeData, channelRows: readonly number[], t: Hdmf): H5GroupSpec {
  const raw = sd.rawData!
  const [channels, samples] = [raw.shape[0] ?? 0, raw.shape[1] ?? 0]
  const data = sameType(raw.data, channels * samples)
  for (let c = 0; c < channels; c++) for (let s = 0; s < samples; s++) (data as Float64Array)[s * channels + c] = raw.data[c * samples + s] as number
  const timestamps = Float64Array.from(sd.rawTimeMs ?? [], (ms) => ms / 1e3)
  return h5.group(
    {
      data: h5.dataset(data, { shape: [samples, channels], attrs: { unit: 'volts', conversion: 1e-6, resolution: -1, offset: 0 } }),
      timestamps: h5.dataset(timestamps, { attrs: { interval: { int: 1 }, unit: 'seconds' } }),
      electrodes: h5.dataset(regionRows(channelRows), { attrs: t.region('the electrodes of the channels, in data column order', ELECTRODES) }),
    },
    t.typed('core', 'ElectricalSeries', { description: 'raw traces of the SpikeData (µV)', comments: 'no comments' }),
  )
}
