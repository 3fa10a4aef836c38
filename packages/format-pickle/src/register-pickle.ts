import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { pickleLoader } from './pickle-loader.js'
import { spikelabNpzLoader } from './npz-loader.js'

/** Adds the `pickle` and `spikelab-npz` loaders to a container: an application's, or a test's child container. */
export function registerPickle(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: pickleLoader })
  c.register(SPIKE_LOADER, { useValue: spikelabNpzLoader })
}
