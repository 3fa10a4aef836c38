import { container } from '@spikes/core'
import { registerNwb } from './register-nwb.js'

registerNwb(container)

export { registerNwb }
