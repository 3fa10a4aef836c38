/** This package's version, recorded as both loaders' version in provenance (equals package.json's). */
export const PICKLE_LOADER_VERSION = '0.1.0'

/** The two formats as plain data: cheap to import, no parser attached. */
export const pickleFormat = {
  id: 'pickle',
  name: 'Pickled SpikeLab SpikeData',
  version: PICKLE_LOADER_VERSION,
  packageName: '@spikes/format-pickle',
  input: 'file',
  extensions: ['pkl', 'pickle', 'pck', 'pk'],
  /** s3:// URLs, read through the S3 API (needs allowRemote). */
  schemes: ['s3'],
} as const

/** The `spikelab-npz` format's identity and file extensions, as plain data (see {@link pickleFormat}). */
export const spikelabNpzFormat = {
  id: 'spikelab-npz',
  name: 'SpikeLab sorted .npz',
  version: PICKLE_LOADER_VERSION,
  packageName: '@spikes/format-pickle',
  input: 'file',
  extensions: ['npz'],
} as const
