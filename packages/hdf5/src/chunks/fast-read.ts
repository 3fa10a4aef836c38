// The parallel read of a whole 1-D chunked dataset: the chunk index read once (layout/chunk-index.ts), each
// chunk's bytes read (several reads in flight: local file, Blob or HTTP Range), inflated off the thread
// (see inflate.ts), unshuffled when the pipeline says so, and written into the output at its place. Only
// layouts, filters and types this file handles are taken; anything else returns null before a single
// element is written, and the caller reads through h5wasm.
import { throwIfAborted } from '@spikes/core'
import type { NumericOut } from '../dataset.js'
import type { Hdf5Dtype } from '../dtype.js'
import type { StoredChunk } from '../layout/chunk-index.js'
import { DEFLATE_MAX_RATIO, MAX_FILTERED_CHUNK_BYTES } from '../layout/chunk-limits.js'
import { badChunk, InflateOverflow, inPlace, platformInflater, type Inflate } from './inflate.js'

/**
 * Random access to the file's bytes (a local file, a Blob, HTTP Range reads): `length` bytes from `offset`,
 * fewer at the end. `into`, when given, may be filled and returned (a reader that reads in place).
 */
export type ReadBytes = (offset: number, length: number, into?: Uint8Array) => Promise<Uint8Array>

const DEFLATE = 1
const SHUFFLE = 2
const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

/** Where the file's bytes come from, for reads beside h5wasm. */
export interface FileBytes {
  read: ReadBytes
  size: number
}

export interface FastReadRequest {
  bytes: FileBytes
  /** The stored chunks (addresses relative to `base`) and the pipeline's filter ids in write order. */
  chunks: readonly StoredChunk[]
  base: number
  file: string
  path: string
  length: number
  chunk: number
  dtype: Hdf5Dtype
  filters: number[]
  out: NumericOut
  outOffset: number
  signal?: AbortSignal
  onProgress?: (loaded: number, total: number) => void
  /** Called with each chunk's run [first, first + valid) of the dataset once its values are in `out`. */
  onPlaced?: (start: number, end: number, values: NumericOut) => void
}

/** True when the parallel path can read this dtype into this output (little-endian ints up to 32 bits, floats). */
export function fastReadable(dtype: Hdf5Dtype, filters: number[]): boolean {
  const typeOk = dtype.littleEndian && ((dtype.class === 'float' && (dtype.bytes === 4 || dtype.bytes === 8)) || ((dtype.class === 'int' || dtype.class === 'uint') && dtype.bytes <= 4))
  return LITTLE_ENDIAN_HOST && typeOk && filters.every((f) => f === DEFLATE || f === SHUFFLE)
}

/** Fills `out` from the chunks and returns it, or returns null (nothing written) when this path does not apply. */
export async function readChunkedParallel(req: FastReadRequest): Promise<NumericOut | null> {
  const inflater = await platformInflater()
  const chunks = req.chunks
  if (!inflater || !coversExactly(chunks, req.length, req.chunk) || chunks.some((c) => c.size <= 0 || req.base + c.address + c.size > req.bytes.size)) return null
  // Buffers are sized by the header's chunk shape: only when every stored chunk could really decode to it.
  const chunkBytes = req.chunk * req.dtype.bytes
  if (chunkBytes > MAX_FILTERED_CHUNK_BYTES || chunks.some((c) => !canDecodeTo(c, req.filters, chunkBytes))) return null
  const largest = chunks.reduce((m, c) => Math.max(m, c.size), 0)
  let loaded = 0
  let next = 0
  // Each lane reads, inflates and places one chunk at a time into buffers it reuses.
  const lane = async () => {
    const buffers: LaneBuffers = { input: new Uint8Array(largest) }
    while (next < chunks.length) {
      const entry = chunks[next++]
      throwIfAborted(req.signal, `Reading ${req.path}`)
      const first = entry.offsets[0]
      const valid = Math.min(req.chunk, req.length - first)
      await decodeInto(req, entry, first, valid, inflater.inflate, buffers)
      req.onPlaced?.(first, first + valid, req.out)
      loaded += valid
      req.onProgress?.(loaded, req.length)
    }
  }
  await Promise.all(Array.from({ length: Math.min(inflater.parallelism + 1, chunks.length) }, lane))
  return req.out
}

interface LaneBuffers {
  input: Uint8Array
  inflated?: Uint8Array
  unshuffled?: Uint8Array
}

/** A deflated chunk expands at most ~1032:1; a chunk stored without deflate holds its bytes as they are. */
function canDecodeTo(chunk: StoredChunk, filters: readonly number[], chunkBytes: number): boolean {
  const deflated = filters.some((id, i) => id === DEFLATE && (chunk.filterMask & (1 << i)) === 0)
  return deflated ? chunk.size * DEFLATE_MAX_RATIO >= chunkBytes : chunk.size === chunkBytes
}

/** Every chunk of the grid exactly once (a missing chunk means fill values: h5wasm handles those). */
function coversExactly(chunks: readonly StoredChunk[], length: number, chunk: number): boolean {
  const expected = Math.ceil(length / chunk)
  if (chunks.length !== expected) return false
  const seen = new Uint8Array(expected)
  for (const c of chunks) {
    const at = c.offsets[0]
    if (at % chunk !== 0 || at >= length || seen[at / chunk]) return false
    seen[at / chunk] = 1
  }
  return true
}

/** Reads one chunk, undoes its filters (in reverse pipeline order, skipping masked ones) and places it. */
async function decodeInto(req: FastReadRequest, entry: StoredChunk, first: number, valid: number, inflate: Inflate, buffers: LaneBuffers): Promise<void> {
  const size = req.dtype.bytes
  const chunkBytes = req.chunk * size
  const address = req.base + entry.address
  const raw = await req.bytes.read(address, entry.size, buffers.input)
  if (raw.length !== entry.size) throw badChunk(req.file, req.path, address, `${raw.length} of ${entry.size} bytes present`)
  const active = req.filters.map((id, i) => (entry.filterMask & (1 << i) ? 0 : id)).filter((id) => id !== 0)
  const inflateTo = async (bytes: Uint8Array, target: Uint8Array, limit: number) => {
    let at = 0
    let produced: number
    try {
      produced = await inflate(bytes, (piece) => {
        if (at < limit && !inPlace(piece, target, at)) target.set(piece.length <= limit - at ? piece : piece.subarray(0, limit - at), at)
        at += piece.length
      }, chunkBytes, target.length === chunkBytes ? target : undefined)
    } catch (error) {
      // A bomb is named with the chunk's declared size and how far it grew before it was stopped.
      const sizes = error instanceof InflateOverflow ? { expected: error.limit, actual: error.reached } : undefined
      throw badChunk(req.file, req.path, address, error instanceof Error ? error.message : String(error), error, sizes)
    }
    if (produced !== chunkBytes) throw badChunk(req.file, req.path, address, `${produced} bytes where the chunk holds ${chunkBytes}`, undefined, { expected: chunkBytes, actual: produced })
  }
  const View = VIEWS[`${req.dtype.class}${size}` as keyof typeof VIEWS]
  if (active.length === 1 && active[0] === DEFLATE && req.out instanceof View) {
    // Straight into the output: the pieces land at their place, the edge chunk's padding is dropped.
    await inflateTo(raw, new Uint8Array(req.out.buffer, req.out.byteOffset + (req.outOffset + first) * size, valid * size), valid * size)
    return
  }
  let bytes = raw
  for (let i = active.length - 1; i >= 0; i--) {
    if (active[i] === DEFLATE) {
      buffers.inflated ??= new Uint8Array(chunkBytes)
      await inflateTo(bytes, buffers.inflated, chunkBytes)
      bytes = buffers.inflated
    } else {
      buffers.unshuffled ??= new Uint8Array(chunkBytes)
      bytes = unshuffle(bytes, size, buffers.unshuffled)
    }
  }
  if (bytes.length !== chunkBytes) throw badChunk(req.file, req.path, address, `${bytes.length} bytes where the chunk holds ${chunkBytes}`)
  scatter(bytes, valid, req, first, View)
}

/**
 * The shuffle filter stores byte k of every element together; put each element's bytes back in place (into
 * `target` when it has the right length, else a new buffer).
 */
export function unshuffle(bytes: Uint8Array, size: number, target?: Uint8Array): Uint8Array {
  if (size === 1) return bytes
  const n = Math.floor(bytes.length / size)
  const out = target?.length === bytes.length ? target : new Uint8Array(bytes.length)
  for (let b = 0; b < size; b++) {
    const plane = b * n
    for (let i = 0; i < n; i++) out[i * size + b] = bytes[plane + i]
  }
  out.set(bytes.subarray(n * size), n * size)
  return out
}

const VIEWS = { float4: Float32Array, float8: Float64Array, int1: Int8Array, int2: Int16Array, int4: Int32Array, uint1: Uint8Array, uint2: Uint16Array, uint4: Uint32Array } as const

function scatter(decoded: Uint8Array, valid: number, req: FastReadRequest, first: number, View: (typeof VIEWS)[keyof typeof VIEWS]): void {
  const size = req.dtype.bytes
  const at = req.outOffset + first
  if (req.out instanceof View) {
    new Uint8Array(req.out.buffer, req.out.byteOffset + at * size, valid * size).set(decoded.subarray(0, valid * size))
    return
  }
  const aligned = decoded.byteOffset % size === 0 ? decoded : decoded.slice()
  const view = new View(aligned.buffer as ArrayBuffer, aligned.byteOffset, valid)
  ;(req.out as Float64Array).set(view as unknown as Float64Array, at)
}
