import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { neuroscopeLoader } from './neuroscope-loader.js'

/** Adds the Neuroscope / Klusters loader to a container: an application's, or a test's child container. */
export function registerNeuroscope(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: neuroscopeLoader })
}
