// Where a dataset's bytes are (compact, contiguous, chunked) and how to get its elements' bytes: a synchronous
// plan over the block cache (settled like any parse), then asynchronous reads and inflates.
import { storedChunks, type StoredChunk } from '../layout/chunk-index.js'
import { DEFLATE_MAX_RATIO, MAX_FILTERED_CHUNK_BYTES } from '../layout/chunk-limits.js'
import { LayoutUnreadable, uint } from '../layout/raw-file.js'
import { v4Chunks } from './chunk-index-v4.js'
import type { TreeContext } from './context.js'
import type { DatasetInfo } from './object.js'
import { TreeUnsupported } from './signals.js'

const DEFLATE = 1

/** A dataset's bytes: in the header (compact), one run of the file (contiguous), or stored chunks. */
export type StoragePlan = { kind: 'compact'; bytes: Uint8Array } | { kind: 'contiguous'; address: number } | { kind: 'chunked'; chunks: StoredChunk[]; chunkShape: number[] }

/** The bytes the dataset's elements take (elements x element size). */
export function datasetBytes(info: DatasetInfo): number {
  return info.shape.reduce((a, b) => a * b, 1) * (info.dtype?.bytes ?? 0)
}

/**
 * The dataset's storage plan, checked against the file before anything is allocated: contiguous data must lie
 * in the file; chunks must be of a sane size, each could really decode to its share, and together cover the
 * dataset (a missing chunk would read as fill values: TreeUnsupported).
 */
export function planStorage(ctx: TreeContext, info: DatasetInfo): StoragePlan {
  const layout = info.layout
  if (!layout || !info.dtype) throw new TreeUnsupported(info.unsupported ?? 'this dataset')
  const version = layout.getUint8(0)
  if (version !== 3 && version !== 4) throw new TreeUnsupported(`layout version ${version}`)
  const cls = layout.getUint8(1)
  const total = datasetBytes(info)
  const O = ctx.file.offsetSize
  const size = ctx.cache.size
  if (cls === 0) {
    const length = layout.getUint16(2, true)
    if (length < total || 4 + length > layout.byteLength) throw new LayoutUnreadable('compact data shorter than the dataset')
    return { kind: 'compact', bytes: new Uint8Array(layout.buffer, layout.byteOffset + 4, total) }
  }
  if (cls === 1) {
    const address = uint(layout, 2, O)
    if (total === 0) return { kind: 'compact', bytes: new Uint8Array(0) }
    if (address === undefined) throw new TreeUnsupported('unwritten (fill-value) data')
    if (ctx.file.base + address + total > size) throw new LayoutUnreadable('contiguous data past the end of the file')
    return { kind: 'contiguous', address }
  }
  if (cls !== 2 || !info.chunks) throw new TreeUnsupported(`storage layout class ${cls}`)
  const chunkShape = info.chunks
  const filtered = info.filters.length > 0
  const chunks = storedChunks(ctx.file, layout, info.shape, filtered) ?? v4Chunks(ctx.file, layout, info.shape, info.dtype.bytes, filtered)
  if (!chunks) throw new TreeUnsupported('this chunk index')
  const chunkBytes = chunkShape.reduce((a, b) => a * b, info.dtype.bytes)
  if (chunkBytes > MAX_FILTERED_CHUNK_BYTES) throw new TreeUnsupported('chunks over 1 GiB')
  const deflated = info.filters.some((f) => f.id === DEFLATE)
  for (const c of chunks) {
    if (ctx.file.base + c.address + c.size > size) throw new LayoutUnreadable('a chunk lies past the end of the file')
    if (deflated ? c.size * DEFLATE_MAX_RATIO < chunkBytes : c.size < chunkBytes) throw new LayoutUnreadable('a chunk too small for its elements')
  }
  if (!coversAll(chunks, info.shape, chunkShape)) throw new TreeUnsupported('datasets with unwritten chunks')
  return { kind: 'chunked', chunks, chunkShape }
}

function coversAll(chunks: readonly StoredChunk[], shape: readonly number[], chunkShape: readonly number[]): boolean {
  const grid = shape.map((n, d) => Math.ceil(n / Math.max(1, chunkShape[d])))
  const expected = grid.reduce((a, b) => a * b, 1)
  if (chunks.length !== expected) return false
  const seen = new Set<number>()
  for (const c of chunks) {
    let index = 0
    for (let d = 0; d < shape.length; d++) {
      const o = c.offsets[d]
      if (o % chunkShape[d] !== 0 || o >= shape[d]) return false
      index = index * grid[d] + o / chunkShape[d]
    }
    if (seen.has(index)) return false
    seen.add(index)
  }
  return true
}
