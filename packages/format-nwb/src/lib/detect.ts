import { NO_MATCH, type Match, type Probe } from '@spikes/core'
import type { Hdf5File } from '@spikes/hdf5'

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
/** Files this small (or local ones) are opened to read the root attributes when the head does not settle it. */
const OPEN_LIMIT = 16 * 1024 * 1024

function hasSignature(head: Uint8Array): boolean {
  for (let offset = 0; offset + 8 <= head.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => head[offset + i] === b)) return true
  }
  return false
}

function contains(head: Uint8Array, text: string): boolean {
  const needle = new TextEncoder().encode(text)
  const first = needle[0]
  for (let i = head.indexOf(first); i >= 0 && i + needle.length <= head.length; i = head.indexOf(first, i + 1)) {
    let k = 1
    while (k < needle.length && head[i + k] === needle[k]) k++
    if (k === needle.length) return true
  }
  return false
}

/**
 * HDF5 signature plus NWB's root markers. The root attributes usually sit in the first bytes; when they
 * do not (large files written by h5py), a local or small file is opened and its root attributes read.
 */
export async function detectNwb(probe: Probe): Promise<Match> {
  if (probe.kind === 'folder') return (await import('./detect-zarr.js')).detectNwbZarr(probe)
  if (probe.kind !== 'file') return NO_MATCH
  if (!hasSignature(probe.head)) return NO_MATCH
  if (contains(probe.head, 'NWBFile')) return { confidence: 100, reason: 'HDF5 file with neurodata_type NWBFile' }
  const opened = (probe.source.path !== undefined || probe.size <= OPEN_LIMIT) && (await rootMarkers(probe))
  if (opened) return opened
  if (probe.extension === 'nwb') return { confidence: 90, reason: 'HDF5 file with the .nwb extension' }
  if (contains(probe.head, 'spike_times_index') && contains(probe.head, 'units')) return { confidence: 80, reason: 'HDF5 file with a units/spike_times_index table (SpikeLab-style NWB)' }
  return NO_MATCH
}

type RootView = Pick<Hdf5File, 'attr' | 'kind'>

function markers(file: RootView): Match | null {
  const type = file.attr('/', 'neurodata_type')
  if (type === 'NWBFile') return { confidence: 100, reason: 'HDF5 file with neurodata_type NWBFile' }
  if (file.attr('/', 'nwb_version') !== undefined || file.kind('/nwb_version') === 'dataset') return { confidence: 100, reason: 'HDF5 file with an nwb_version' }
  if (file.kind('/units/spike_times') === 'dataset' && file.kind('/units/spike_times_index') === 'dataset') {
    return { confidence: 80, reason: 'HDF5 file with a units/spike_times_index table (SpikeLab-style NWB)' }
  }
  return null
}

/** The root markers through the tree reader (two levels of headers, no data), else through h5wasm. */
async function rootMarkers(probe: Probe & { kind: 'file' }): Promise<Match | null> {
  const hdf5 = await import('@spikes/hdf5')
  try {
    return markers(await hdf5.openTree(probe.source, { maxDepth: 2, readAhead: false }))
  } catch (error) {
    if (!hdf5.isFallbackSignal(error)) return null
  }
  try {
    return await hdf5.withHdf5(probe.source, markers)
  } catch {
    return null
  }
}
