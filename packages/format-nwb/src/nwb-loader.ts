import { LOADER_API_VERSION, type SpikeLoader } from '@spikes/core'
import { detectNwb } from './lib/detect.js'
import type { NwbOptions } from './options.js'

/** Version of {@link nwbLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const NWB_LOADER_VERSION = '0.1.0'

/** NWB 2.x files: the Units table, its electrodes and the file's metadata. */
export const nwbLoader: SpikeLoader<NwbOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: 'nwb',
  name: 'NWB (Neurodata Without Borders) Units table',
  version: NWB_LOADER_VERSION,
  packageName: '@spikes/format-nwb',
  input: 'file',
  alsoReads: ['folder'],
  extensions: ['nwb'],
  detect: detectNwb,
  async checkOptions(options) {
    const { checkNwbOptions } = await import('./options.js')
    checkNwbOptions(options)
  },
  async load(source, options, context) {
    const { checkNwbOptions } = await import('./options.js')
    const checked = checkNwbOptions(options)
    const { loadNwb } = await import('./lib/load-nwb.js')
    return loadNwb(source, checked, context)
  },
}
