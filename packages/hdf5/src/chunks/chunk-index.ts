// The chunks of a chunked dataset, read from its layout message: version 3 (HDF5 1.8-style files, the
// default of h5py and pynwb) indexes chunks with a version 1 B-tree ("TREE" nodes of type 1); version 4
// with a single chunk is read too. Other indexes (fixed/extensible arrays, version 2 B-trees) return null
// and the caller reads through h5wasm.
import { readHeaderMessages, layoutMessage, readUint, type ReadBytes, type Superblock } from './object-header.js'

/** One stored chunk: its first element per dimension, where its (filtered) bytes are, and skipped filters. */
export interface ChunkEntry {
  offset: number[]
  /** Absolute position in the file. */
  address: number
  size: number
  /** Bit i set: filter i of the pipeline was not applied to this chunk. */
  filterMask: number
}

const CHUNKED = 2
const MAX_DEPTH = 32

/** The chunk list of the dataset whose object header is at `address`, or null when its index is not handled. */
export async function readChunkIndex(read: ReadBytes, sb: Superblock, address: number, rank: number): Promise<ChunkEntry[] | null> {
  const messages = await readHeaderMessages(read, sb, address)
  const layout = messages && layoutMessage(messages)
  if (!layout || layout[1] !== CHUNKED) return null
  if (layout[0] === 3) {
    const dims = layout[2]
    const btree = readUint(layout, 3, sb.offsetSize)
    if (dims !== rank + 1 || btree === null) return null
    const chunks: ChunkEntry[] = []
    const ok = await walkBtree(read, sb, btree, dims, chunks, new Set(), 0)
    return ok ? chunks : null
  }
  if (layout[0] === 4) return singleChunk(layout, sb, rank)
  return null
}

/** Layout version 4, indexing type 1 (one chunk holds the whole dataset). */
function singleChunk(layout: Uint8Array, sb: Superblock, rank: number): ChunkEntry[] | null {
  const flags = layout[2]
  const dims = layout[3]
  const encoded = layout[4]
  if (dims !== rank + 1) return null
  let p = 5 + dims * encoded
  if (layout[p++] !== 1) return null
  let size: number | null = null
  let filterMask = 0
  if (flags & 0x02) {
    size = readUint(layout, p, sb.lengthSize)
    filterMask = readUint(layout, p + sb.lengthSize, 4) ?? 0
    p += sb.lengthSize + 4
  }
  const address = readUint(layout, p, sb.offsetSize)
  if (address === null || size === null) return null
  return checked([{ offset: new Array(rank).fill(0), address: sb.base + address, size, filterMask }], sb)
}

async function walkBtree(read: ReadBytes, sb: Superblock, address: number, dims: number, out: ChunkEntry[], seen: Set<number>, depth: number): Promise<boolean> {
  if (depth > MAX_DEPTH || seen.has(address)) return false
  seen.add(address)
  const at = sb.base + address
  const headBytes = 8 + 2 * sb.offsetSize
  const head = await read(at, headBytes)
  if (head.length < headBytes || String.fromCharCode(head[0], head[1], head[2], head[3]) !== 'TREE' || head[4] !== 1) return false
  const level = head[5]
  const entries = head[6] | (head[7] << 8)
  const keyBytes = 8 + 8 * dims
  const length = entries * (keyBytes + sb.offsetSize) + keyBytes
  if (at + headBytes + length > sb.fileSize) return false
  const body = await read(at + headBytes, length)
  if (body.length < length) return false
  for (let i = 0; i < entries; i++) {
    const k = i * (keyBytes + sb.offsetSize)
    const child = readUint(body, k + keyBytes, sb.offsetSize)
    if (child === null) return false
    if (level > 0) {
      if (!(await walkBtree(read, sb, child, dims, out, seen, depth + 1))) return false
      continue
    }
    const size = readUint(body, k, 4)
    const filterMask = readUint(body, k + 4, 4)
    const offset: number[] = []
    for (let d = 0; d < dims - 1; d++) {
      const v = readUint(body, k + 8 + 8 * d, 8)
      if (v === null) return false
      offset.push(v)
    }
    if (size === null || filterMask === null) return false
    out.push({ offset, address: sb.base + child, size, filterMask })
  }
  return level > 0 || checked(out, sb) !== null
}

/** Chunks whose bytes lie outside the file make the index unusable here (h5wasm then reports the damage). */
function checked(chunks: ChunkEntry[], sb: Superblock): ChunkEntry[] | null {
  return chunks.every((c) => c.size > 0 && c.address + c.size <= sb.fileSize) ? chunks : null
}
