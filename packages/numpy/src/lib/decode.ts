import { halfToFloat } from '@spikes/core/loader-utils'
import { InvalidDataError, UnsupportedError } from '@spikes/core'
import { decodeValue } from './decode-value.js'
import type { NpyDtype } from './dtype.js'

export { decodeUtf32 } from './decode-value.js'

/** Typed arrays numeric data decodes to. */
export type NpyTypedArray = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array

/** One element of a structured array: field name -> value. */
export type NpyRecord = { [field: string]: NpyValue }
/**
 * One decoded element of a structured array's field: bool -> boolean, integers and datetime64 / timedelta64 -> number
 * (64-bit: bigint with `int64: 'bigint'`, or when beyond ±2^53), floats -> number, complex -> `{ real, imag }`, S/U -> string,
 * plain void -> Uint8Array, nested structured -> NpyRecord, a sub-array field -> nested arrays.
 */
export type NpyValue = number | bigint | boolean | string | Uint8Array | NpyRecord | NpyValue[]

/**
 * The `data` of a decoded array: a typed array for numeric dtypes, string[] for S/U, NpyRecord[] for
 * structured dtypes, Uint8Array[] for plain void, and the object reader's elements for object arrays.
 */
export type NpyData = NpyTypedArray | string[] | NpyRecord[] | Uint8Array[] | unknown[]

/** How 64-bit integers (and datetime64 / timedelta64) are returned. */
export type Int64Mode = 'number' | 'bigint'

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1
const TWO32 = 4294967296

/**
 * Incremental decoder: data bytes arrive in order, in chunks of any size, and are written into
 * one output allocated up front. Used for file reads (chunked) and npz inflate streams.
 */
export class NpyDecoder {
  readonly output: NpyData
  private readonly count: number
  private readonly itemsize: number
  private readonly mode: 'copy' | 'int64' | 'half' | 'element'
  private readonly outBytes: Uint8Array | undefined
  private bytePos = 0
  private element = 0
  private readonly carry: Uint8Array
  private carryLength = 0

  constructor(
    private readonly dtype: NpyDtype,
    count: number,
    private readonly int64: Int64Mode,
    private readonly name: string,
  ) {
    if (!LITTLE_ENDIAN) throw new UnsupportedError('big-endian-platform', 'This reader needs a little-endian platform.', {})
    this.count = count
    this.itemsize = dtype.itemsize
    this.carry = new Uint8Array(Math.max(1, dtype.itemsize))
    const { kind, itemsize } = dtype
    if (kind === 'b' || kind === 'f' || kind === 'i' || kind === 'u' || kind === 'c' || kind === 'M' || kind === 'm') {
      if ((kind === 'i' || kind === 'u' || kind === 'M' || kind === 'm') && itemsize === 8 && int64 === 'number') {
        this.mode = 'int64'
        this.output = new Float64Array(count)
      } else if (kind === 'f' && itemsize === 2) {
        this.mode = 'half'
        this.output = new Float32Array(count)
      } else {
        this.mode = 'copy'
        this.output = allocateTyped(dtype, count)
        this.outBytes = new Uint8Array(this.output.buffer, this.output.byteOffset, this.output.byteLength)
      }
    } else if (kind === 'S' || kind === 'U' || kind === 'V') {
      this.mode = 'element'
      this.output = new Array(count)
    } else {
      throw new UnsupportedError('npy-dtype', `${name}: dtype ${dtype.descr} cannot be decoded as data.`, { file: name, dtype: dtype.descr })
    }
  }

  /** Elements completely decoded so far. */
  get decoded(): number {
    return this.mode === 'copy' ? Math.floor(this.bytePos / Math.max(1, this.itemsize)) : this.element
  }

  push(bytes: Uint8Array): void {
    if (this.mode === 'copy') {
      const room = this.outBytes!.length - this.bytePos
      const n = Math.min(room, bytes.length)
      this.outBytes!.set(n === bytes.length ? bytes : bytes.subarray(0, n), this.bytePos)
      this.bytePos += n
      return
    }
    const size = this.itemsize
    let offset = 0
    if (this.carryLength > 0) {
      const take = Math.min(size - this.carryLength, bytes.length)
      this.carry.set(bytes.subarray(0, take), this.carryLength)
      this.carryLength += take
      offset = take
      if (this.carryLength < size) return
      this.decodeRun(this.carry, 0, 1)
      this.carryLength = 0
    }
    const whole = Math.min(Math.floor((bytes.length - offset) / size), this.count - this.element)
    if (whole > 0) this.decodeRun(bytes, offset, whole)
    offset += whole * size
    if (this.element < this.count && offset < bytes.length) {
      const rest = bytes.length - offset
      this.carry.set(bytes.subarray(offset, offset + Math.min(rest, size)), 0)
      this.carryLength = Math.min(rest, size)
    }
  }

  /** Finishes: byte-swaps big-endian data in place. Returns false when fewer bytes than needed arrived. */
  finish(): boolean {
    if (this.mode === 'copy') {
      if (this.bytePos < this.outBytes!.length) return false
      if (this.dtype.byteOrder === '>') swapInPlace(this.outBytes!, this.dtype.kind === 'c' ? this.itemsize / 2 : this.itemsize)
      return true
    }
    return this.element >= this.count || this.itemsize === 0
  }

  private decodeRun(bytes: Uint8Array, offset: number, n: number): void {
    const start = this.element
    if (this.mode === 'int64') decodeInt64(bytes, offset, n, this.dtype, this.output as Float64Array, start, this.name)
    else if (this.mode === 'half') {
      const out = this.output as Float32Array
      const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, n * 2)
      const little = this.dtype.byteOrder !== '>'
      const table = halfTable()
      for (let i = 0; i < n; i++) out[start + i] = table[dv.getUint16(i * 2, little)]
    } else {
      const out = this.output as unknown[]
      const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      for (let i = 0; i < n; i++) out[start + i] = decodeValue(this.dtype, bytes, dv, offset + i * this.itemsize, this.int64)
    }
    this.element += n
  }
}

/**
 * A zero-copy typed view of little-endian, aligned element bytes, for dtypes whose data is copied
 * as is; undefined when the bytes cannot be viewed (big-endian, misaligned, int64 as numbers, float16).
 */
export function viewTyped(dtype: NpyDtype, bytes: Uint8Array, count: number, int64: Int64Mode): NpyTypedArray | undefined {
  const { kind, itemsize } = dtype
  if (dtype.byteOrder === '>' || bytes.length < count * itemsize) return undefined
  if (itemsize > 1 && bytes.byteOffset % (kind === 'c' ? itemsize / 2 : itemsize) !== 0) return undefined
  const { buffer, byteOffset } = bytes
  switch (kind) {
    case 'b':
      return new Uint8Array(buffer, byteOffset, count)
    case 'f':
      return itemsize === 8 ? new Float64Array(buffer, byteOffset, count) : itemsize === 4 ? new Float32Array(buffer, byteOffset, count) : undefined
    case 'c':
      return itemsize === 16 ? new Float64Array(buffer, byteOffset, count * 2) : new Float32Array(buffer, byteOffset, count * 2)
    case 'i':
    case 'u':
    case 'M':
    case 'm': {
      const signed = kind !== 'u'
      if (itemsize === 8) return int64 === 'bigint' ? (signed ? new BigInt64Array(buffer, byteOffset, count) : new BigUint64Array(buffer, byteOffset, count)) : undefined
      if (itemsize === 4) return signed ? new Int32Array(buffer, byteOffset, count) : new Uint32Array(buffer, byteOffset, count)
      if (itemsize === 2) return signed ? new Int16Array(buffer, byteOffset, count) : new Uint16Array(buffer, byteOffset, count)
      return signed ? new Int8Array(buffer, byteOffset, count) : new Uint8Array(buffer, byteOffset, count)
    }
    default:
      return undefined
  }
}

function allocateTyped(dtype: NpyDtype, count: number): NpyTypedArray {
  const { kind, itemsize } = dtype
  switch (kind) {
    case 'b':
      return new Uint8Array(count)
    case 'f':
      return itemsize === 8 ? new Float64Array(count) : new Float32Array(count)
    case 'c':
      return itemsize === 16 ? new Float64Array(count * 2) : new Float32Array(count * 2)
    case 'i':
      return itemsize === 1 ? new Int8Array(count) : itemsize === 2 ? new Int16Array(count) : itemsize === 4 ? new Int32Array(count) : new BigInt64Array(count)
    case 'u':
      return itemsize === 1 ? new Uint8Array(count) : itemsize === 2 ? new Uint16Array(count) : itemsize === 4 ? new Uint32Array(count) : new BigUint64Array(count)
    default:
      return new BigInt64Array(count) // datetime64 / timedelta64 with int64: 'bigint'
  }
}

function swapInPlace(bytes: Uint8Array, size: number): void {
  if (size <= 1) return
  for (let p = 0; p + size <= bytes.length; p += size) {
    for (let a = p, b = p + size - 1; a < b; a++, b--) {
      const t = bytes[a]
      bytes[a] = bytes[b]
      bytes[b] = t
    }
  }
}

/**
 * 64-bit integers to float64 without BigInt: value = high word * 2^32 + low word, exact up to 2^53.
 * Larger magnitudes are refused (InvalidDataError) rather than rounded.
 */
export function decodeInt64(bytes: Uint8Array, offset: number, n: number, dtype: NpyDtype, out: Float64Array, outStart: number, name: string): void {
  const signed = dtype.kind !== 'u'
  const little = dtype.byteOrder !== '>'
  const abs = bytes.byteOffset + offset
  if (little && abs % 4 === 0) {
    const u32 = new Uint32Array(bytes.buffer, abs, n * 2)
    if (signed) {
      const i32 = new Int32Array(bytes.buffer, abs, n * 2)
      for (let i = 0; i < n; i++) {
        const hi = i32[2 * i + 1]
        const lo = u32[2 * i]
        if (hi > 0x200000 || hi < -0x200000 || (hi === 0x200000 && lo !== 0)) tooLarge(dtype, outStart + i, name)
        out[outStart + i] = hi * TWO32 + lo
      }
    } else {
      for (let i = 0; i < n; i++) {
        const hi = u32[2 * i + 1]
        const lo = u32[2 * i]
        if (hi >= 0x200000 && (hi > 0x200000 || lo !== 0)) tooLarge(dtype, outStart + i, name)
        out[outStart + i] = hi * TWO32 + lo
      }
    }
    return
  }
  const dv = new DataView(bytes.buffer, abs, n * 8)
  const hiAt = little ? 4 : 0
  const loAt = little ? 0 : 4
  for (let i = 0; i < n; i++) {
    const hi = signed ? dv.getInt32(i * 8 + hiAt, little) : dv.getUint32(i * 8 + hiAt, little)
    const lo = dv.getUint32(i * 8 + loAt, little)
    if (hi > 0x200000 || hi < -0x200000 || (hi === 0x200000 && lo !== 0)) tooLarge(dtype, outStart + i, name)
    out[outStart + i] = hi * TWO32 + lo
  }
}

function tooLarge(dtype: NpyDtype, index: number, name: string): never {
  throw new InvalidDataError(
    `${name}: element ${index} of this ${dtype.descr} array is beyond ±2^53 and cannot be represented exactly as a JavaScript number. Read it with { int64: 'bigint' } to get a BigInt64Array / BigUint64Array.`,
    { file: name, index, dtype: dtype.descr, limit: 2 ** 53 },
  )
}

let HALF: Float32Array | undefined
function halfTable(): Float32Array {
  if (!HALF) {
    HALF = new Float32Array(65536)
    for (let h = 0; h < 65536; h++) HALF[h] = halfToFloat(h)
  }
  return HALF
}
