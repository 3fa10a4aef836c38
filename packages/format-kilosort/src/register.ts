// Importing '@spikes/format-kilosort/register' registers the loader on the default container.
import { container } from '@spikes/core'
import { registerKilosort } from './register-kilosort.js'

registerKilosort(container)

export { registerKilosort }
