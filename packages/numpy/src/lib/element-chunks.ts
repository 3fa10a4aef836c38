import { InvalidArgumentError, UnsupportedError, throwIfAborted, type ByteSource } from '@spikes/core'
import { checkDataSize, type NpyHeader } from './header.js'
import { orderIsIrrelevant } from './order.js'

/** One chunk of raw element bytes from readNpyByteChunks. */
export interface NpyByteChunk {
  /** Index of the chunk's first element in the flattened (C-order) array. */
  readonly start: number
  /** Elements in this chunk. */
  readonly count: number
  /** The elements' raw bytes, in the file's byte order (count * itemsize bytes). */
  readonly bytes: Uint8Array
}

/** Options both chunked readers share. */
export interface ChunkReadOptions {
  /** Elements per chunk (default: 1 Mi). */
  chunkLength?: number
  /** Checked before each chunk is read; an abort throws AbortedError. */
  signal?: AbortSignal
  /**
   * True: the chunks are views of two buffers the reader allocates once and reuses in turn (the next
   * chunk is read while the caller works on this one), so a chunk is valid only until the next one is
   * asked for. Nothing is allocated per chunk when the source has `readInto`. Default false: each chunk
   * is the caller's to keep.
   */
  reuse?: boolean
}

const ignore = (): void => {}

/** Whole elements' bytes, chunk by chunk, after the checks both chunked readers share (order, size, chunk length). */
export async function* elementChunks(source: ByteSource, header: NpyHeader, options: ChunkReadOptions): AsyncGenerator<NpyByteChunk, void, void> {
  const name = source.name
  if (header.fortranOrder && !orderIsIrrelevant(header.shape)) throw new UnsupportedError('npy-chunks-order', `${name}: chunked reading of a Fortran-ordered ${header.shape.length}-D array is not supported; use readNpy.`, { file: name, shape: [...header.shape] })
  checkDataSize(header, (await source.size()) - header.dataOffset, name)
  const length = options.chunkLength ?? 1024 * 1024
  if (!Number.isSafeInteger(length) || length < 1) throw new InvalidArgumentError('chunkLength', length, 'a positive integer')
  const itemsize = header.dtype.itemsize
  const total = header.count
  if (total === 0) return
  const readInto = options.reuse && source.readInto ? source.readInto.bind(source) : undefined
  const chunkBytes = Math.min(length, total) * itemsize
  const buffers = readInto ? [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)] : []
  const read = async (k: number): Promise<NpyByteChunk> => {
    throwIfAborted(options.signal, `Reading ${name}`)
    const start = k * length
    const count = Math.min(length, total - start)
    const offset = header.dataOffset + start * itemsize
    const bytes = readInto ? buffers[k % 2].subarray(0, await readInto(offset, buffers[k % 2].subarray(0, count * itemsize))) : await source.read(offset, count * itemsize)
    if (bytes.length < count * itemsize) checkDataSize(header, start * itemsize + bytes.length, name)
    return { start, count, bytes }
  }
  const chunks = Math.ceil(total / length)
  let pending: Promise<NpyByteChunk> | undefined
  try {
    for (let k = 0; k < chunks; k++) {
      if (pending) throwIfAborted(options.signal, `Reading ${name}`) // an abort while the caller worked stops here
      const chunk = await (pending ?? read(k))
      pending = undefined
      if (options.reuse && k + 1 < chunks) {
        pending = read(k + 1)
        // A caller that stops early may never await it; its failure then must not surface as unhandled.
        pending.catch(ignore)
      }
      yield chunk
    }
  } finally {
    // Early stop: let the read in flight settle before the caller closes the source.
    if (pending) await pending.catch(ignore)
  }
}
