import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { cellexplorerLoader } from './cellexplorer-loader.js'

/** Adds the cellexplorer loader to a container: an application's, or a test's child container. */
export function registerCellexplorer(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: cellexplorerLoader })
}
