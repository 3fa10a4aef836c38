import type { SpikeData } from '@spikes/core'
import { buildNwbTree, type BuildNwbOptions } from './build-nwb.js'

/** Options of {@link exportNwb}: those of {@link BuildNwbOptions}, plus how a path is written (Node). */
export interface ExportNwbOptions extends BuildNwbOptions {
  /** Replace an existing file at the target path (default false: refused with SPIKES_OUTPUT_EXISTS). */
  overwrite?: boolean
  /** Local paths the data was read from: the target may be none of them (SPIKES_OUTPUT_IS_INPUT). */
  inputs?: readonly (string | undefined)[]
}

/**
 * Writes `spikeData` as an NWB 2.6 file. With a path (Node) the file is written there safely (an existing
 * file is refused unless `overwrite`; the bytes go to a temporary file in the same folder, renamed into
 * place when complete) and the promise resolves to undefined; without one it resolves to the file's bytes
 * (Node and browsers).
 */
export async function exportNwb(spikeData: SpikeData, target: string, options?: ExportNwbOptions): Promise<undefined>
export async function exportNwb(spikeData: SpikeData, target?: undefined, options?: ExportNwbOptions): Promise<Uint8Array>
export async function exportNwb(spikeData: SpikeData, target?: string, options: ExportNwbOptions = {}): Promise<Uint8Array | undefined> {
  if (target !== undefined && typeof target === 'string' && target !== '') {
    // Refuse an output that is an input or exists before any work.
    const { nodeImport } = await import('@spikes/core/loader-utils')
    const nodeCore = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node')
    await nodeCore.checkOutputTarget(target, { overwrite: options.overwrite, inputs: options.inputs })
  }
  const tree = buildNwbTree(spikeData, options)
  // The writer (and h5wasm behind it) loads on first use.
  const { writeHdf5 } = await import('@spikes/hdf5/write')
  return writeHdf5(tree, target, { overwrite: options.overwrite, inputs: options.inputs })
}
