import { nodeImport } from '@spikes/core/loader-utils'
import { InvalidArgumentError, loadSpikeData, type LoadSpikeDataOptions, type SpikeData } from '@spikes/core'
import { exportNwb, type ExportNwbOptions } from './write/export-nwb.js'
import { checkExportOptions, type ExportWarning } from './write/build-nwb.js'

/** What {@link convertToNwb} wrote. */
export interface ConvertResult {
  /** Path of the written .nwb file (the `output` argument). */
  output: string
  /** Number of units written. */
  N: number
  totalSpikes: number
  /** Warnings raised while loading the input, then those of the writer (what NWB cannot hold). */
  warnings: (SpikeData['warnings'][number] | ExportWarning)[]
}

/**
 * `spikes convert <input> -o out.nwb`: loads any input the registered loaders understand (format
 * detected or forced through loadOptions.format) and writes it as NWB. Node only (writes a path).
 * The output may not be the input (SPIKES_OUTPUT_IS_INPUT) and may not exist unless
 * `exportOptions.overwrite` (SPIKES_OUTPUT_EXISTS); both, and the export options, are checked before the input is read.
 */
export async function convertToNwb(input: Parameters<typeof loadSpikeData>[0], output: string, loadOptions: LoadSpikeDataOptions = {}, exportOptions: ExportNwbOptions = {}): Promise<ConvertResult> {
  if (typeof output !== 'string' || output === '') throw new InvalidArgumentError('output', output, 'the path of the .nwb file to write')
  checkExportOptions(exportOptions)
  // Local paths resolve through the Node entry of core, which also checks the output before the load.
  const nodeCore = await nodeImport<typeof import('@spikes/core/node')>('@spikes/core/node')
  const inputs = [...(exportOptions.inputs ?? []), ...(typeof input === 'string' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? [input] : [])]
  await nodeCore.checkOutputTarget(output, { overwrite: exportOptions.overwrite, inputs })
  const sd = await loadSpikeData(input, loadOptions)
  const written: ExportWarning[] = []
  await exportNwb(sd, output, {
    ...exportOptions,
    inputs,
    onWarning: (w) => {
      written.push(w)
      exportOptions.onWarning?.(w)
    },
  })
  return { output, N: sd.N, totalSpikes: sd.totalSpikes, warnings: [...sd.warnings, ...written] }
}
