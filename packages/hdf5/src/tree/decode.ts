// Element bytes as values: numbers, strings (fixed and variable length), object references, and attribute
// values in the form @spikes/hdf5 gives for h5wasm's (attributes.ts normalizeAttrValue).
import type { Hdf5AttrValue } from '../attributes.js'
import { normalizeAttrValue } from '../attributes.js'
import type { Hdf5Reference } from '../reference.js'
import { uint } from '../layout/raw-file.js'
import type { TreeContext } from './context.js'
import type { TreeDtype } from './datatype.js'
import { globalHeapObject } from './global-heap.js'
import { TreeUnsupported } from './signals.js'

const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

type Typed = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array

/** The elements as the typed array of their type (a copy, aligned). Little-endian only. */
export function typedElements(dtype: TreeDtype, bytes: Uint8Array, count: number): Typed {
  const base = dtype.class === 'enum' && dtype.base ? dtype.base : dtype
  if (!base.littleEndian || !LITTLE_ENDIAN_HOST) throw new TreeUnsupported('big-endian data')
  const copy = bytes.slice(0, count * base.bytes)
  const buf = copy.buffer
  if (base.class === 'float') return base.bytes === 8 ? new Float64Array(buf, 0, count) : new Float32Array(buf, 0, count)
  const signed = base.class === 'int'
  switch (base.bytes) {
    case 1:
      return signed ? new Int8Array(buf, 0, count) : new Uint8Array(buf, 0, count)
    case 2:
      return signed ? new Int16Array(buf, 0, count) : new Uint16Array(buf, 0, count)
    case 4:
      return signed ? new Int32Array(buf, 0, count) : new Uint32Array(buf, 0, count)
    case 8:
      return signed ? new BigInt64Array(buf, 0, count) : new BigUint64Array(buf, 0, count)
  }
  throw new TreeUnsupported(`${base.bytes}-byte integers`)
}

/** Numbers as Float64Array (64-bit integers through Number, as Hdf5Dataset.readNumeric). */
export function numbers(dtype: TreeDtype, bytes: Uint8Array, count: number): Float64Array {
  const typed = typedElements(dtype, bytes, count)
  if (typed instanceof Float64Array) return typed
  if (typed instanceof BigInt64Array || typed instanceof BigUint64Array) {
    // Beyond 2^53 Hdf5Dataset.readNumeric refuses with its own error: h5wasm gives it.
    if ((typed as BigInt64Array).some((v) => v > 2n ** 53n || v < -(2n ** 53n))) throw new TreeUnsupported('64-bit integers beyond 2^53')
    return Float64Array.from(typed as unknown as ArrayLike<bigint>, (v) => Number(v))
  }
  return Float64Array.from(typed as ArrayLike<number>)
}

const utf8 = new TextDecoder('utf-8')
const strict = new TextDecoder('utf-8', { fatal: true })
const latin1 = new TextDecoder('latin1')

function decodeText(dtype: TreeDtype, bytes: Uint8Array): string {
  if (dtype.encoding !== 'ascii') return utf8.decode(bytes)
  try {
    return strict.decode(bytes)
  } catch {
    return latin1.decode(bytes)
  }
}

/** Strings, fixed length (to the first NUL; space padding dropped) or variable length (global heap). */
export function strings(ctx: TreeContext, dtype: TreeDtype, bytes: Uint8Array, count: number): string[] {
  const out = new Array<string>(count)
  const size = dtype.bytes
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const O = ctx.file.offsetSize
  for (let i = 0; i < count; i++) {
    const at = i * size
    if (dtype.variableLength) {
      const length = view.getUint32(at, true)
      const address = uint(view, at + 4, O)
      if (length === 0 || address === undefined || address === 0) {
        out[i] = ''
        continue
      }
      const object = globalHeapObject(ctx, address, view.getUint32(at + 4 + O, true))
      const text = object.subarray(0, Math.min(length, object.length))
      const nul = text.indexOf(0)
      out[i] = decodeText(dtype, nul < 0 ? text : text.subarray(0, nul))
      continue
    }
    const cell = bytes.subarray(at, at + size)
    let end = cell.indexOf(0)
    if (end < 0) end = size
    if (dtype.strpad === 2) while (end > 0 && cell[end - 1] === 0x20) end--
    out[i] = decodeText(dtype, cell.subarray(0, end))
  }
  return out
}

/** Object references (the referenced header's address, as h5wasm's 8 bytes). */
export function references(dtype: TreeDtype, bytes: Uint8Array, count: number): Hdf5Reference[] {
  const out: Hdf5Reference[] = []
  for (let i = 0; i < count; i++) {
    const ref = new Uint8Array(8)
    ref.set(bytes.subarray(i * dtype.bytes, i * dtype.bytes + Math.min(8, dtype.bytes)))
    out.push({ kind: 'object', bytes: ref })
  }
  return out
}

/** The header address an object reference names. */
export function referenceAddress(ref: Hdf5Reference): number {
  let address = 0
  for (let i = 7; i >= 0; i--) address = address * 256 + ref.bytes[i]
  return address
}

/** An attribute's value as @spikes/hdf5 returns h5wasm's: scalars and one-element arrays as the element. */
export function attributeValue(ctx: TreeContext, dtype: TreeDtype, shape: number[], bytes: Uint8Array): Hdf5AttrValue {
  const count = shape.reduce((a, b) => a * b, 1)
  if (dtype.class === 'string') {
    const list = strings(ctx, dtype, bytes, count)
    return list.length === 1 ? list[0] : list
  }
  if (dtype.class === 'reference') {
    const list = references(dtype, bytes, count)
    return list.length === 1 ? list[0] : list
  }
  const typed = typedElements(dtype, bytes, count)
  if (shape.length === 0) return normalizeAttrValue(typed instanceof BigInt64Array || typed instanceof BigUint64Array ? typed[0] : typed[0])
  return normalizeAttrValue(typed)
}
