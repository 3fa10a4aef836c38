import { InvalidSourceError, LOADER_API_VERSION, throwIfAborted, type ByteSource, type LoadContext, type Source, type SpikeData, type SpikeLoader } from '@spikes/core'
import { spikeinterfaceNpzFormat } from './spikeinterface-format.js'
import { checkSpikeinterfaceOptions, type SpikeinterfaceOptions } from './lib/check-options.js'
import { detectSpikeinterfaceNpz } from './lib/detect.js'

/** SpikeInterface's NpzSortingExtractor .npz files (unit_ids, spike_indexes_seg<i>, spike_labels_seg<i>). */
export const spikeinterfaceNpzLoader: SpikeLoader<SpikeinterfaceOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: spikeinterfaceNpzFormat.id,
  name: spikeinterfaceNpzFormat.name,
  version: spikeinterfaceNpzFormat.version,
  packageName: spikeinterfaceNpzFormat.packageName,
  input: spikeinterfaceNpzFormat.input,
  extensions: spikeinterfaceNpzFormat.extensions,
  detect: detectSpikeinterfaceNpz,
  checkOptions(options: SpikeinterfaceOptions): void {
    checkSpikeinterfaceOptions(options)
  },
  async load(source: Source, options: SpikeinterfaceOptions, context: LoadContext): Promise<SpikeData> {
    const checked = checkSpikeinterfaceOptions(options)
    if (source.type !== 'file') {
      throw new InvalidSourceError(`The spikeinterface-npz loader reads a file, but '${source.name}' is a ${source.type}; SpikeInterface folders are read by 'spikeinterface'.`, { formatId: spikeinterfaceNpzFormat.id, expected: 'file', got: source.type })
    }
    throwIfAborted(context.signal, `Loading ${source.name}`)
    const { loadSpikeInterfaceNpz } = await import('./lib/load-spikeinterface.js')
    return loadSpikeInterfaceNpz(source as ByteSource, checked, context)
  },
}
