// Node-only pieces: local files and directories, typed errors for writing files, and importing a plugin by name
// or path. Importing this entry also lets string paths resolve in loadSpikeData on the default container.
import { container } from './di.js'
import { localPathResolver } from './node/resolve-path.js'
import { SOURCE_RESOLVER } from './registry/tokens.js'
import type { DependencyContainer } from 'tsyringe'

export { fileSource } from './node/file-source.js'
export { directorySource } from './node/directory-source.js'
export { localPathResolver } from './node/resolve-path.js'
export { WriteError, writeError, fsWriteError, asWriteFailure, checkOutputFile, ensureWritableFolder } from './node/write-error.js'
export { OutputExistsError, OutputIsInputError, checkOutputTarget, writeFileSafely, writeBytesSafely, temporaryPathFor, sweepTemporaryLeftovers, type SafeWriteOptions } from './node/safe-write.js'
export { watchTemporaryFile, type TemporaryFileWatcher } from './node/temp-reaper.js'
export { importPluginRegister, type ImportPluginOptions } from './node/import-plugin.js'

/**
 * Registers localPathResolver on `c`, so string paths resolve to local files and directories.
 * Importing this entry already does it for the default container; call it for other containers.
 */
export function registerNodeSources(c: DependencyContainer): void {
  c.register(SOURCE_RESOLVER, { useValue: localPathResolver })
}

registerNodeSources(container)
