import type { H5Module } from './runtime.js'

/** HDF5's datatype classes ('unknown' for anything else). */
export type DtypeClass = 'int' | 'uint' | 'float' | 'string' | 'reference' | 'compound' | 'enum' | 'array' | 'vlen' | 'bitfield' | 'opaque' | 'time' | 'unknown'

/** What a dataset or attribute stores, independent of h5wasm's encoding. */
export interface Hdf5Dtype {
  class: DtypeClass
  /** Bytes per element as stored (for variable-length strings: the size of the pointer). */
  bytes: number
  littleEndian: boolean
  /** Strings only. */
  encoding?: 'utf-8' | 'ascii'
  variableLength?: boolean
  /** References only. */
  refType?: 'object' | 'region'
  /** Compound only: member names, offsets and types. */
  members?: { name: string; offset: number; dtype: Hdf5Dtype }[]
  /** Enum only: name -> value. */
  enumMembers?: Record<string, number>
  /** Enum: the integer type underneath; array/vlen: the element type. */
  base?: Hdf5Dtype
  /** numpy-style short name: '<f8', '<i4', '|u1', 'S8', 'O' (vlen string), 'ref', 'compound'... */
  numpy: string
}

/** h5wasm's metadata record (kept structural so this file does not import h5wasm). */
export interface H5Metadata {
  type: number
  size: number
  signed: boolean
  littleEndian: boolean
  vlen: boolean
  cset?: number
  ref_type?: 'object' | 'region'
  compound_type?: { members: (H5Metadata & { name: string; offset: number })[]; nmembers: number }
  enum_type?: { members: Record<string, number>; nmembers: number; type: number }
  array_type?: H5Metadata & { shape?: number[] | null }
  vlen_type?: H5Metadata
  shape: number[] | null
  maxshape?: number[] | null
  chunks?: number[] | null
  total_size: number
}

// HDF5 H5T_class_t values.
const INTEGER = 0
const FLOAT = 1
const TIME = 2
const STRING = 3
const BITFIELD = 4
const OPAQUE = 5
const COMPOUND = 6
const REFERENCE = 7
const ENUM = 8
const VLEN = 9
const ARRAY = 10

/** Describes an h5wasm metadata record as an Hdf5Dtype (class, size, byte order, numpy name). */
export function dtypeFromMetadata(m: H5Metadata): Hdf5Dtype {
  const order = m.size === 1 ? '|' : m.littleEndian ? '<' : '>'
  switch (m.type) {
    case INTEGER:
      return { class: m.signed ? 'int' : 'uint', bytes: m.size, littleEndian: m.littleEndian, numpy: `${order}${m.signed ? 'i' : 'u'}${m.size}` }
    case FLOAT:
      return { class: 'float', bytes: m.size, littleEndian: m.littleEndian, numpy: `${order}f${m.size}` }
    case STRING:
      return {
        class: 'string',
        bytes: m.size,
        littleEndian: true,
        encoding: m.cset === 1 ? 'utf-8' : 'ascii',
        variableLength: m.vlen,
        numpy: m.vlen ? 'O' : `${m.cset === 1 ? 'U' : 'S'}${m.size}`,
      }
    case REFERENCE:
      return { class: 'reference', bytes: m.size, littleEndian: true, refType: m.ref_type ?? 'object', numpy: m.ref_type === 'region' ? 'region_ref' : 'ref' }
    case COMPOUND:
      return {
        class: 'compound',
        bytes: m.size,
        littleEndian: m.littleEndian,
        members: (m.compound_type?.members ?? []).map((x) => ({ name: x.name, offset: x.offset, dtype: dtypeFromMetadata(x) })),
        numpy: 'compound',
      }
    case ENUM: {
      const base = dtypeFromMetadata({ ...m, type: m.enum_type?.type ?? INTEGER })
      return { class: 'enum', bytes: m.size, littleEndian: m.littleEndian, enumMembers: { ...(m.enum_type?.members ?? {}) }, base, numpy: base.numpy }
    }
    case ARRAY:
      return { class: 'array', bytes: m.size, littleEndian: m.littleEndian, base: m.array_type ? dtypeFromMetadata(m.array_type) : undefined, numpy: 'array' }
    case VLEN:
      return { class: 'vlen', bytes: m.size, littleEndian: m.littleEndian, base: m.vlen_type ? dtypeFromMetadata(m.vlen_type) : undefined, numpy: 'O' }
    case BITFIELD:
      return { class: 'bitfield', bytes: m.size, littleEndian: m.littleEndian, numpy: `V${m.size}` }
    case OPAQUE:
      return { class: 'opaque', bytes: m.size, littleEndian: m.littleEndian, numpy: `V${m.size}` }
    case TIME:
      return { class: 'time', bytes: m.size, littleEndian: m.littleEndian, numpy: `V${m.size}` }
    default:
      return { class: 'unknown', bytes: m.size, littleEndian: m.littleEndian, numpy: `V${m.size}` }
  }
}

/** True for dtypes readNumeric accepts: integers (1, 2, 4, 8 bytes), floats (2, 4, 8 bytes) and enums over such integers. */
export function isNumericDtype(d: Hdf5Dtype): boolean {
  if (d.class === 'int' || d.class === 'uint') return [1, 2, 4, 8].includes(d.bytes)
  if (d.class === 'float') return [2, 4, 8].includes(d.bytes)
  if (d.class === 'enum') return !!d.base && isNumericDtype(d.base)
  return false
}

/** True for signed and unsigned integers and enums over them (any size). */
export function isIntegerDtype(d: Hdf5Dtype): boolean {
  return d.class === 'int' || d.class === 'uint' || (d.class === 'enum' && !!d.base && isIntegerDtype(d.base))
}

/** The typed arrays `readNumeric({ as: 'native' })` returns. */
export type NativeArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array

export type NativeArrayConstructor = { new (length: number): NativeArray; new (buffer: ArrayBufferLike, byteOffset: number, length: number): NativeArray; BYTES_PER_ELEMENT: number }

/** The typed array that holds one element of `d` in memory (float16 has none: Uint16Array of raw bits). */
export function nativeArrayType(d: Hdf5Dtype): NativeArrayConstructor {
  const base = d.class === 'enum' && d.base ? d.base : d
  if (base.class === 'float') return (base.bytes === 8 ? Float64Array : base.bytes === 4 ? Float32Array : Uint16Array) as NativeArrayConstructor
  const signed = base.class === 'int'
  switch (base.bytes) {
    case 1:
      return (signed ? Int8Array : Uint8Array) as NativeArrayConstructor
    case 2:
      return (signed ? Int16Array : Uint16Array) as NativeArrayConstructor
    case 4:
      return (signed ? Int32Array : Uint32Array) as NativeArrayConstructor
    default:
      return (signed ? BigInt64Array : BigUint64Array) as NativeArrayConstructor
  }
}

export type { H5Module }
