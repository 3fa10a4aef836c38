import { InvalidDataError, UnsupportedError } from '@spikes/core'

/**
 * A Zarr v2 data type (numpy's `dtype.str` or a structured list), checked: `kind` is numpy's kind letter
 * (`b` bool, `i` signed, `u` unsigned, `f` float, `S` fixed-length bytes, `U` fixed-length unicode, `V` a record,
 * `T` a Zarr v3 variable-length string or bytes type, whose `descr` is its v3 `data_type` and whose 4-byte items
 * are indices into the strings of one read),
 * `itemsize` bytes per element, `byteOrder` `'<'`, `'>'` or `'|'` (not applicable), and `fields` for a record.
 */
export interface ZarrDtype {
  /** The dtype as written in `.zarray` (a string, or the structured list serialised as JSON). */
  readonly descr: string
  readonly kind: 'b' | 'i' | 'u' | 'f' | 'S' | 'U' | 'V' | 'T'
  readonly itemsize: number
  readonly byteOrder: '<' | '>' | '|'
  /** Fields of a structured (record) dtype, in file order, with their byte offsets. */
  readonly fields?: readonly ZarrField[]
}

/** One field of a structured dtype: a scalar of `dtype` at `offset` bytes into each record. */
export interface ZarrField {
  readonly name: string
  readonly dtype: ZarrDtype
  readonly offset: number
}

const SIMPLE = /^([<>|=])([biufSUVOcmMa])(\d*)(\[[^\]]*\])?$/
const MAX_ITEMSIZE = 1 << 20
const MAX_FIELDS = 1024
const NUMERIC_SIZES: Record<string, readonly number[]> = { b: [1], i: [1, 2, 4, 8], u: [1, 2, 4, 8], f: [2, 4, 8] }

/**
 * Parses a `.zarray` dtype: a numpy type string (`<i8`, `|b1`, `<U12`, `|S4`, `>f4`) or a structured list
 * (`[["sample_index", "<i8"], ["unit_index", "<i8"]]`). Malformed → InvalidDataError (`field: 'dtype'`);
 * object, complex, datetime, void-without-fields and subarray fields → UnsupportedError (`feature: 'dtype'`).
 */
export function parseDtype(value: unknown, file: string): ZarrDtype {
  if (typeof value === 'string') return parseSimple(value, file)
  if (Array.isArray(value)) return parseStructured(value, file, 0)
  throw new InvalidDataError(`${file}: dtype is ${JSON.stringify(value)}; Zarr v2 writes a numpy type string or a list of [name, type] fields.`, { file, field: 'dtype' })
}

function parseSimple(text: string, file: string): ZarrDtype {
  const m = SIMPLE.exec(text)
  if (!m) throw new InvalidDataError(`${file}: dtype '${text}' is not a numpy type string (such as '<i8' or '|u1').`, { file, field: 'dtype', value: text })
  const [, order, kind, sizeText, unit] = m as unknown as [string, string, string, string, string | undefined]
  const size = Number(sizeText)
  if (kind !== 'O' && sizeText === '') throw new InvalidDataError(`${file}: dtype '${text}' has no item size.`, { file, field: 'dtype', value: text })
  if (kind === 'O' || kind === 'c' || kind === 'm' || kind === 'M' || kind === 'V' || kind === 'a' || unit) {
    const what = kind === 'O' ? 'Python objects (an object codec)' : kind === 'c' ? 'complex numbers' : kind === 'm' || kind === 'M' ? 'datetimes' : 'raw void records'
    throw new UnsupportedError('dtype', `${file}: dtype '${text}' holds ${what}, which this reader does not decode.`, { file, dtype: text })
  }
  const sizes = NUMERIC_SIZES[kind]
  if (sizes && !sizes.includes(size)) throw new InvalidDataError(`${file}: dtype '${text}' has an item size numpy does not use for kind '${kind}'.`, { file, field: 'dtype', value: text })
  const itemsize = kind === 'U' ? size * 4 : size
  if (!(itemsize >= 1 && itemsize <= MAX_ITEMSIZE)) throw new InvalidDataError(`${file}: dtype '${text}' has item size ${itemsize}; 1 to ${MAX_ITEMSIZE} bytes are accepted.`, { file, field: 'dtype', value: text })
  const byteOrder: ZarrDtype['byteOrder'] = itemsize === 1 || kind === 'S' ? '|' : order === '>' ? '>' : order === '|' ? '<' : '<'
  return { descr: text, kind: kind as ZarrDtype['kind'], itemsize, byteOrder }
}

function parseStructured(list: unknown[], file: string, depth: number): ZarrDtype {
  if (list.length === 0 || list.length > MAX_FIELDS || depth > 0) throw new InvalidDataError(`${file}: a structured dtype needs 1 to ${MAX_FIELDS} fields, none nested.`, { file, field: 'dtype', count: list.length })
  const fields: ZarrField[] = []
  const names = new Set<string>()
  let offset = 0
  for (const entry of list) {
    if (!Array.isArray(entry) || entry.length < 2 || typeof entry[0] !== 'string') {
      throw new InvalidDataError(`${file}: structured dtype entry ${JSON.stringify(entry)} is not [name, type].`, { file, field: 'dtype' })
    }
    if (entry.length > 2) throw new UnsupportedError('dtype', `${file}: field '${entry[0]}' is a sub-array (shape ${JSON.stringify(entry[2])}); only scalar fields are read.`, { file, dtype: JSON.stringify(list) })
    if (names.has(entry[0])) throw new InvalidDataError(`${file}: structured dtype repeats field '${entry[0]}'.`, { file, field: 'dtype', name: entry[0] })
    names.add(entry[0])
    if (typeof entry[1] !== 'string') throw new UnsupportedError('dtype', `${file}: field '${entry[0]}' is itself structured; nested records are not read.`, { file, dtype: JSON.stringify(list) })
    const dtype = parseSimple(entry[1], file)
    fields.push({ name: entry[0], dtype, offset })
    offset += dtype.itemsize
    if (offset > MAX_ITEMSIZE) throw new InvalidDataError(`${file}: records of more than ${MAX_ITEMSIZE} bytes.`, { file, field: 'dtype' })
  }
  return { descr: JSON.stringify(list), kind: 'V', itemsize: offset, byteOrder: '|', fields }
}

/** True for the dtypes that become a typed array (bool, integers, floats). */
export function isNumericDtype(dtype: ZarrDtype): boolean {
  return dtype.kind === 'b' || dtype.kind === 'i' || dtype.kind === 'u' || dtype.kind === 'f'
}

/** A v2 object array of strings, read as v3's variable-length strings are: 4-byte indices into one read's strings. */
export const VLEN_OBJECT: ZarrDtype = { descr: '|O', kind: 'T', itemsize: 4, byteOrder: '|' }

/**
 * The string codec of a v2 object (`|O`) array: its one filter `vlen-utf8` or `vlen-bytes` (numcodecs' object
 * codecs, what zarr-python and hdmf-zarr write for str and bytes; the same chunk layout as Zarr v3's codecs).
 * Undefined for other dtypes; other object codecs (pickle, json2, msgpack) are UnsupportedError.
 */
export function objectCodec(d: Record<string, unknown>, file: string): 'vlen-utf8' | 'vlen-bytes' | undefined {
  if (d.dtype !== '|O') return undefined
  const filters = Array.isArray(d.filters) ? d.filters : []
  const id = filters.length === 1 && filters[0] && typeof filters[0] === 'object' ? (filters[0] as { id?: unknown }).id : undefined
  if (id === 'vlen-utf8' || id === 'vlen-bytes') return id
  const named = filters.map((f) => String((f as { id?: unknown } | null)?.id)).join(', ') || 'none'
  throw new UnsupportedError('dtype', `${file}: dtype '|O' holds Python objects encoded by ${named}; only strings (vlen-utf8, vlen-bytes) are decoded.`, { file, dtype: '|O', codec: named })
}
