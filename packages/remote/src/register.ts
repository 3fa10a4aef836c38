// Importing '@spikes/remote/register' lets loadSpikeData read http(s):// and s3:// inputs on the default container.
import { container } from '@spikes/core'
import { registerRemote } from './register-remote.js'

registerRemote(container)

export { registerRemote }
