import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { spikeinterfaceNpzLoader } from './npz-loader.js'
import { spikeinterfaceLoader } from './spikeinterface-loader.js'

/** Adds the 'spikeinterface' (folders) and 'spikeinterface-npz' (.npz files) loaders to a container. */
export function registerSpikeinterface(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: spikeinterfaceLoader })
  c.register(SPIKE_LOADER, { useValue: spikeinterfaceNpzLoader })
}
