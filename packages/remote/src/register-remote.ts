import { SOURCE_RESOLVER, type DependencyContainer } from '@spikes/core'
import { httpResolver, s3FolderResolver } from './resolvers.js'

/** Registers the http(s) and s3:// resolvers on a container, so loadSpikeData reads those URLs. */
export function registerRemote(c: DependencyContainer): void {
  c.register(SOURCE_RESOLVER, { useValue: httpResolver })
  c.register(SOURCE_RESOLVER, { useValue: s3FolderResolver })
}
