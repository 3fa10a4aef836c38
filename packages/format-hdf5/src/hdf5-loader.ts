import type { ByteSource, Match, Probe } from '@spikes/core'
import { defineLoader } from '@spikes/core/loader-utils'
import { findHdf5Signature } from '@spikes/hdf5/signature'
import { hdf5Options, resolveHdf5Options } from './options.js'

/** Version of {@link hdf5Loader}, recorded as `loader_version` in the result's `metadata.provenance`. */
export const HDF5_LOADER_VERSION = '0.1.0'
const H5_EXTENSIONS = ['h5', 'hdf5', 'hdf', 'he5']

/** Generic HDF5: SpikeLab's four layouts (raster, ragged, group per unit, paired), or the one it finds. */
export const hdf5Loader = defineLoader({
  id: 'hdf5',
  name: 'Generic HDF5 (raster, ragged, group-per-unit or paired spike arrays)',
  version: HDF5_LOADER_VERSION,
  packageName: '@spikes/format-hdf5',
  input: 'file',
  extensions: H5_EXTENSIONS,
  options: hdf5Options,
  resolve: resolveHdf5Options,
  detect: detectHdf5,
  load: async () => {
    const [{ withHdf5 }, { loadFromFile }] = await Promise.all([import('@spikes/hdf5'), import('./lib/load-file.js')])
    return (source, options, context) =>
      withHdf5(source as ByteSource, (file) => loadFromFile(file, options, sourceFile(source as ByteSource), context), { name: source.name, signal: context.signal })
  },
})

function detectHdf5(probe: Probe): Match {
  if (probe.kind !== 'file') return { confidence: 0, reason: 'not a file' }
  const at = findHdf5Signature(probe.head)
  if (at >= 0) return { confidence: 60, reason: at === 0 ? 'HDF5 signature' : `HDF5 signature after a ${at}-byte user block` }
  if (H5_EXTENSIONS.includes(probe.extension) && probe.size > probe.head.length) return { confidence: 20, reason: `.${probe.extension} extension (signature beyond the probed bytes)` }
  return { confidence: 0, reason: 'no HDF5 signature' }
}

function sourceFile(source: ByteSource): string {
  return source.path ?? source.url ?? source.name
}
