// Side-effect entry: `import '@spikes/format-spikeinterface/register'` adds the loader to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerSpikeinterface } from './register-spikeinterface.js'

export { registerSpikeinterface }

registerSpikeinterface(container)
