import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { openephysLoader } from './openephys-loader.js'

/** Adds the Open Ephys loader to a container: an application's, or a test's child container. */
export function registerOpenephys(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: openephysLoader })
}
