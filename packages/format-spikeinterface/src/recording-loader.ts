import { InvalidSourceError, LOADER_API_VERSION, throwIfAborted, type FolderSource, type LoadContext, type Source, type SpikeData, type SpikeLoader } from '@spikes/core'
import { spikeinterfaceRecordingFormat } from './spikeinterface-format.js'
import { checkSpikeinterfaceRecordingOptions, type SpikeinterfaceRecordingOptions } from './lib/recording-options.js'
import { detectSpikeinterfaceRecordingAny } from './lib/detect-zarr.js'

/**
 * SpikeInterface BinaryFolderRecording and ZarrRecordingExtractor folders -> spikes by threshold detection (SpikeLab's
 * load_spikedata_from_spikeinterface_recording: no filter by default, 5 sigma, rising edges, both directions).
 */
export const spikeinterfaceRecordingLoader: SpikeLoader<SpikeinterfaceRecordingOptions> = {
  apiVersion: LOADER_API_VERSION,
  id: spikeinterfaceRecordingFormat.id,
  name: spikeinterfaceRecordingFormat.name,
  version: spikeinterfaceRecordingFormat.version,
  packageName: spikeinterfaceRecordingFormat.packageName,
  input: spikeinterfaceRecordingFormat.input,
  extensions: spikeinterfaceRecordingFormat.extensions,
  detect: detectSpikeinterfaceRecordingAny,
  checkOptions(options: SpikeinterfaceRecordingOptions): void {
    checkSpikeinterfaceRecordingOptions(options)
  },
  async load(source: Source, options: SpikeinterfaceRecordingOptions, context: LoadContext): Promise<SpikeData> {
    const checked = checkSpikeinterfaceRecordingOptions(options)
    if (source.type !== 'folder') {
      throw new InvalidSourceError(`The spikeinterface-recording loader reads a folder (recording.save(folder=...)), but '${source.name}' is a ${source.type}.`, { formatId: spikeinterfaceRecordingFormat.id, expected: 'folder', got: source.type })
    }
    throwIfAborted(context.signal, `Loading ${source.name}`)
    if ((await (source as FolderSource).exists('.zgroup')) || (await (source as FolderSource).exists('zarr.json'))) {
      const { loadSpikeInterfaceZarrRecording } = await import('./lib/zarr-recording.js')
      return loadSpikeInterfaceZarrRecording(source as FolderSource, checked, context)
    }
    const { loadSpikeInterfaceRecordingFolder } = await import('./lib/load-recording.js')
    return loadSpikeInterfaceRecordingFolder(source as FolderSource, checked, context)
  },
}
