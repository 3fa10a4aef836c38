import { defineLoader } from '@spikes/core/loader-utils'
import { detectSpikeinterfaceSortingAny } from './lib/detect/detect-zarr.js'
import { resolveSpikeinterfaceOptions, spikeinterfaceOptions } from './options.js'

/** This package's version, recorded as its loaders' version in provenance (equals package.json's; a test checks it). */
export const SPIKEINTERFACE_LOADER_VERSION = '0.1.0'

/** SpikeInterface sorting folders: NumpyFolderSorting, NpzFolderSorting, SortingAnalyzer (binary_folder or zarr), ZarrSortingExtractor. */
export const spikeinterfaceLoader = defineLoader({
  id: 'spikeinterface',
  name: 'SpikeInterface sorting folder',
  version: SPIKEINTERFACE_LOADER_VERSION,
  packageName: '@spikes/format-spikeinterface',
  input: 'folder',
  options: spikeinterfaceOptions,
  resolve: resolveSpikeinterfaceOptions,
  detect: detectSpikeinterfaceSortingAny,
  load: () => import('./lib/sorting/load-spikeinterface.js').then((m) => m.loadSpikeInterfaceFolder),
})
