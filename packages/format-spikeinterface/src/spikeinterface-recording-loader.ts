import { defineLoader } from '@spikes/core/loader-utils'
import { detectSpikeinterfaceRecordingAny } from './lib/detect/detect-zarr.js'
import { spikeinterfaceRecordingOptions } from './recording-options.js'
import { SPIKEINTERFACE_LOADER_VERSION } from './spikeinterface-loader.js'

/**
 * SpikeInterface BinaryFolderRecording and ZarrRecordingExtractor folders -> spikes by threshold detection (SpikeLab's
 * load_spikedata_from_spikeinterface_recording: no filter by default, 5 sigma, rising edges, both directions).
 */
export const spikeinterfaceRecordingLoader = defineLoader({
  id: 'spikeinterface-recording',
  name: 'SpikeInterface binary recording folder (threshold detection)',
  version: SPIKEINTERFACE_LOADER_VERSION,
  packageName: '@spikes/format-spikeinterface',
  input: 'folder',
  options: spikeinterfaceRecordingOptions,
  detect: detectSpikeinterfaceRecordingAny,
  load: async () => async (folder, options, context) => {
    if ((await folder.exists('.zgroup')) || (await folder.exists('zarr.json'))) {
      const { loadSpikeInterfaceZarrRecording } = await import('./lib/recording/zarr-recording.js')
      return loadSpikeInterfaceZarrRecording(folder, options, context)
    }
    const { loadSpikeInterfaceRecordingFolder } = await import('./lib/recording/load-recording.js')
    return loadSpikeInterfaceRecordingFolder(folder, options, context)
  },
})
