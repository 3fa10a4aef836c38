import { InvalidArgumentError, SOURCE_RESOLVER, SPIKE_LOADER, type DependencyContainer, type SpikesWarning } from '@spikes/core'
import { brokenPluginError, failedToLoad, isNotInstalled, loadFailureDetails } from './plugin-load-failure.js'

/** The warning code for one of the built-in plugins that is installed but failed to load. */
export const BROKEN_PLUGIN_WARNING = 'SPIKES_WARN_PLUGIN_FAILED_TO_LOAD'

/**
 * Imports the ./register entry of each package in `names` (through `importRegister`). A package that is not
 * installed is skipped; one that is installed but fails to load is skipped with a warning: the command may
 * not need it, and the other formats still work.
 */
export async function registerInstalledPlugins(names: readonly string[], importRegister: (name: string) => Promise<unknown>): Promise<SpikesWarning[]> {
  const warnings: SpikesWarning[] = []
  for (const name of names) {
    try {
      await importRegister(name)
    } catch (error) {
      if (isNotInstalled(error, name)) continue
      const message = `Skipped the formats of ${name}: it is installed but ${failedToLoad(name, error)}`
      warnings.push({ code: BROKEN_PLUGIN_WARNING, message, details: { packageName: name, ...loadFailureDetails(error) } })
    }
  }
  return warnings
}

/**
 * Imports the ./register entry of each plugin named in SPIKES_PLUGINS. These were asked for, so a failure
 * is an error: InvalidArgumentError when the package is missing or has no ./register entry, or (given the
 * `container`) when it registered nothing there, UnsupportedError (with the original error as `cause`) when it
 * is installed but failed to load.
 */
export async function registerRequestedPlugins(names: readonly string[], importRegister: (name: string) => Promise<unknown>, container?: DependencyContainer): Promise<void> {
  for (const name of names) {
    const before = container ? registrations(container) : 0
    try {
      await importRegister(name)
    } catch (error) {
      if (isNotInstalled(error, name) || (error as NodeJS.ErrnoException).code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
        throw new InvalidArgumentError('SPIKES_PLUGINS', name, `an installed plugin package with a ./register entry (${(error as Error).message})`)
      }
      throw brokenPluginError('plugin', `SPIKES_PLUGINS names ${name}, which is installed but ${failedToLoad(name, error)}`, name, error)
    }
    if (container && registrations(container) === before) {
      throw new InvalidArgumentError('SPIKES_PLUGINS', name, 'a plugin that registers with this command', {
        problem:
          `SPIKES_PLUGINS names ${name}: it loaded but registered no loader or source resolver with this command's @spikes/core. ` +
          'A plugin registers with the copy of @spikes/core it imports, and this one imports another copy (or registers nothing on import). ' +
          `Install it where @spikes/cli is installed (npm i ${name}), or make both use one @spikes/core (npm dedupe, npm link).`,
      })
    }
  }
}

/** How many loaders and source resolvers a container holds. */
function registrations(container: DependencyContainer): number {
  const loaders = container.isRegistered(SPIKE_LOADER, true) ? container.resolveAll(SPIKE_LOADER).length : 0
  const resolvers = container.isRegistered(SOURCE_RESOLVER, true) ? container.resolveAll(SOURCE_RESOLVER).length : 0
  return loaders + resolvers
}
