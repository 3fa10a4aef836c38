import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { kilosortLoader } from './kilosort-loader.js'

/** Registers the 'kilosort' loader on a container. */
export function registerKilosort(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: kilosortLoader })
}
