import { corruptMat } from './errors.js'
import { MAT_CLASS_ARRAYS, type MatNumericClass, type MatNumbers } from './values.js'

// Facts from MathWorks' "MAT-File Format" (Level 5): data element tags, the small element format, the
// miXXX data types and the mxXXX array classes.
export const MI = { INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9, INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18 } as const

/** Bytes per value of each numeric or text data type. */
export const MI_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 2, 5: 4, 6: 4, 7: 4, 9: 8, 12: 8, 13: 8, 16: 1, 17: 2, 18: 4 }

/** mxXXX_CLASS codes of the array flags. */
export const MX_NUMERIC: Record<number, MatNumericClass> = { 6: 'double', 7: 'single', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64' }
export const MX = { CELL: 1, STRUCT: 2, OBJECT: 3, CHAR: 4, SPARSE: 5, FUNCTION: 16, OPAQUE: 17 } as const

/** A window of the file's (or an inflated element's) bytes with the file's byte order. */
export interface Bytes {
  readonly bytes: Uint8Array
  readonly view: DataView
  readonly little: boolean
  readonly file: string
}

export function bytesOf(bytes: Uint8Array, little: boolean, file: string): Bytes {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), little, file }
}

/** One data element: its type, where its data lies, and where the next element starts. */
export interface Tag {
  type: number
  size: number
  start: number
  next: number
}

/** Reads the tag at `at` (normal or small format) and checks the data lies before `end`. */
export function readTag(b: Bytes, at: number, end: number): Tag {
  if (at + 8 > end) throw corruptMat(b.file, `a data element tag at byte ${at} runs past the end of its container (byte ${end}).`, { offset: at })
  const first = b.view.getUint32(at, b.little)
  if (first >>> 16 !== 0) {
    const size = first >>> 16
    if (size > 4) throw corruptMat(b.file, `the small data element at byte ${at} claims ${size} bytes; a small element holds at most 4.`, { offset: at, size })
    return { type: first & 0xffff, size, start: at + 4, next: at + 8 }
  }
  const size = b.view.getUint32(at + 4, b.little)
  const start = at + 8
  if (size > end - start) throw corruptMat(b.file, `the data element at byte ${at} claims ${size} bytes, but only ${end - start} remain in its container.`, { offset: at, size, available: end - start })
  const padded = first === MI.COMPRESSED ? size : Math.ceil(size / 8) * 8
  return { type: first, size, start, next: Math.min(end, start + padded) }
}

/** Reads a tag and requires its type to be one of `types`. */
export function expectTag(b: Bytes, at: number, end: number, what: string, types: readonly number[]): Tag {
  const tag = readTag(b, at, end)
  if (!types.includes(tag.type)) throw corruptMat(b.file, `${what} at byte ${at} has data type ${tag.type}; expected ${types.join(' or ')}.`, { offset: at, type: tag.type, element: what })
  return tag
}

/** Numbers of a data element (any numeric miXXX type) converted to the array's class; count checked first. */
export function readNumbers(b: Bytes, tag: Tag, cls: MatNumericClass, expected: number): MatNumbers {
  const width = MI_SIZE[tag.type]
  if (width === undefined || tag.type >= MI.MATRIX) throw corruptMat(b.file, `numeric data at byte ${tag.start - 8} has data type ${tag.type}, which is not numeric.`, { offset: tag.start - 8, type: tag.type })
  const count = tag.size / width
  if (!Number.isInteger(count) || count !== expected) throw corruptMat(b.file, `numeric data at byte ${tag.start - 8} holds ${count} values, but the dimensions need ${expected}.`, { offset: tag.start - 8, count, expected })
  if (little(b) && tag.type === MI.DOUBLE && (cls === 'double' || cls === 'int64' || cls === 'uint64')) {
    const copy = new Float64Array(count)
    new Uint8Array(copy.buffer).set(b.bytes.subarray(tag.start, tag.start + tag.size))
    return copy
  }
  const out = new MAT_CLASS_ARRAYS[cls](count)
  const { view, little: le } = b
  const read = reader(tag.type)
  for (let i = 0; i < count; i++) out[i] = read(view, tag.start + i * width, le)
  return out
}

type Read = (view: DataView, at: number, little: boolean) => number

function reader(type: number): Read {
  switch (type) {
    case MI.INT8: return (v, at) => v.getInt8(at)
    case MI.UINT8: case MI.UTF8: return (v, at) => v.getUint8(at)
    case MI.INT16: return (v, at, le) => v.getInt16(at, le)
    case MI.UINT16: case MI.UTF16: return (v, at, le) => v.getUint16(at, le)
    case MI.INT32: return (v, at, le) => v.getInt32(at, le)
    case MI.UINT32: case MI.UTF32: return (v, at, le) => v.getUint32(at, le)
    case MI.SINGLE: return (v, at, le) => v.getFloat32(at, le)
    case MI.DOUBLE: return (v, at, le) => v.getFloat64(at, le)
    case MI.INT64: return (v, at, le) => Number(v.getBigInt64(at, le))
    default: return (v, at, le) => Number(v.getBigUint64(at, le))
  }
}

/** The text of an miINT8 / miUTF8 element (names, class names), as Latin-1 / UTF-8 without trailing NULs. */
export function readName(b: Bytes, tag: Tag): string {
  const raw = b.bytes.subarray(tag.start, tag.start + tag.size)
  let end = raw.length
  while (end > 0 && raw[end - 1] === 0) end--
  return new TextDecoder().decode(raw.subarray(0, end))
}

function little(b: Bytes): boolean {
  return b.little
}
