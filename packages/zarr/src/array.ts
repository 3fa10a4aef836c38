import { CorruptFileError, InvalidArgumentError, InvalidDataError, LimitExceededError, MissingFileError, throwIfAborted, type FolderSource } from '@spikes/core'
import { halfToFloat } from '@spikes/core/loader-utils'
import { checkCodec, checkFilter, decompress, decompressUpTo, undoDelta, type ChunkContext, type CodecConfig } from './codecs.js'
import { isNumericDtype, objectCodec, parseDtype, VLEN_OBJECT, type ZarrDtype } from './dtype.js'

/** Default bound of one read's output (and of one decoded chunk): 1 GiB. */
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024
/** No chunk may decode to more than this, whatever `maxBytes` says (a typed array's practical limit). */
const MAX_CHUNK_BYTES = 2 ** 31 - 1
const MAX_DIMS = 32
const TWO32 = 2 ** 32

/** The checked content of a `.zarray` document (Zarr v2 array metadata). */
export interface ZarrArrayMetadata {
  readonly shape: readonly number[]
  readonly chunks: readonly number[]
  readonly dtype: ZarrDtype
  readonly order: 'C' | 'F'
  /** The JSON `fill_value` (a number, "NaN", "Infinity", a base64 string for bytes and records, a string for unicode, or null). */
  readonly fillValue: unknown
  readonly compressor: CodecConfig | null
  readonly filters: readonly CodecConfig[]
  readonly dimensionSeparator: '.' | '/'
  /** 2 for a `.zarray` document, 3 for an array's `zarr.json`. */
  readonly zarrFormat: 2 | 3
  /**
   * How a chunk's key is formed from its grid index, joined by `dimensionSeparator`: `'v2'` (`0.1`, `0` for a 0-d
   * array) or Zarr v3's `'default'` (`c/0/1`, `c` for a 0-d array).
   */
  readonly chunkKeyEncoding: 'v2' | 'default'
  /** Zarr v3 `sharding_indexed`: each chunk (`chunks`) is a shard of inner chunks, decoded one by one. */
  readonly sharding?: ZarrSharding
  /**
   * Zarr v3 variable-length strings (`data_type` `string` with the `vlen-utf8` codec, `variable_length_bytes` or
   * `bytes` with `vlen-bytes`): each chunk is a u32le item count, then each item as a u32le byte length and its
   * bytes. `fillValue` is then the fill string.
   */
  readonly vlen?: 'vlen-utf8' | 'vlen-bytes'
}

/**
 * A Zarr v3 shard's layout (`sharding_indexed`): the inner chunk shape, the inner chunks' order, compressor and
 * filters (as for a whole array), and where the index of (offset, size) pairs sits, with or without its crc32c.
 */
export interface ZarrSharding {
  readonly chunks: readonly number[]
  readonly order: 'C' | 'F'
  readonly compressor: CodecConfig | null
  readonly filters: readonly CodecConfig[]
  readonly indexLocation: 'start' | 'end'
  readonly indexChecksum: boolean
}

/**
 * What `ZarrArray.read` returns for each dtype: typed arrays for numbers (bool → Uint8Array of 0/1; int64 and
 * uint64 → Float64Array, or BigInt64Array / BigUint64Array with `int64: 'bigint'`; float16 → Float32Array),
 * strings for fixed-length bytes (`S`, UTF-8), unicode (`U`) and Zarr v3 variable-length strings and bytes (`T`,
 * bytes as UTF-8), one object per record for structured dtypes
 * (a bool field as a boolean, a 64-bit integer field as for whole arrays).
 */
export type ZarrValues =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | string[]
  | Record<string, number | bigint | string | boolean>[]

/** Options of `ZarrArray.read`. */
export interface ReadZarrOptions {
  /** Per dimension, `[start, stop)` (or null for the whole dimension); default: the whole array. */
  selection?: readonly (readonly [number, number] | null | undefined)[]
  /** Refuse a read whose output (elements × item size) or any decoded chunk exceeds this; default 1 GiB. */
  maxBytes?: number
  /** 64-bit integers as numbers (default; a value beyond ±2^53 is an InvalidDataError) or as bigints. */
  int64?: 'number' | 'bigint'
  /** Chunks fetched and decoded at once (default 4). */
  concurrency?: number
  signal?: AbortSignal
}

/** The result of a read: values in C order, the selection's shape, the array's dtype. */
export interface ZarrRead {
  readonly data: ZarrValues
  readonly shape: number[]
  readonly dtype: ZarrDtype
}

/**
 * Checks a parsed `.zarray` document: `zarr_format` 2, `shape` and `chunks` lists of whole numbers of the same
 * length (chunks ≥ 1, one chunk at most 2 GiB decoded, the element count a safe integer), a known dtype,
 * `order` C or F, known codecs, `dimension_separator` '.' or '/'. Anything else is an InvalidDataError
 * (`file`, `field`) or, for a valid but unread feature, an UnsupportedError.
 */
export function parseArrayMetadata(doc: unknown, file: string): ZarrArrayMetadata {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidDataError(`${file} is not a JSON object.`, { file, field: '.zarray' })
  const d = doc as Record<string, unknown>
  if (d.zarr_format !== 2) throw new InvalidDataError(`${file}: zarr_format is ${JSON.stringify(d.zarr_format)}; this reader reads Zarr v2 (zarr_format 2).`, { file, field: 'zarr_format', value: String(d.zarr_format) })
  const shape = intList(d.shape, 'shape', file, 0)
  const chunks = intList(d.chunks, 'chunks', file, 1)
  const vlen = objectCodec(d, file)
  const dtype = vlen ? VLEN_OBJECT : parseDtype(d.dtype, file)
  checkGrid(shape, chunks, dtype, file, 'chunks')
  const order = d.order ?? 'C'
  if (order !== 'C' && order !== 'F') throw new InvalidDataError(`${file}: order is ${JSON.stringify(order)}; Zarr v2 has 'C' and 'F'.`, { file, field: 'order', value: String(order) })
  const separator = d.dimension_separator ?? '.'
  if (separator !== '.' && separator !== '/') throw new InvalidDataError(`${file}: dimension_separator is ${JSON.stringify(separator)}; Zarr v2 has '.' and '/'.`, { file, field: 'dimension_separator', value: String(separator) })
  const compressor = d.compressor === null || d.compressor === undefined ? null : checkCodec(d.compressor, 'compressor', file)
  if (d.filters !== null && d.filters !== undefined && !Array.isArray(d.filters)) throw new InvalidDataError(`${file}: filters is not a list.`, { file, field: 'filters' })
  const filters = vlen ? [] : ((d.filters as unknown[] | null | undefined) ?? []).map((f) => checkCodec(f, 'filters', file))
  for (const f of filters) checkFilter(f, dtype, file)
  const fillValue = vlen ? (typeof d.fill_value === 'string' ? d.fill_value : '') : (d.fill_value ?? null)
  const metadata: ZarrArrayMetadata = { shape, chunks, dtype, order, fillValue, compressor, filters, dimensionSeparator: separator, zarrFormat: 2, chunkKeyEncoding: 'v2', ...(vlen ? { vlen } : {}) }
  fillBytes(metadata, file) // checks fill_value now rather than at the first missing chunk
  return metadata
}

/**
 * Checks a grid: as many chunk dimensions as shape dimensions, the element count a safe integer, one chunk at
 * most 2 GiB decoded. `chunksField` names the metadata field of the chunk shape in errors. @internal
 */
export function checkGrid(shape: readonly number[], chunks: readonly number[], dtype: ZarrDtype, file: string, chunksField: string): void {
  if (chunks.length !== shape.length) throw new InvalidDataError(`${file}: ${chunksField} has ${chunks.length} dimensions and shape ${shape.length}.`, { file, field: chunksField, shape, chunks })
  let count = 1
  for (const n of shape) {
    count *= n
    if (!Number.isSafeInteger(count)) throw new InvalidDataError(`${file}: shape (${shape.join(', ')}) has more elements than can be counted exactly.`, { file, field: 'shape', shape })
  }
  const chunkBytes = chunks.reduce((a, b) => a * b, 1) * dtype.itemsize
  if (!(chunkBytes <= MAX_CHUNK_BYTES)) throw new InvalidDataError(`${file}: ${chunksField} (${chunks.join(', ')}) of ${dtype.descr} are ${chunkBytes} bytes each; at most ${MAX_CHUNK_BYTES} are read.`, { file, field: chunksField, chunks, chunkBytes })
}

/** A list of at most 32 whole numbers ≥ `min`, else an InvalidDataError naming `field`. @internal */
export function intList(value: unknown, field: string, file: string, min: number): number[] {
  if (!Array.isArray(value) || value.length > MAX_DIMS || !value.every((v) => Number.isSafeInteger(v) && (v as number) >= min)) {
    throw new InvalidDataError(`${file}: ${field} is ${JSON.stringify(value)?.slice(0, 100)}; a list of at most ${MAX_DIMS} whole numbers ≥ ${min} is expected.`, { file, field, value: JSON.stringify(value)?.slice(0, 100) })
  }
  return value as number[]
}

/** One element's bytes for `fill_value`, little-endian for scalar dtypes (what chunks are normalised to). @internal */
export function fillBytes(meta: ZarrArrayMetadata, file: string): Uint8Array {
  const { dtype, fillValue: v } = meta
  const out = new Uint8Array(dtype.itemsize)
  if (v === null || v === undefined) return out
  const bad = (): never => {
    throw new InvalidDataError(`${file}: fill_value ${JSON.stringify(v)?.slice(0, 100)} does not fit dtype ${dtype.descr}.`, { file, field: 'fill_value', dtype: dtype.descr })
  }
  const view = new DataView(out.buffer)
  if (dtype.kind === 'T') {
    if (typeof v !== 'string') bad()
    return out // index 0: the fill string, first in every read's strings
  }
  if (dtype.kind === 'S' || dtype.kind === 'V') {
    if (v === 0 && dtype.kind === 'V') return out
    if (typeof v !== 'string') bad()
    let raw: Uint8Array
    try {
      raw = Uint8Array.from(atob(v as string), (c) => c.charCodeAt(0))
    } catch {
      return bad()
    }
    if (raw.length > dtype.itemsize || (dtype.kind === 'V' && raw.length !== dtype.itemsize)) bad()
    out.set(raw)
    return out
  }
  if (dtype.kind === 'U') {
    if (typeof v !== 'string') bad()
    const points = Array.from(v as string, (c) => c.codePointAt(0)!)
    if (points.length > dtype.itemsize / 4) bad()
    points.forEach((p, i) => view.setUint32(i * 4, p, true))
    return out
  }
  if (dtype.kind === 'b') {
    if (typeof v !== 'boolean' && v !== 0 && v !== 1) bad()
    out[0] = v ? 1 : 0
    return out
  }
  const x = v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v
  if (typeof x !== 'number') return bad()
  if (dtype.kind === 'f') {
    if (dtype.itemsize === 8) view.setFloat64(0, x, true)
    else if (dtype.itemsize === 4) view.setFloat32(0, x, true)
    else if (x !== 0) bad() // float16 fill values other than 0 are not encoded here
    return out
  }
  if (!Number.isInteger(x)) bad()
  const signed = dtype.kind === 'i'
  const bits = dtype.itemsize * 8
  const lo = signed ? -(2 ** (bits - 1)) : 0
  const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1
  if (x < lo || x > hi) bad()
  if (dtype.itemsize === 8) view.setBigInt64(0, BigInt(x), true)
  else if (dtype.itemsize === 4) view.setUint32(0, x >>> 0, true)
  else if (dtype.itemsize === 2) view.setUint16(0, x & 0xffff, true)
  else out[0] = x & 0xff
  return out
}

/**
 * One Zarr v2 array of a hierarchy opened with `openZarr`: its checked metadata and attributes, and `read`,
 * which fetches the chunks a selection touches and decodes them into one preallocated output.
 */
export class ZarrArray {
  /** The array's path inside the hierarchy ('' for a root array). */
  readonly path: string
  readonly metadata: ZarrArrayMetadata
  /** The array's `.zattrs` ({} when absent). */
  readonly attrs: Record<string, unknown>
  readonly #folder: FolderSource
  readonly #fill: Uint8Array

  /** Made by `ZarrGroup.array`; `metadata` must come from `parseArrayMetadata`. */
  constructor(folder: FolderSource, path: string, metadata: ZarrArrayMetadata, attrs: Record<string, unknown>) {
    this.#folder = folder
    this.path = path
    this.metadata = metadata
    this.attrs = attrs
    this.#fill = fillBytes(metadata, metadata.zarrFormat === 3 ? (path ? `${path}/zarr.json` : 'zarr.json') : `${path}/.zarray`)
  }

  /** The array's shape. */
  get shape(): readonly number[] {
    return this.metadata.shape
  }

  /** The array's dtype. */
  get dtype(): ZarrDtype {
    return this.metadata.dtype
  }

  /**
   * Reads the whole array or a selection, in C order. The output size (elements × item size) is checked against
   * `maxBytes` before anything is allocated (LimitExceededError `option: 'maxBytes'`, with `limit` and `actual`); each chunk is decoded
   * into exactly its shape's bytes (a chunk that decodes to another size is a CorruptFileError naming the chunk
   * `file`, `array`, `codec`, `expected`, `actual`); a chunk file that is absent is filled with `fill_value`.
   */
  async read(options: ReadZarrOptions = {}): Promise<ZarrRead> {
    const { shape, chunks, dtype } = this.metadata
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES
    if (!(typeof maxBytes === 'number' && maxBytes > 0)) throw new InvalidArgumentError('maxBytes', maxBytes, 'a positive number of bytes')
    const concurrency = options.concurrency ?? 4
    if (!(Number.isSafeInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) throw new InvalidArgumentError('concurrency', concurrency, 'a whole number from 1 to 64')
    const int64 = options.int64 ?? 'number'
    if (int64 !== 'number' && int64 !== 'bigint') throw new InvalidArgumentError('int64', int64, "'number' or 'bigint'")
    const box = this.#selection(options.selection)
    const outShape = box.map(([a, b]) => b - a)
    const count = outShape.reduce((a, b) => a * b, 1)
    const itemsize = dtype.itemsize
    const outBytes = count * itemsize
    const chunkItems = chunks.reduce((a, b) => a * b, 1)
    const chunkBytes = chunkItems * itemsize
    if (outBytes > maxBytes) {
      throw new LimitExceededError(`${this.path || 'The root array'} needs ${outBytes} bytes (${outShape.join(' x ') || 'a scalar'} of ${dtype.descr}), more than the read limit of ${maxBytes} bytes; raise maxBytes or read a selection.`, { limit: maxBytes, actual: outBytes, what: 'array', option: 'maxBytes', array: this.path })
    }
    if (count > 0 && chunkBytes > maxBytes) {
      throw new LimitExceededError(`One chunk of ${this.path || 'the root array'} decodes to ${chunkBytes} bytes (${chunks.join(' x ')} of ${dtype.descr}), more than the read limit of ${maxBytes} bytes; raise maxBytes.`, { limit: maxBytes, actual: chunkBytes, what: 'chunk', option: 'maxBytes', array: this.path })
    }
    const out = new Uint8Array(outBytes)
    // Variable-length strings: each chunk's items go into `strings`, the output holds their indices (0 = fill_value).
    const strings: string[] | undefined = this.metadata.vlen ? [this.metadata.fillValue as string] : undefined
    const vlenLimit = Math.min(maxBytes, MAX_CHUNK_BYTES)
    if (count > 0) {
      const first = box.map(([a], d) => Math.floor(a / chunks[d]))
      const last = box.map(([, b], d) => Math.floor((b - 1) / chunks[d]))
      const grid: number[][] = []
      const index = [...first]
      for (;;) {
        grid.push([...index])
        let d = index.length - 1
        while (d >= 0 && index[d] === last[d]) index[d] = first[d--]
        if (d < 0) break
        index[d]++
      }
      const fillZero = this.#fill.every((b) => b === 0)
      for (let i = 0; i < grid.length; i += concurrency) {
        throwIfAborted(options.signal, `Reading ${this.path || 'a Zarr array'}`)
        const batch = grid.slice(i, i + concurrency)
        const decoded = await Promise.all(batch.map((g) => this.#chunk(g, chunkBytes, strings, vlenLimit)))
        batch.forEach((g, k) => {
          const bytes = decoded[k]
          if (bytes) this.#copy(bytes, g, box, outShape, out)
          else if (!fillZero) this.#fillRegion(g, box, outShape, out)
        })
      }
    }
    return { data: strings ? readIndexed(out, count, strings) : this.#convert(out, count, int64), shape: outShape, dtype }
  }

  #selection(selection: ReadZarrOptions['selection']): [number, number][] {
    const { shape } = this.metadata
    if (selection !== undefined && (!Array.isArray(selection) || selection.length > shape.length)) {
      throw new InvalidArgumentError('selection', selection, `at most ${shape.length} [start, stop) pairs`)
    }
    return shape.map((n, d) => {
      const s = selection?.[d]
      if (s === undefined || s === null) return [0, n] as [number, number]
      const [a, b] = s
      if (!(Number.isSafeInteger(a) && Number.isSafeInteger(b) && a >= 0 && a <= b && b <= n)) throw new InvalidArgumentError(`selection[${d}]`, s, `0 ≤ start ≤ stop ≤ ${n}`)
      return [a, b] as [number, number]
    })
  }

  #key(g: number[]): string {
    const { chunkKeyEncoding, dimensionSeparator } = this.metadata
    const name = chunkKeyEncoding === 'default' ? ['c', ...g].join(dimensionSeparator) : g.length ? g.join(dimensionSeparator) : '0'
    return this.path ? `${this.path}/${name}` : name
  }

  /** The chunk's bytes decoded and little-endian, or undefined when its file is absent. */
  async #chunk(g: number[], chunkBytes: number, strings?: string[], vlenLimit = MAX_CHUNK_BYTES): Promise<Uint8Array | undefined> {
    const { compressor, filters, dtype } = this.metadata
    const file = this.#key(g)
    let raw: Uint8Array
    try {
      const source = await this.#folder.open(file)
      try {
        const size = await source.size()
        if (!compressor && !this.metadata.sharding && !strings && size !== chunkBytes) {
          throw new CorruptFileError(`${file}: an uncompressed chunk of ${this.path || 'the root array'} holds ${size} bytes; its shape needs ${chunkBytes}.`, { file, array: this.path, codec: null, expected: chunkBytes, actual: size })
        }
        // A compressed chunk is read whole: its size is the real data's, never a header's claim. It cannot need
        // much more room than it decodes to (codec headers, incompressible blocks), so a larger file is refused unread.
        const decoded = strings ? vlenLimit : chunkBytes
        const room = decoded + Math.ceil(decoded / 8) + 64 * 1024
        if (size > room) throw new CorruptFileError(`${file}: a chunk file of ${size} bytes for ${this.path || 'the root array'}, whose chunks decode to ${strings ? 'at most ' : ''}${decoded} bytes; a compressed chunk is never that much larger. The chunk is corrupt.`, { file, array: this.path, codec: compressor?.id ?? null, expected: room, actual: size })
        raw = await source.read(0, size)
        if (raw.length !== size) throw new CorruptFileError(`${file} ends after ${raw.length} of ${size} bytes.`, { file, array: this.path, expected: size, actual: raw.length })
      } finally {
        await source.close()
      }
    } catch (error) {
      if (error instanceof MissingFileError) return undefined
      throw error
    }
    const ctx = { file, array: this.path }
    if (this.metadata.sharding) return this.#shard(raw, this.metadata.sharding, chunkBytes, ctx)
    if (strings) {
      const tooLarge = (size: number): Error => size > MAX_CHUNK_BYTES
        ? new CorruptFileError(`${file}: a vlen chunk of ${this.path || 'the root array'} decodes to ${size} bytes, more than the ${MAX_CHUNK_BYTES} read for one chunk.`, { file, array: this.path, codec: compressor?.id ?? this.metadata.vlen, expected: MAX_CHUNK_BYTES, actual: size })
        : new LimitExceededError(`${file}: a vlen chunk of ${this.path || 'the root array'} decodes to at least ${size} bytes, more than the read limit of ${vlenLimit} bytes; raise maxBytes.`, { limit: vlenLimit, actual: size, what: 'chunk', option: 'maxBytes', file, array: this.path })
      const bytes = await decompressUpTo(raw, compressor, vlenLimit, ctx, tooLarge)
      return decodeVlen(bytes, chunkBytes / 4, this.metadata.vlen!, strings, ctx)
    }
    return decodeChunk(raw, compressor, filters, dtype, chunkBytes, ctx)
  }

  /**
   * Decodes a v3 shard into one C-ordered chunk of `chunkBytes`: the index (its size checked against the file, its
   * crc32c verified) gives each inner chunk's (offset, size); each is decoded like a chunk and placed; an inner
   * chunk marked absent (both 2^64 − 1) keeps fill_value.
   */
  async #shard(raw: Uint8Array, sharding: ZarrSharding, chunkBytes: number, ctx: ChunkContext): Promise<Uint8Array> {
    const { chunks, dtype } = this.metadata
    const inner = sharding.chunks
    const counts = chunks.map((n, d) => n / inner[d]!)
    const n = counts.reduce((a, b) => a * b, 1)
    const indexBytes = n * 16 + (sharding.indexChecksum ? 4 : 0)
    if (raw.length < indexBytes) throw new CorruptFileError(`${ctx.file}: a shard of ${ctx.array || 'the root array'} holds ${raw.length} bytes, less than its ${indexBytes}-byte index.`, { file: ctx.file, array: ctx.array, codec: 'sharding_indexed', expected: indexBytes, actual: raw.length })
    const at = sharding.indexLocation === 'end' ? raw.length - indexBytes : 0
    const index = raw.subarray(at, at + n * 16)
    if (sharding.indexChecksum) {
      const stored = new DataView(raw.buffer, raw.byteOffset + at + n * 16, 4).getUint32(0, true)
      const actual = crc32c(index)
      if (stored !== actual) throw new CorruptFileError(`${ctx.file}: the shard index of ${ctx.array || 'the root array'} fails its crc32c check.`, { file: ctx.file, array: ctx.array, codec: 'crc32c', expected: stored, actual })
    }
    const out = new Uint8Array(chunkBytes)
    const innerItems = inner.reduce((a, b) => a * b, 1)
    const innerBytes = innerItems * dtype.itemsize
    if (!this.#fill.every((b) => b === 0)) for (let i = 0; i < chunkBytes; i += dtype.itemsize) out.set(this.#fill, i)
    const view = new DataView(index.buffer, index.byteOffset, index.byteLength)
    const cell = new Array<number>(inner.length).fill(0)
    for (let k = 0; k < n; k++) {
      const lo = view.getUint32(k * 16, true)
      const hi = view.getUint32(k * 16 + 4, true)
      const slo = view.getUint32(k * 16 + 8, true)
      const shi = view.getUint32(k * 16 + 12, true)
      if (!(lo === 0xffffffff && hi === 0xffffffff && slo === 0xffffffff && shi === 0xffffffff)) {
        const offset = hi * TWO32 + lo
        const size = shi * TWO32 + slo
        if (!(offset + size <= raw.length)) throw new CorruptFileError(`${ctx.file}: inner chunk ${k} of a shard of ${ctx.array || 'the root array'} lies at ${offset}+${size}, past the ${raw.length}-byte shard.`, { file: ctx.file, array: ctx.array, codec: 'sharding_indexed', expected: raw.length, actual: offset + size })
        if (!sharding.compressor && size !== innerBytes) throw new CorruptFileError(`${ctx.file}: inner chunk ${k} of a shard of ${ctx.array || 'the root array'} holds ${size} bytes; its shape needs ${innerBytes}.`, { file: ctx.file, array: ctx.array, codec: null, expected: innerBytes, actual: size })
        const bytes = await decodeChunk(raw.subarray(offset, offset + size), sharding.compressor, sharding.filters, dtype, innerBytes, { file: `${ctx.file}#${k}`, array: ctx.array })
        placeBlock(bytes, inner, sharding.order, out, chunks, cell.map((c, d) => c * inner[d]!), dtype.itemsize)
      }
      for (let d = inner.length - 1; d >= 0; d--) {
        if (++cell[d]! < counts[d]!) break
        cell[d] = 0
      }
    }
    return out
  }

  /** Copies the part of chunk `g` inside the selection into the C-ordered output. */
  #copy(chunk: Uint8Array, g: number[], box: [number, number][], outShape: number[], out: Uint8Array): void {
    const { chunks, order, dtype } = this.metadata
    const size = dtype.itemsize
    const nd = chunks.length
    if (nd === 0) {
      out.set(chunk.subarray(0, size))
      return
    }
    const lo = box.map(([a], d) => Math.max(a, g[d] * chunks[d]))
    const hi = box.map(([, b], d) => Math.min(b, (g[d] + 1) * chunks[d]))
    const cStride = new Array<number>(nd)
    const oStride = new Array<number>(nd)
    let cs = 1
    let os = 1
    for (let d = nd - 1; d >= 0; d--) {
      oStride[d] = os
      os *= outShape[d]
    }
    if (order === 'C') {
      for (let d = nd - 1; d >= 0; d--) {
        cStride[d] = cs
        cs *= chunks[d]
      }
    } else {
      for (let d = 0; d < nd; d++) {
        cStride[d] = cs
        cs *= chunks[d]
      }
    }
    const inner = nd - 1
    const run = hi[inner] - lo[inner]
    const contiguous = cStride[inner] === 1
    const idx = [...lo]
    for (;;) {
      let c = 0
      let o = 0
      for (let d = 0; d < nd; d++) {
        c += (idx[d] - g[d] * chunks[d]) * cStride[d]
        o += (idx[d] - box[d][0]) * oStride[d]
      }
      if (contiguous) out.set(chunk.subarray(c * size, (c + run) * size), o * size)
      else for (let k = 0; k < run; k++) out.set(chunk.subarray((c + k * cStride[inner]) * size, (c + k * cStride[inner] + 1) * size), (o + k) * size)
      let d = inner - 1
      while (d >= 0 && idx[d] === hi[d] - 1) idx[d] = lo[d--]
      if (d < 0) break
      idx[d]++
    }
  }

  /** Writes fill_value into the part of (absent) chunk `g` inside the selection. */
  #fillRegion(g: number[], box: [number, number][], outShape: number[], out: Uint8Array): void {
    const { chunks, dtype } = this.metadata
    const n = chunks.reduce((a, b) => a * b, 1)
    const filled = new Uint8Array(n * dtype.itemsize)
    for (let i = 0; i < n; i++) filled.set(this.#fill, i * dtype.itemsize)
    this.#copy(filled, g, box, outShape, out)
  }

  #convert(bytes: Uint8Array, count: number, int64: 'number' | 'bigint'): ZarrValues {
    const dtype = this.metadata.dtype
    const buf = bytes.buffer
    if (dtype.kind === 'V') return readRecords(bytes, count, dtype, int64, this.path)
    if (dtype.kind === 'U' || dtype.kind === 'S') return readStrings(bytes, count, dtype, this.path)
    if (!isNumericDtype(dtype)) throw new InvalidDataError(`Unexpected dtype ${dtype.descr}.`, { dtype: dtype.descr })
    const signed = dtype.kind === 'i'
    switch (dtype.itemsize) {
      case 1:
        return signed ? new Int8Array(buf, 0, count) : new Uint8Array(buf, 0, count)
      case 2:
        if (dtype.kind === 'f') {
          const half = new Uint16Array(buf, 0, count)
          return Float32Array.from(half, halfToFloat)
        }
        return signed ? new Int16Array(buf, 0, count) : new Uint16Array(buf, 0, count)
      case 4:
        return dtype.kind === 'f' ? new Float32Array(buf, 0, count) : signed ? new Int32Array(buf, 0, count) : new Uint32Array(buf, 0, count)
      default: {
        if (dtype.kind === 'f') return new Float64Array(buf, 0, count)
        if (int64 === 'bigint') return signed ? new BigInt64Array(buf, 0, count) : new BigUint64Array(buf, 0, count)
        // In place: each 8-byte integer becomes the float64 of the same value, in the same 8 bytes.
        const words = new Uint32Array(buf, 0, count * 2)
        const floats = new Float64Array(buf, 0, count)
        for (let i = 0; i < count; i++) {
          const lo = words[2 * i]
          const hiWord = words[2 * i + 1]
          const hi = signed ? hiWord | 0 : hiWord
          const v = hi * TWO32 + lo
          if (v > Number.MAX_SAFE_INTEGER || v < -Number.MAX_SAFE_INTEGER) {
            throw new InvalidDataError(`${this.path}: element ${i} is beyond ±2^53 and cannot be a JavaScript number exactly; read with int64: 'bigint'.`, { array: this.path, index: i, dtype: dtype.descr })
          }
          floats[i] = v
        }
        return floats
      }
    }
  }
}

function swapBytes(bytes: Uint8Array, unit: number): void {
  for (let at = 0; at + unit <= bytes.length; at += unit) bytes.subarray(at, at + unit).reverse()
}

const utf8 = new TextDecoder('utf-8')

function readStrings(bytes: Uint8Array, count: number, dtype: ZarrDtype, array: string): string[] {
  const out = new Array<string>(count)
  const size = dtype.itemsize
  if (dtype.kind === 'S') {
    for (let i = 0; i < count; i++) {
      let end = (i + 1) * size
      while (end > i * size && bytes[end - 1] === 0) end--
      out[i] = utf8.decode(bytes.subarray(i * size, end))
    }
    return out
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const chars = size / 4
  for (let i = 0; i < count; i++) {
    const points: number[] = []
    for (let k = 0; k < chars; k++) points.push(view.getUint32(i * size + k * 4, true))
    while (points.length && points[points.length - 1] === 0) points.pop()
    const badPoint = points.find((p) => p > 0x10ffff || (p >= 0xd800 && p <= 0xdfff))
    if (badPoint !== undefined) throw new InvalidDataError(`${array}: element ${i} holds ${badPoint}, not a Unicode code point.`, { array, index: i, value: badPoint })
    out[i] = String.fromCodePoint(...points)
  }
  return out
}

function readRecords(bytes: Uint8Array, count: number, dtype: ZarrDtype, int64: 'number' | 'bigint', array: string): Record<string, number | bigint | string | boolean>[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Array<Record<string, number | bigint | string | boolean>>(count)
  for (let i = 0; i < count; i++) {
    const record: Record<string, number | bigint | string | boolean> = {}
    for (const field of dtype.fields!) {
      const at = i * dtype.itemsize + field.offset
      const f = field.dtype
      const le = f.byteOrder !== '>'
      if (f.kind === 'S' || f.kind === 'U') {
        const cell = bytes.slice(at, at + f.itemsize)
        if (f.kind === 'U' && !le) swapBytes(cell, 4)
        record[field.name] = readStrings(cell, 1, f, array)[0]
        continue
      }
      let v: number | bigint | boolean
      if (f.kind === 'b') v = bytes[at] !== 0
      else if (f.kind === 'f') v = f.itemsize === 8 ? view.getFloat64(at, le) : f.itemsize === 4 ? view.getFloat32(at, le) : halfToFloat(view.getUint16(at, le))
      else if (f.itemsize === 8) {
        const big = f.kind === 'i' ? view.getBigInt64(at, le) : view.getBigUint64(at, le)
        if (int64 === 'bigint') v = big
        else {
          if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < -BigInt(Number.MAX_SAFE_INTEGER)) throw new InvalidDataError(`${array}: field ${field.name} of record ${i} is beyond ±2^53; read with int64: 'bigint'.`, { array, index: i, field: field.name })
          v = Number(big)
        }
      } else if (f.itemsize === 4) v = f.kind === 'i' ? view.getInt32(at, le) : view.getUint32(at, le)
      else if (f.itemsize === 2) v = f.kind === 'i' ? view.getInt16(at, le) : view.getUint16(at, le)
      else v = f.kind === 'i' ? view.getInt8(at) : view.getUint8(at)
      record[field.name] = v
    }
    out[i] = record
  }
  return out
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true })

/**
 * Decodes a vlen-utf8 / vlen-bytes chunk of `items` elements: a u32le count, which must equal the chunk's element
 * count, then per item a u32le byte length and the bytes. Every length is checked against the bytes left before it is
 * used, and the items must end exactly at the end of the chunk; else a CorruptFileError (`file`, `array`, `codec`,
 * `expected`, `actual`). vlen-utf8 items must be valid UTF-8; vlen-bytes items are decoded as UTF-8 with
 * replacement, as `S` bytes are. Returns the chunk as u32 indices into `strings`, where the items are appended.
 */
function decodeVlen(bytes: Uint8Array, items: number, codec: 'vlen-utf8' | 'vlen-bytes', strings: string[], ctx: ChunkContext): Uint8Array {
  const bad = (reason: string, expected: number, actual: number): CorruptFileError =>
    new CorruptFileError(`${ctx.file}: chunk of ${ctx.array || 'the root array'} cannot be decoded with ${codec}: ${reason}.`, { file: ctx.file, array: ctx.array, codec, expected, actual })
  if (bytes.length < 4) throw bad(`${bytes.length} bytes, shorter than the 4-byte item count`, 4, bytes.length)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const count = view.getUint32(0, true)
  if (count !== items) throw bad(`its header gives ${count} items, the chunk's shape holds ${items}`, items, count)
  if (4 + 4 * count > bytes.length) throw bad(`${bytes.length} bytes cannot hold ${count} length prefixes`, 4 + 4 * count, bytes.length)
  const out = new Uint8Array(items * 4)
  const index = new Uint32Array(out.buffer)
  let at = 4
  for (let i = 0; i < items; i++) {
    if (at + 4 > bytes.length) throw bad(`item ${i}'s length prefix at byte ${at} is past the end`, at + 4, bytes.length)
    const length = view.getUint32(at, true)
    at += 4
    if (length > bytes.length - at) throw bad(`item ${i} of ${length} bytes at byte ${at} runs past the end`, at + length, bytes.length)
    const item = bytes.subarray(at, at + length)
    at += length
    let text: string
    if (codec === 'vlen-bytes') text = utf8.decode(item)
    else {
      try {
        text = utf8Fatal.decode(item)
      } catch {
        throw bad(`item ${i} is not valid UTF-8`, length, length)
      }
    }
    index[i] = strings.length
    strings.push(text)
  }
  if (at !== bytes.length) throw bad(`${bytes.length - at} bytes are left after the last item`, at, bytes.length)
  return out
}

/** The strings of a variable-length read: each 4-byte index of `bytes` looked up in `strings`. */
function readIndexed(bytes: Uint8Array, count: number, strings: readonly string[]): string[] {
  const index = new Uint32Array(bytes.buffer, bytes.byteOffset, count)
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) out[i] = strings[index[i]!]!
  return out
}

/** Decompresses one chunk to `chunkBytes`, makes it little-endian and undoes its filters. */
async function decodeChunk(raw: Uint8Array, compressor: CodecConfig | null, filters: readonly CodecConfig[], dtype: ZarrDtype, chunkBytes: number, ctx: ChunkContext): Promise<Uint8Array> {
  let bytes = await decompress(raw, compressor, chunkBytes, ctx)
  const unit = dtype.kind === 'U' ? 4 : dtype.kind === 'S' || dtype.kind === 'V' ? 1 : dtype.itemsize
  const mutates = filters.length > 0 || (dtype.byteOrder === '>' && unit > 1)
  // A source may hand out a view of its own buffer (memoryFolder): never change those bytes in place.
  if (bytes.byteOffset % unit !== 0 || (mutates && (bytes.buffer === raw.buffer))) bytes = bytes.slice()
  if (dtype.byteOrder === '>' && unit > 1) swapBytes(bytes, unit)
  for (let f = filters.length - 1; f >= 0; f--) undoDelta(bytes, dtype)
  return bytes
}

/** Copies a whole block (C or F order) into a C-ordered buffer of shape `outShape` at `origin`. */
function placeBlock(block: Uint8Array, shape: readonly number[], order: 'C' | 'F', out: Uint8Array, outShape: readonly number[], origin: readonly number[], size: number): void {
  const nd = shape.length
  if (nd === 0) {
    out.set(block.subarray(0, size))
    return
  }
  const bStride = new Array<number>(nd)
  const oStride = new Array<number>(nd)
  let bs = 1
  let os = 1
  for (let d = nd - 1; d >= 0; d--) {
    oStride[d] = os
    os *= outShape[d]!
  }
  if (order === 'C') {
    for (let d = nd - 1; d >= 0; d--) {
      bStride[d] = bs
      bs *= shape[d]!
    }
  } else {
    for (let d = 0; d < nd; d++) {
      bStride[d] = bs
      bs *= shape[d]!
    }
  }
  const idx = new Array<number>(nd).fill(0)
  const run = shape[nd - 1]!
  for (;;) {
    let b = 0
    let o = 0
    for (let d = 0; d < nd; d++) {
      b += idx[d]! * bStride[d]!
      o += (idx[d]! + origin[d]!) * oStride[d]!
    }
    if (bStride[nd - 1] === 1) out.set(block.subarray(b * size, (b + run) * size), o * size)
    else for (let k = 0; k < run; k++) out.set(block.subarray((b + k * bStride[nd - 1]!) * size, (b + k * bStride[nd - 1]! + 1) * size), (o + k) * size)
    let d = nd - 2
    while (d >= 0 && idx[d] === shape[d]! - 1) idx[d--] = 0
    if (d < 0) break
    idx[d]!++
  }
}

let CRC32C: Uint32Array | undefined

/** CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), as the v3 crc32c codec appends it. */
function crc32c(bytes: Uint8Array): number {
  if (!CRC32C) {
    CRC32C = new Uint32Array(256)
    for (let i = 0; i < 256; i++) {
      let c = i
      for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
      CRC32C[i] = c >>> 0
    }
  }
  let crc = 0xffffffff
  for (let i = 0; i < bytes.length; i++) crc = CRC32C[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}
