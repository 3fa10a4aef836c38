// Side-effect entry: `import '@spikes/format-mountainsort/register'` adds the loader to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerMountainsort } from './register-mountainsort.js'

export { registerMountainsort }

registerMountainsort(container)
