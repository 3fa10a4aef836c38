import { container, FORMAT_PACKAGES, KNOWN_FORMATS, type DependencyContainer } from '@spikes/core'

/** The format plugins the default setup registers when they are installed (the same list as the CLI's). */
export const DEFAULT_PLUGINS: readonly string[] = FORMAT_PACKAGES

/**
 * What `scan()` and each worker call to get the container to load with, when no `setup` module is given: local
 * paths, core's own loaders, http(s)/s3 inputs and HDF5 read in place over them (@spikes/remote, @spikes/hdf5),
 * and every installed plugin of {@link DEFAULT_PLUGINS} plus those named in SPIKES_PLUGINS (packages or folder
 * paths, as the CLI takes them; a default plugin that is not installed is left out). Given `formats` (the loader
 * ids every recording names, e.g. 'dandi' for DANDI assets), only the plugins of those formats are imported: a
 * worker then starts without the others' modules.
 */
export async function scanSetup(formats?: readonly string[]): Promise<DependencyContainer> {
  const { importPluginRegister } = await import('@spikes/core/node')
  const { registerCoreOnce } = await import('@spikes/core/json')
  registerCoreOnce()
  for (const name of pluginsFor(formats)) await optional(() => import(`${name}/register`))
  // Named ones must load: a package name (here, or in node_modules above the working directory) or a folder path.
  const extra = (process.env.SPIKES_PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  for (const name of extra) await importPluginRegister(name, { importHere: (specifier) => import(specifier) })
  // http(s):// and s3:// inputs, and HDF5 read in place over them, when installed.
  await optional(() => import('@spikes/remote/register' as string))
  const hdf5 = await optional(() => import('@spikes/hdf5/register-remote' as string) as Promise<{ registerRemoteHdf5?: (c: DependencyContainer) => void }>)
  hdf5?.registerRemoteHdf5?.(container)
  return container
}

/** The plugin packages of `formats` when this project knows them all, else every default plugin. */
function pluginsFor(formats: readonly string[] | undefined): readonly string[] {
  if (!formats || formats.length === 0 || formats.some((f) => !KNOWN_FORMATS[f])) return DEFAULT_PLUGINS
  return [...new Set(formats.map((f) => KNOWN_FORMATS[f]))].filter((name) => DEFAULT_PLUGINS.includes(name))
}

async function optional<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load()
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND') throw error
    return undefined
  }
}

/** Imports a setup module (a path or package exporting `scanSetup()`), or uses the default one (for `formats`, see scanSetup). */
export async function loadSetup(setup: string | undefined, formats?: readonly string[]): Promise<DependencyContainer> {
  if (!setup) return scanSetup(formats)
  const mod = (await import(setup)) as { scanSetup?: (formats?: readonly string[]) => Promise<DependencyContainer> }
  if (typeof mod.scanSetup !== 'function') {
    const { InvalidArgumentError } = await import('@spikes/core')
    throw new InvalidArgumentError('setup', setup, 'a module exporting scanSetup(): Promise<DependencyContainer>')
  }
  return mod.scanSetup(formats)
}
