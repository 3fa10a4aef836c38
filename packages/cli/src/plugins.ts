import { container, FORMAT_PACKAGES, type DependencyContainer, type SpikesWarning, type WarningHandler } from '@spikes/core'
import { registerCore } from '@spikes/core/json'
import { importPluginRegister } from '@spikes/core/node'
import { registerRemoteHdf5 } from '@spikes/hdf5/register-remote'
import { registerRemote } from '@spikes/remote/register'
import { registerInstalledPlugins, registerRequestedPlugins } from './plugin-registration.js'

/** The format plugins the CLI knows about; each one found installed is registered through its ./register entry. */
export const PLUGIN_PACKAGES: readonly string[] = FORMAT_PACKAGES

let loaded: Promise<{ container: DependencyContainer; warnings: SpikesWarning[] }> | undefined

/**
 * Third-party plugins named in SPIKES_PLUGINS, loaded after ours: comma-separated package names (found beside the CLI
 * or in node_modules above the working directory) or paths to package folders (`./format-x`, absolute).
 */
export function extraPlugins(env: Record<string, string | undefined>): string[] {
  return (env.SPIKES_PLUGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * The default container with core's own loaders, http(s) and s3:// inputs (@spikes/remote) and every
 * installed plugin registered once, with remote HDF5 reads in place (an http(s) NWB or HDF5 input travels only the bytes read). Each plugin
 * that is installed but failed to load goes to `onWarning`, on every call; one named in SPIKES_PLUGINS
 * that fails is an error: InvalidArgumentError when it is missing, UnsupportedError when it is installed but fails to load.
 */
export async function pluginContainer(env: Record<string, string | undefined> = process.env, onWarning?: WarningHandler): Promise<DependencyContainer> {
  loaded ??= (async () => {
    registerCore(container)
    registerRemote(container)
    registerRemoteHdf5(container)
    const warnings = await registerInstalledPlugins(PLUGIN_PACKAGES, (name) => import(`${name}/register`))
    await registerRequestedPlugins(extraPlugins(env), (name) => importPluginRegister(name, { importHere: (specifier) => import(specifier) }), container)
    return { container, warnings }
  })()
  const plugins = await loaded
  for (const warning of plugins.warnings) onWarning?.(warning)
  return plugins.container
}

