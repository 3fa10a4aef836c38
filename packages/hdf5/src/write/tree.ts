/**
 * A declarative description of an HDF5 file to write: groups, datasets, attributes, soft links and
 * object references by path. Building the whole tree first lets the writer create every object before
 * it writes the references that point at them.
 */

/** An object reference to the group or dataset at this absolute path ('/units/spike_times'). */
export interface H5Ref {
  readonly ref: string
}

export type H5TypedArray = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array

/**
 * An attribute value. Strings are written as variable-length UTF-8 (scalar for a string, 1-D for an
 * array); a JS number as float64 (use `{ int: n }` for an int64 scalar); typed arrays keep their type.
 */
export type H5AttrValue = string | readonly string[] | number | { readonly int: number } | H5TypedArray | H5Ref

export type H5Attrs = Readonly<Record<string, H5AttrValue>>

export interface H5DatasetSpec {
  readonly kind: 'dataset'
  /** Numbers (typed array, any shape given by `shape`), strings (vlen UTF-8), a scalar string, or references. */
  readonly data: H5TypedArray | readonly string[] | string | number | readonly H5Ref[]
  /** Defaults to [length] (or [] for a scalar). */
  readonly shape?: readonly number[]
  /** Chunk shape; required for compression. */
  readonly chunks?: readonly number[]
  /** gzip level 1-9 (needs chunks). */
  readonly gzip?: number
  readonly attrs?: H5Attrs
}

export interface H5GroupSpec {
  readonly kind: 'group'
  readonly attrs?: H5Attrs
  readonly children?: Readonly<Record<string, H5NodeSpec>>
}

export interface H5SoftLinkSpec {
  readonly kind: 'softlink'
  /** Absolute path of the target. */
  readonly target: string
}

export type H5NodeSpec = H5GroupSpec | H5DatasetSpec | H5SoftLinkSpec

export const h5 = {
  group(children: Record<string, H5NodeSpec> = {}, attrs: H5Attrs = {}): H5GroupSpec {
    return { kind: 'group', children, attrs }
  },
  dataset(data: H5DatasetSpec['data'], options: Omit<H5DatasetSpec, 'kind' | 'data'> = {}): H5DatasetSpec {
    return { kind: 'dataset', data, ...options }
  },
  link(target: string): H5SoftLinkSpec {
    return { kind: 'softlink', target }
  },
  ref(path: string): H5Ref {
    return { ref: path }
  },
}

export function isRef(value: unknown): value is H5Ref {
  return typeof value === 'object' && value !== null && typeof (value as H5Ref).ref === 'string' && Object.keys(value).length === 1
}
