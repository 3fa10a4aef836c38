import { CorruptFileError, UnsupportedError } from '@spikes/core'
import { ITEM_SIZES, type NpyKind } from '../lib/dtype.js'

/** numpy dtype kinds the unpickler understands (structured and subarray dtypes are refused). */
export type DtypeKind = NpyKind

const KINDS = new Set<string>(['b', 'i', 'u', 'f', 'c', 'O', 'U', 'S', 'V', 'M', 'm'])

/**
 * A numpy dtype as pickled: `numpy.dtype(obj, align, copy)` then BUILD with its state
 * (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]).
 * Mutable only while the unpickler restores it.
 */
export class PickledDtype {
  static readonly pyName = 'dtype'
  kind: DtypeKind
  /** Bytes per element (for 'U': 4 per character). */
  itemsize: number
  byteOrder: '<' | '>' | '|'
  /** Datetime / timedelta unit ('ns', 's', '10ms'), when kind is 'M' or 'm'. */
  unit: string | undefined

  constructor(kind: DtypeKind, itemsize: number, byteOrder: '<' | '>' | '|', unit?: string) {
    this.kind = kind
    this.itemsize = itemsize
    this.byteOrder = byteOrder
    this.unit = unit
  }

  /** numpy's `dtype.str`: '<f8', '|O', '<U3', '|S5', '<M8[ns]'. */
  get descr(): string {
    if (this.kind === 'O') return '|O'
    const order = this.itemsize === 1 && this.kind !== 'U' ? '|' : this.byteOrder
    const size = this.kind === 'U' ? this.itemsize / 4 : this.itemsize
    return `${order}${this.kind}${size}${this.unit ? `[${this.unit}]` : ''}`
  }

  /** True when the element bytes are big-endian and must be swapped on a little-endian machine. */
  get swapped(): boolean {
    return this.byteOrder === '>' && this.itemsize > 1 && this.kind !== 'S' && this.kind !== 'V' && this.kind !== 'O'
  }

  /** `numpy.dtype(obj, align, copy)`: obj is a type string such as 'f8', 'O8', 'U3', 'M8'. */
  static fromTypeString(obj: unknown, position: number): PickledDtype {
    if (typeof obj !== 'string') {
      throw new UnsupportedError('numpy-dtype', `A pickled numpy dtype is built from ${typeof obj === 'object' ? 'an object' : typeof obj} at byte ${position}; only simple type strings ('f8', 'i8', 'O8', 'U3') are supported.`, { position })
    }
    const m = /^([<>|=]?)([a-zA-Z?])(\d*)(?:\[(\d*[a-zA-Z]+)\])?$/.exec(obj)
    let kind = m?.[2] ?? ''
    if (kind === '?') kind = 'b'
    if (kind === 'a') kind = 'S'
    if (!m || !KINDS.has(kind)) {
      throw new UnsupportedError('numpy-dtype', `The pickle uses the numpy dtype '${obj.slice(0, 40)}' (byte ${position}); supported kinds are bool, int, uint, float, complex, object, str, bytes, void and datetime.`, { dtype: obj.slice(0, 40), position })
    }
    const digits = m[3] === '' ? undefined : Number(m[3])
    let itemsize: number
    if (kind === 'O') itemsize = 8
    else if (kind === 'U') itemsize = (digits ?? 0) * 4
    else if (kind === 'S' || kind === 'V') itemsize = digits ?? 0
    else {
      itemsize = digits ?? (kind === 'b' ? 1 : 8)
      if (!ITEM_SIZES[kind].includes(itemsize)) {
        throw new UnsupportedError('numpy-dtype', `The pickle uses the numpy dtype '${obj}' (byte ${position}), an item size numpy does not define for this kind.`, { dtype: obj, position })
      }
    }
    if (!Number.isSafeInteger(itemsize) || itemsize > 0x7fffffff) throw new CorruptFileError(`The numpy dtype '${obj.slice(0, 40)}' at byte ${position} claims an impossible item size.`, { position })
    const order = m[1] === '>' ? '>' : m[1] === '<' || m[1] === '=' ? '<' : itemsize <= 1 ? '|' : '<'
    return new PickledDtype(kind as DtypeKind, itemsize, order, m[4])
  }

  /** dtype.__setstate__: the byte order, the element size of flexible types, the datetime unit. */
  setState(state: unknown, position: number): void {
    if (!Array.isArray(state) || state.length < 7 || state.length > 9) {
      throw new CorruptFileError(`A numpy dtype state at byte ${position} is not the (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]) tuple numpy writes.`, { position })
    }
    const [, order, subarray, names, fields, elsize] = state as unknown[]
    if (subarray !== null || names !== null || fields !== null) {
      throw new UnsupportedError('numpy-structured-dtype', `The pickle holds a structured or subarray numpy dtype (byte ${position}); only plain element types are supported. Convert the array with numpy (e.g. arr.tolist()) before pickling.`, { position })
    }
    if (order === '>') this.byteOrder = '>'
    else if (order === '<' || order === '=') this.byteOrder = '<'
    else if (order === '|') this.byteOrder = '|'
    else throw new CorruptFileError(`A numpy dtype state at byte ${position} has the byte order ${JSON.stringify(order)}; expected '<', '>', '|' or '='.`, { position })
    if (typeof elsize === 'number' && elsize > 0 && (this.kind === 'U' || this.kind === 'S' || this.kind === 'V')) {
      if (!Number.isSafeInteger(elsize) || elsize > 0x7fffffff || (this.kind === 'U' && elsize % 4 !== 0)) {
        throw new CorruptFileError(`A numpy dtype state at byte ${position} gives the element size ${elsize}, which numpy never writes for kind '${this.kind}'.`, { position, elsize })
      }
      this.itemsize = elsize
    }
    if ((this.kind === 'M' || this.kind === 'm') && state.length === 9) {
      const meta = state[8]
      const unitTuple = Array.isArray(meta) ? meta[1] : undefined
      if (Array.isArray(unitTuple)) {
        const unit = unitTuple[0]
        const num = unitTuple[1]
        const text = unit instanceof Uint8Array ? String.fromCharCode(...unit.subarray(0, 16)) : typeof unit === 'string' ? unit.slice(0, 16) : undefined
        if (text && /^[a-zA-Z]+$/.test(text)) this.unit = `${typeof num === 'number' && num !== 1 ? num : ''}${text}`
      }
    }
    if (this.itemsize === 1 || this.kind === 'S' || this.kind === 'V') this.byteOrder = '|'
  }
}
