import type { ByteSource } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { detectSpikeinterfaceNpz } from './lib/detect/detect.js'
import { resolveSpikeinterfaceOptions, spikeinterfaceOptions } from './options.js'
import { SPIKEINTERFACE_LOADER_VERSION } from './spikeinterface-loader.js'

/** SpikeInterface's NpzSortingExtractor .npz files (unit_ids, spike_indexes_seg<i>, spike_labels_seg<i>). */
export const spikeinterfaceNpzLoader = defineLoader({
  id: 'spikeinterface-npz',
  name: 'SpikeInterface NpzSortingExtractor file',
  version: SPIKEINTERFACE_LOADER_VERSION,
  packageName: '@spikes/format-spikeinterface',
  input: 'file',
  extensions: ['npz'],
  options: spikeinterfaceOptions,
  resolve: resolveSpikeinterfaceOptions,
  detect: detectSpikeinterfaceNpz,
  load: async () => {
    const { loadSpikeInterfaceNpz } = await import('./lib/sorting/load-spikeinterface.js')
    return (source, options, context) => loadSpikeInterfaceNpz(source as ByteSource, options, context)
  },
})
