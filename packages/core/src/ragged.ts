import { InvalidArgumentError, InvalidDataError } from './errors.js'

/** Options of raggedOffsets. */
export interface RaggedOptions {
  /** Known number of units (NWB: the length of `id`). Without it the leading-zero heuristic decides. */
  nUnits?: number
  /** Whether the index was stored with an integer dtype; float indices are refused like SpikeLab does. */
  integerDtype?: boolean
  /** Name shown in errors ('spike_times_index'). */
  name?: string
}

/**
 * Turns a ragged index into train offsets (length units + 1) over a flat array of `flatLength` values.
 *
 * Two conventions exist. Cumulative-end (length N, the NWB spec): [c0, c0+c1, ..., total].
 * Leading-zero (length N + 1): [0, c0, ...]. With `nUnits` the length decides; without it a leading 0
 * followed by a positive last value means leading-zero, so [0, 5] is one unit of 5 spikes while
 * [0, 0, 0] stays three empty units.
 */
export function raggedOffsets(index: ArrayLike<number>, flatLength: number, options: RaggedOptions = {}): Float64Array {
  const name = options.name ?? 'spike_times_index'
  if (index == null || typeof index.length !== 'number') throw new InvalidArgumentError(name, index, 'an array of cumulative end indices')
  const n = index.length
  if (n > 0) {
    if (options.integerDtype === false) throw new InvalidDataError(`${name} must have an integer dtype; it is stored as floating point. Store it as integers.`, { dataset: name })
    for (let i = 0; i < n; i++) {
      const v = index[i]
      if (!Number.isInteger(v)) throw new InvalidDataError(`${name}[${i}] is ${v}; index values must be integers.`, { dataset: name, position: i, value: String(v) })
      if (v < 0) throw new InvalidDataError(`${name}[${i}] is ${v}; index values count spikes and cannot be negative.`, { dataset: name, position: i, value: v })
      if (i > 0 && v < index[i - 1]) throw new InvalidDataError(`${name} must be non-decreasing, but ${name}[${i}] = ${v} < ${index[i - 1]}.`, { dataset: name, position: i })
    }
    if (index[n - 1] > flatLength) {
      throw new InvalidDataError(`${name} final value (${index[n - 1]}) exceeds flat array length (${flatLength}).`, { dataset: name, last: index[n - 1], flatLength })
    }
  }
  let start = 0
  const nUnits = options.nUnits
  if (nUnits !== undefined) {
    if (!Number.isInteger(nUnits) || nUnits < 0) throw new InvalidArgumentError('nUnits', nUnits, 'a non-negative integer')
    if (n === nUnits + 1 && index[0] === 0) start = 1
    else if (n !== nUnits) {
      throw new InvalidDataError(`${name} has ${n} entries, which fits neither cumulative-end (${nUnits}) nor leading-zero (${nUnits + 1}) indexing for ${nUnits} units.`, { dataset: name, length: n, nUnits })
    }
  } else if (n >= 2 && index[0] === 0 && index[n - 1] > 0) start = 1
  const offsets = new Float64Array(n - start + 1)
  for (let i = start; i < n; i++) offsets[i - start + 1] = index[i]
  return offsets
}
