import { InvalidDataError, throwIfAborted, type LoadContext, type NumericArray, type SpikeData } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'
import { fromThresholding } from '@spikes/dsp'
import { readFileTimeAttrs } from './file-attrs.js'
import type { ResolvedHdf5Threshold } from '../threshold-options.js'

/** Reads the traces and the file's length_ms / start_time attributes, then thresholds them. */
export function thresholdFile(file: Hdf5File, o: ResolvedHdf5Threshold, context: LoadContext): SpikeData {
  const ds = file.dataset(o.dataset)
  if (!ds.isNumeric() || ds.shape === null || ds.shape.length !== 2) {
    throw new InvalidDataError(`Dataset '${o.dataset}' in ${file.name} is ${ds.shape ? `${ds.shape.length}-D` : 'empty'} ${ds.dtype.numpy}; raw traces must be a 2-D numeric (channels x samples) array.`, {
      dataset: o.dataset,
      shape: ds.shape,
      dtype: ds.dtype.numpy,
    })
  }
  const [channels, samples] = ds.shape
  if (channels > samples) {
    context.warn(
      'SPIKES_WARN_TRACE_ORIENTATION',
      `Dataset '${o.dataset}' in ${file.name} is ${channels} x ${samples}: hdf5-threshold reads it as ${channels} channels of ${samples} samples each (SpikeLab's channels x samples). If it is stored samples x channels (an NWB ElectricalSeries, SpikeInterface traces), transpose it when writing the file.`,
      { dataset: o.dataset, channels, samples },
    )
  }
  // SpikeLab honours the same file attributes as its generic HDF5 loader.
  const { lengthMs, startTimeMs } = readFileTimeAttrs(file)

  // The stored type is kept (int16 traces stay a quarter of the float64 size, and with filter: false
  // rawData keeps the dtype); 64-bit integers are read as float64.
  const int64 = ds.dtype.bytes === 8 && ds.dtype.class !== 'float'
  const itemBytes = int64 ? 8 : ds.dtype.bytes
  const data = ds.readNumeric({
    as: int64 ? 'float64' : 'native',
    signal: context.signal,
    onProgress: (loaded, total) => context.progress({ phase: 'read', loaded: loaded * itemBytes, total: total * itemBytes, unit: 'bytes' }),
  }) as NumericArray

  const detect = (): SpikeData =>
    fromThresholding(
      { data, shape: [channels, samples] },
      {
        ...o.thresholding,
        lengthMs,
        startTimeMs,
        // The traces were read for this call only: filter them in place when they are float64.
        overwrite: true,
        onWarning: (w) => context.warn(w.code, w.message, w.details as Record<string, unknown> | undefined),
        onChannel: (done, all) => {
          throwIfAborted(context.signal, 'Thresholding')
          context.progress({ phase: 'threshold', loaded: done, total: all, unit: 'units' })
        },
      },
    )
  const sd = withLengthAttrBlame(file, lengthMs, samples, o.thresholding.fsHz, detect)
  // The warnings already went to the loader context, which puts them on the result.
  return sd.with({ warnings: [] })
}

/**
 * Runs the detection; when the file's length_ms attribute ends the recording before a detected spike,
 * the error names the attribute (this loader has no lengthMs option to pass instead, as core's advice says).
 */
function withLengthAttrBlame(file: Hdf5File, lengthMs: number | undefined, samples: number, fsHz: number, detect: () => SpikeData): SpikeData {
  try {
    return detect()
  } catch (error) {
    const d = (error as { details?: { time?: unknown; endTimeMs?: unknown } }).details
    if (lengthMs === undefined || !(error instanceof InvalidDataError) || typeof d?.time !== 'number' || typeof d.endTimeMs !== 'number') throw error
    const tracesMs = (samples * 1e3) / fsHz
    throw new InvalidDataError(
      `The root attribute 'length_ms' (${lengthMs} ms) of ${file.name} ends the recording at ${d.endTimeMs} ms, before a spike detected at ${d.time} ms; the traces last ${samples} samples at ${fsHz} Hz = ${tracesMs} ms. Correct or delete the attribute (h5py: del f.attrs['length_ms']), or check fsHz.`,
      { file: file.name, attribute: 'length_ms', lengthMs, spikeTimeMs: d.time, endTimeMs: d.endTimeMs, tracesMs },
      { cause: error },
    )
  }
}
