import { defineLoader } from '@spikes/core/loader-utils'
import { detectPickle } from './lib/detect.js'
import { pickleOptions, resolvePickleOptions } from './options.js'

/** This package's version, recorded as both loaders' version in provenance (equals package.json's). */
export const PICKLE_LOADER_VERSION = '0.1.0'

/**
 * SpikeLab's load_spikedata_from_pickle without executing anything (README "Security"). Reads a
 * local file, an http(s) source, or an s3:// URL (allowRemote).
 */
export const pickleLoader = defineLoader({
  id: 'pickle',
  name: 'Pickled SpikeLab SpikeData',
  version: PICKLE_LOADER_VERSION,
  packageName: '@spikes/format-pickle',
  input: 'file',
  extensions: ['pkl', 'pickle', 'pck', 'pk'],
  /** s3:// URLs, read through the S3 API (needs allowRemote). */
  schemes: ['s3'],
  options: pickleOptions,
  resolve: resolvePickleOptions,
  detect: detectPickle,
  load: async () => {
    const [{ readPickleSource }, { spikeDataFromPickleBytes }] = await Promise.all([import('./lib/read-pickle-source.js'), import('./lib/read-spikelab-pickle.js')])
    return async (source, options, context) => {
      const { bytes, file } = await readPickleSource(source, options, context)
      const sd = spikeDataFromPickleBytes(bytes, { file, spikeDataClasses: options.spikeDataClasses })
      context.progress({ phase: 'parse', loaded: sd.totalSpikes, total: sd.totalSpikes, unit: 'spikes' })
      return sd
    }
  },
})
