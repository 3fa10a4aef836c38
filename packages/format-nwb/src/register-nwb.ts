import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { nwbLoader } from './nwb-loader.js'

/** Registers the `nwb` loader in a DI container. */
export function registerNwb(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: nwbLoader })
}
