import { LayoutUnreadable, readExact, uint } from '../layout/raw-file.js'
import type { TreeContext } from './context.js'

/** Largest global heap collection read (HDF5 makes them 4 KiB or the size of one large object). */
const MAX_COLLECTION_BYTES = 64 * 1024 * 1024

/** The bytes of object `index` of the global heap collection at `address` (variable-length data). */
export function globalHeapObject(ctx: TreeContext, address: number, index: number): Uint8Array {
  let collection = ctx.heaps.get(address)
  if (!collection) {
    collection = readCollection(ctx, address)
    ctx.heaps.set(address, collection)
  }
  const object = collection.get(index)
  if (!object) throw new LayoutUnreadable(`global heap object ${index} at ${address} is missing`)
  return object
}

function readCollection(ctx: TreeContext, address: number): Map<number, Uint8Array> {
  const { file } = ctx
  const L = file.lengthSize
  const head = readExact(file, file.base + address, 8 + L)
  if (head.getUint32(0, true) !== 0x4c4f4347 || head.getUint8(4) !== 1) throw new LayoutUnreadable('not a global heap collection')
  const size = uint(head, 8, L)
  if (size === undefined || size < 8 + L || size > MAX_COLLECTION_BYTES) throw new LayoutUnreadable('global heap collection size')
  const view = readExact(file, file.base + address, size)
  const out = new Map<number, Uint8Array>()
  let p = 8 + L
  while (p + 8 + L <= size) {
    const index = view.getUint16(p, true)
    const length = uint(view, p + 8, L)
    if (index === 0 || length === undefined) break // object 0 is the free space: the rest of the collection
    const data = p + 8 + L
    if (data + length > size) throw new LayoutUnreadable('a global heap object runs past its collection')
    out.set(index, new Uint8Array(view.buffer, view.byteOffset + data, length))
    p = data + Math.ceil(length / 8) * 8
  }
  return out
}
