import { SPIKE_LOADER, type DependencyContainer } from '@spikes/core'
import { hdf5Loader } from './hdf5-loader.js'
import { hdf5ThresholdLoader } from './hdf5-threshold-loader.js'

/** Registers both loaders of this package on a container: 'hdf5' (spike layouts) and 'hdf5-threshold' (raw traces). */
export function registerHdf5(c: DependencyContainer): void {
  c.register(SPIKE_LOADER, { useValue: hdf5Loader })
  c.register(SPIKE_LOADER, { useValue: hdf5ThresholdLoader })
}
