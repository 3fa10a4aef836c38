import { InvalidDataError, type LoadContext, type RawData } from '@spikes/core'
import { toMilliseconds, type TimeUnit } from '@spikes/core/loader-utils'
import type { Hdf5File, NativeArray } from '@spikes/hdf5'
import { numericVector, requireNumeric } from './datasets.js'

type RawArray = RawData['data']

/** Raw traces as [channels, samples] (1-D -> one channel; leading dimensions fold into channels), stored type kept. */
export function readRawData(file: Hdf5File, path: string, context: LoadContext): RawData {
  const ds = file.dataset(path)
  requireNumeric(ds, 'rawDataset', file.name)
  const shape = ds.shape ?? [0]
  if (shape.length === 0) throw new InvalidDataError(`rawDataset ${ds.path} in ${file.name} is a scalar; expected (channels, samples).`, { file: file.name, dataset: ds.path, shape, expected: '(channels, samples)' })
  const samples = shape[shape.length - 1]
  const channels = shape.slice(0, -1).reduce((a, b) => a * b, 1)
  const bytes = ds.dtype.class === 'enum' ? ds.dtype.base?.bytes : ds.dtype.bytes
  const onProgress = (loaded: number, total: number) => context.progress({ phase: `reading ${ds.path}`, loaded, total, unit: 'bytes' })
  // 64-bit integers have no Number-typed array of their own: read them as float64 (exact up to 2^53).
  const data: RawArray =
    bytes === 8 && ds.isInteger()
      ? ds.readNumeric({ signal: context.signal, onProgress })
      : (ds.readNumeric({ as: 'native', signal: context.signal, onProgress }) as Exclude<NativeArray, BigInt64Array | BigUint64Array>)
  return { data, shape: [channels, samples] }
}

/** Raw sample times in ms with SpikeLab's operation order; must match the raw data's trailing axis. */
export function readRawTime(file: Hdf5File, path: string, unit: TimeUnit, fsHz: number | undefined, samples: number, context: LoadContext): Float64Array {
  const t = numericVector(file, path, 'rawTimeDataset')
  if (t.length !== samples) {
    throw new InvalidDataError(`The raw data's trailing axis has ${samples} samples but rawTimeDataset ${t.ds.path} has ${t.length} times in ${file.name}; the trailing axis of the raw data is the time axis.`, {
      file: file.name,
      samples,
      times: t.length,
    })
  }
  const out = t.ds.readNumeric({ signal: context.signal })
  return toMilliseconds(out, unit, fsHz, out)
}
