import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { mountainsortLoader } from './mountainsort-loader.js'

/** Adds the MountainSort loader to a container: an application's, or a test's child container. */
export function registerMountainsort(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: mountainsortLoader })
}
