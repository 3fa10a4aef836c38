import { container, FORMAT_PACKAGES, type DependencyContainer } from '@spikes/core'

/** The format plugins the default setup registers when they are installed (the same list as the CLI's). */
export const DEFAULT_PLUGINS: readonly string[] = FORMAT_PACKAGES

/**
 * What `scan()` and each worker call to get the container to load with, when no `setup` module is given: local
 * paths, core's own loaders, http(s)/s3 inputs and HDF5 read in place over them (@spikes/remote, @spikes/hdf5),
 * and every installed plugin of {@link DEFAULT_PLUGINS} plus those named in SPIKES_PLUGINS (a plugin that is not
 * installed is left out).
 */
export async function scanSetup(): Promise<DependencyContainer> {
  await import('@spikes/core/node')
  const { registerCoreOnce } = await import('@spikes/core/json')
  registerCoreOnce()
  const extra = (process.env.SPIKES_PLUGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  for (const name of [...DEFAULT_PLUGINS, ...extra]) {
    try {
      await import(`${name}/register`)
    } catch (error) {
      if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND' || extra.includes(name)) throw error
    }
  }
  // http(s):// and s3:// inputs, and HDF5 read in place over them, when installed.
  await optional(() => import('@spikes/remote/register' as string))
  const hdf5 = await optional(() => import('@spikes/hdf5/register-remote' as string) as Promise<{ registerRemoteHdf5?: (c: DependencyContainer) => void }>)
  hdf5?.registerRemoteHdf5?.(container)
  return container
}

async function optional<T>(load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load()
  } catch (error) {
    if ((error as NodeJS.ErrnoException)?.code !== 'ERR_MODULE_NOT_FOUND') throw error
    return undefined
  }
}

/** Imports a setup module (a path or package exporting `scanSetup()`), or uses the default one. */
export async function loadSetup(setup: string | undefined): Promise<DependencyContainer> {
  if (!setup) return scanSetup()
  const mod = (await import(setup)) as { scanSetup?: () => Promise<DependencyContainer> }
  if (typeof mod.scanSetup !== 'function') {
    const { InvalidArgumentError } = await import('@spikes/core')
    throw new InvalidArgumentError('setup', setup, 'a module exporting scanSetup(): Promise<DependencyContainer>')
  }
  return mod.scanSetup()
}
