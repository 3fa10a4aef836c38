export { hdf5ThresholdLoader, HDF5_THRESHOLD_LOADER_VERSION } from './threshold-loader.js'
export type { Hdf5ThresholdOptions } from './options.js'
export type { ButterFilterOptions, ThresholdDirection } from '@spikes/dsp'
