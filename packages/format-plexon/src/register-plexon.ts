import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { plexonLoader } from './plexon-loader.js'

/** Adds the plexon loader to a container: an application's, or a test's child container. */
export function registerPlexon(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: plexonLoader })
}
