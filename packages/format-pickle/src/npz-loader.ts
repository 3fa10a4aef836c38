import { InvalidArgumentError, type ByteSource } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { detectSpikelabNpz } from './lib/detect.js'
import { spikelabNpzOptions } from './options.js'
import { PICKLE_LOADER_VERSION } from './pickle-loader.js'

/** SpikeLab's load_spikedata_from_spikelab_sorted_npz (README "Mapping to SpikeData"). */
export const spikelabNpzLoader = defineLoader({
  id: 'spikelab-npz',
  name: 'SpikeLab sorted .npz',
  version: PICKLE_LOADER_VERSION,
  packageName: '@spikes/format-pickle',
  input: 'file',
  extensions: ['npz'],
  options: spikelabNpzOptions,
  detect: detectSpikelabNpz,
  load: async () => {
    const { parseSpikelabNpz } = await import('./lib/parse-spikelab-npz.js')
    return async (source, options, context) => {
      const file = source as ByteSource
      const size = await file.size()
      if (size > options.maxBytes) throw new InvalidArgumentError('maxBytes', options.maxBytes, `at least ${size} to read ${file.name}`)
      return parseSpikelabNpz(file, file.path ?? file.name, options, context)
    }
  },
})
