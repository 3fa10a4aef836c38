/**
 * A declarative description of an HDF5 file to write: groups, datasets, attributes, soft links and
 * object references by path. Building the whole tree first lets the writer create every object before
 * it writes the references that point at them.
 */

/** An object reference to the group or dataset at this absolute path ('/units/spike_times'). */
export interface H5Ref {
  readonly ref: string
}

/** Typed arrays a dataset or attribute can be written from; the array type sets the stored HDF5 type. */
export type H5TypedArray = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array

/**
 * An attribute value. Strings are written as variable-length UTF-8 (scalar for a string, 1-D for an
 * array); a JS number as float64 (use `{ int: n }` for an int64 scalar); typed arrays keep their type.
 */
export type H5AttrValue = string | readonly string[] | number | { readonly int: number } | H5TypedArray | H5Ref

/** Attributes of a group or dataset, by name. */
export type H5Attrs = Readonly<Record<string, H5AttrValue>>

/** A dataset to write; build one with `h5.dataset`. */
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

/** A group to write, with its attributes and children by name; build one with `h5.group`. */
export interface H5GroupSpec {
  readonly kind: 'group'
  readonly attrs?: H5Attrs
  /** Child nodes by name (a name must be non-empty, without '/', not '.' or '..'). */
  readonly children?: Readonly<Record<string, H5NodeSpec>>
}

/** A soft link to write; build one with `h5.link`. Links are created after the groups, so the target may be anywhere in the tree. */
export interface H5SoftLinkSpec {
  readonly kind: 'softlink'
  /** Absolute path of the target. */
  readonly target: string
}

/** Any node of the tree. */
export type H5NodeSpec = H5GroupSpec | H5DatasetSpec | H5SoftLinkSpec

/** Builders for the tree that writeHdf5 takes. */
export const h5 = {
  /** A group spec (default: no children, no attributes). */
  group(children: Record<string, H5NodeSpec> = {}, attrs: H5Attrs = {}): H5GroupSpec {
    return { kind: 'group', children, attrs }
  },
  /** A dataset spec: `data` plus optional `shape`, `chunks`, `gzip` and `attrs`. */
  dataset(data: H5DatasetSpec['data'], options: Omit<H5DatasetSpec, 'kind' | 'data'> = {}): H5DatasetSpec {
    return { kind: 'dataset', data, ...options }
  },
  /** A soft link to the absolute path `target`. */
  link(target: string): H5SoftLinkSpec {
    return { kind: 'softlink', target }
  },
  /** An object reference to the group or dataset at the absolute path `path`, resolved when the file is written (InvalidArgumentError when no group or dataset is written there). */
  ref(path: string): H5Ref {
    return { ref: path }
  },
}

/** True for an H5Ref: an object whose only key is a string `ref`. */
export function isRef(value: unknown): value is H5Ref {
  return typeof value === 'object' && value !== null && typeof (value as H5Ref).ref === 'string' && Object.keys(value).length === 1
}
