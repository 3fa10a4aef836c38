import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { dandiLoader } from './dandi-loader.js'

/** Registers the `dandi` loader (input 'remote', scheme 'dandi') in a DI container. */
export function registerDandi(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: dandiLoader })
}
