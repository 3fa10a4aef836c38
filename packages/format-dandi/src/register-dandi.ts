import { SOURCE_RESOLVER, SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { dandiLoader } from './dandi-loader.js'
import { dandiWebLinkResolver } from './web-link-resolver.js'

/**
 * Registers the `dandi` loader (input 'remote', scheme 'dandi') in a DI container, and the resolver that sends
 * DANDI web-app links (`https://dandiarchive.org/dandiset/.../files?location=...`) to it.
 */
export function registerDandi(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: dandiLoader })
  c.register(SOURCE_RESOLVER, { useValue: dandiWebLinkResolver })
}
