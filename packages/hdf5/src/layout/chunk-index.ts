import { gatherMisses } from '../tree/signals.js'
import { LayoutUnreadable, readExact, uint, type RawFile } from './raw-file.js'

/** One stored chunk: its first element per dimension, where its (filtered) bytes are, and which filters it skipped. */
export interface StoredChunk {
  readonly offsets: number[]
  readonly address: number
  readonly size: number
  /** Bit i set: filter i of the pipeline was not applied to this chunk. */
  readonly filterMask: number
}

/** One filter of a dataset's pipeline, in the order it was applied when writing. */
export interface PipelineFilter {
  readonly id: number
  readonly optional: boolean
}

/** Chunk index entries read at most (a larger index is left to HDF5 unchecked). */
const MAX_CHUNKS = 1_000_000

/** The filter pipeline message (versions 1 and 2). */
export function parseFilters(view: DataView): PipelineFilter[] {
  const version = view.getUint8(0)
  const count = view.getUint8(1)
  const out: PipelineFilter[] = []
  let p = version === 1 ? 8 : 2
  for (let i = 0; i < count; i++) {
    const id = view.getUint16(p, true)
    const hasName = version === 1 || id >= 256
    const nameLength = hasName ? view.getUint16(p + 2, true) : 0
    p += hasName ? 4 : 2
    const flags = view.getUint16(p, true)
    const values = view.getUint16(p + 2, true)
    p += 4
    p += version === 1 ? Math.ceil(nameLength / 8) * 8 : nameLength
    p += values * 4 + (version === 1 && values % 2 ? 4 : 0)
    out.push({ id, optional: (flags & 1) !== 0 })
  }
  return out
}

/**
 * The stored chunks of a chunked dataset from its layout message: version 3 (B-tree v1 index) and version 4 with a
 * single-chunk or unpaged fixed-array index. Other indexes (implicit, extensible array, B-tree v2) and other layouts
 * give undefined: HDF5 reads them unchecked.
 */
export function storedChunks(file: RawFile, layout: DataView, shape: readonly number[], filtered: boolean): StoredChunk[] | undefined {
  const rank = shape.length
  const version = layout.getUint8(0)
  if (layout.getUint8(1) !== 2) return undefined
  const O = file.offsetSize
  if (version === 3) {
    if (layout.getUint8(2) !== rank + 1) throw new LayoutUnreadable('layout dimensionality')
    const root = uint(layout, 3, O)
    return root === undefined ? [] : btreeChunks(file, root, rank)
  }
  if (version !== 4) return undefined
  const flags = layout.getUint8(2)
  const dims = layout.getUint8(3)
  const encoded = layout.getUint8(4)
  if (dims !== rank + 1) throw new LayoutUnreadable('layout dimensionality')
  let p = 5 + dims * encoded
  const chunkDims: number[] = []
  for (let d = 0; d < rank; d++) chunkDims.push(uint(layout, 5 + d * encoded, encoded) ?? 0)
  const indexType = layout.getUint8(p++)
  if (indexType === 1) {
    let size: number | undefined
    let mask = 0
    if (flags & 2) {
      size = uint(layout, p, file.lengthSize)
      mask = layout.getUint32(p + file.lengthSize, true)
      p += file.lengthSize + 4
    }
    const address = uint(layout, p, O)
    if (address === undefined) return []
    return size === undefined ? undefined : [{ offsets: chunkDims.map(() => 0), address, size, filterMask: mask }]
  }
  if (indexType === 3 && filtered) {
    const address = uint(layout, p + 1, O)
    return address === undefined ? [] : fixedArrayChunks(file, address, chunkDims, shape)
  }
  return undefined
}

/** Walks a version 1 B-tree of chunks (node type 1), each node once. */
function btreeChunks(file: RawFile, root: number, rank: number): StoredChunk[] {
  const O = file.offsetSize
  const keyBytes = 8 + (rank + 1) * 8
  const out: StoredChunk[] = []
  const seen = new Set<number>()
  const visit = (address: number, depth: number): void => {
    if (seen.has(address) || depth > 64) throw new LayoutUnreadable('the chunk B-tree loops')
    seen.add(address)
    const head = readExact(file, file.base + address, 8 + 2 * O)
    if (head.getUint32(0, true) !== 0x45455254 || head.getUint8(4) !== 1) throw new LayoutUnreadable('not a chunk B-tree node')
    const level = head.getUint8(5)
    const entries = head.getUint16(6, true)
    if (out.length + entries > MAX_CHUNKS) throw new LayoutUnreadable('too many chunks')
    const body = readExact(file, file.base + address + 8 + 2 * O, entries * (keyBytes + O) + keyBytes)
    if (level > 0) {
      const children = Array.from({ length: entries }, (_, i) => uint(body, i * (keyBytes + O) + keyBytes, O))
      if (children.includes(undefined)) throw new LayoutUnreadable('undefined child address')
      // Every child of a level is read before a miss is reported: the tree reader fetches a level in one round.
      gatherMisses(children as number[], (child) => visit(child, depth + 1))
      return
    }
    for (let i = 0; i < entries; i++) {
      const k = i * (keyBytes + O)
      const child = uint(body, k + keyBytes, O)
      if (child === undefined) throw new LayoutUnreadable('undefined child address')
      const offsets: number[] = []
      for (let d = 0; d < rank; d++) offsets.push(uint(body, k + 8 + d * 8, 8) ?? 0)
      out.push({ offsets, address: child, size: body.getUint32(k, true), filterMask: body.getUint32(k + 4, true) })
    }
  }
  visit(root, 0)
  return out
}

/** A version 4 fixed-array index of filtered chunks (FAHD + FADB), unpaged; chunks in C order of the chunk grid. */
function fixedArrayChunks(file: RawFile, headerAddress: number, chunkDims: number[], shape: readonly number[]): StoredChunk[] | undefined {
  const O = file.offsetSize
  const L = file.lengthSize
  const head = readExact(file, file.base + headerAddress, 8 + L + O)
  if (head.getUint32(0, true) !== 0x44484146 || head.getUint8(5) !== 1) throw new LayoutUnreadable('not a filtered fixed-array header')
  const entrySize = head.getUint8(6)
  const pageBits = head.getUint8(7)
  const count = uint(head, 8, L) ?? 0
  if (count > 2 ** pageBits) return undefined // paged: left to HDF5
  if (count > MAX_CHUNKS) throw new LayoutUnreadable('too many chunks')
  const blockAddress = uint(head, 8 + L, O)
  if (blockAddress === undefined) return []
  const prefix = 6 + O
  const block = readExact(file, file.base + blockAddress, prefix + count * entrySize)
  if (block.getUint32(0, true) !== 0x42444146) throw new LayoutUnreadable('not a fixed-array data block')
  return chunkGridEntries(block, prefix, count, entrySize, O, chunkDims, shape)
}

function chunkGridEntries(block: DataView, prefix: number, count: number, entrySize: number, O: number, chunkDims: number[], shape: readonly number[]): StoredChunk[] {
  const sizeBytes = entrySize - O - 4
  const grid = shape.map((n, d) => Math.max(1, Math.ceil(n / Math.max(1, chunkDims[d]))))
  const out: StoredChunk[] = []
  for (let i = 0; i < count; i++) {
    const at = prefix + i * entrySize
    const address = uint(block, at, O)
    if (address === undefined) continue
    const offsets = new Array<number>(grid.length)
    for (let d = grid.length - 1, rest = i; d >= 0; d--) {
      offsets[d] = (rest % grid[d]) * chunkDims[d]
      rest = Math.floor(rest / grid[d])
    }
    out.push({ offsets, address, size: uint(block, at + O, sizeBytes) ?? 0, filterMask: block.getUint32(at + O + sizeBytes, true) })
  }
  return out
}
