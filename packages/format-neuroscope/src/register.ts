// Side-effect entry: `import '@spikes/format-neuroscope/register'` adds the loader to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerNeuroscope } from './register-neuroscope.js'

export { registerNeuroscope }

registerNeuroscope(container)
