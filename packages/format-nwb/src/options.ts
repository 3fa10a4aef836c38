import { InvalidArgumentError } from '@spikes/core'

/** Options of the `nwb` loader: SpikeLab's load_spikedata_from_nwb keyword arguments in lowerCamelCase, plus a few of the port's own. */
export interface NwbOptions {
  /** Recording length in ms; default: the file's `length_ms` attribute, else last spike − start + one float step. */
  lengthMs?: number | null
  /** Start time in ms; default: the file's `start_time` attribute, else 0. */
  startTimeMs?: number | null
  /** Files without a Units table (or whose Units table has no spike times) load as N = 0 with their metadata. */
  allowNoUnits?: boolean
  /** Path of the Units table to read when the file has several (default: /units when it is one of them). */
  unitsTable?: string | null
  /**
   * Units-table columns copied into neuronAttributes. Default: every column with one scalar value per unit.
   * When given, exactly these columns are copied, ragged and multi-dimensional ones as arrays.
   */
  columns?: string[] | null
  /** SpikeLab's switch between pynwb and h5py; the port has one reader, so it is accepted and ignored. */
  preferPynwb?: boolean
}

const KNOWN = new Set(['lengthMs', 'startTimeMs', 'allowNoUnits', 'unitsTable', 'columns', 'preferPynwb'])

/** Validates every option before any I/O; returns them normalised. */
export function checkNwbOptions(options: unknown): Required<Omit<NwbOptions, 'preferPynwb'>> {
  if (options === undefined || options === null) options = {}
  if (typeof options !== 'object' || Array.isArray(options)) throw new InvalidArgumentError('options', options, 'an object of nwb loader options')
  const o = options as Record<string, unknown>
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new InvalidArgumentError(key, o[key], `a known nwb option (${[...KNOWN].join(', ')})`)
  }
  const lengthMs = o.lengthMs ?? null
  if (lengthMs !== null && !(typeof lengthMs === 'number' && Number.isFinite(lengthMs) && lengthMs >= 0)) {
    throw new InvalidArgumentError('lengthMs', lengthMs, 'a finite, non-negative number of milliseconds')
  }
  const startTimeMs = o.startTimeMs ?? null
  if (startTimeMs !== null && !(typeof startTimeMs === 'number' && Number.isFinite(startTimeMs))) {
    throw new InvalidArgumentError('startTimeMs', startTimeMs, 'a finite number of milliseconds')
  }
  const allowNoUnits = o.allowNoUnits ?? false
  if (typeof allowNoUnits !== 'boolean') throw new InvalidArgumentError('allowNoUnits', allowNoUnits, 'true or false')
  const unitsTable = o.unitsTable ?? null
  if (unitsTable !== null && !(typeof unitsTable === 'string' && unitsTable.length > 0)) {
    throw new InvalidArgumentError('unitsTable', unitsTable, 'the HDF5 path of a Units table, e.g. "/units"')
  }
  const columns = o.columns ?? null
  if (columns !== null && !(Array.isArray(columns) && columns.every((c) => typeof c === 'string' && c.length > 0))) {
    throw new InvalidArgumentError('columns', columns, 'an array of Units-table column names')
  }
  if (o.preferPynwb !== undefined && typeof o.preferPynwb !== 'boolean') throw new InvalidArgumentError('preferPynwb', o.preferPynwb, 'true or false')
  return {
    lengthMs: lengthMs as number | null,
    startTimeMs: startTimeMs as number | null,
    allowNoUnits,
    unitsTable: unitsTable as string | null,
    columns: columns as string[] | null,
  }
}
