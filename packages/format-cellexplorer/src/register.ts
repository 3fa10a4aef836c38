// Side-effect entry: `import '@spikes/format-cellexplorer/register'` adds the loader to @spikes/core's default container.
import { container } from '@spikes/core'
import { registerCellexplorer } from './register-cellexplorer.js'

export { registerCellexplorer }

registerCellexplorer(container)
