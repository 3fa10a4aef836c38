import { npyFile } from './fixtures.js'

/** The two files of a minimal KiloSort/Phy folder (no params.py): int64 spike_times.npy and int32 spike_clusters.npy. */
export function kilosortFiles(spikeTimes: readonly number[], spikeClusters: readonly number[]): Record<string, Uint8Array> {
  const times = new BigInt64Array(spikeTimes.map(BigInt))
  const clusters = Int32Array.from(spikeClusters)
  return {
    'spike_times.npy': npyFile(`{'descr': '<i8', 'fortran_order': False, 'shape': (${times.length},), }`, new Uint8Array(times.buffer)),
    'spike_clusters.npy': npyFile(`{'descr': '<i4', 'fortran_order': False, 'shape': (${clusters.length},), }`, new Uint8Array(clusters.buffer)),
  }
}
