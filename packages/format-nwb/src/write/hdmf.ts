import { h5, type H5Attrs, type H5DatasetSpec, type H5NodeSpec, type H5TypedArray } from './tree.js'

/** The typed attributes of the hdmf-common objects the writer uses, each with a fresh object_id. */
export interface Hdmf {
  oid: () => string
  vectorData(description: string): H5Attrs
  vectorIndex(target: string): H5Attrs
  elementIds(): H5Attrs
  region(description: string, table: string): H5Attrs
  typed(namespace: 'core' | 'hdmf-common', type: string, extra?: H5Attrs): H5Attrs
}

export function hdmf(oid: () => string): Hdmf {
  return {
    oid,
    vectorData: (description) => ({ namespace: 'hdmf-common', neurodata_type: 'VectorData', object_id: oid(), description }),
    vectorIndex: (target) => ({ namespace: 'hdmf-common', neurodata_type: 'VectorIndex', object_id: oid(), description: `Index for VectorData '${target.slice(target.lastIndexOf('/') + 1)}'`, target: h5.ref(target) }),
    elementIds: () => ({ namespace: 'hdmf-common', neurodata_type: 'ElementIdentifiers', object_id: oid() }),
    region: (description, table) => ({ namespace: 'hdmf-common', neurodata_type: 'DynamicTableRegion', object_id: oid(), description, table: h5.ref(table) }),
    typed: (namespace, type, extra = {}) => ({ namespace, neurodata_type: type, object_id: oid(), ...extra }),
  }
}

/**
 * The smallest unsigned integer array that holds every value (uint8, uint16, uint32, else uint64), as
 * pynwb writes VectorIndex and DynamicTableRegion data.
 */
export function smallestUnsigned(values: ArrayLike<number>): H5TypedArray {
  let max = 0
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i]
  if (max < 2 ** 8) return Uint8Array.from(values)
  if (max < 2 ** 16) return Uint16Array.from(values)
  if (max < 2 ** 32) return Uint32Array.from(values)
  return BigUint64Array.from(Array.from(values, BigInt))
}

/** Row numbers of a DynamicTableRegion (spec dtype 'int': int32, or int64 when a value needs it). */
export function regionRows(values: ArrayLike<number>): H5TypedArray {
  let max = 0
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i]
  return max < 2 ** 31 ? Int32Array.from(values) : int64(values)
}

/** int64 ids (ElementIdentifiers). */
export function int64(values: ArrayLike<number>): BigInt64Array {
  return BigInt64Array.from(Array.from(values, (v) => BigInt(v)))
}

/** A column of one number or one text per row (missing: NaN / ''). Undefined when the values are neither. */
export function scalarColumn(values: readonly unknown[], attrs: H5Attrs): H5DatasetSpec | undefined {
  const present = values.filter((v) => v !== undefined && v !== null)
  if (!present.length) return undefined
  if (present.every((v) => typeof v === 'number')) return h5.dataset(Float64Array.from(values, (v) => (typeof v === 'number' ? v : NaN)), { attrs })
  if (present.every((v) => typeof v === 'boolean')) return h5.dataset(Uint8Array.from(values, (v) => (v === true ? 1 : 0)), { attrs })
  if (present.every((v) => typeof v === 'string')) return h5.dataset(values.map((v) => (typeof v === 'string' ? v : '')), { attrs })
  return undefined
}

function isNumberList(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return !(v instanceof BigInt64Array || v instanceof BigUint64Array)
  return Array.isArray(v) && v.every((x) => typeof x === 'number')
}

function isTextList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string')
}

/**
 * A ragged column (VectorData + VectorIndex) of number lists or text lists per row, or undefined when
 * the values are not all lists of one kind. Missing values are empty lists.
 */
export function raggedColumn(name: string, tablePath: string, values: readonly unknown[], description: string, t: Hdmf): Record<string, H5NodeSpec> | undefined {
  const present = values.filter((v) => v !== undefined && v !== null)
  if (!present.length) return undefined
  const numbers = present.every(isNumberList)
  if (!numbers && !present.every(isTextList)) return undefined
  const ends: number[] = []
  const flatNumbers: number[] = []
  const flatText: string[] = []
  for (const v of values) {
    if (v !== undefined && v !== null) {
      if (numbers) flatNumbers.push(...Array.from(v as ArrayLike<number>))
      else flatText.push(...(v as string[]))
    }
    ends.push(numbers ? flatNumbers.length : flatText.length)
  }
  return {
    [name]: h5.dataset(numbers ? Float64Array.from(flatNumbers) : flatText, { attrs: t.vectorData(description) }),
    [`${name}_index`]: h5.dataset(smallestUnsigned(ends), { attrs: t.vectorIndex(`${tablePath}/${name}`) }),
  }
}
