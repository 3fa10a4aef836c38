import type { FileContext } from '../context.js'
import { checkChunk, checkChunkBudget, planChunks, type ChunkPlan } from './check-chunks.js'
import { openRawFile, type RawFile } from './raw-file.js'

/** What a dataset remembers between reads: its chunk plan (null when not walkable) and the chunks already checked. */
export interface ChunkState {
  plan?: ChunkPlan | null
  readonly checked: Set<number>
}

/** The dataset facts the checks need. */
export interface ChunkedDataset {
  readonly path: string
  readonly shape: number[] | null
  readonly chunks: number[] | null
  readonly itemBytes: number
  readonly filterCount: number
}

/** The header address of the object at `path` (relative to the base address), from an HDF5 object reference. */
export function objectAddressOf(ctx: FileContext, path: string): number | null {
  let bytes: ArrayLike<number>
  try {
    bytes = ctx.M.create_object_reference(ctx.fileId, path) // an Array of 8 bytes (little-endian haddr_t)
  } catch {
    return null
  }
  if (!bytes || typeof bytes.length !== 'number' || bytes.length < 8) return null
  let address = 0
  for (let i = 7; i >= 0; i--) address = address * 256 + (Number(bytes[i]) & 0xff)
  return address
}

/**
 * Before HDF5 reads [start, start + count) of a filtered chunked dataset: the decoded chunk size must fit the budget
 * (LimitExceededError), and each stored chunk the selection touches is checked once (check-chunks.ts).
 */
export function checkChunksBeforeRead(ctx: FileContext, ds: ChunkedDataset, start: readonly number[], count: readonly number[], state: ChunkState, harmless?: number): void {
  const { chunks, shape } = ds
  if (!chunks || !shape || ds.filterCount === 0 || count.some((c) => c === 0)) return
  const site = { file: ctx.name, dataset: ds.path }
  checkChunkBudget(chunks.reduce((a, b) => a * b, ds.itemBytes), chunks, site)
  if (state.plan === null || ctx.filename === undefined || !ctx.M.FS) return
  withFsStream(ctx, (read) => {
    let file: RawFile
    try {
      file = openRawFile(read, ctx.signatureAt ?? 0, ctx.size)
    } catch {
      state.plan = null
      return
    }
    if (state.plan === undefined) {
      const address = objectAddressOf(ctx, ds.path)
      state.plan = address === null ? null : (planChunks(file, address, shape) ?? null)
      if (state.plan === null) return
    }
    const plan = state.plan
    if (!plan) return
    const chunkBytes = chunks.reduce((a, b) => a * b, ds.itemBytes)
    for (const chunk of plan.chunks) {
      if (state.checked.has(chunk.address) || !touches(chunk.offsets, chunks, start, count)) continue
      checkChunk(file, chunk, plan.filters, chunkBytes, site, harmless)
      if (harmless === undefined) state.checked.add(chunk.address)
    }
  })
}

/**
 * The filters and stored chunks of the dataset at `path` with the file's base address (chunk addresses are
 * relative to it), read through h5wasm's FS; null when the layout is not one chunk-index.ts walks.
 */
export function readChunkPlan(ctx: FileContext, path: string, shape: readonly number[]): { plan: ChunkPlan; base: number } | null {
  if (ctx.filename === undefined || !ctx.M.FS) return null
  return withFsStream(ctx, (read) => {
    let file: RawFile
    try {
      file = openRawFile(read, ctx.signatureAt ?? 0, ctx.size)
    } catch {
      return null
    }
    const address = objectAddressOf(ctx, path)
    const plan = address === null ? undefined : planChunks(file, address, shape)
    return plan ? { plan, base: file.base } : null
  })
}

/** Runs `fn` with synchronous reads of the open file through h5wasm's FS (local, WORKERFS or a remote mount). */
function withFsStream<T>(ctx: FileContext, fn: (read: (offset: number, length: number) => Uint8Array) => T): T {
  const FS = ctx.M.FS!
  const stream = FS.open(ctx.filename!, 'r')
  try {
    return fn((offset, length) => {
      const out = new Uint8Array(length)
      let done = 0
      while (done < length) {
        const n = FS.read(stream, out, done, length - done, offset + done)
        if (n <= 0) break
        done += n
      }
      return out.subarray(0, done)
    })
  } finally {
    FS.close(stream)
  }
}

function touches(offsets: readonly number[], chunks: readonly number[], start: readonly number[], count: readonly number[]): boolean {
  return offsets.every((o, d) => o < start[d] + count[d] && o + chunks[d] > start[d])
}

/**
 * HDF5 reports a failed filter without saying which: when a read of [start, start + count) failed in the filter
 * pipeline, its chunks are checked fully here (every Fletcher32 checksum, every deflate stream), so that a damaged
 * chunk becomes an IntegrityError or a CorruptFileError naming it. Returns quietly when nothing is found.
 */
export function diagnoseFilterFailure(ctx: FileContext, ds: ChunkedDataset, start: readonly number[], count: readonly number[], state: ChunkState): void {
  checkChunksBeforeRead(ctx, ds, start, count, { plan: state.plan, checked: new Set() }, 0)
}
