import { InvalidSourceError, LOADER_API_VERSION, throwIfAborted, type FolderSource, type LoadContext, type Source, type SpikeData, type SpikeLoader } from '@spikes/core'
import { spikeinterfaceFormat } from './spikeinterface-format.js'
import { checkSpikeinterfaceOptions, type SpikeinterfaceOptions } from './lib/check-options.js'
import { detectSpikeinterfaceSortingAny } from './lib/detect-zarr.js'

/** SpikeInterface sorting folders: NumpyFolderSorting, NpzFolderSorting, SortingAnalyzer (binary_folder or zarr), ZarrSortingExtractor. */
export const spikeinterfaceLoader: SpikeLoader<SpikeinterfaceOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: spikeinterfaceFormat.id,
  name: spikeinterfaceFormat.name,
  version: spikeinterfaceFormat.version,
  packageName: spikeinterfaceFormat.packageName,
  input: spikeinterfaceFormat.input,
  extensions: spikeinterfaceFormat.extensions,
  detect: detectSpikeinterfaceSortingAny,
  checkOptions(options: SpikeinterfaceOptions): void {
    checkSpikeinterfaceOptions(options)
  },
  async load(source: Source, options: SpikeinterfaceOptions, context: LoadContext): Promise<SpikeData> {
    const checked = checkSpikeinterfaceOptions(options)
    if (source.type !== 'folder') {
      throw new InvalidSourceError(`The spikeinterface loader reads a folder, but '${source.name}' is a ${source.type}; an NpzSortingExtractor .npz file is read by 'spikeinterface-npz'.`, { formatId: spikeinterfaceFormat.id, expected: 'folder', got: source.type })
    }
    throwIfAborted(context.signal, `Loading ${source.name}`)
    const { loadSpikeInterfaceFolder } = await import('./lib/load-spikeinterface.js')
    return loadSpikeInterfaceFolder(source as FolderSource, checked, context)
  },
}
