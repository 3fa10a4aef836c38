import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { spikeinterfaceNpzLoader } from './spikeinterface-npz-loader.js'
import { spikeinterfaceRecordingLoader } from './spikeinterface-recording-loader.js'
import { spikeinterfaceLoader } from './spikeinterface-loader.js'

/** Adds the 'spikeinterface' (sorting folders), 'spikeinterface-npz' (.npz files) and 'spikeinterface-recording' (binary recording folders) loaders to a container. */
export function registerSpikeinterface(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: spikeinterfaceLoader })
  c.register(SPIKE_LOADER, { useValue: spikeinterfaceNpzLoader })
  c.register(SPIKE_LOADER, { useValue: spikeinterfaceRecordingLoader })
}
