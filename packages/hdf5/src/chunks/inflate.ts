// Inflating HDF5 deflate chunks (zlib streams) off the calling thread. Node: zlib's asynchronous one-shot
// inflate, which runs on libuv's thread pool (native threads, 4 by default), so as many chunks inflate at
// once as there are cores, with no worker start-up and no copy of the input to another isolate. Browsers:
// DecompressionStream('deflate'), read straight into a buffer of the chunk's size.
import { CorruptFileError } from '@spikes/core'
import { isNode, nodeImport } from '../runtime.js'

/** Inflates `bytes` into at most `maxBytes` bytes; more is a corrupt chunk. */
export type Inflate = (bytes: Uint8Array, maxBytes: number) => Promise<Uint8Array>

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

async function nodeInflater(): Promise<Inflater> {
  const zlib = await nodeImport<typeof import('node:zlib')>('node:zlib')
  const os = await nodeImport<typeof import('node:os')>('node:os')
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  const inflate: Inflate = (bytes, maxBytes) =>
    new Promise((resolve, reject) => {
      zlib.inflate(bytes, { maxOutputLength: Math.max(1, maxBytes) }, (error, result) => {
        if (error) reject(error)
        else resolve(new Uint8Array(result.buffer, result.byteOffset, result.byteLength))
      })
    })
  return { inflate, parallelism: Math.max(1, Math.min(cores, 4)) }
}

function streamInflater(): Inflater | null {
  if (typeof DecompressionStream === 'undefined') return null
  const inflate: Inflate = async (bytes, maxBytes) => {
    const out = new Uint8Array(maxBytes)
    const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate')).getReader()
    let length = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (length + value.length > maxBytes) {
        await reader.cancel()
        throw new RangeError(`inflates to more than ${maxBytes} bytes`)
      }
      out.set(value, length)
      length += value.length
    }
    return out.subarray(0, length)
  }
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 2
  return { inflate, parallelism: Math.max(1, Math.min(cores, 4)) }
}

/** A typed error for a chunk that does not inflate to its size. */
export function badChunk(file: string, dataset: string, address: number, reason: string, cause?: unknown): CorruptFileError {
  return new CorruptFileError(`The chunk of ${dataset} at byte ${address} of ${file} does not decompress (${reason}). The file is truncated or corrupt.`, { file, dataset, address, reason }, cause ? { cause } : undefined)
}
