// Version 2 B-trees (HDF5 spec III.A.2): the records of a dense group's name index (type 5) or a dense attribute
// index (type 8), in order. Field widths inside internal nodes follow from the node size, as HDF5 computes them.
import { LayoutUnreadable, readExact, uint, type RawFile } from '../layout/raw-file.js'
import { gatherMisses } from './signals.js'

/** Records read at most from one tree. */
const MAX_RECORDS = 1_000_000
const PREFIX = 10 // signature, version, type, checksum

/** Bytes that encode counts up to `n` (HDF5's H5VM_limit_enc_size). */
function encSize(n: number): number {
  return Math.floor(Math.log2(Math.max(1, n)) / 8) + 1
}

interface Level {
  maxRecords: number
  countBytes: number
  cumulativeMax: number
  cumulativeBytes: number
}

/** Every record of the v2 B-tree whose header is at `address` (relative to the base), as views of `recordSize` bytes (in no particular order). */
export function btree2Records(file: RawFile, address: number, type: number): DataView[] {
  const O = file.offsetSize
  const head = readExact(file, file.base + address, 16 + O + 2 + file.lengthSize)
  if (head.getUint32(0, true) !== 0x44485442 || head.getUint8(5) !== type) throw new LayoutUnreadable('not a v2 B-tree header of the expected type')
  const nodeSize = head.getUint32(6, true)
  const recordSize = head.getUint16(10, true)
  const depth = head.getUint16(12, true)
  const root = uint(head, 16, O)
  const rootCount = head.getUint16(16 + O, true)
  if (root === undefined) return []
  if (nodeSize < 64 || nodeSize > 1 << 24 || recordSize === 0 || depth > 16) throw new LayoutUnreadable('v2 B-tree parameters')
  const levels: Level[] = []
  const leafMax = Math.floor((nodeSize - PREFIX) / recordSize)
  levels.push({ maxRecords: leafMax, countBytes: encSize(leafMax), cumulativeMax: leafMax, cumulativeBytes: encSize(leafMax) })
  for (let d = 1; d <= depth; d++) {
    const below = levels[d - 1]
    const pointer = O + below.countBytes + (d > 1 ? below.cumulativeBytes : 0)
    const maxRecords = Math.floor((nodeSize - PREFIX - pointer) / (recordSize + pointer))
    const cumulativeMax = (maxRecords + 1) * below.cumulativeMax + maxRecords
    levels.push({ maxRecords, countBytes: encSize(maxRecords), cumulativeMax, cumulativeBytes: encSize(cumulativeMax) })
  }
  const out: DataView[] = []
  const seen = new Set<number>()
  const visit = (at: number, count: number, d: number): void => {
    if (seen.has(at) || out.length + count > MAX_RECORDS || count > levels[d].maxRecords) throw new LayoutUnreadable('v2 B-tree node')
    seen.add(at)
    const node = readExact(file, file.base + at, nodeSize)
    const signature = node.getUint32(0, true)
    if (signature !== (d === 0 ? 0x464c5442 : 0x4e495442)) throw new LayoutUnreadable('v2 B-tree node signature')
    const records = (i: number) => new DataView(node.buffer, node.byteOffset + 6 + i * recordSize, recordSize)
    if (d === 0) {
      for (let i = 0; i < count; i++) out.push(records(i))
      return
    }
    const below = levels[d - 1]
    const pointer = O + below.countBytes + (d > 1 ? below.cumulativeBytes : 0)
    const children: [number, number][] = []
    for (let i = 0, p = 6 + count * recordSize; i <= count; i++, p += pointer) {
      const child = uint(node, p, O)
      if (child === undefined) throw new LayoutUnreadable('undefined v2 B-tree child')
      children.push([child, uint(node, p + O, below.countBytes) ?? 0])
    }
    // All children of a node are read before a miss is reported (one round per level); records need no order here.
    gatherMisses(children, ([child, childCount]) => visit(child, childCount, d - 1))
    for (let i = 0; i < count; i++) out.push(records(i))
  }
  visit(root, rootCount, depth)
  return out
}
