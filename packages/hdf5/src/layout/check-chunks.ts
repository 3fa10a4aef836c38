// HDF5's deflate filter grows its output buffer until the stream ends, so a chunk declared as 48 bytes that
// inflates to 2 GiB costs 2 GiB of the wasm heap and a minute before HDF5 gives up. Before HDF5 reads the chunks
// of a filtered dataset, each chunk that could inflate far beyond its declared size is read here and inflated in
// bounded steps with its output thrown away: it must stop at the declared size. A Fletcher32 checksum is verified on
// the same bytes. Chunk indexes this reader does not walk are left to HDF5 (see chunk-index.ts).
import { CorruptFileError, IntegrityError, LimitExceededError } from '@spikes/core'
import { Unzlib } from 'fflate'
import { parseFilters, storedChunks, type PipelineFilter, type StoredChunk } from './chunk-index.js'
import { DEFLATE_MAX_RATIO, MAX_FILTERED_CHUNK_BYTES } from './chunk-limits.js'
import { MSG_FILTERS, MSG_LAYOUT, readHeaderMessages } from './object-header.js'
import { LayoutUnreadable, readExact, type RawFile } from './raw-file.js'

const DEFLATE = 1
const SHUFFLE = 2
const FLETCHER32 = 3
/** Deflate expands at most ~1032:1; chunks that cannot pass this many bytes are left to HDF5 unread. */
const HARMLESS_INFLATE = 64 * 1024 * 1024
/** Compressed bytes handed to the inflater at once (at most ~16 MiB of output per step). */
const INFLATE_STEP = 16 * 1024

/** What the checks report in errors. */
export interface ChunkSite {
  readonly file: string
  readonly dataset: string
}

/** The dataset's filters and stored chunks, or undefined when its layout is not one this reader walks. */
export interface ChunkPlan {
  readonly filters: PipelineFilter[]
  readonly chunks: StoredChunk[]
}

/** Reads the layout and filter messages of the object at `address` (relative to the base address). */
export function planChunks(file: RawFile, address: number, shape: readonly number[]): ChunkPlan | undefined {
  try {
    const messages = readHeaderMessages(file, address, [MSG_LAYOUT, MSG_FILTERS])
    const layout = messages.get(MSG_LAYOUT)
    const pipeline = messages.get(MSG_FILTERS)
    if (!layout || !pipeline) return undefined
    const filters = parseFilters(pipeline)
    const chunks = storedChunks(file, layout, shape, filters.length > 0)
    return chunks ? { filters, chunks } : undefined
  } catch (error) {
    if (error instanceof LayoutUnreadable || error instanceof RangeError) return undefined
    throw error
  }
}

/** A decoded chunk larger than HDF5 can hold is refused before HDF5 tries (LimitExceededError). */
export function checkChunkBudget(chunkBytes: number, chunkShape: readonly number[], site: ChunkSite): void {
  if (chunkBytes <= MAX_FILTERED_CHUNK_BYTES) return
  throw new LimitExceededError(
    `${site.dataset} in ${site.file} is stored in compressed chunks of ${chunkBytes} bytes (${chunkShape.join(' x ')} elements); HDF5 decodes a whole chunk in memory, and at most ${MAX_FILTERED_CHUNK_BYTES} bytes per chunk are read.`,
    { limit: MAX_FILTERED_CHUNK_BYTES, actual: chunkBytes, what: 'chunk', ...site },
  )
}

/**
 * Checks one stored chunk whose decoded size is `chunkBytes`: its Fletcher32 checksum (when that filter ran last)
 * and that its deflate stream stops at `chunkBytes`. Chunks too small to inflate past the harmless bound are not read.
 */
export function checkChunk(file: RawFile, chunk: StoredChunk, filters: readonly PipelineFilter[], chunkBytes: number, site: ChunkSite, harmless = HARMLESS_INFLATE): void {
  const applied = filters.filter((_, i) => (chunk.filterMask & (1 << i)) === 0).map((f) => f.id)
  const deflateAt = applied.lastIndexOf(DEFLATE)
  const bombRisk = deflateAt >= 0 && chunk.size * DEFLATE_MAX_RATIO > Math.max(harmless, 2 * chunkBytes)
  // Reading back, the last filter applied is undone first: Fletcher32 (h5py's order) sits over the stored bytes.
  const fletcherLast = applied[applied.length - 1] === FLETCHER32
  if (!bombRisk && !(harmless === 0 && fletcherLast)) return
  const where = { ...site, chunk: chunk.offsets, address: chunk.address }
  const raw = readExact(file, file.base + chunk.address, chunk.size)
  let bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)
  if (fletcherLast) {
    if (bytes.length < 4) throw new CorruptFileError(`A chunk of ${site.dataset} in ${site.file} is ${bytes.length} bytes, too short for its Fletcher32 checksum.`, where)
    const stored = raw.getUint32(bytes.length - 4, true)
    bytes = bytes.subarray(0, bytes.length - 4)
    const actual = fletcher32(bytes)
    if (stored !== actual && stored !== swapPairs(actual)) {
      throw new IntegrityError(`A chunk of ${site.dataset} in ${site.file} (at [${chunk.offsets.join(', ')}]) fails its Fletcher32 checksum: stored ${hex(stored)}, computed ${hex(actual)}. The file is damaged.`, { ...where, expected: hex(stored), actual: hex(actual) })
    }
  }
  // Deflate must be the next filter undone; filters applied before it (shuffle) keep the size, others make it unknown.
  const after = applied.slice(deflateAt + 1)
  if (deflateAt < 0 || after.some((id) => id !== FLETCHER32)) return
  boundedInflate(bytes, chunkBytes, applied.slice(0, deflateAt).every((id) => id === SHUFFLE), site, where)
}

function boundedInflate(bytes: Uint8Array, limit: number, exact: boolean, site: ChunkSite, where: Record<string, unknown>): void {
  let total = 0
  const stream = new Unzlib()
  stream.ondata = (out: Uint8Array) => {
    total += out.length
    if (exact && total > limit) {
      throw new CorruptFileError(`A chunk of ${site.dataset} in ${site.file} declares ${limit} bytes but its deflate stream inflates to more (stopped at ${total}); the file is corrupt or a decompression bomb.`, { ...where, expected: limit, actual: total })
    }
  }
  try {
    for (let p = 0; p < bytes.length; p += INFLATE_STEP) stream.push(bytes.subarray(p, Math.min(bytes.length, p + INFLATE_STEP)), p + INFLATE_STEP >= bytes.length)
  } catch (error) {
    if (error instanceof CorruptFileError) throw error
    throw new CorruptFileError(`A chunk of ${site.dataset} in ${site.file} is not a valid deflate stream (${(error as Error)?.message ?? error}).`, where)
  }
}

/** HDF5's Fletcher32 (H5_checksum_fletcher32): 16-bit big-endian words, an odd last byte as the high byte. */
export function fletcher32(data: Uint8Array): number {
  let sum1 = 0
  let sum2 = 0
  let i = 0
  let words = data.length >> 1
  while (words > 0) {
    let n = Math.min(words, 360)
    words -= n
    while (n--) {
      sum1 += (data[i] << 8) | data[i + 1]
      sum2 += sum1
      i += 2
    }
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16)
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16)
  }
  if (data.length & 1) {
    sum1 += data[i] << 8
    sum2 += sum1
    sum1 = (sum1 & 0xffff) + (sum1 >>> 16)
    sum2 = (sum2 & 0xffff) + (sum2 >>> 16)
  }
  sum1 = (sum1 & 0xffff) + (sum1 >>> 16)
  sum2 = (sum2 & 0xffff) + (sum2 >>> 16)
  return ((sum2 << 16) | sum1) >>> 0
}

/** The byte-swapped checksum old HDF5 versions wrote (HDF5 accepts both). */
function swapPairs(v: number): number {
  return (((v & 0xff) << 8) | ((v >>> 8) & 0xff) | ((v & 0xff0000) << 8) | ((v >>> 8) & 0xff0000)) >>> 0
}

function hex(v: number): string {
  return v.toString(16).padStart(8, '0')
}
