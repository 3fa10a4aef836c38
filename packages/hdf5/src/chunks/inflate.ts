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
 * is a corrupt chunk. Resolves with the number of bytes produced.
 */
export type Inflate = (bytes: Uint8Array, sink: (piece: Uint8Array) => void, maxBytes: number) => Promise<number>

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

async function nodeInflater(): Promise<Inflater> {
  const zlib = await nodeImport<typeof import('node:zlib')>('node:zlib')
  const os = await nodeImport<typeof import('node:os')>('node:os')
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  const inflate: Inflate = (bytes, sink, maxBytes) =>
    new Promise((resolve, reject) => {
      const stream = zlib.createInflate({ chunkSize: PIECE_BYTES })
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
