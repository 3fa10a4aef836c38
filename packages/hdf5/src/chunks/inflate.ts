// Inflating HDF5 deflate chunks (zlib streams) off the calling thread. Node: zlib's asynchronous one-shot
// inflate, which runs on libuv's thread pool (native threads, 4 by default), so as many chunks inflate at
// once as there are cores, with no worker start-up and no copy of the input to another isolate. Browsers:
// DecompressionStream('deflate'), read straight into a buffer of the chunk's size.
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

// zlib's smallest output size is 64 bytes; below a few pages the copy costs nothing anyway.
const MIN_DIRECT_BYTES = 16 * 1024

/**
 * Lets the zlib stream write its first output buffer straight into `into`: on libuv's pool threads, so the
 * first writes to the fresh output pages are made there, in parallel, and nothing is copied on the main
 * thread. Node's zlib streams hold that buffer in `_outBuffer` (Node 12 to 22); when the stream does not
 * look as expected, it keeps its own buffer and the sink copies, as before.
 */
function outputInto(stream: object, into: Uint8Array, NodeBuffer: typeof Buffer): void {
  const internals = stream as { _outBuffer?: unknown; _outOffset?: unknown; _chunkSize?: unknown }
  const own = internals._outBuffer
  if (!(own instanceof Uint8Array) || own.length !== into.length || internals._outOffset !== 0 || internals._chunkSize !== into.length) return
  internals._outBuffer = NodeBuffer.from(into.buffer, into.byteOffset, into.length)
}

async function nodeInflater(): Promise<Inflater> {
  const zlib = await nodeImport<typeof import('node:zlib')>('node:zlib')
  const os = await nodeImport<typeof import('node:os')>('node:os')
  const { Buffer: NodeBuffer } = await nodeImport<typeof import('node:buffer')>('node:buffer')
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  const inflate: Inflate = (bytes, sink, maxBytes, into) =>
    new Promise((resolve, reject) => {
      const direct = into !== undefined && into.length === maxBytes && maxBytes >= MIN_DIRECT_BYTES
      const stream = zlib.createInflate({ chunkSize: direct ? maxBytes : PIECE_BYTES })
      if (direct) outputInto(stream, into, NodeBuffer)
      let produced = 0
      stream.on('data', (piece: Buffer) => {
        produced += piece.length
        if (produced > maxBytes) return stream.destroy(new InflateOverflow(maxBytes, produced))
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
