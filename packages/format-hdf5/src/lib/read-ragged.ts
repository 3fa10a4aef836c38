import type { LoadContext } from '@spikes/core'
import { raggedOffsets, toMilliseconds, type TimeUnit } from '@spikes/core/loader-utils'
import type { Hdf5File } from '@spikes/hdf5'
import { numericVector } from './datasets.js'

export interface Trains {
  times: Float64Array
  offsets: Float64Array
}

/** Flat spike times + cumulative end index (SpikeLab's _trains_from_flat_index rules), read once into the output. */
export function readRagged(file: Hdf5File, spec: { times: string; index: string; unit: TimeUnit }, fsHz: number | undefined, context: LoadContext): Trains {
  const flat = numericVector(file, spec.times, 'spikeTimesDataset')
  const idx = numericVector(file, spec.index, 'spikeTimesIndexDataset')
  const index = idx.ds.readNumeric({ signal: context.signal })
  const offsets = raggedOffsets(index, flat.length, { integerDtype: idx.length === 0 ? undefined : idx.ds.isInteger(), name: 'spike_times_index' })
  const total = offsets[offsets.length - 1]
  const times = new Float64Array(total)
  if (total > 0) {
    readVectorInto(flat.ds, times, 0, total, context)
    toMilliseconds(times, spec.unit, fsHz, times)
  }
  return { times, offsets }
}

/** Reads the first `count` elements of a (possibly [n,1] / [1,n]) vector dataset into out[at...]. */
export function readVectorInto(ds: import('@spikes/hdf5').Hdf5Dataset, out: Float64Array, at: number, count: number, context: LoadContext): void {
  const shape = ds.shape ?? [0]
  const onProgress = (loaded: number, total: number) => context.progress({ phase: `reading ${ds.path}`, loaded, total, unit: 'spikes' })
  if (shape.length === 2) {
    const countArg = shape[0] === 1 ? [1, count] : [count, 1]
    ds.readNumeric({ count: countArg, out, outOffset: at, signal: context.signal, onProgress })
  } else {
    ds.readNumeric({ count, out, outOffset: at, signal: context.signal, onProgress })
  }
}
