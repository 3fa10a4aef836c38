// One element of a non-numeric .npy array: a string, a record of fields (nested, with sub-arrays), a void blob.
import { halfToFloat } from '@spikes/core/loader-utils'
import { UnsupportedError } from '@spikes/core'
import type { Int64Mode, NpyRecord, NpyValue } from './decode.js'
import type { NpyDtype, NpyField } from './dtype.js'

const UTF8 = new TextDecoder('utf-8')

/** Decodes one element (scalar, string or record) at `offset`. */
export function decodeValue(dtype: NpyDtype, bytes: Uint8Array, dv: DataView, offset: number, int64: Int64Mode): NpyValue {
  const little = dtype.byteOrder !== '>'
  const size = dtype.itemsize
  switch (dtype.kind) {
    case 'b':
      return bytes[offset] !== 0
    case 'i':
      return size === 1 ? dv.getInt8(offset) : size === 2 ? dv.getInt16(offset, little) : size === 4 ? dv.getInt32(offset, little) : int64Value(dv.getBigInt64(offset, little), int64)
    case 'M':
    case 'm':
      return int64Value(dv.getBigInt64(offset, little), int64)
    case 'u':
      return size === 1 ? dv.getUint8(offset) : size === 2 ? dv.getUint16(offset, little) : size === 4 ? dv.getUint32(offset, little) : int64Value(dv.getBigUint64(offset, little), int64)
    case 'f':
      return size === 8 ? dv.getFloat64(offset, little) : size === 4 ? dv.getFloat32(offset, little) : halfToFloat(dv.getUint16(offset, little))
    case 'c': {
      const half = size / 2
      const re = half === 8 ? dv.getFloat64(offset, little) : dv.getFloat32(offset, little)
      const im = half === 8 ? dv.getFloat64(offset + half, little) : dv.getFloat32(offset + half, little)
      return { real: re, imag: im }
    }
    case 'S': {
      let end = offset + size
      while (end > offset && bytes[end - 1] === 0) end--
      return UTF8.decode(bytes.subarray(offset, end))
    }
    case 'U':
      return decodeUtf32(dv, offset, size / 4, little)
    case 'V': {
      if (!dtype.fields) return bytes.slice(offset, offset + size)
      const record: NpyRecord = {}
      for (const field of dtype.fields) record[field.name] = decodeField(field, bytes, dv, offset, int64)
      return record
    }
    default:
      throw new UnsupportedError('npy-dtype', `A field of dtype ${dtype.descr} cannot be decoded.`, { dtype: dtype.descr })
  }
}

function decodeField(field: NpyField, bytes: Uint8Array, dv: DataView, recordOffset: number, int64: Int64Mode): NpyValue {
  const base = recordOffset + field.offset
  if (field.shape.length === 0) return decodeValue(field.dtype, bytes, dv, base, int64)
  const build = (dim: number, offset: number): NpyValue[] => {
    const stride = field.shape.slice(dim + 1).reduce((a, b) => a * b, 1) * field.dtype.itemsize
    const out: NpyValue[] = new Array(field.shape[dim])
    for (let i = 0; i < field.shape[dim]; i++) out[i] = dim === field.shape.length - 1 ? decodeValue(field.dtype, bytes, dv, offset + i * stride, int64) : build(dim + 1, offset + i * stride)
    return out
  }
  return build(0, base)
}

function int64Value(v: bigint, mode: Int64Mode): number | bigint {
  if (mode === 'bigint') return v
  return v <= 9007199254740992n && v >= -9007199254740992n ? Number(v) : v
}

/** numpy's fixed-width UTF-32 text ('U' dtype) of `chars` code points at `offset`, trailing NULs dropped. */
export function decodeUtf32(dv: DataView, offset: number, chars: number, little: boolean): string {
  let end = chars
  while (end > 0 && dv.getUint32(offset + (end - 1) * 4, little) === 0) end--
  let text = ''
  for (let c = 0; c < end; c++) {
    const cp = dv.getUint32(offset + c * 4, little)
    text += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd'
  }
  return text
}
