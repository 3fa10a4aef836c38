import { InvalidArgumentError, LOADER_API_VERSION, throwIfAborted, type ByteSource, type LoadContext, type Match, type Probe, type Source, type SpikeData, type SpikeLoader } from '@spikes/core'
import { resolveHdf5ThresholdOptions, type Hdf5ThresholdOptions } from './options.js'

/** Version of {@link hdf5ThresholdLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const HDF5_THRESHOLD_LOADER_VERSION = '0.1.0'

/**
 * Raw traces in an HDF5 dataset -> Butterworth filter -> threshold detection (SpikeLab's
 * load_spikedata_from_hdf5_raw_thresholded). Never auto-detected: it needs `dataset` and `fsHz`, so
 * choose it with { format: 'hdf5-threshold' }.
 */
export const hdf5ThresholdLoader: SpikeLoader<Hdf5ThresholdOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: 'hdf5-threshold',
  name: 'HDF5 raw traces with threshold spike detection',
  version: HDF5_THRESHOLD_LOADER_VERSION,
  packageName: '@spikes/format-hdf5',
  input: 'file',
  extensions: ['h5', 'hdf5', 'hdf'],
  detect(_probe: Probe): Match {
    return { confidence: 0, reason: "threshold detection is chosen explicitly (format 'hdf5-threshold', with dataset and fsHz)" }
  },
  checkOptions(options: Hdf5ThresholdOptions): void {
    resolveHdf5ThresholdOptions(options)
  },
  async load(source: Source, options: Hdf5ThresholdOptions, context: LoadContext): Promise<SpikeData> {
    const o = resolveHdf5ThresholdOptions(options)
    if (source.type !== 'file') throw new InvalidArgumentError('source', source.type, 'an HDF5 file (a path, bytes or a Blob)')
    throwIfAborted(context.signal, 'Loading HDF5 traces')
    const [{ withHdf5 }, { thresholdFile }] = await Promise.all([import('@spikes/hdf5'), import('./load-traces.js')])
    return withHdf5(source as ByteSource, (file) => thresholdFile(file, o, context), { name: source.name, signal: context.signal })
  },
}
