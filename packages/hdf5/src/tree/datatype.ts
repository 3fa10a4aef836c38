// Datatype and dataspace messages (HDF5 file format spec IV.A.2.d and IV.A.2.b), as the Hdf5Dtype h5wasm's
// metadata gives (dtype.ts), limited to what NWB writers store. Anything else is TreeUnsupported.
import type { Hdf5Dtype } from '../dtype.js'
import { LayoutUnreadable, uint, type RawFile } from '../layout/raw-file.js'
import { TreeUnsupported } from './signals.js'

/** A stored type: the Hdf5Dtype plus what decoding needs (string padding). */
export interface TreeDtype extends Hdf5Dtype {
  /** Fixed-length strings: 2 = space padded (trailing spaces dropped). */
  strpad?: number
}

/** Dimensions read at most; NWB datasets have 1 to 3. */
const MAX_RANK = 32

/** The datatype at `p` of `view`, and its encoded length. */
export function parseDatatype(file: RawFile, view: DataView, p = 0, depth = 0): { dtype: TreeDtype; length: number } {
  if (depth > 4 || p + 8 > view.byteLength) throw new LayoutUnreadable('datatype message')
  const classVersion = view.getUint8(p)
  const cls = classVersion & 0x0f
  const version = classVersion >> 4
  const bits = view.getUint8(p + 1) | (view.getUint8(p + 2) << 8) | (view.getUint8(p + 3) << 16)
  const size = view.getUint32(p + 4, true)
  const littleEndian = (bits & 1) === 0
  const order = size === 1 ? '|' : littleEndian ? '<' : '>'
  switch (cls) {
    case 0: {
      if (p + 12 > view.byteLength) throw new LayoutUnreadable('datatype message')
      if (view.getUint16(p + 8, true) !== 0 || view.getUint16(p + 10, true) !== size * 8 || ![1, 2, 4, 8].includes(size)) throw new TreeUnsupported('integers with bit padding')
      const signed = (bits & 8) !== 0
      return { dtype: { class: signed ? 'int' : 'uint', bytes: size, littleEndian, numpy: `${order}${signed ? 'i' : 'u'}${size}` }, length: 12 }
    }
    case 1:
      if (size !== 4 && size !== 8) throw new TreeUnsupported(`${size}-byte floats`)
      if (bits & 0x40) throw new TreeUnsupported('VAX floats')
      return { dtype: { class: 'float', bytes: size, littleEndian, numpy: `${order}f${size}` }, length: 20 }
    case 3: {
      const cset = (bits >> 4) & 0x0f
      return { dtype: { class: 'string', bytes: size, littleEndian: true, encoding: cset === 1 ? 'utf-8' : 'ascii', variableLength: false, numpy: `${cset === 1 ? 'U' : 'S'}${size}`, strpad: bits & 0x0f }, length: 8 }
    }
    case 7:
      if ((bits & 0x0f) !== 0 || version > 1) throw new TreeUnsupported('region references')
      return { dtype: { class: 'reference', bytes: size, littleEndian: true, refType: 'object', numpy: 'ref' }, length: 8 }
    case 8:
      return parseEnum(file, view, p, bits, size, version, depth)
    case 9: {
      if ((bits & 0x0f) !== 1) throw new TreeUnsupported('variable-length sequences')
      const cset = (bits >> 8) & 0x0f
      const base = parseDatatype(file, view, p + 8, depth + 1)
      return { dtype: { class: 'string', bytes: size, littleEndian: true, encoding: cset === 1 ? 'utf-8' : 'ascii', variableLength: true, numpy: 'O' }, length: 8 + base.length }
    }
    default:
      throw new TreeUnsupported(`datatype class ${cls}`)
  }
}

function parseEnum(file: RawFile, view: DataView, p: number, bits: number, size: number, version: number, depth: number): { dtype: TreeDtype; length: number } {
  const count = bits & 0xffff
  const base = parseDatatype(file, view, p + 8, depth + 1)
  if (base.dtype.class !== 'int' && base.dtype.class !== 'uint') throw new TreeUnsupported('enums over non-integers')
  let q = p + 8 + base.length
  const names: string[] = []
  for (let i = 0; i < count; i++) {
    let end = q
    while (end < view.byteLength && view.getUint8(end) !== 0) end++
    if (end >= view.byteLength) throw new LayoutUnreadable('enum member name')
    names.push(new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + q, end - q)))
    q = version >= 3 ? end + 1 : q + Math.ceil((end - q + 1) / 8) * 8
  }
  if (q + count * size > view.byteLength) throw new LayoutUnreadable('enum member values')
  const enumMembers: Record<string, number> = {}
  const signed = base.dtype.class === 'int'
  for (let i = 0; i < count; i++) {
    let v = uint(view, q + i * size, size) ?? 2 ** (8 * size) - 1
    if (signed && v >= 2 ** (8 * size - 1)) v -= 2 ** (8 * size)
    enumMembers[names[i]] = v
  }
  void file
  return { dtype: { class: 'enum', bytes: size, littleEndian: base.dtype.littleEndian, enumMembers, base: base.dtype, numpy: base.dtype.numpy }, length: q + count * size - p }
}

/** The dataspace at `p` of `view`: its shape ([] for a scalar), and its encoded length. */
export function parseDataspace(file: RawFile, view: DataView, p = 0): { shape: number[]; length: number } {
  const version = view.getUint8(p)
  const rank = view.getUint8(p + 1)
  const flags = view.getUint8(p + 2)
  if (rank > MAX_RANK) throw new LayoutUnreadable(`dataspace of rank ${rank}`)
  if (version === 2 && view.getUint8(p + 3) === 2) throw new TreeUnsupported('null dataspaces')
  if (version !== 1 && version !== 2) throw new LayoutUnreadable(`dataspace version ${version}`)
  const start = p + (version === 1 ? 8 : 4)
  const L = file.lengthSize
  const shape: number[] = []
  for (let d = 0; d < rank; d++) {
    const n = uint(view, start + d * L, L)
    if (n === undefined || !Number.isSafeInteger(n)) throw new LayoutUnreadable('dataspace dimension')
    shape.push(n)
  }
  const length = start - p + rank * L * (flags & 1 ? 2 : 1) + (version === 1 && flags & 2 ? rank * L : 0)
  return { shape, length }
}
