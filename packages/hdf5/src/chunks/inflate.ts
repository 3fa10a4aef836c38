// Inflating HDF5 deflate chunks (zlib streams) off the calling thread. Node: zlib streams, which run on
// libuv's thread pool (native threads, 4 by default), so as many chunks inflate at once as there are cores,
// with no worker start-up and no copy of the input to another isolate; a full chunk inflated in place (see
// nodeInflater). Browsers: DecompressionStream('deflate'), its pieces copied to their place.
import { CorruptFileError } from '@spikes/core'
import { isNode, nodeImport } from '../runtime.js'

/** An inflate stopped because its output passed the chunk's size: a corrupt chunk or a decompression bomb. */
export class InflateOverflow extends RangeError {
  constructor(
    readonly limit: number,
    readonly reached: number,
  ) {
    super(`inflates to more than ${limit} bytes (stopped at ${reached})`)
  }
}

/**
 * Inflates `bytes`, handing the output to `sink` piece by piece (in order); more than `maxBytes` of output
 * is a corrupt chunk. Resolves with the number of bytes produced. With `into` (exactly `maxBytes` long),
 * the inflater may write the output straight there: then the pieces it hands over are views of `into` at
 * their own place (see `inPlace`), which the sink need not copy.
 */
export type Inflate = (bytes: Uint8Array, sink: (piece: Uint8Array) => void, maxBytes: number, into?: Uint8Array) => Promise<number>

/** True when `piece`, handed over at byte `at` of the output, already lies at its place in `into`. */
export function inPlace(piece: Uint8Array, into: Uint8Array, at: number): boolean {
  return piece.buffer === into.buffer && piece.byteOffset === into.byteOffset + at
}

export interface Inflater {
  inflate: Inflate
  /** How many chunks to keep in flight. */
  parallelism: number
}

let cached: Promise<Inflater | null> | undefined

/** The platform's inflater, or null when there is none (then h5wasm reads the chunks). */
export function platformInflater(): Promise<Inflater | null> {
  cached ??= isNode ? nodeInflater() : Promise.resolve(streamInflater())
  return cached
}

// Output pieces this size come from the allocator's reused memory, not from fresh pages as one buffer per
// chunk would (a first write to fresh memory is slow here); each piece is copied straight to its place.
const PIECE_BYTES = 256 * 1024

// Below a few pages the copy costs nothing anyway.
const MIN_DIRECT_BYTES = 16 * 1024
// zlib streams' smallest output buffer (Z_MIN_CHUNK).
const ZLIB_MIN_CHUNK = 64

/** The fields where Node's zlib streams keep their output buffer (lib/zlib.js), read again by its processCallback after each write. */
interface ZlibOutput {
  _outBuffer?: unknown
  _outOffset?: unknown
  _chunkSize?: unknown
}

/** Whether this Node's zlib streams keep their output buffer in the fields above (checked once). */
function keepsOutputBuffer(zlib: typeof import('node:zlib')): boolean {
  const probe = zlib.createInflate({ chunkSize: 1024 })
  const fields = probe as unknown as ZlibOutput
  const ok = fields._outBuffer instanceof Uint8Array && fields._outBuffer.length === 1024 && fields._outOffset === 0 && fields._chunkSize === 1024
  probe.close()
  return ok
}

/**
 * Node: zlib on libuv's pool. A full chunk is inflated straight into its place in the output: the stream's
 * output buffer is set to that memory, so zlib writes there itself, the first writes to the fresh output
 * pages are made on the pool threads, in parallel, nothing is copied on the main thread, and no buffer of
 * the chunk's size is allocated (once the chunk is full, the stream's next buffer is 64 bytes: what comes
 * after the end of a sound chunk is nothing, and a longer output stops as a bomb). Other outputs, or a Node
 * whose streams do not keep their buffer where expected, get 256 KiB pieces that the sink copies.
 */
async function nodeInflater(): Promise<Inflater> {
  const zlib = await nodeImport<typeof import('node:zlib')>('node:zlib')
  const os = await nodeImport<typeof import('node:os')>('node:os')
  const { Buffer: NodeBuffer } = await nodeImport<typeof import('node:buffer')>('node:buffer')
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  const inPlaceOk = keepsOutputBuffer(zlib)
  const inflate: Inflate = (bytes, sink, maxBytes, into) =>
    new Promise((resolve, reject) => {
      const direct = inPlaceOk && into !== undefined && into.length === maxBytes && maxBytes >= MIN_DIRECT_BYTES
      const stream = zlib.createInflate({ chunkSize: direct ? ZLIB_MIN_CHUNK : PIECE_BYTES })
      const fields = stream as unknown as ZlibOutput
      if (direct) {
        fields._outBuffer = NodeBuffer.from(into.buffer, into.byteOffset, into.length)
        fields._chunkSize = into.length
      }
      let produced = 0
      stream.on('data', (piece: Buffer) => {
        produced += piece.length
        if (produced > maxBytes) return stream.destroy(new InflateOverflow(maxBytes, produced))
        if (direct && produced === maxBytes) fields._chunkSize = ZLIB_MIN_CHUNK
        sink(piece)
      })
      stream.on('error', reject)
      stream.on('end', () => resolve(produced))
      stream.end(bytes)
    })
  return { inflate, parallelism: Math.max(1, Math.min(cores, 4)) }
}

function streamInflater(): Inflater | null {
  if (typeof DecompressionStream === 'undefined') return null
  const inflate: Inflate = async (bytes, sink, maxBytes) => {
    const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate')).getReader()
    let produced = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      produced += value.length
      if (produced > maxBytes) {
        await reader.cancel()
        throw new InflateOverflow(maxBytes, produced)
      }
      sink(value)
    }
    return produced
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2
  return { inflate, parallelism: Math.max(1, Math.min(cores, 4)) }
}

/** A typed error for a chunk that does not inflate to its size. */
export function badChunk(file: string, dataset: string, address: number, reason: string, cause?: unknown, sizes?: { expected: number; actual: number }): CorruptFileError {
  return new CorruptFileError(`The chunk of ${dataset} at byte ${address} of ${file} does not decompress (${reason}). The file is truncated or corrupt.`, { file, dataset, address, reason, ...sizes }, cause ? { cause } : undefined)
}
