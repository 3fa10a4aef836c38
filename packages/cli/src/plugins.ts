import { container, LoaderRegistry, type DependencyContainer } from '@spikes/core'
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

/** The default container with core's own loaders and every installed plugin registered once. */
export function pluginContainer(): Promise<DependencyContainer> {
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
    return container
  })()
  return loaded
}

export async function registry(): Promise<LoaderRegistry> {
  return (await pluginContainer()).resolve(LoaderRegistry)
}
