import { CorruptFileError, throwIfAborted, UnsupportedError, type ByteSource, type LoadContext, type NumericArray } from '@spikes/core'
import type { TraceDtype } from './binary-json.js'

/** Bytes read per request: a bounded window, whatever the segment's size. */
export const TRACE_CHUNK_BYTES = 4 * 1024 * 1024

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array

const FILE_ARRAYS: Record<string, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => Typed> = {
  '|i1': Int8Array, '|u1': Uint8Array, '<i2': Int16Array, '<u2': Uint16Array, '<i4': Int32Array, '<u4': Uint32Array,
  '<i8': BigInt64Array, '<u8': BigUint64Array, '<f4': Float32Array, '<f8': Float64Array,
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** The empty (channels x samples) output array: the file's type, float64 for 64-bit integers (as hdf5-threshold). */
function allocate(dtype: TraceDtype, length: number, file: string): NumericArray {
  const Type = (dtype.itemsize === 8 && dtype.kind !== 'f' ? Float64Array : FILE_ARRAYS[dtype.str]) as unknown as new (n: number) => NumericArray
  try {
    return new Type(length)
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    throw new UnsupportedError('size', `${file} holds ${length} values, more than one JavaScript typed array can hold here (${error.message}). Save a shorter segment (recording.frame_slice(...).save(...)).`, { file, values: length })
  }
}

/** A typed view of `bytes` (copied first when misaligned for the type). */
function view(bytes: Uint8Array, dtype: TraceDtype): Typed {
  const aligned = bytes.byteOffset % dtype.itemsize === 0 ? bytes : bytes.slice()
  return new FILE_ARRAYS[dtype.str](aligned.buffer, aligned.byteOffset, aligned.byteLength / dtype.itemsize)
}

/** Where and how one segment's traces lie in its file (sizes already checked against the file). */
export interface TraceLayout {
  readonly file: string
  readonly dtype: TraceDtype
  readonly channels: number
  readonly samples: number
  readonly timeAxis: 0 | 1
  readonly fileOffset: number
}

/**
 * Reads a segment into one preallocated (channels x samples) C-order array, TRACE_CHUNK_BYTES at a time:
 * time_axis 0 files (samples x channels) are transposed chunk by chunk, time_axis 1 files copied.
 */
export async function readTraces(source: ByteSource, layout: TraceLayout, context: LoadContext): Promise<NumericArray> {
  const { dtype, channels, samples, timeAxis, fileOffset, file } = layout
  if (!LITTLE_ENDIAN && dtype.itemsize > 1) throw new UnsupportedError('endianness', 'Reading little-endian traces needs a little-endian machine.', { file })
  const out = allocate(dtype, channels * samples, file)
  const total = channels * samples * dtype.itemsize
  const unit = timeAxis === 0 ? channels * dtype.itemsize : dtype.itemsize
  const chunk = Math.max(unit, TRACE_CHUNK_BYTES - (TRACE_CHUNK_BYTES % unit))
  const bigint = dtype.itemsize === 8 && dtype.kind !== 'f'
  let done = 0
  while (done < total) {
    throwIfAborted(context.signal, `Reading ${file}`)
    const length = Math.min(chunk, total - done)
    const bytes = await source.read(fileOffset + done, length)
    if (bytes.length !== length) {
      throw new CorruptFileError(`${file} ended after ${fileOffset + done + bytes.length} bytes while ${fileOffset + total} were expected; the file was truncated while being read.`, { file, expected: fileOffset + total, actual: fileOffset + done + bytes.length })
    }
    const values = view(bytes, dtype)
    if (timeAxis === 0) {
      const first = done / unit
      const rows = values.length / channels
      for (let c = 0; c < channels; c++) {
        const base = c * samples + first
        if (bigint) for (let t = 0; t < rows; t++) out[base + t] = Number((values as BigInt64Array)[t * channels + c])
        else for (let t = 0; t < rows; t++) out[base + t] = (values as Float64Array)[t * channels + c]
      }
    } else if (bigint) {
      const at = done / dtype.itemsize
      for (let i = 0; i < values.length; i++) out[at + i] = Number((values as BigInt64Array)[i])
    } else {
      ;(out as Float64Array).set(values as Float64Array, done / dtype.itemsize)
    }
    done += length
    context.progress({ phase: 'read', loaded: done, total, unit: 'bytes' })
  }
  return out
}
