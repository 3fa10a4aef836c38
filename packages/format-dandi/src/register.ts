import { container } from '@spikes/core'
import { registerDandi } from './register-dandi.js'

registerDandi(container)

export { registerDandi }
