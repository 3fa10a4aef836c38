import { container, InvalidArgumentError, LoaderRegistry, type DependencyContainer } from '@spikes/core'
import { registerCore } from '@spikes/core/json'
import '@spikes/core/node'

/** The format plugins the CLI knows about; each one found installed is registered through its ./register entry. */
export const PLUGIN_PACKAGES = [
  '@spikes/format-nwb',
  '@spikes/format-hdf5',
  '@spikes/format-kilosort',
  '@spikes/format-pickle',
  '@spikes/format-ibl',
  '@spikes/format-dandi',
] as const

let loaded: Promise<DependencyContainer> | undefined

/** Third-party plugins named in SPIKES_PLUGINS (comma-separated package names), loaded after ours. */
export function extraPlugins(env: Record<string, string | undefined>): string[] {
  return (env.SPIKES_PLUGINS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/** The default container with core's own loaders and every installed plugin registered once. */
export function pluginContainer(env: Record<string, string | undefined> = process.env): Promise<DependencyContainer> {
  loaded ??= (async () => {
    registerCore(container)
    for (const name of PLUGIN_PACKAGES) {
      try {
        await import(`${name}/register`)
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error
      }
    }
    for (const name of extraPlugins(env)) {
      try {
        await import(`${name}/register`)
      } catch (error) {
        throw new InvalidArgumentError('SPIKES_PLUGINS', name, `an installed plugin package with a ./register entry (${(error as Error).message})`)
      }
    }
    return container
  })()
  return loaded
}

export async function registry(): Promise<LoaderRegistry> {
  return (await pluginContainer()).resolve(LoaderRegistry)
}
