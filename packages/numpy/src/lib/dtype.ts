import { UnsupportedError } from '@spikes/core'
import { isPyTuple, type PyLiteral } from './py-literal.js'

/** numpy kind characters this reader knows. */
export type NpyKind = 'b' | 'i' | 'u' | 'f' | 'c' | 'S' | 'U' | 'V' | 'O' | 'M' | 'm'

/** One field of a structured dtype. */
export interface NpyField {
  /** Field name ('' never appears: padding fields are dropped). */
  readonly name: string
  /** The field's title, when the descr gave the name as a (title, name) pair. */
  readonly title?: string
  readonly dtype: NpyDtype
  /** Byte offset of the field inside one record. */
  readonly offset: number
  /** Sub-array shape of the field ([] for a scalar field). */
  readonly shape: readonly number[]
}

/** A parsed numpy dtype. */
export interface NpyDtype {
  /** The descr as the header wrote it ('<f8', '|b1') or, for structured dtypes, a JSON rendering. */
  readonly descr: string
  readonly kind: NpyKind
  /** Bytes per element (the whole record for structured dtypes). */
  readonly itemsize: number
  /** '<' little, '>' big, '|' not applicable. */
  readonly byteOrder: '<' | '>' | '|'
  /** Fields of a structured dtype, in record order. */
  readonly fields?: readonly NpyField[]
  /** Datetime / timedelta unit ('ns', 's', 'D', ...). */
  readonly unit?: string
}

/** The item sizes numpy defines for each fixed-size kind (object: 8, or 4 on 32-bit builds). */
export const ITEM_SIZES: Readonly<Record<string, readonly number[]>> = {
  b: [1],
  i: [1, 2, 4, 8],
  u: [1, 2, 4, 8],
  f: [2, 4, 8],
  c: [8, 16],
  M: [8],
  m: [8],
  O: [8, 4],
}

/** Parses a simple descr string such as '<f8', '>i4', '|b1', '|S10', '<U5', '|V16', '|O', '<M8[ns]'. */
export function parseTypestr(descr: string): NpyDtype {
  const m = /^([<>|=]?)([biufcSUVOMma])(\d*)(?:\[(\w+)\])?$/.exec(descr)
  if (!m) throw new UnsupportedError('npy-dtype', `The dtype '${descr}' is not a numpy type string this reader knows (expected e.g. '<f8', '|b1', '<U5').`, { dtype: descr })
  let [, order, kind, sizeText, unit] = m
  if (kind === 'a') kind = 'S'
  let size = sizeText === '' ? (kind === 'O' ? 8 : kind === 'b' ? 1 : NaN) : Number(sizeText)
  if (kind === 'U') size *= 4
  if (!Number.isFinite(size) || (ITEM_SIZES[kind] && !ITEM_SIZES[kind].includes(size)) || ((kind === 'S' || kind === 'U' || kind === 'V') && size < 0)) {
    throw new UnsupportedError('npy-dtype', `The dtype '${descr}' has an item size this reader does not support.`, { dtype: descr })
  }
  // '=' and a missing order mean native; every platform this runs on is little-endian.
  const byteOrder: '<' | '>' | '|' = size <= 1 || kind === 'S' || kind === 'V' || kind === 'O' ? '|' : order === '>' ? '>' : '<'
  return { descr, kind: kind as NpyKind, itemsize: size, byteOrder, ...(unit ? { unit } : {}) }
}

/** Parses a header 'descr': a type string or a structured list of (name, format[, shape]) tuples. */
export function parseDescr(descr: PyLiteral): NpyDtype {
  if (typeof descr === 'string') return parseTypestr(descr)
  if (Array.isArray(descr) && !isPyTuple(descr)) return parseStructured(descr)
  throw new UnsupportedError('npy-dtype', `The header's descr is neither a type string nor a list of fields.`, { dtype: String(descr) })
}

function parseStructured(list: readonly PyLiteral[]): NpyDtype {
  const fields: NpyField[] = []
  let offset = 0
  for (const entry of list) {
    if (!isPyTuple(entry) || entry.length < 2 || entry.length > 3) throw new UnsupportedError('npy-dtype', 'A structured descr entry is not a (name, format[, shape]) tuple.', {})
    let name: string
    let title: string | undefined
    const nameItem = entry[0]
    if (typeof nameItem === 'string') name = nameItem
    else if (isPyTuple(nameItem) && nameItem.length === 2 && typeof nameItem[0] === 'string' && typeof nameItem[1] === 'string') {
      title = nameItem[0]
      name = nameItem[1]
    } else throw new UnsupportedError('npy-dtype', 'A structured descr field name is not a string.', {})
    const dtype = parseDescr(entry[1])
    let shape: number[] = []
    if (entry.length === 3) {
      const s = entry[2]
      if (typeof s === 'number') shape = [s]
      else if (isPyTuple(s) && s.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) shape = [...(s as unknown as number[])]
      else throw new UnsupportedError('npy-dtype', `The sub-array shape of field '${name}' is not a tuple of integers.`, { field: name })
    }
    const count = shape.reduce((a, b) => a * b, 1)
    if (name !== '') fields.push({ name, ...(title !== undefined ? { title } : {}), dtype, offset, shape })
    offset += dtype.itemsize * count
  }
  return { descr: JSON.stringify(describeFields(list)), kind: 'V', itemsize: offset, byteOrder: '|', fields }
}

function describeFields(list: readonly PyLiteral[]): unknown {
  return list.map((e) => (Array.isArray(e) ? [...e].map((x) => (Array.isArray(x) ? describeFields(x as PyLiteral[]) : x)) : e))
}

/** True for dtypes whose data decodes to a typed array. */
export function isNumericDtype(dtype: NpyDtype): boolean {
  return dtype.kind === 'b' || dtype.kind === 'i' || dtype.kind === 'u' || dtype.kind === 'f' || dtype.kind === 'c' || dtype.kind === 'M' || dtype.kind === 'm'
}
