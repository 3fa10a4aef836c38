import { nodeImport } from '@spikes/core/loader-utils'
import { InvalidArgumentError, loadSpikeData, type LoadSpikeDataOptions, type SpikeData } from '@spikes/core'
import { exportNwb, type ExportNwbOptions } from './write/export-nwb.js'

/** What {@link convertToNwb} wrote. */
export interface ConvertResult {
  /** Path of the written .nwb file (the `output` argument). */
  output: string
  /** Number of units written. */
  N: number
  totalSpikes: number
  /** Warnings raised while loading the input. */
  warnings: SpikeData['warnings']
}

/**
 * `spikes convert <input> -o out.nwb`: loads any input the registered loaders understand (format
 * detected or forced through loadOptions.format) and writes it as NWB. Node only (writes a path).
 */
export async function convertToNwb(input: Parameters<typeof loadSpikeData>[0], output: string, loadOptions: LoadSpikeDataOptions = {}, exportOptions: ExportNwbOptions = {}): Promise<ConvertResult> {
  if (typeof output !== 'string' || output === '') throw new InvalidArgumentError('output', output, 'the path of the .nwb file to write')
  // Local paths resolve through the Node entry of core, which also checks the output folder before the load.
  const nodeCore = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node')
  await nodeCore.checkOutputFile(output)
  const sd = await loadSpikeData(input, loadOptions)
  await exportNwb(sd, output, exportOptions)
  return { output, N: sd.N, totalSpikes: sd.totalSpikes, warnings: sd.warnings }
}
