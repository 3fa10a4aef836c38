import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { alfLoader } from './alf-loader.js'
import { iblLoader } from './ibl-loader.js'

/** Registers the `alf` and `ibl` loaders in a DI container. */
export function registerIbl(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: alfLoader })
  c.register(SPIKE_LOADER, { useValue: iblLoader })
}
