// Side-effect entry: `import '@spikes/format-plexon/register'` adds the loader to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerPlexon } from './register-plexon.js'

export { registerPlexon }

registerPlexon(container)
