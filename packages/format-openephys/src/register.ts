// Side-effect entry: `import '@spikes/format-openephys/register'` adds the loader to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerOpenephys } from './register-openephys.js'

export { registerOpenephys }

registerOpenephys(container)
