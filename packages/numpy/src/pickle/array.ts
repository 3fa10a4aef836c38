import { halfToFloat } from '@spikes/core/loader-utils'
import { CorruptFileError, UnsupportedError } from '@spikes/core'
import { decodeUtf32 } from '../lib/decode.js'
import { PickledDtype } from './dtype.js'
import { PyComplex, type PickleValue } from './values.js'

/** Typed arrays an element type decodes to (int64 / uint64 stay BigInt64Array / BigUint64Array). */
export type PickledTypedArray = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array

/** Decoded elements: a typed array, or one JS value per element for bool, complex, str, bytes, void, object. */
export type PickledArrayData = PickledTypedArray | boolean[] | PyComplex[] | string[] | Uint8Array[] | PickleValue[]

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * A numpy ndarray from a pickle. Non-object arrays keep a view of their bytes in the pickle (no copy)
 * until `data` is asked for; object arrays keep the list of unpickled elements. Element order is
 * C order unless `fortranOrder`.
 */
export class PickledArray {
  static readonly pyName = 'ndarray'
  dtype: PickledDtype
  shape: number[]
  fortranOrder: boolean
  /** Raw element bytes in the dtype's byte order (null for object arrays and before BUILD). */
  bytes: Uint8Array | null
  /** The elements of an object array (null otherwise). */
  objects: PickleValue[] | null
  /** False between `_reconstruct` and the BUILD that fills it. */
  initialised: boolean
  private decoded: PickledArrayData | undefined

  constructor(dtype: PickledDtype, shape: number[], fortranOrder: boolean, bytes: Uint8Array | null, objects: PickleValue[] | null, initialised = true) {
    this.dtype = dtype
    this.shape = shape
    this.fortranOrder = fortranOrder
    this.bytes = bytes
    this.objects = objects
    this.initialised = initialised
  }

  get ndim(): number {
    return this.shape.length
  }

  /** Number of elements (product of the shape). */
  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1)
  }

  /**
   * The elements, decoded once: a typed array in native byte order (a zero-copy view when the bytes
   * are aligned and little-endian), or one JS value per element for the other kinds.
   */
  get data(): PickledArrayData {
    if (this.decoded === undefined) this.decoded = this.objects ?? decodeElements(this.dtype, this.bytes ?? new Uint8Array(0), this.size)
    return this.decoded
  }

  /**
   * The elements as float64, in C order (numpy's `astype(float)`; int64 beyond 2^53 rounds to nearest).
   * Throws for kinds that are not numbers.
   */
  toFloat64(out?: Float64Array): Float64Array {
    const n = this.size
    if (out && out.length < n) throw new RangeError('toFloat64: the output is shorter than the array')
    const fortran = this.fortranOrder && this.shape.filter((d) => d > 1).length > 1
    const target = fortran || !out ? new Float64Array(n) : out
    if (this.objects) {
      for (let i = 0; i < n; i++) {
        const v = this.objects[i]
        if (typeof v === 'number') target[i] = v
        else if (typeof v === 'bigint') target[i] = Number(v)
        else if (typeof v === 'boolean') target[i] = v ? 1 : 0
        else throw new UnsupportedError('numpy-object-to-float', `Element ${i} of an object array is a ${typeof v === 'object' ? 'container' : typeof v}, not a number.`, { index: i })
      }
    } else {
      copyAsFloat64(this.dtype, this.bytes ?? new Uint8Array(0), n, target)
    }
    if (!fortran) return target
    const c = toCOrder(target, this.shape)
    if (!out) return c
    out.set(c)
    return out
  }
}

/** Checks the element count against the bytes before anything is allocated. */
export function checkArrayBytes(dtype: PickledDtype, shape: readonly number[], byteLength: number, position: number): number {
  let count = 1
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CorruptFileError(`A pickled numpy array at byte ${position} has the dimension ${String(d)}; dimensions are non-negative integers.`, { position })
    count *= d
  }
  const expected = count * dtype.itemsize
  if (dtype.itemsize === 0 && count > 1 << 20) {
    throw new CorruptFileError(`A pickled numpy array at byte ${position} claims ${count} elements of zero size (${dtype.descr}); refused, as it would expand to that many values.`, { position, shape: [...shape], dtype: dtype.descr })
  }
  if (!Number.isSafeInteger(count) || expected !== byteLength) {
    throw new CorruptFileError(
      `A pickled numpy array at byte ${position} has shape (${shape.join(', ')}) of ${dtype.descr}, which needs ${Number.isSafeInteger(expected) ? expected : 'more than 2^53'} bytes, but its data holds ${byteLength}. The pickle is corrupt.`,
      { position, shape: [...shape], dtype: dtype.descr, expected: Number.isSafeInteger(expected) ? expected : null, actual: byteLength },
    )
  }
  return count
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

function typedView<T>(Ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; new (length: number): T; BYTES_PER_ELEMENT: number }, bytes: Uint8Array, count: number): T {
  const size = Ctor.BYTES_PER_ELEMENT
  if (LITTLE_ENDIAN && bytes.byteOffset % size === 0) return new Ctor(bytes.buffer, bytes.byteOffset, count)
  const out = new Ctor(count)
  new Uint8Array((out as unknown as ArrayBufferView).buffer).set(bytes.subarray(0, count * size))
  return out
}

function decodeElements(dtype: PickledDtype, bytes: Uint8Array, count: number): PickledArrayData {
  const { kind, itemsize } = dtype
  const little = !dtype.swapped
  if (bytes.length < count * itemsize) throw new CorruptFileError(`A pickled numpy array holds ${bytes.length} bytes, fewer than its ${count} elements of ${dtype.descr} need.`, {})
  const dv = view(bytes)
  switch (kind) {
    case 'b': {
      const out = new Array<boolean>(count)
      for (let i = 0; i < count; i++) out[i] = bytes[i] !== 0
      return out
    }
    case 'f':
      if (itemsize === 8) return little ? typedView(Float64Array, bytes, count) : swapped(count, (i) => dv.getFloat64(i * 8, false), Float64Array)
      if (itemsize === 4) return little ? typedView(Float32Array, bytes, count) : swapped(count, (i) => dv.getFloat32(i * 4, false), Float32Array)
      return swapped(count, (i) => halfToFloat(dv.getUint16(i * 2, little)), Float32Array)
    case 'i':
    case 'u':
    case 'M':
    case 'm':
      return decodeInts(kind === 'u' ? 'u' : 'i', itemsize, bytes, dv, count, little)
    case 'c': {
      const out = new Array<PyComplex>(count)
      const half = itemsize / 2
      for (let i = 0; i < count; i++) {
        const re = half === 8 ? dv.getFloat64(i * itemsize, little) : dv.getFloat32(i * itemsize, little)
        const im = half === 8 ? dv.getFloat64(i * itemsize + half, little) : dv.getFloat32(i * itemsize + half, little)
        out[i] = new PyComplex(re, im)
      }
      return out
    }
    case 'U': {
      const out = new Array<string>(count)
      const chars = itemsize / 4
      for (let i = 0; i < count; i++) out[i] = decodeUtf32(dv, i * itemsize, chars, little)
      return out
    }
    case 'S': {
      const out = new Array<Uint8Array>(count)
      for (let i = 0; i < count; i++) {
        let end = (i + 1) * itemsize
        while (end > i * itemsize && bytes[end - 1] === 0) end--
        out[i] = bytes.subarray(i * itemsize, end)
      }
      return out
    }
    case 'V': {
      const out = new Array<Uint8Array>(count)
      for (let i = 0; i < count; i++) out[i] = bytes.subarray(i * itemsize, (i + 1) * itemsize)
      return out
    }
    default:
      return []
  }
}

function decodeInts(sign: 'i' | 'u', itemsize: number, bytes: Uint8Array, dv: DataView, count: number, little: boolean): PickledTypedArray {
  if (itemsize === 1) return sign === 'i' ? new Int8Array(bytes.buffer, bytes.byteOffset, count) : bytes.subarray(0, count)
  if (little) {
    if (itemsize === 2) return sign === 'i' ? typedView(Int16Array, bytes, count) : typedView(Uint16Array, bytes, count)
    if (itemsize === 4) return sign === 'i' ? typedView(Int32Array, bytes, count) : typedView(Uint32Array, bytes, count)
    return sign === 'i' ? typedView(BigInt64Array, bytes, count) : typedView(BigUint64Array, bytes, count)
  }
  if (itemsize === 2) return sign === 'i' ? swapped(count, (i) => dv.getInt16(i * 2, false), Int16Array) : swapped(count, (i) => dv.getUint16(i * 2, false), Uint16Array)
  if (itemsize === 4) return sign === 'i' ? swapped(count, (i) => dv.getInt32(i * 4, false), Int32Array) : swapped(count, (i) => dv.getUint32(i * 4, false), Uint32Array)
  if (sign === 'i') {
    const out = new BigInt64Array(count)
    for (let i = 0; i < count; i++) out[i] = dv.getBigInt64(i * 8, false)
    return out
  }
  const out = new BigUint64Array(count)
  for (let i = 0; i < count; i++) out[i] = dv.getBigUint64(i * 8, false)
  return out
}

function swapped<T extends { [i: number]: number }>(count: number, get: (i: number) => number, Ctor: { new (n: number): T }): T {
  const out = new Ctor(count)
  for (let i = 0; i < count; i++) out[i] = get(i)
  return out
}

/** Element-wise float64 conversion of non-object data into `out` (numpy astype(float) semantics). */
function copyAsFloat64(dtype: PickledDtype, bytes: Uint8Array, n: number, out: Float64Array): void {
  const { kind, itemsize } = dtype
  const little = !dtype.swapped
  if (bytes.length < n * itemsize) throw new CorruptFileError(`A pickled numpy array holds ${bytes.length} bytes, fewer than its ${n} elements of ${dtype.descr} need.`, {})
  if (kind === 'f' && itemsize === 8 && little && LITTLE_ENDIAN) {
    new Uint8Array(out.buffer, out.byteOffset, n * 8).set(bytes.subarray(0, n * 8))
    return
  }
  const dv = view(bytes)
  switch (kind) {
    case 'b':
      for (let i = 0; i < n; i++) out[i] = bytes[i] !== 0 ? 1 : 0
      return
    case 'f':
      if (itemsize === 8) for (let i = 0; i < n; i++) out[i] = dv.getFloat64(i * 8, little)
      else if (itemsize === 4) for (let i = 0; i < n; i++) out[i] = dv.getFloat32(i * 4, little)
      else for (let i = 0; i < n; i++) out[i] = halfToFloat(dv.getUint16(i * 2, little))
      return
    case 'i':
    case 'u':
    case 'M':
    case 'm': {
      const signed = kind !== 'u'
      if (itemsize === 1) for (let i = 0; i < n; i++) out[i] = signed ? dv.getInt8(i) : bytes[i]
      else if (itemsize === 2) for (let i = 0; i < n; i++) out[i] = signed ? dv.getInt16(i * 2, little) : dv.getUint16(i * 2, little)
      else if (itemsize === 4) for (let i = 0; i < n; i++) out[i] = signed ? dv.getInt32(i * 4, little) : dv.getUint32(i * 4, little)
      else {
        // hi * 2^32 is exact and the sum rounds once: the nearest float64 of the 64-bit integer, as numpy.
        const loAt = little ? 0 : 4
        const hiAt = little ? 4 : 0
        for (let i = 0; i < n; i++) {
          const lo = dv.getUint32(i * 8 + loAt, little)
          const hi = signed ? dv.getInt32(i * 8 + hiAt, little) : dv.getUint32(i * 8 + hiAt, little)
          out[i] = hi * 4294967296 + lo
        }
      }
      return
    }
    default:
      throw new UnsupportedError('numpy-to-float', `A numpy array of ${dtype.descr} cannot be read as numbers.`, { dtype: dtype.descr })
  }
}

/** Reorders Fortran-order elements into C order. */
export function toCOrder<T extends { length: number; [i: number]: unknown }>(data: T, shape: readonly number[]): T {
  const n = data.length
  const result = (Array.isArray(data) ? new Array(n) : new (data.constructor as { new (n: number): T })(n)) as T
  const nd = shape.length
  const cStrides = new Array<number>(nd)
  const fStrides = new Array<number>(nd)
  let c = 1
  let f = 1
  for (let d = nd - 1; d >= 0; d--) {
    cStrides[d] = c
    c *= shape[d]
  }
  for (let d = 0; d < nd; d++) {
    fStrides[d] = f
    f *= shape[d]
  }
  const index = new Array<number>(nd).fill(0)
  for (let k = 0; k < n; k++) {
    let src = 0
    for (let d = 0; d < nd; d++) src += index[d] * fStrides[d]
    ;(result as { [i: number]: unknown })[k] = data[src]
    for (let d = nd - 1; d >= 0; d--) {
      if (++index[d] < shape[d]) break
      index[d] = 0
    }
  }
  return result
}
