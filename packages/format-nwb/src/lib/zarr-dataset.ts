import { UnsupportedError } from '@spikes/core'
import type { Hdf5AttrValue, Hdf5Dtype, Hdf5Reference, ReadNumericOptions } from '@spikes/hdf5'
import type { ZarrArray, ZarrValues } from '@spikes/zarr'

/** An hdmf-zarr object reference (`{"value": {"path", "source"}, "zarr_dtype": "object"}`) as an Hdf5Reference holding the path. */
export function zarrReference(value: unknown): Hdf5Reference | undefined {
  if (!value || typeof value !== 'object') return undefined
  const inner = (value as { value?: unknown }).value ?? value
  const path = (inner as { path?: unknown } | null)?.path
  if (typeof path !== 'string') return undefined
  return { kind: 'object', bytes: new TextEncoder().encode(path) }
}

/** A Zarr attribute as @spikes/hdf5 gives HDF5 ones: references as Hdf5Reference, one-element lists unwrapped. */
export function zarrAttr(value: unknown): Hdf5AttrValue | undefined {
  if (value === null || value === undefined) return undefined
  const ref = zarrReference(value)
  if (ref && typeof value === 'object' && (value as { zarr_dtype?: unknown }).zarr_dtype === 'object') return ref
  if (Array.isArray(value) && value.length === 1 && typeof value[0] !== 'object') return value[0] as Hdf5AttrValue
  return value as Hdf5AttrValue
}

/** What the tree knows of one array: its metadata when the reader can decode it, else only its shape and attributes. */
export interface ArrayEntry {
  array?: ZarrArray
  shape: number[]
  attrs: Record<string, unknown>
}

function dtypeOf(array: ZarrArray | undefined): Hdf5Dtype {
  if (!array) return { class: 'vlen', bytes: 8, littleEndian: true, numpy: 'O' }
  const d = array.dtype
  const numpy = d.descr
  switch (d.kind) {
    case 'b':
      return { class: 'enum', bytes: 1, littleEndian: true, enumMembers: { FALSE: 0, TRUE: 1 }, numpy }
    case 'i':
      return { class: 'int', bytes: d.itemsize, littleEndian: true, numpy }
    case 'u':
      return { class: 'uint', bytes: d.itemsize, littleEndian: true, numpy }
    case 'f':
      return { class: 'float', bytes: d.itemsize, littleEndian: true, numpy }
    case 'S':
    case 'U':
    case 'T':
      return { class: 'string', bytes: d.itemsize, littleEndian: true, encoding: 'utf-8', variableLength: d.kind === 'T', numpy }
    default:
      return { class: 'compound', bytes: d.itemsize, littleEndian: true, numpy }
  }
}

/**
 * One Zarr array seen through the part of Hdf5Dataset's interface the NWB reader uses; its values were read
 * before (Zarr reads are asynchronous, the NWB reader is not) or are absent (reading them is UnsupportedError).
 */
export class ZarrTreeDataset {
  readonly dtype: Hdf5Dtype
  readonly shape: number[]
  readonly chunks: number[] | null
  readonly maxshape = null

  constructor(
    readonly path: string,
    private readonly entry: ArrayEntry,
    private readonly values: ZarrValues | undefined,
    private readonly fileName: string,
  ) {
    this.dtype = dtypeOf(entry.array)
    this.shape = [...entry.shape]
    this.chunks = entry.array ? [...entry.array.metadata.chunks] : null
  }

  get size(): number {
    return this.shape.reduce((n, d) => n * d, 1)
  }

  get rank(): number {
    return this.shape.length
  }

  get attrs(): Record<string, Hdf5AttrValue> {
    const out: Record<string, Hdf5AttrValue> = {}
    for (const [k, v] of Object.entries(this.entry.attrs)) {
      const a = zarrAttr(v)
      if (a !== undefined) out[k] = a
    }
    return out
  }

  isNumeric(): boolean {
    return this.entry.array !== undefined && ['b', 'i', 'u', 'f'].includes(this.entry.array.dtype.kind)
  }

  isInteger(): boolean {
    return this.entry.array !== undefined && ['b', 'i', 'u'].includes(this.entry.array.dtype.kind)
  }

  private loaded(): ZarrValues {
    if (this.values === undefined) {
      throw new UnsupportedError('nwb-zarr-unread', `${this.fileName}: ${this.path} was not read with the Units table and its metadata; the NWB-Zarr reader reads only those.`, { file: this.fileName, dataset: this.path })
    }
    return this.values
  }

  readNumeric(options: ReadNumericOptions = {}): Float64Array {
    const values = this.loaded()
    if (!this.isNumeric() || Array.isArray(values)) throw new UnsupportedError('nwb-zarr-dtype', `${this.fileName}: ${this.path} holds ${this.dtype.numpy}, not numbers.`, { file: this.fileName, dataset: this.path })
    const out = Float64Array.from(values as ArrayLike<number>, Number)
    options.onProgress?.(out.length, out.length)
    return out
  }

  readScalar(): number {
    return this.readNumeric()[0]
  }

  readStrings(): string[] {
    const values = this.loaded()
    if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) throw new UnsupportedError('nwb-zarr-dtype', `${this.fileName}: ${this.path} holds ${this.dtype.numpy}, not strings.`, { file: this.fileName, dataset: this.path })
    return values as string[]
  }

  readReferences(): Hdf5Reference[] {
    throw new UnsupportedError('nwb-zarr-references', `${this.fileName}: ${this.path} holds object references stored as Python objects, which are not decoded.`, { file: this.fileName, dataset: this.path })
  }

  readCompound(): never {
    throw new UnsupportedError('nwb-zarr-compound', `${this.fileName}: ${this.path} is a compound dataset, which the NWB-Zarr reader does not decode.`, { file: this.fileName, dataset: this.path })
  }
}
