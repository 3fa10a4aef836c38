import type { ByteSource, Match } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { hdf5ThresholdOptions, resolveHdf5ThresholdOptions } from './threshold-options.js'

/** Version of {@link hdf5ThresholdLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const HDF5_THRESHOLD_LOADER_VERSION = '0.1.0'

/**
 * Raw traces in an HDF5 dataset -> Butterworth filter -> threshold detection (SpikeLab's
 * load_spikedata_from_hdf5_raw_thresholded). Never auto-detected: it needs `dataset` and `fsHz`, so
 * choose it with { format: 'hdf5-threshold' }.
 */
export const hdf5ThresholdLoader = defineLoader({
  id: 'hdf5-threshold',
  name: 'HDF5 raw traces with threshold spike detection',
  version: HDF5_THRESHOLD_LOADER_VERSION,
  packageName: '@spikes/format-hdf5',
  input: 'file',
  extensions: ['h5', 'hdf5', 'hdf'],
  options: hdf5ThresholdOptions,
  resolve: resolveHdf5ThresholdOptions,
  detect: (): Match => ({ confidence: 0, reason: "threshold detection is chosen explicitly (format 'hdf5-threshold', with dataset and fsHz)" }),
  load: async () => {
    const [{ withHdf5 }, { thresholdFile }] = await Promise.all([import('@spikes/hdf5'), import('./lib/threshold-file.js')])
    return (source, options, context) => withHdf5(source as ByteSource, (file) => thresholdFile(file, options, context), { name: source.name, signal: context.signal })
  },
})
