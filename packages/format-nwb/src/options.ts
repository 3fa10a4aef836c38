import { durationMsOption, flagOption, textOption } from '@spikes/core/loader-utils'
import { array, boolean, check, description, finite, number, object, optional, picklist, pipe, string, type InferInput, type InferOutput } from 'valibot'

/** The `nwb` loader's options: SpikeLab's load_spikedata_from_nwb keyword arguments in lowerCamelCase, plus a few of the port's own. */
export const nwbOptions = object({
  lengthMs: durationMsOption("Recording length in ms; default: the file's `length_ms` attribute, else last spike - start + one float step."),
  startTimeMs: optional(pipe(number('a finite number of milliseconds'), finite('a finite number of milliseconds'), description("Start time in ms; default: the file's `start_time` attribute, else 0."))),
  allowNoUnits: flagOption(false, 'Files without a Units table (or whose Units table has no spike times) load as N = 0 with their metadata.'),
  unitsTable: textOption(undefined, 'the HDF5 path of a Units table, e.g. "/units"', 'Path of the Units table to read when the file has several (default: /units when it is one of them).'),
  columns: optional(
    pipe(
      array(pipe(string('an array of Units-table column names'), check((c) => c.length > 0, 'an array of Units-table column names')), 'an array of Units-table column names'),
      description('Units-table columns copied into neuronAttributes. Default: every column with one scalar value per unit; when given, exactly these, ragged and multi-dimensional ones as arrays.'),
    ),
  ),
  hdf5Reader: optional(
    pipe(picklist(['auto', 'tree', 'h5wasm'], "'auto', 'tree' or 'h5wasm'"), description("Which HDF5 reader reads the file: 'auto' (default) the pure-TypeScript tree reader, h5wasm for what it does not read; 'tree' only it (UnsupportedError otherwise); 'h5wasm' only h5wasm.")),
    'auto',
  ),
  preferPynwb: optional(pipe(boolean('true or false'), description("SpikeLab's switch between pynwb and h5py; the port has one reader, so it is accepted and ignored."))),
})

/** The options as callers write them. */
export type NwbOptions = InferInput<typeof nwbOptions>

/** The options as the reader uses them: absent read as null. */
export interface ResolvedNwbOptions {
  lengthMs: number | null
  startTimeMs: number | null
  allowNoUnits: boolean
  unitsTable: string | null
  columns: string[] | null
  hdf5Reader: 'auto' | 'tree' | 'h5wasm'
}

/** Absent values as null, preferPynwb dropped (it changes nothing here). */
export function resolveNwbOptions(o: InferOutput<typeof nwbOptions>): ResolvedNwbOptions {
  return { lengthMs: o.lengthMs ?? null, startTimeMs: o.startTimeMs ?? null, allowNoUnits: o.allowNoUnits, unitsTable: o.unitsTable ?? null, columns: o.columns ?? null, hdf5Reader: o.hdf5Reader }
}
