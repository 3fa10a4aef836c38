import { InvalidDataError, SpikeData, type LoadContext, type SpikeDataOptions } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import type { Hdf5File } from '@spikes/hdf5'
import { requireNumeric } from './datasets.js'

/** SpikeLab's raster length: T·bin minus one float step (0 for an empty raster). */
export function rasterLength(bins: number, binMs: number): number {
  const total = bins * binMs
  return total > 0 ? Math.max(total - spacing(total), 0) : 0
}

/** A 2-D (units x bins) count matrix; counts are truncated, negative counts are an error (D7). */
export function readRaster(file: Hdf5File, dataset: string, binMs: number, options: SpikeDataOptions & { lengthMs: number }, context: LoadContext): SpikeData {
  const ds = file.dataset(dataset)
  requireNumeric(ds, 'rasterDataset', file.name)
  const shape = ds.shape ?? [0]
  if (shape.length !== 2) {
    throw new InvalidDataError(`rasterDataset ${ds.path} in ${file.name} has ${shape.length} dimension(s) (shape [${shape.join(', ')}]); it must be 2-D (units, time bins).`, { file: file.name, dataset: ds.path, shape, expected: '2-D' })
  }
  const [units, bins] = shape
  const counts = ds.readNumeric({ signal: context.signal, onProgress: (loaded, total) => context.progress({ phase: `reading ${ds.path}`, loaded, total, unit: 'units' }) })
  return SpikeData.fromRaster({ counts, units, bins }, binMs, options)
}
