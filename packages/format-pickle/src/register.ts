// Side-effect entry: `import '@spikes/format-pickle/register'` adds the loaders to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerPickle } from './register-pickle.js'

export { registerPickle }

registerPickle(container)
