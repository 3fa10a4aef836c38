import { InvalidDataError, throwIfAborted, type ByteSource, type LoadContext } from '@spikes/core'
import { openNpz, vectorLength, type NpyArray, type NpzFile } from '@spikes/numpy'
import type { UnitId } from './unit-id.js'
import { allocateGroups, sortUnsortedUnits } from './grouped.js'
import { badSample } from './spike-vector.js'

/** The members an NpzSortingExtractor file always has (plus spike_indexes_seg<i> / spike_labels_seg<i>). */
export const NPZ_MEMBERS = ['unit_ids', 'num_segment', 'sampling_frequency'] as const

/** One segment of an NpzSortingExtractor file, grouped by unit, in samples. */
export interface NpzSorting {
  unitIds: UnitId[]
  samplingFrequency: number
  numSegments: number
  offsets: Float64Array
  samples: Float64Array
}

const MAX_HEADER_ARRAY_BYTES = 64 * 1024 * 1024

/**
 * Reads SpikeInterface's NpzSortingExtractor layout: unit_ids, num_segment ([n]), sampling_frequency ([fs]),
 * and per segment spike_indexes_seg<i> (samples) with spike_labels_seg<i> (the unit id of each spike, not an
 * index). Only the chosen segment's arrays are read. The segment index is checked by `checkSegment`.
 */
export async function readNpzSorting(source: ByteSource, file: string, segmentIndex: number, beforeSpikes: (numSegments: number) => void, context: LoadContext): Promise<NpzSorting> {
  const npz = await openNpz(source)
  try {
    const ids = await npz.read('unit_ids', { maxBytes: MAX_HEADER_ARRAY_BYTES })
    const unitIds = unitIdsOf(ids, file)
    const numSegments = scalar(await npz.read('num_segment', { maxBytes: 1024 }), 'num_segment', file)
    if (!Number.isSafeInteger(numSegments) || numSegments < 1) throw new InvalidDataError(`${file}: num_segment is ${numSegments}; a positive integer is expected.`, { file, field: 'num_segment', value: numSegments })
    const samplingFrequency = scalar(await npz.read('sampling_frequency', { maxBytes: 1024 }), 'sampling_frequency', file)
    beforeSpikes(numSegments)
    const { offsets, samples } = await groupSegment(npz, file, unitIds, segmentIndex, context)
    return { unitIds, samplingFrequency, numSegments, offsets, samples }
  } finally {
    await npz.close()
  }
}

function unitIdsOf(array: NpyArray, file: string): UnitId[] {
  if (array.shape.length !== 1) throw new InvalidDataError(`${file}: unit_ids has shape (${array.shape.join(', ')}); a vector is expected.`, { file, field: 'unit_ids', shape: [...array.shape] })
  const values = Array.from(array.data as ArrayLike<unknown>)
  if (!values.every((v) => (typeof v === 'number' && Number.isSafeInteger(v)) || typeof v === 'string')) {
    throw new InvalidDataError(`${file}: unit_ids has dtype ${array.dtype.descr}; SpikeInterface unit ids are integers or strings.`, { file, field: 'unit_ids', dtype: array.dtype.descr })
  }
  if (new Set(values.map(String)).size !== values.length) throw new InvalidDataError(`${file}: unit_ids repeats an id.`, { file, field: 'unit_ids' })
  return values as UnitId[]
}

function scalar(array: NpyArray, name: string, file: string): number {
  const data = array.data as ArrayLike<unknown>
  const v = data.length === 1 ? data[0] : undefined
  if (typeof v !== 'number') throw new InvalidDataError(`${file}: ${name} should hold one number (SpikeInterface writes a 1-element array); found dtype ${array.dtype.descr} with shape (${array.shape.join(', ')}).`, { file, field: name, dtype: array.dtype.descr, shape: [...array.shape] })
  return v
}

async function groupSegment(npz: NpzFile, file: string, unitIds: UnitId[], segmentIndex: number, context: LoadContext): Promise<{ offsets: Float64Array; samples: Float64Array }> {
  const indexesName = `spike_indexes_seg${segmentIndex}`
  const labelsName = `spike_labels_seg${segmentIndex}`
  const labelsArray = await npz.read(labelsName, { signal: context.signal })
  throwIfAborted(context.signal, `Reading ${file}`)
  const indexesArray = await npz.read(indexesName, { signal: context.signal })
  const n = vectorLength(indexesArray.shape)
  const nl = vectorLength(labelsArray.shape)
  if (n === undefined || nl === undefined || n !== nl) {
    throw new InvalidDataError(`${file}: ${indexesName} has shape (${indexesArray.shape.join(', ')}) and ${labelsName} (${labelsArray.shape.join(', ')}); both must be vectors of one entry per spike.`, { file, indexes: [...indexesArray.shape], labels: [...labelsArray.shape] })
  }
  const numericIds = unitIds.every((id) => typeof id === 'number')
  const slot = new Map<unknown, number>(unitIds.map((id, k) => [numericIds ? id : String(id), k]))
  const labels = labelsArray.data as ArrayLike<unknown>
  const indexes = indexesArray.data as ArrayLike<unknown>
  const units = new Int32Array(n)
  const counts = new Float64Array(unitIds.length)
  for (let i = 0; i < n; i++) {
    const label = labels[i]
    const k = slot.get(numericIds ? label : String(label))
    if (k === undefined) {
      throw new InvalidDataError(`${file}: spike ${i} of segment ${segmentIndex} has label ${String(label)}, which is not in unit_ids.`, { file, field: labelsName, index: i, label: String(label) })
    }
    units[i] = k
    counts[k]++
  }
  const { offsets, samples, cursor } = allocateGroups(counts)
  const last = new Float64Array(unitIds.length).fill(-Infinity)
  const unsorted = new Uint8Array(unitIds.length)
  for (let i = 0; i < n; i++) {
    const s = indexes[i]
    if (typeof s !== 'number' || !Number.isInteger(s)) throw new InvalidDataError(`${file}: ${indexesName}[${i}] is ${String(s)}; sample indices are integers.`, { file, field: indexesName, index: i, dtype: indexesArray.dtype.descr })
    if (!(s >= 0 && s <= 2 ** 53)) badSample(file, i, s)
    const k = units[i]
    if (s < last[k]) unsorted[k] = 1
    last[k] = s
    samples[cursor[k]++] = s
  }
  const sorted = sortUnsortedUnits(offsets, samples, unsorted)
  if (sorted > 0) context.warn('SPIKES_WARN_UNSORTED_SPIKES', `${file}: the spikes of ${sorted} unit(s) were not in time order; they were sorted.`, { file, units: sorted })
  return { offsets, samples }
}
