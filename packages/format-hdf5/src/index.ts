export { hdf5Loader, HDF5_LOADER_VERSION } from './hdf5-loader.js'
export { hdf5ThresholdLoader, HDF5_THRESHOLD_LOADER_VERSION, type Hdf5ThresholdOptions } from './threshold/index.js'
export { registerHdf5 } from './register-hdf5.js'
export type { Hdf5Options, Layout } from './options.js'
