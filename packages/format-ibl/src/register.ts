import { container } from '@spikes/core'
import { registerIbl } from './register-ibl.js'

registerIbl(container)

export { registerIbl }
