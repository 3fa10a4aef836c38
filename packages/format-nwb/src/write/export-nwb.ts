import type { SpikeData } from '@spikes/core'
import { buildNwbTree, type BuildNwbOptions } from './build-nwb.js'

/** Options of {@link exportNwb}: the same as {@link BuildNwbOptions}. */
export type ExportNwbOptions = BuildNwbOptions

/**
 * Writes `spikeData` as an NWB 2.6 file. With a path (Node) the file is written there and the promise
 * resolves to undefined; without one it resolves to the file's bytes (Node and browsers).
 */
export async function exportNwb(spikeData: SpikeData, target: string, options?: ExportNwbOptions): Promise<undefined>
export async function exportNwb(spikeData: SpikeData, target?: undefined, options?: ExportNwbOptions): Promise<Uint8Array>
export async function exportNwb(spikeData: SpikeData, target?: string, options: ExportNwbOptions = {}): Promise<Uint8Array | undefined> {
  const tree = buildNwbTree(spikeData, options)
  // The writer (and h5wasm behind it) loads on first use.
  const { writeHdf5 } = await import('@spikes/hdf5/write')
  return writeHdf5(tree, target)
}
