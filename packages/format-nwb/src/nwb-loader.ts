import { defineLoader } from '@spikes/core/loader-utils'
import { detectNwb } from './lib/detect.js'
import { nwbOptions, resolveNwbOptions } from './options.js'

/** Version of {@link nwbLoader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const NWB_LOADER_VERSION = '0.1.0'

/** NWB 2.x files: the Units table, its electrodes and the file's metadata. */
export const nwbLoader = defineLoader({
  id: 'nwb',
  name: 'NWB (Neurodata Without Borders) Units table',
  version: NWB_LOADER_VERSION,
  packageName: '@spikes/format-nwb',
  input: 'file',
  alsoReads: ['folder'],
  extensions: ['nwb'],
  options: nwbOptions,
  resolve: resolveNwbOptions,
  detect: detectNwb,
  load: () => import('./lib/load-nwb.js').then((m) => m.loadNwb),
})
