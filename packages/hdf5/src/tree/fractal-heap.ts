// Fractal heaps (HDF5 spec III.G) as dense groups and dense attribute storage use them: the objects that heap IDs
// name, for managed objects in direct blocks (reached from the root, directly or through indirect blocks) and tiny
// objects stored in the ID itself. Filtered heaps and huge objects are TreeUnsupported.
import { LayoutUnreadable, readExact, uint, type RawFile } from '../layout/raw-file.js'
import { TreeUnsupported } from './signals.js'

interface Heap {
  idLength: number
  offsetBytes: number
  lengthBytes: number
  /** Direct blocks: heap-space offset, size, file address. */
  blocks: { offset: number; size: number; address: number }[]
}

const MAX_BLOCKS = 100_000

function log2(n: number): number {
  return Math.floor(Math.log2(Math.max(1, n)))
}

/** The fractal heap whose header is at `address` (relative to the base). */
export function readFractalHeap(file: RawFile, address: number): Heap {
  const O = file.offsetSize
  const L = file.lengthSize
  const head = readExact(file, file.base + address, 22 + 12 * L + 3 * O)
  if (head.getUint32(0, true) !== 0x50485246) throw new LayoutUnreadable('not a fractal heap header')
  const idLength = head.getUint16(5, true)
  if (head.getUint16(7, true) !== 0) throw new TreeUnsupported('filtered fractal heaps')
  const maxManaged = head.getUint32(10, true)
  let p = 14 + L + O + L + O + 8 * L
  const width = head.getUint16(p, true)
  const startSize = uint(head, p + 2, L) ?? 0
  const maxDirect = uint(head, p + 2 + L, L) ?? 0
  const maxHeapBits = head.getUint16(p + 2 + 2 * L, true)
  p += 2 + 2 * L + 4
  const root = uint(head, p, O)
  const rows = head.getUint16(p + O, true)
  if (width === 0 || width > 1024 || startSize < 1 || maxDirect < startSize || maxHeapBits > 64) throw new LayoutUnreadable('fractal heap table')
  const offsetBytes = Math.ceil(maxHeapBits / 8)
  const lengthBytes = Math.min(Math.floor((log2(maxDirect) + 7) / 8), Math.floor(log2(maxManaged) / 8) + 1)
  const heap: Heap = { idLength, offsetBytes, lengthBytes, blocks: [] }
  if (root === undefined) return heap
  if (rows === 0) {
    heap.blocks.push({ offset: 0, size: startSize, address: root })
    return heap
  }
  const table = { width, startSize, maxDirect, offsetBytes }
  indirect(file, root, rows, 0, table, heap, 0)
  return heap
}

function rowSize(row: number, startSize: number): number {
  return startSize * 2 ** Math.max(0, row - 1)
}

function indirect(file: RawFile, address: number, rows: number, offset: number, t: { width: number; startSize: number; maxDirect: number; offsetBytes: number }, heap: Heap, depth: number): void {
  if (depth > 8) throw new LayoutUnreadable('fractal heap indirect blocks nest too deep')
  const O = file.offsetSize
  const directRows = Math.min(rows, log2(t.maxDirect) - log2(t.startSize) + 2)
  const entries = rows * t.width
  const prefix = 5 + O + t.offsetBytes
  const view = readExact(file, file.base + address, prefix + entries * O)
  if (view.getUint32(0, true) !== 0x42494846) throw new LayoutUnreadable('not a fractal heap indirect block')
  let at = offset
  for (let r = 0; r < rows; r++) {
    const size = rowSize(r, t.startSize)
    for (let c = 0; c < t.width; c++) {
      const child = uint(view, prefix + (r * t.width + c) * O, O)
      if (child !== undefined) {
        if (heap.blocks.length >= MAX_BLOCKS) throw new LayoutUnreadable('too many fractal heap blocks')
        if (r < directRows) heap.blocks.push({ offset: at, size, address: child })
        else indirect(file, child, log2(size) - log2(t.startSize) - log2(t.width) + 1, at, t, heap, depth + 1)
      }
      at += size
    }
  }
}

/** The bytes of the object a heap ID names. */
export function heapObject(file: RawFile, heap: Heap, id: DataView, idAt = 0): DataView {
  const flags = id.getUint8(idAt)
  const kind = (flags >> 4) & 3
  if (kind === 2) {
    const length = (flags & 0x0f) + 1
    return new DataView(id.buffer, id.byteOffset + idAt + 1, Math.min(length, id.byteLength - idAt - 1))
  }
  if (kind !== 0) throw new TreeUnsupported('huge fractal heap objects')
  const offset = uint(id, idAt + 1, heap.offsetBytes) ?? 0
  const length = uint(id, idAt + 1 + heap.offsetBytes, heap.lengthBytes) ?? 0
  const block = heap.blocks.find((b) => offset >= b.offset && offset + length <= b.offset + b.size)
  if (!block) throw new LayoutUnreadable('a heap ID outside the heap')
  return readExact(file, file.base + block.address + (offset - block.offset), length)
}
