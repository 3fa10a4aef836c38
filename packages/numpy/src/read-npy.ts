import { InvalidArgumentError, InvalidDataError, LimitExceededError, UnsupportedError, throwIfAborted, bytesSource, type ByteSource } from '@spikes/core'
import { NpyDecoder, viewTyped, type Int64Mode, type NpyData, type NpyTypedArray } from './lib/decode.js'
import { isNumericDtype, type NpyDtype } from './lib/dtype.js'
import { checkDataSize, readNpyHeader, type NpyHeader } from './lib/header.js'
import { fortranToC, orderIsIrrelevant } from './lib/order.js'
import { elementChunks, type ChunkReadOptions, type NpyByteChunk } from './lib/element-chunks.js'
import { defaultObjectReader } from './object-reader.js'

/**
 * Decodes the pickled payload of an object array ('|O'). Gets the bytes after the header and the
 * header; returns the elements in file order (C order unless header.fortranOrder).
 */
export type NpyObjectReader = (bytes: Uint8Array, header: NpyHeader, file?: string) => unknown[]

/** Options of readNpy, parseNpy and readNpyData. Invalid values throw InvalidArgumentError. */
export interface ReadNpyOptions {
  /**
   * 64-bit integers (and datetime64/timedelta64): 'number' (default) gives a Float64Array and throws
   * InvalidDataError for a value beyond ±2^53; 'bigint' gives BigInt64Array / BigUint64Array.
   */
  int64?: Int64Mode
  /** 'C' (default): data in C order whatever the file says; 'file': as stored (see `order`). */
  order?: 'C' | 'file'
  /**
   * Decoder for object arrays ('|O', a pickle after the header). Default: the package's safe,
   * allowlist-only unpickler (elements as its PickleValue). `false` refuses object arrays (SPIKES_UNSUPPORTED).
   */
  objectReader?: NpyObjectReader | false
  /** Refuse data larger than this many bytes before allocating (default: no limit beyond the file's size). */
  maxBytes?: number
  /** Bytes per read (default 8 MiB). */
  chunkBytes?: number
  /** Checked before each read; an abort throws AbortedError. */
  signal?: AbortSignal
}

/** A decoded array. */
export interface NpyArray<D = NpyData> {
  readonly dtype: NpyDtype
  readonly shape: number[]
  /** What the header said. */
  readonly fortranOrder: boolean
  /** Order of `data`: 'C' unless `order: 'file'` kept a Fortran-ordered multi-dimensional array as stored. */
  readonly order: 'C' | 'F'
  /**
   * Typed array for numeric dtypes (bool: Uint8Array of 0/1; float16: Float32Array; 64-bit ints:
   * Float64Array or BigInt64Array per `int64`; complex: interleaved re/im Float32Array/Float64Array
   * of twice the length); string[] for S/U; records for structured dtypes; Uint8Array[] for plain
   * void; the object reader's elements for object arrays.
   */
  readonly data: D
  readonly header: NpyHeader
}

const DEFAULT_CHUNK = 8 * 1024 * 1024

/** The data of `file` needs `actual` bytes, more than the caller's `maxBytes`: a LimitExceededError naming both. @internal */
export function overLimit(file: string, limit: number, actual: number): LimitExceededError {
  return new LimitExceededError(`${file} needs ${actual} bytes, more than the read limit of ${limit} bytes; raise maxBytes.`, { limit, actual, what: 'array', option: 'maxBytes', file })
}

/** Reads a whole .npy file into one preallocated array (chunked reads, no whole-file copy). */
export async function readNpy(source: ByteSource, options: ReadNpyOptions = {}): Promise<NpyArray> {
  checkOptions(options)
  const header = await readNpyHeader(source)
  const size = await source.size()
  return readNpyData(source, header, size - header.dataOffset, options)
}

/** Decodes an .npy held in memory. */
export async function parseNpy(bytes: Uint8Array, options: ReadNpyOptions = {}, name = 'array.npy'): Promise<NpyArray> {
  return readNpy(bytesSource(bytes, name), options)
}

/** Reads the data of a source whose header is already parsed; `available` = bytes after the header. */
export async function readNpyData(source: ByteSource, header: NpyHeader, available: number, options: ReadNpyOptions = {}): Promise<NpyArray> {
  const name = source.name
  if (header.dtype.kind === 'O') {
    const maxBytes = options.maxBytes ?? 512 * 1024 * 1024
    if (available > maxBytes) throw overLimit(name, maxBytes, available)
    const reader = options.objectReader === false ? undefined : (options.objectReader ?? (await defaultObjectReader()))
    if (!reader) {
      throw new UnsupportedError('npy-object-array', `${name} holds a numpy object array (dtype '|O', a pickle), and object arrays were refused (objectReader: false). Save the data with a numeric or string dtype, or allow the safe unpickler.`, {
        file: name,
        dtype: header.dtype.descr,
        shape: [...header.shape],
      })
    }
    const bytes = available > 0 ? await source.read(header.dataOffset, available) : new Uint8Array(0)
    const data = reader(bytes, header, name)
    return finishArray(header, data, options)
  }
  checkDataSize(header, available, name)
  if (options.maxBytes !== undefined && header.dataBytes > options.maxBytes) throw overLimit(name, options.maxBytes, header.dataBytes)
  const decoder = new NpyDecoder(header.dtype, header.count, options.int64 ?? 'number', name)
  const step = chunkSize(options.chunkBytes, header.dtype.itemsize)
  for (let done = 0; done < header.dataBytes; ) {
    throwIfAborted(options.signal, `Reading ${name}`)
    const n = Math.min(step, header.dataBytes - done)
    const bytes = await source.read(header.dataOffset + done, n)
    if (bytes.length === 0) break
    decoder.push(bytes)
    done += bytes.length
  }
  if (!decoder.finish()) checkDataSize(header, decoder.decoded * header.dtype.itemsize, name)
  return finishArray(header, decoder.output, options)
}

/** Shapes decoded data into the result (C order unless `order: 'file'`). */
export function finishArray(header: NpyHeader, data: NpyData, options: ReadNpyOptions): NpyArray {
  const shape = [...header.shape]
  if (header.fortranOrder && !orderIsIrrelevant(shape)) {
    if (options.order === 'file') return { dtype: header.dtype, shape, fortranOrder: true, order: 'F', data, header }
    const group = header.dtype.kind === 'c' && ArrayBuffer.isView(data) ? 2 : 1
    const reordered = ArrayBuffer.isView(data)
      ? fortranToC(data as NpyTypedArray, shape, (n) => new (data.constructor as new (n: number) => NpyTypedArray)(n), group)
      : fortranToC(data as unknown[], shape, (n) => new Array(n))
    return { dtype: header.dtype, shape, fortranOrder: true, order: 'C', data: reordered, header }
  }
  return { dtype: header.dtype, shape, fortranOrder: header.fortranOrder, order: 'C', data, header }
}

function checkInt64Mode(int64: unknown): void {
  if (int64 !== undefined && int64 !== 'number' && int64 !== 'bigint') throw new InvalidArgumentError('int64', int64, "'number' or 'bigint'")
}

function checkOptions(options: ReadNpyOptions): void {
  checkInt64Mode(options.int64)
  if (options.order !== undefined && options.order !== 'C' && options.order !== 'file') throw new InvalidArgumentError('order', options.order, "'C' or 'file'")
  if (options.chunkBytes !== undefined && (!Number.isSafeInteger(options.chunkBytes) || options.chunkBytes < 1)) throw new InvalidArgumentError('chunkBytes', options.chunkBytes, 'a positive integer')
  if (options.maxBytes !== undefined && !(options.maxBytes >= 0)) throw new InvalidArgumentError('maxBytes', options.maxBytes, 'a non-negative number')
  if (options.objectReader !== undefined && options.objectReader !== false && typeof options.objectReader !== 'function') throw new InvalidArgumentError('objectReader', options.objectReader, 'a function or false')
}

function chunkSize(requested: number | undefined, itemsize: number): number {
  const want = requested ?? DEFAULT_CHUNK
  const unit = Math.max(1, itemsize)
  return Math.max(unit, want - (want % unit))
}

/** One chunk of decoded elements from readNpyChunks. */
export interface NpyChunk<D = NpyTypedArray> {
  /** Index of the chunk's first element in the flattened (C-order) array. */
  readonly start: number
  /** The chunk's elements (complex: interleaved re/im, two values per element); may be a view of the read buffer. */
  readonly data: D
}

/** Options of readNpyChunks. */
export interface ReadNpyChunksOptions extends ChunkReadOptions {
  /** As in ReadNpyOptions: 'number' (default) gives Float64Array chunks and throws InvalidDataError beyond ±2^53; 'bigint' gives BigInt64Array / BigUint64Array. */
  int64?: Int64Mode
  /** The header already parsed from this source by readNpyHeader (saves parsing it again). */
  header?: NpyHeader
}

/**
 * Streams a numeric array in chunks of decoded elements, so a caller can convert or scatter without
 * holding the whole array. C order, or any layout where the order does not matter (vectors, (N,1),
 * (1,N)); a Fortran-ordered multi-dimensional array is refused (read it with readNpy).
 */
export async function* readNpyChunks(source: ByteSource, options: ReadNpyChunksOptions = {}): AsyncGenerator<NpyChunk, NpyHeader, void> {
  checkInt64Mode(options.int64)
  const header = options.header ?? (await readNpyHeader(source))
  const name = source.name
  if (!isNumericDtype(header.dtype)) throw new UnsupportedError('npy-chunks-dtype', `${name}: chunked reading needs a numeric dtype, not ${header.dtype.descr}.`, { file: name, dtype: header.dtype.descr })
  const int64 = options.int64 ?? 'number'
  for await (const { start, count, bytes } of elementChunks(source, header, options)) {
    // The chunk's bytes are ours: view them in place when the layout allows (no second copy).
    const view = viewTyped(header.dtype, bytes, count, int64)
    if (view) {
      yield { start, data: view }
      continue
    }
    const decoder = new NpyDecoder(header.dtype, count, int64, name)
    decoder.push(bytes)
    decoder.finish()
    yield { start, data: decoder.output as NpyTypedArray }
  }
  return header
}

/**
 * Streams the raw element bytes of a fixed-size dtype in chunks of whole elements, for callers that
 * decode in their own loop (e.g. uint64 words straight into a scatter). Same order rules as readNpyChunks.
 */
export async function* readNpyByteChunks(source: ByteSource, options: ChunkReadOptions & { header?: NpyHeader } = {}): AsyncGenerator<NpyByteChunk, NpyHeader, void> {
  const header = options.header ?? (await readNpyHeader(source))
  const name = source.name
  if (header.dtype.kind === 'O') throw new UnsupportedError('npy-object-array', `${name} holds a numpy object array (dtype '|O'); its bytes are a pickle, not elements.`, { file: name, dtype: header.dtype.descr })
  yield* elementChunks(source, header, options)
  return header
}

/**
 * The data of a vector-shaped array: (N,), (N,1), (1,N), (1,1,N)... and 0-d (one element).
 * Throws InvalidDataError naming `what` when more than one dimension is larger than 1.
 */
export function flattenVector<D extends NpyData>(array: NpyArray<D>, what = 'the array'): D {
  if (!orderIsIrrelevant(array.shape)) {
    throw new InvalidDataError(`${what} has shape (${array.shape.join(', ')}); a vector ((N,), (N,1) or (1,N)) was expected.`, { shape: [...array.shape], expected: 'vector' })
  }
  return array.data
}

/** Number of elements of a vector-shaped array, or undefined when the shape is not a vector. */
export function vectorLength(shape: readonly number[]): number | undefined {
  return orderIsIrrelevant(shape) ? shape.reduce((a, b) => a * b, 1) : undefined
}
