// Layout version 4 chunk indexes that layout/chunk-index.ts leaves out: implicit, unfiltered fixed array,
// extensible array (index block and direct data blocks; super blocks and paged blocks are TreeUnsupported) and
// version 2 B-tree. HDF5 spec IV.A.2.i and III.H/III.I. Chunks come back as layout/chunk-index.ts gives them.
import type { StoredChunk } from '../layout/chunk-index.js'
import { LayoutUnreadable, readExact, uint, type RawFile } from '../layout/raw-file.js'
import { btree2Records } from './btree2.js'
import { TreeUnsupported } from './signals.js'

const MAX_CHUNKS = 1_000_000

interface Index {
  file: RawFile
  chunkDims: number[]
  shape: readonly number[]
  chunkBytes: number
  filtered: boolean
}

/** The stored chunks of a version 4 layout with index type 2, 3 (unfiltered), 4 or 5; undefined for others. */
export function v4Chunks(file: RawFile, layout: DataView, shape: readonly number[], elementBytes: number, filtered: boolean): StoredChunk[] | undefined {
  if (layout.getUint8(0) !== 4 || layout.getUint8(1) !== 2) return undefined
  const dims = layout.getUint8(3)
  const encoded = layout.getUint8(4)
  if (dims !== shape.length + 1) throw new LayoutUnreadable('layout dimensionality')
  const chunkDims = Array.from({ length: shape.length }, (_, d) => uint(layout, 5 + d * encoded, encoded) ?? 0)
  if (chunkDims.some((c) => c < 1)) throw new LayoutUnreadable('a chunk dimension of 0')
  const p = 5 + dims * encoded
  const type = layout.getUint8(p)
  const ix: Index = { file, chunkDims, shape, chunkBytes: chunkDims.reduce((a, b) => a * b, elementBytes), filtered }
  const at = (skip: number) => uint(layout, p + 1 + skip, file.offsetSize)
  if (type === 2 && !filtered) {
    const address = at(0)
    const count = grid(shape, chunkDims).reduce((a, b) => a * b, 1)
    if (address === undefined) return []
    if (count > MAX_CHUNKS) throw new LayoutUnreadable('too many chunks')
    return Array.from({ length: count }, (_, i) => ({ offsets: offsetsOf(i, shape, chunkDims), address: address + i * ix.chunkBytes, size: ix.chunkBytes, filterMask: 0 }))
  }
  if (type === 3 && !filtered) {
    const address = at(1)
    return address === undefined ? [] : fixedArray(ix, address)
  }
  if (type === 4) {
    const address = at(5)
    return address === undefined ? [] : extensibleArray(ix, address)
  }
  if (type === 5) {
    const address = at(6)
    return address === undefined ? [] : btree2Chunks(ix, address)
  }
  return undefined
}

function grid(shape: readonly number[], chunkDims: readonly number[]): number[] {
  return shape.map((n, d) => Math.ceil(n / chunkDims[d]))
}

/** The first element of chunk `i` of the C-order chunk grid. */
function offsetsOf(i: number, shape: readonly number[], chunkDims: readonly number[]): number[] {
  const g = grid(shape, chunkDims)
  const out = new Array<number>(g.length)
  for (let d = g.length - 1, rest = i; d >= 0; d--) {
    out[d] = (rest % Math.max(1, g[d])) * chunkDims[d]
    rest = Math.floor(rest / Math.max(1, g[d]))
  }
  return out
}

/** One index element: an address, and for filtered chunks their stored size and filter mask. */
function element(ix: Index, view: DataView, at: number, entrySize: number, i: number, out: StoredChunk[]): void {
  const O = ix.file.offsetSize
  const address = uint(view, at, O)
  if (address === undefined) return // never written: the coverage check refuses the dataset
  const sizeBytes = entrySize - O - 4
  const size = ix.filtered ? (uint(view, at + O, sizeBytes) ?? 0) : ix.chunkBytes
  out.push({ offsets: offsetsOf(i, ix.shape, ix.chunkDims), address, size, filterMask: ix.filtered ? view.getUint32(at + O + sizeBytes, true) : 0 })
}

function fixedArray(ix: Index, address: number): StoredChunk[] {
  const { file } = ix
  const O = file.offsetSize
  const head = readExact(file, file.base + address, 8 + file.lengthSize + O)
  if (head.getUint32(0, true) !== 0x44484146) throw new LayoutUnreadable('not a fixed-array header')
  const entrySize = head.getUint8(6)
  const count = uint(head, 8, file.lengthSize) ?? 0
  if (count > 2 ** head.getUint8(7)) throw new TreeUnsupported('paged fixed-array chunk indexes')
  if (count > MAX_CHUNKS) throw new LayoutUnreadable('too many chunks')
  const blockAddress = uint(head, 8 + file.lengthSize, O)
  if (blockAddress === undefined) return []
  const block = readExact(file, file.base + blockAddress, 6 + O + count * entrySize)
  if (block.getUint32(0, true) !== 0x42444146) throw new LayoutUnreadable('not a fixed-array data block')
  const out: StoredChunk[] = []
  for (let i = 0; i < count; i++) element(ix, block, 6 + O + i * entrySize, entrySize, i, out)
  return out
}

function extensibleArray(ix: Index, address: number): StoredChunk[] {
  const { file } = ix
  const O = file.offsetSize
  const L = file.lengthSize
  const head = readExact(file, file.base + address, 12 + 6 * L + O)
  if (head.getUint32(0, true) !== 0x44484145) throw new LayoutUnreadable('not an extensible-array header')
  const entrySize = head.getUint8(6)
  const maxBits = head.getUint8(7)
  const indexElements = head.getUint8(8)
  const minDataElements = head.getUint8(9)
  const minPointers = head.getUint8(10)
  const pageBits = head.getUint8(11)
  const count = uint(head, 12 + 5 * L, L) ?? 0
  const indexAddress = uint(head, 12 + 6 * L, O)
  if (count > MAX_CHUNKS) throw new LayoutUnreadable('too many chunks')
  if (indexAddress === undefined || count === 0) return []
  const dataPointers = 2 * (minPointers - 1)
  const block = readExact(file, file.base + indexAddress, 6 + O + indexElements * entrySize + dataPointers * O)
  if (block.getUint32(0, true) !== 0x42494145) throw new LayoutUnreadable('not an extensible-array index block')
  const out: StoredChunk[] = []
  for (let i = 0; i < Math.min(count, indexElements); i++) element(ix, block, 6 + O + i * entrySize, entrySize, i, out)
  // Data blocks of the first super blocks: super block s holds 2^floor(s/2) blocks of 2^floor((s+1)/2) * min elements.
  let next = indexElements
  let pointer = 0
  const offsetBytes = Math.ceil(maxBits / 8)
  for (let s = 0; next < count && pointer < dataPointers; s++) {
    const blocks = 2 ** Math.floor(s / 2)
    const elements = 2 ** Math.floor((s + 1) / 2) * minDataElements
    if (elements > 2 ** pageBits) throw new TreeUnsupported('paged extensible-array data blocks')
    for (let b = 0; b < blocks && next < count && pointer < dataPointers; b++, pointer++) {
      const dataAddress = uint(block, 6 + O + indexElements * entrySize + pointer * O, O)
      if (dataAddress !== undefined) {
        const data = readExact(file, file.base + dataAddress, 6 + O + offsetBytes + elements * entrySize)
        if (data.getUint32(0, true) !== 0x42444145) throw new LayoutUnreadable('not an extensible-array data block')
        for (let i = 0; i < elements && next + i < count; i++) element(ix, data, 6 + O + offsetBytes + i * entrySize, entrySize, next + i, out)
      }
      next += elements
    }
  }
  if (next < count) throw new TreeUnsupported('extensible-array super blocks')
  return out
}

function btree2Chunks(ix: Index, address: number): StoredChunk[] {
  const O = ix.file.offsetSize
  const rank = ix.shape.length
  const records = btree2Records(ix.file, address, ix.filtered ? 11 : 10)
  return records.map((r) => {
    const address = uint(r, 0, O)
    if (address === undefined) throw new LayoutUnreadable('undefined chunk address')
    const sizeBytes = ix.filtered ? r.byteLength - O - 4 - 8 * rank : 0
    const scaledAt = O + (ix.filtered ? sizeBytes + 4 : 0)
    const offsets = Array.from({ length: rank }, (_, d) => (uint(r, scaledAt + 8 * d, 8) ?? 0) * ix.chunkDims[d])
    return { offsets, address, size: ix.filtered ? (uint(r, O, sizeBytes) ?? 0) : ix.chunkBytes, filterMask: ix.filtered ? r.getUint32(O + sizeBytes, true) : 0 }
  })
}
