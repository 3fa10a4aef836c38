// Importing '@spikes/format-hdf5/register' registers the loaders on the default container.
import { container } from '@spikes/core'
import { registerHdf5 } from './register-hdf5.js'

registerHdf5(container)

export { registerHdf5 }
