import type { NodeDeps } from './node-deps.js'

/** Zarr v2 dtype strings of the typed arrays the writer accepts. */
export function zarrDtype(array: ArrayBufferView): string {
  if (array instanceof Int8Array) return '|i1'
  if (array instanceof Uint8Array) return '|u1'
  if (array instanceof Int16Array) return '<i2'
  if (array instanceof Uint16Array) return '<u2'
  if (array instanceof Int32Array) return '<i4'
  if (array instanceof Uint32Array) return '<u4'
  if (array instanceof Float32Array) return '<f4'
  if (array instanceof Float64Array) return '<f8'
  if (array instanceof BigInt64Array) return '<i8'
  if (array instanceof BigUint64Array) return '<u8'
  throw new TypeError(`no Zarr dtype for ${array.constructor.name}`)
}

export interface ZarrArraySpec {
  shape: number[]
  chunks: number[]
  dtype: string
  /** zlib level 1-9, or 0 for no compression. */
  zlibLevel: number
  fillValue?: number | null
  attrs?: Record<string, unknown>
}

/**
 * A minimal Zarr v2 directory-store writer (what zarr-python 2 and 3 and SpikeInterface read): .zgroup,
 * .zattrs, .zarray, chunks named "i.j" in C order (edge chunks padded to the full chunk shape), zlib
 * (numcodecs 'zlib') or no compression, and consolidated metadata (.zmetadata) written by finish().
 * Little-endian data only (the machine order of typed arrays on every platform Node runs on).
 */
export class ZarrV2Writer {
  private readonly meta: Record<string, unknown> = {}
  private readonly arrays = new Map<string, ZarrArraySpec>()

  private readonly fs: NodeDeps['fs']
  private readonly join: NodeDeps['path']['join']
  private readonly deflate: NodeDeps['zlib']['deflateSync']

  /** `deps`: the Node modules (see nodeDeps), passed in so that this module imports none. */
  constructor(
    readonly root: string,
    deps: Pick<NodeDeps, 'fs' | 'path' | 'zlib'>,
  ) {
    this.fs = deps.fs
    this.join = deps.path.join
    this.deflate = deps.zlib.deflateSync
  }

  async group(path: string, attrs: Record<string, unknown> = {}): Promise<void> {
    const dir = this.join(this.root, path)
    await this.fs.mkdir(dir, { recursive: true })
    await this.json(path, '.zgroup', { zarr_format: 2 })
    await this.json(path, '.zattrs', attrs)
  }

  async array(path: string, spec: ZarrArraySpec): Promise<void> {
    await this.fs.mkdir(this.join(this.root, path), { recursive: true })
    this.arrays.set(path, spec)
    await this.json(path, '.zarray', {
      chunks: spec.chunks,
      compressor: spec.zlibLevel > 0 ? { id: 'zlib', level: spec.zlibLevel } : null,
      dimension_separator: '.',
      dtype: spec.dtype,
      fill_value: spec.fillValue ?? 0,
      filters: null,
      order: 'C',
      shape: spec.shape,
      zarr_format: 2,
    })
    await this.json(path, '.zattrs', spec.attrs ?? {})
  }

  /** Writes one chunk: `data` holds exactly the chunk's elements in C order (full chunk shape). */
  async chunk(path: string, index: number[], data: ArrayBufferView): Promise<number> {
    const spec = this.arrays.get(path)
    if (!spec) throw new Error(`array ${path} was not declared`)
    let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    if (spec.zlibLevel > 0) bytes = this.deflate(bytes, { level: spec.zlibLevel })
    await this.fs.writeFile(this.join(this.root, path, index.join('.')), bytes)
    return bytes.length
  }

  /** A small array written in one chunk. */
  async smallArray(path: string, data: ArrayBufferView & { length: number }, attrs: Record<string, unknown> = {}): Promise<void> {
    const n = Math.max(1, data.length)
    await this.array(path, { shape: [data.length], chunks: [n], dtype: zarrDtype(data), zlibLevel: 0, attrs })
    if (data.length > 0) await this.chunk(path, [0], data)
  }

  /** Fixed-length unicode strings ('<Un', UTF-32LE), which numpy reads as str arrays. */
  async stringArray(path: string, values: string[]): Promise<void> {
    const width = Math.max(1, ...values.map((v) => [...v].length))
    const out = new Uint32Array(values.length * width)
    values.forEach((v, i) => {
      let j = 0
      for (const ch of v) out[i * width + j++] = ch.codePointAt(0) as number
    })
    await this.fs.mkdir(this.join(this.root, path), { recursive: true })
    const spec: ZarrArraySpec = { shape: [values.length], chunks: [Math.max(1, values.length)], dtype: `<U${width}`, zlibLevel: 0, fillValue: null }
    this.arrays.set(path, spec)
    await this.json(path, '.zarray', { chunks: spec.chunks, compressor: null, dimension_separator: '.', dtype: spec.dtype, fill_value: '', filters: null, order: 'C', shape: spec.shape, zarr_format: 2 })
    await this.json(path, '.zattrs', {})
    if (values.length > 0) await this.fs.writeFile(this.join(this.root, path, '0'), new Uint8Array(out.buffer))
  }

  /** Consolidated metadata, so readers open the store with one read. */
  async finish(): Promise<void> {
    await this.fs.writeFile(this.join(this.root, '.zmetadata'), JSON.stringify({ metadata: this.meta, zarr_consolidated_format: 1 }, null, 2))
  }

  private async json(path: string, name: string, value: unknown): Promise<void> {
    const key = path ? `${path}/${name}` : name
    this.meta[key] = value
    await this.fs.writeFile(this.join(this.root, path, name), JSON.stringify(value, jsonSafe, 2))
  }
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity'
  if (typeof value === 'bigint') return Number(value)
  return value
}
