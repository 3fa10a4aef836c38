import { InvalidDataError, throwIfAborted, UnsupportedError, type ByteSource, type LoadContext } from '@spikes/core'
import { readNpyByteChunks, readNpyHeader, vectorLength, type NpyField, type NpyHeader } from '@spikes/numpy'
import { allocateGroups, sortUnsortedUnits } from './grouped.js'

/** The fields of SpikeInterface's spike vector (`minimum_spike_dtype`: three int64 fields). */
export const SPIKE_FIELDS = ['sample_index', 'unit_index', 'segment_index'] as const

const CHUNK_RECORDS = 1 << 18
const TWO32 = 4294967296
const MAX_EXACT = 2 ** 53

type FieldReader = (view: DataView, at: number) => number

/** A reader for one integer field of a record; int64 is combined from two 32-bit words (no BigInt). */
function fieldReader(field: NpyField, file: string): FieldReader {
  const { kind, itemsize, byteOrder, descr } = field.dtype
  if ((kind !== 'i' && kind !== 'u') || field.shape.length > 0) {
    throw new InvalidDataError(`${file}: field '${field.name}' has dtype ${descr}${field.shape.length ? ` with shape (${field.shape.join(', ')})` : ''}; SpikeInterface writes a scalar integer (int64) there.`, { file, field: field.name, dtype: descr })
  }
  const le = byteOrder !== '>'
  const off = field.offset
  const signed = kind === 'i'
  switch (itemsize) {
    case 1:
      return signed ? (v, at) => v.getInt8(at + off) : (v, at) => v.getUint8(at + off)
    case 2:
      return signed ? (v, at) => v.getInt16(at + off, le) : (v, at) => v.getUint16(at + off, le)
    case 4:
      return signed ? (v, at) => v.getInt32(at + off, le) : (v, at) => v.getUint32(at + off, le)
    default: {
      const loAt = le ? off : off + 4
      const hiAt = le ? off + 4 : off
      return signed
        ? (v, at) => v.getInt32(at + hiAt, le) * TWO32 + v.getUint32(at + loAt, le)
        : (v, at) => v.getUint32(at + hiAt, le) * TWO32 + v.getUint32(at + loAt, le)
    }
  }
}

/** Checks that spikes.npy is a vector of records with the three spike-vector fields; returns their readers. */
export function checkSpikeVectorHeader(header: NpyHeader, file: string): { sample: FieldReader; unit: FieldReader; segment: FieldReader; count: number } {
  const fields = header.dtype.fields
  if (!fields) {
    throw new InvalidDataError(`${file} holds dtype ${header.dtype.descr}, not SpikeInterface's structured spike vector (fields ${SPIKE_FIELDS.join(', ')}). Is this a NumpyFolderSorting folder?`, { file, dtype: header.dtype.descr, expected: [...SPIKE_FIELDS] })
  }
  const byName = new Map(fields.map((f) => [f.name, f]))
  const missing = SPIKE_FIELDS.filter((name) => !byName.has(name))
  if (missing.length) {
    throw new InvalidDataError(`${file}: the spike vector has fields ${fields.map((f) => f.name).join(', ')} but lacks ${missing.join(', ')}; SpikeInterface writes ${SPIKE_FIELDS.join(', ')}.`, { file, fields: fields.map((f) => f.name), missing })
  }
  const count = vectorLength(header.shape)
  if (count === undefined) throw new InvalidDataError(`${file} has shape (${header.shape.join(', ')}); the spike vector is one-dimensional.`, { file, shape: [...header.shape] })
  if (header.fortranOrder && header.shape.length > 1 && count > 1 && header.shape.filter((d) => d > 1).length > 1) {
    throw new UnsupportedError('npy-fortran-order', `${file} is Fortran-ordered with shape (${header.shape.join(', ')}).`, { file })
  }
  return {
    sample: fieldReader(byName.get('sample_index')!, file),
    unit: fieldReader(byName.get('unit_index')!, file),
    segment: fieldReader(byName.get('segment_index')!, file),
    count,
  }
}

/** Grouped samples of one segment of a spike vector file. */
export interface SpikeVectorGroups {
  offsets: Float64Array
  samples: Float64Array
  /** Spikes in the file, all segments. */
  totalSpikes: number
}

/**
 * Reads one segment of SpikeInterface's spike vector (spikes.npy) grouped by unit_index, in two
 * streamed passes: count per unit, then write each sample index into its unit's slice. Checks
 * every record: unit_index in [0, nUnits), segment_index in [0, numSegments), sample_index >= 0.
 * A unit whose samples arrive out of order is sorted afterwards (warning SPIKES_WARN_UNSORTED_SPIKES).
 */
export async function groupSpikeVector(source: ByteSource, file: string, nUnits: number, numSegments: number, segmentIndex: number, context: LoadContext): Promise<SpikeVectorGroups> {
  const signal = context.signal
  const header = await readNpyHeader(source)
  const { sample, unit, segment, count } = checkSpikeVectorHeader(header, file)
  const record = header.dtype.itemsize
  const counts = new Float64Array(nUnits)

  // Pass 1: spikes per unit in the chosen segment, checking indices.
  for await (const chunk of readNpyByteChunks(source, { chunkLength: CHUNK_RECORDS, signal })) {
    const view = new DataView(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength)
    for (let i = 0, at = 0; i < chunk.count; i++, at += record) {
      const seg = segment(view, at)
      const u = unit(view, at)
      if (!(u >= 0 && u < nUnits)) badIndex(file, 'unit_index', chunk.start + i, u, nUnits, 'unit_ids in numpysorting_info.json')
      if (!(seg >= 0 && seg < numSegments)) badIndex(file, 'segment_index', chunk.start + i, seg, numSegments, 'num_segments in numpysorting_info.json')
      if (seg === segmentIndex) counts[u]++
    }
    context.progress({ phase: 'count', loaded: chunk.start + chunk.count, total: count, unit: 'spikes' })
  }

  // Pass 2: scatter the sample indices.
  const { offsets, samples, cursor } = allocateGroups(counts)
  const last = new Float64Array(nUnits).fill(-Infinity)
  const unsorted = new Uint8Array(nUnits)
  if (samples.length > 0) {
    for await (const chunk of readNpyByteChunks(source, { chunkLength: CHUNK_RECORDS, signal })) {
      throwIfAborted(signal, `Reading ${file}`)
      const view = new DataView(chunk.bytes.buffer, chunk.bytes.byteOffset, chunk.bytes.byteLength)
      for (let i = 0, at = 0; i < chunk.count; i++, at += record) {
        if (segment(view, at) !== segmentIndex) continue
        const s = sample(view, at)
        if (!(s >= 0 && s <= MAX_EXACT)) badSample(file, chunk.start + i, s)
        const u = unit(view, at)
        if (s < last[u]) unsorted[u] = 1
        last[u] = s
        samples[cursor[u]++] = s
      }
      context.progress({ phase: 'spikes', loaded: chunk.start + chunk.count, total: count, unit: 'spikes' })
    }
  }
  const sortedUnits = sortUnsortedUnits(offsets, samples, unsorted)
  if (sortedUnits > 0) {
    context.warn('SPIKES_WARN_UNSORTED_SPIKES', `${file}: the spikes of ${sortedUnits} unit(s) were not in time order (SpikeInterface writes them sorted); they were sorted.`, { file, units: sortedUnits })
  }
  return { offsets, samples, totalSpikes: count }
}

function badIndex(file: string, field: string, index: number, value: number, limit: number, what: string): never {
  throw new InvalidDataError(`${file}: spike ${index} has ${field} ${value}, outside [0, ${limit}) given by ${what}. The folder's files disagree; re-save the sorting with SpikeInterface.`, { file, field, index, value, limit })
}

/** A negative (or non-representable) sample index. */
export function badSample(file: string, index: number, value: number): never {
  if (value > MAX_EXACT) throw new InvalidDataError(`${file}: spike ${index} has sample index ${value}, beyond 2^53; it cannot be represented exactly as a JavaScript number.`, { file, index, value, limit: MAX_EXACT })
  throw new InvalidDataError(`${file}: spike ${index} has a negative sample index (${value}); sample indices count from 0 at the start of the segment.`, { file, index, value })
}
