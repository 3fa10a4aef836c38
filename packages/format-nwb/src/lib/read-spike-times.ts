import { InvalidDataError, MissingEntryError, throwIfAborted, type Hint, type LoadContext } from '@spikes/core'
import { raggedOffsets, vouchSortedTrains } from '@spikes/core/loader-utils'
import type { Hdf5File, NumericOut } from '@spikes/hdf5'
import { isHdf5Reference, type Hdf5Reference } from '@spikes/hdf5/tree'
import { joinPath } from './h5-util.js'
import { MsPass } from './ms-pass.js'

/** The way out when a file has no spike trains: load its metadata alone. */
export const ALLOW_NO_UNITS_HINT: Hint = { kind: 'option', option: 'allowNoUnits', example: true, why: 'to load only the file metadata' }

export interface SpikeTimes {
  /** All spike times in ms, unit by unit (unsorted trains are sorted later by SpikeData). */
  times: Float64Array
  offsets: Float64Array
  /** The largest spike time in ms (NaN ignored); -Infinity when there is none. */
  maxMs: number
  /** Names of the datasets used. */
  timesName: string
  indexName: string
}

/** SpikeLab's lookup: spike_times + spike_times_index, else the first datasets whose names end that way. */
export function findSpikeTimeColumns(file: Hdf5File, unitsPath: string): { timesName: string; indexName: string } | null {
  const names = file.list(unitsPath).filter((n) => file.kind(joinPath(unitsPath, n)) === 'dataset')
  if (names.includes('spike_times') && names.includes('spike_times_index')) return { timesName: 'spike_times', indexName: 'spike_times_index' }
  const times = names.filter((n) => n.endsWith('spike_times'))
  const index = names.filter((n) => n.endsWith('spike_times_index'))
  if (!times.length || !index.length) return null
  return { timesName: times[0], indexName: index[0] }
}

export function missingSpikeTimes(file: Hdf5File, unitsPath: string): MissingEntryError {
  let nearby: string[] = []
  try {
    nearby = file.list(unitsPath).map((n) => joinPath(unitsPath, n))
  } catch {
    nearby = []
  }
  return new MissingEntryError(
    joinPath(unitsPath, 'spike_times'),
    file.name,
    nearby,
    [{ kind: 'text', text: 'This Units table has no spike_times / spike_times_index columns, so it holds no spike trains.' }, ALLOW_NO_UNITS_HINT],
  )
}

/**
 * Reads the flat spike times (seconds -> ms, as SpikeLab: v * 1e3; deflate chunks inflated in parallel) and
 * turns the index into offsets.
 * The index may be any integer dtype in either convention, or (MatNWB 2018) region references.
 */
export async function readSpikeTimes(file: Hdf5File, unitsPath: string, nUnits: number | undefined, context: LoadContext): Promise<SpikeTimes> {
  const cols = findSpikeTimeColumns(file, unitsPath)
  if (!cols) throw missingSpikeTimes(file, unitsPath)
  const timesPath = joinPath(unitsPath, cols.timesName)
  const indexPath = joinPath(unitsPath, cols.indexName)
  const timesDs = file.dataset(timesPath)
  const indexDs = file.dataset(indexPath)
  if (indexDs.dtype.class === 'reference') return readRegionIndexed(file, indexDs.readReferences(), timesPath, indexPath, nUnits, cols)
  if (!timesDs.isNumeric()) {
    throw new InvalidDataError(`${timesPath} in ${file.name} holds ${timesDs.dtype.numpy}, not numbers; spike times must be numeric seconds.`, { file: file.name, dataset: timesPath, dtype: timesDs.dtype.numpy })
  }
  for (const [ds, path, what] of [[timesDs, timesPath, 'spike times (one value per spike)'], [indexDs, indexPath, 'end offsets (one per unit)']] as const) {
    if (ds.shape !== null && ds.rank !== 1) {
      throw new InvalidDataError(`${path} in ${file.name} has shape [${ds.shape.join(', ')}]; NWB stores ${what} as a 1-D array.`, { file: file.name, dataset: path, shape: ds.shape, expected: '1-D' })
    }
  }
  const index = indexDs.isNumeric() ? indexDs.readNumeric() : null
  if (!index) throw new InvalidDataError(`${indexPath} in ${file.name} holds ${indexDs.dtype.numpy}; expected integer end offsets.`, { file: file.name, dataset: indexPath, dtype: indexDs.dtype.numpy })
  const flatLength = timesDs.size
  const offsets = raggedOffsets(index, flatLength, { nUnits, integerDtype: indexDs.isInteger(), name: cols.indexName })
  const total = flatLength
  context.progress({ phase: 'spike_times', loaded: 0, total, unit: 'spikes' })
  // Offsets are known before the read: each chunk is converted to ms as it lands, while others still inflate.
  let pass: MsPass | undefined
  const read = {
    signal: context.signal,
    onProgress: (loaded: number) => context.progress({ phase: 'spike_times', loaded, total, unit: 'spikes' }),
    onPlaced: (start: number, end: number, values: NumericOut) => {
      pass ??= new MsPass(values as Float64Array, offsets)
      pass.run(start, end)
    },
  }
  // HDF5 datasets read their chunks in parallel; NWB-Zarr's stand-in (zarr-dataset.ts) has the synchronous read only.
  const times = typeof timesDs.readNumericAsync === 'function' ? await timesDs.readNumericAsync(read) : timesDs.readNumeric(read)
  throwIfAborted(context.signal, 'Loading the NWB file')
  if (!pass) {
    pass = new MsPass(times, offsets)
    pass.run(0, times.length)
  } else if (pass.times !== times || pass.covered !== times.length) {
    throw new Error(`internal: the read placed ${pass.covered} of ${times.length} spike times in the array it returned`)
  }
  const { maxMs, sorted } = pass.finish()
  const used = offsets[offsets.length - 1]
  // A trailing part of spike_times past the last index entry belongs to no unit; copy so SpikeData owns an exact array.
  const out = used === times.length ? times : times.slice(0, used)
  if (sorted) vouchSortedTrains(out)
  return { times: out, offsets, maxMs, timesName: cols.timesName, indexName: cols.indexName }
}

function readRegionIndexed(file: Hdf5File, refs: Hdf5Reference[], timesPath: string, indexPath: string, nUnits: number | undefined, cols: { timesName: string; indexName: string }): SpikeTimes {
  if (nUnits !== undefined && refs.length !== nUnits) {
    throw new InvalidDataError(`${indexPath} has ${refs.length} region references for ${nUnits} units; expected one per unit.`, { dataset: indexPath, length: refs.length, nUnits })
  }
  const trains: ArrayLike<number>[] = []
  let total = 0
  for (let i = 0; i < refs.length; i++) {
    const ref = refs[i]
    if (!isHdf5Reference(ref) || ref.kind !== 'region') throw new InvalidDataError(`${indexPath}[${i}] is not a region reference into ${timesPath}.`, { dataset: indexPath, position: i })
    const target = file.resolveReference(ref).path
    if (target !== timesPath) throw new InvalidDataError(`${indexPath}[${i}] selects from ${target}, not ${timesPath}.`, { dataset: indexPath, position: i, target })
    const values = file.readRegion(ref)
    const list = ArrayBuffer.isView(values) ? (values as unknown as ArrayLike<number>) : Array.isArray(values) ? (values.flat(Infinity) as number[]) : typeof values === 'number' ? [values] : []
    trains.push(list)
    total += list.length
  }
  const times = new Float64Array(total)
  const offsets = new Float64Array(trains.length + 1)
  let k = 0
  let maxMs = -Infinity
  trains.forEach((t, i) => {
    for (let j = 0; j < t.length; j++) {
      const ms = Number(t[j]) * 1e3
      times[k++] = ms
      if (ms > maxMs) maxMs = ms
    }
    offsets[i + 1] = k
  })
  return { times, offsets, maxMs, timesName: cols.timesName, indexName: cols.indexName }
}
