import { CorruptFileError, InvalidArgumentError, InvalidDataError, throwIfAborted } from '@spikes/core'
import { blockShape, forEachRun, planBlocks, type Block } from './block-plan.js'
import type { FileContext } from './context.js'
import { halfToFloat } from '@spikes/core/loader-utils'
import { copyInt64 } from './convert.js'
import { dtypeFromMetadata, isIntegerDtype, isNumericDtype, nativeArrayType, type H5Metadata, type Hdf5Dtype, type NativeArray } from './dtype.js'
import { guard } from './errors.js'
import { normalizeAttrValue, readAttributes, type Hdf5AttrValue } from './attributes.js'
import type { Hdf5Reference } from './reference.js'
import { readNumericParallel } from './chunks/read-parallel.js'
import { checkChunksBeforeRead, diagnoseFilterFailure, type ChunkState } from './layout/dataset-chunks.js'

/** Output arrays readNumeric can fill in place (converted element by element where types differ). */
export type NumericOut = Float64Array | Float32Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array

/** Options of Hdf5Dataset.readNumeric: the selection, the output type and buffer, and progress. */
export interface ReadNumericOptions {
  /** First element per dimension (a number = along the first dimension). Default 0. */
  start?: number | number[]
  /** Elements per dimension (a number = along the first dimension). Default: to the end. */
  count?: number | number[]
  /**
   * 'float64' (default): a Float64Array; 64-bit integers above 2^53 throw UnsupportedError.
   * 'native': the stored type (Int16Array, BigInt64Array, ...; float16 becomes Float32Array).
   */
  as?: 'float64' | 'native'
  /**
   * Fill this array (C order) instead of allocating; with `outOffset`. Values convert as typed-array
   * assignment converts them, so pick a type that holds the data (64-bit integers need Float64Array or a
   * BigInt array). readNumeric returns this same array.
   */
  out?: NumericOut
  /** Index in `out` of the first element written (default 0). */
  outOffset?: number
  /** Bytes per internal read (default: the file's blockBytes, 8 MiB). */
  blockBytes?: number
  /** Checked before each block; an abort throws AbortedError. */
  signal?: AbortSignal
  /** Called after each block with the elements read so far and the elements selected. */
  onProgress?: (loaded: number, total: number) => void
  /**
   * readNumericAsync only: called once for each run [start, end) of the selection whose values are in
   * `values`, the array readNumericAsync returns (position p of the selection is at `outOffset + p`); the
   * runs of a read that succeeds cover the selection once, in any order. The parallel chunk path calls it as
   * each chunk lands, while other chunks still inflate, so that a pass over the values (a unit conversion,
   * a sortedness check) overlaps the read; the other paths call it once for the whole selection. The values
   * of a run may be changed in place.
   */
  onPlaced?: (start: number, end: number, values: NumericOut) => void
}

/** Options of Hdf5Dataset.readStrings. */
export interface ReadStringsOptions {
  /** How to decode ASCII-tagged strings that are not valid UTF-8: 'latin1' (default) or 'replace'. */
  fallback?: 'latin1' | 'replace'
}

const FLOAT16_MAX_BYTES = 2
const DEFLATE_MAX_RATIO = 1100

/** A dataset of an open Hdf5File. Metadata is read once; data is read on request, in bounded blocks. */
export class Hdf5Dataset {
  readonly path: string
  /** Dimensions; [] for a scalar dataset; null for an empty (null dataspace) dataset. */
  readonly shape: number[] | null
  readonly dtype: Hdf5Dtype
  /** Chunk shape, or null when the dataset is contiguous or compact. */
  readonly chunks: number[] | null
  readonly maxshape: number[] | null
  /**
   * h5wasm's raw metadata record for the dataset.
   * @internal
   */
  readonly metadata: H5Metadata
  #ctx: FileContext
  #attrs: Record<string, Hdf5AttrValue> | undefined
  #filters: { id: number; name: string }[] | undefined
  readonly #chunkState: ChunkState = { checked: new Set() }

  /**
   * Use Hdf5File.dataset(path).
   * @internal
   */
  constructor(ctx: FileContext, path: string, metadata: H5Metadata) {
    this.#ctx = ctx
    this.path = path
    this.metadata = metadata
    this.shape = metadata.shape ? metadata.shape.map(Number) : null
    this.maxshape = metadata.maxshape ? metadata.maxshape.map((v) => (v === null ? -1 : Number(v))) : null
    this.chunks = metadata.chunks ? metadata.chunks.map(Number) : null
    this.dtype = dtypeFromMetadata(metadata)
  }

  /** Number of elements (1 for a scalar, 0 for a null dataspace). */
  get size(): number {
    return this.shape === null ? 0 : this.shape.reduce((a, b) => a * b, 1)
  }

  get rank(): number {
    return this.shape?.length ?? 0
  }

  get isChunked(): boolean {
    return this.chunks !== null
  }

  /** Filters of the storage pipeline (deflate, shuffle, ...); [] when none. */
  get filters(): { id: number; name: string }[] {
    if (!this.#filters) {
      this.#ctx.check()
      this.#filters = guard('Reading the filters of ' + this.path, this.#ctx.name, () => this.#ctx.M.get_dataset_filters(this.#ctx.fileId, this.path)).map((f) => ({ id: f.id, name: f.name }))
    }
    return this.#filters
  }

  /** Attributes, with one-element arrays unwrapped to scalars (see README). */
  get attrs(): Record<string, Hdf5AttrValue> {
    if (!this.#attrs) this.#attrs = readAttributes(this.#ctx, this.path)
    return this.#attrs
  }

  /** True when readNumeric can read this dataset (see isNumericDtype). */
  isNumeric(): boolean {
    return isNumericDtype(this.dtype)
  }

  /** True for integer data, including enums over an integer type. */
  isInteger(): boolean {
    return isIntegerDtype(this.dtype)
  }

  /**
   * readNumeric, asynchronously: a whole 1-D dataset stored in deflate/shuffle chunks (v1 B-tree, single chunk
   * or fixed-array index; little-endian floats and integers up to 32 bits) has its chunks read and inflated in
   * parallel off the thread, straight into the output; anything else is read by readNumeric.
   */
  async readNumericAsync<T extends NumericOut>(options: ReadNumericOptions & { out: T }): Promise<T>
  async readNumericAsync(options: ReadNumericOptions & { as: 'native' }): Promise<NativeArray>
  async readNumericAsync(options?: ReadNumericOptions): Promise<Float64Array>
  async readNumericAsync(options: ReadNumericOptions = {}): Promise<NumericOut> {
    const parallel = await readNumericParallel(this.#ctx, this, options)
    if (parallel) return parallel
    const out = this.readNumeric(options)
    if (options.onPlaced) options.onPlaced(0, this.#selection(options.start, options.count).count.reduce((a, b) => a * b, 1), out)
    return out
  }

  /** Reads numbers (any integer or float width) into a typed array, in blocks of at most blockBytes. */
  readNumeric<T extends NumericOut>(options: ReadNumericOptions & { out: T }): T
  readNumeric(options: ReadNumericOptions & { as: 'native' }): NativeArray
  readNumeric(options?: ReadNumericOptions): Float64Array
  readNumeric(options: ReadNumericOptions = {}): NumericOut {
    const ctx = this.#ctx
    ctx.check()
    if (!isNumericDtype(this.dtype)) {
      throw new InvalidDataError(`Dataset ${this.path} in ${ctx.name} holds ${describeDtype(this.dtype)}, not numbers. Choose a numeric dataset.`, {
        file: ctx.name,
        dataset: this.path,
        dtype: this.dtype.numpy,
        expected: 'integer or float',
      })
    }
    const { start, count } = this.#selection(options.start, options.count)
    const total = count.reduce((a, b) => a * b, 1)
    this.#checkClaim()
    const base = this.dtype.class === 'enum' && this.dtype.base ? this.dtype.base : this.dtype
    const elementBytes = base.bytes
    const isInt64 = base.class !== 'float' && elementBytes === 8
    const isHalf = base.class === 'float' && elementBytes === FLOAT16_MAX_BYTES
    const native = options.as === 'native'
    const outOffset = options.outOffset ?? 0
    let out: NumericOut
    if (options.out) {
      out = options.out
      if (!Number.isSafeInteger(outOffset) || outOffset < 0 || outOffset + total > out.length) {
        throw new InvalidArgumentError('out', `${out.constructor.name}(${out.length}) at offset ${outOffset}`, `room for ${total} elements`)
      }
    } else {
      try {
        out = native ? new (isHalf ? Float32Array : nativeArrayType(base))(total) : new Float64Array(total)
      } catch (error) {
        throw new CorruptFileError(`Dataset ${this.path} in ${ctx.name} claims ${total} elements, more than can be allocated. Read it in slices.`, { file: ctx.name, dataset: this.path, elements: total }, { cause: error })
      }
    }
    if (total === 0) return out as Float64Array
    const outIsBig = out instanceof BigInt64Array || out instanceof BigUint64Array
    if (outIsBig && !isInt64) throw new InvalidArgumentError('out', out.constructor.name, `a Number-typed array for ${this.dtype.numpy} data`)

    this.#checkChunks(start, count)
    const rank = count.length
    const selection = count
    const shape = blockShape(count, elementBytes, options.blockBytes ?? ctx.blockBytes, this.chunks)
    const blockElements = shape.reduce((a, b) => a * b, 1)
    const M = ctx.M
    const ptr = guard('Allocating a read buffer', ctx.name, () => mallocChecked(M, blockElements * elementBytes))
    const NativeType = nativeArrayType(base)
    const where = () => ({ file: ctx.name, dataset: this.path })
    let loaded = 0
    try {
      for (const block of planBlocks(start, count, shape)) {
        throwIfAborted(options.signal, `Reading ${this.path}`)
        const n = block.count.reduce((a, b) => a * b, 1)
        this.#readBlock(block, ptr, rank)
        const buffer = M.HEAPU8.buffer
        if (isInt64 && !outIsBig) {
          const words = new Int32Array(buffer, ptr, n * 2)
          forEachRun(block, selection, (src, dst, len) => copyInt64(words, src, out as Float64Array, outOffset + dst, len, base.class === 'int', where))
        } else if (isHalf) {
          const bits = new Uint16Array(buffer, ptr, n)
          forEachRun(block, selection, (src, dst, len) => {
            for (let k = 0; k < len; k++) (out as Float64Array)[outOffset + dst + k] = halfToFloat(bits[src + k])
          })
        } else {
          const view = new NativeType(buffer, ptr, n)
          if (outIsBig) {
            forEachRun(block, selection, (src, dst, len) => (out as BigInt64Array).set(view.subarray(src, src + len) as BigInt64Array, outOffset + dst))
          } else {
            forEachRun(block, selection, (src, dst, len) => (out as Float64Array).set(view.subarray(src, src + len) as Float64Array, outOffset + dst))
          }
        }
        loaded += n
        options.onProgress?.(loaded, total)
      }
    } finally {
      M._free(ptr)
    }
    return out as Float64Array
  }

  /** One value of a scalar or one-element dataset as a number. */
  readScalar(): number {
    if (this.size !== 1) throw new InvalidDataError(`Dataset ${this.path} in ${this.#ctx.name} has ${this.size} elements; expected a single value.`, { file: this.#ctx.name, dataset: this.path, shape: this.shape })
    return this.readNumeric()[0]
  }

  /** Strings (variable or fixed length, UTF-8 or ASCII), flattened in C order. */
  readStrings(options: ReadStringsOptions = {}): string[] {
    const ctx = this.#ctx
    ctx.check()
    if (this.dtype.class !== 'string') {
      throw new InvalidDataError(`Dataset ${this.path} in ${ctx.name} holds ${describeDtype(this.dtype)}, not strings.`, { file: ctx.name, dataset: this.path, dtype: this.dtype.numpy, expected: 'string' })
    }
    const { start, count } = this.#selection(undefined, undefined)
    this.#checkClaim()
    const total = count.reduce((a, b) => a * b, 1)
    const out = new Array<string>(total)
    if (total === 0) return out
    const utf8 = new TextDecoder('utf-8')
    const strict = new TextDecoder('utf-8', { fatal: true })
    const latin1 = new TextDecoder('latin1')
    const isAscii = this.dtype.encoding === 'ascii'
    const decode = (bytes: Uint8Array): string => {
      if (!isAscii || options.fallback === 'replace') return utf8.decode(bytes)
      try {
        return strict.decode(bytes)
      } catch {
        return latin1.decode(bytes)
      }
    }
    const M = ctx.M
    const size = this.metadata.size
    const vlen = this.metadata.vlen
    const spacePad = (this.metadata as { strpad?: number }).strpad === 2
    this.#checkChunks(start, count)
    const shape = blockShape(count, size, ctx.blockBytes, this.chunks)
    const blockElements = shape.reduce((a, b) => a * b, 1)
    const ptr = guard('Allocating a read buffer', ctx.name, () => mallocChecked(M, blockElements * size))
    try {
      for (const block of planBlocks(start, count, shape)) {
        const n = block.count.reduce((a, b) => a * b, 1)
        this.#readBlock(block, ptr, count.length)
        try {
          const heap = M.HEAPU8
          const values = new Array<string>(n)
          if (vlen) {
            const ptrs = new Uint32Array(heap.buffer, ptr, n)
            for (let i = 0; i < n; i++) {
              const p = ptrs[i]
              if (p === 0) values[i] = ''
              else {
                let end = heap.indexOf(0, p)
                if (end < 0) end = heap.length
                values[i] = decode(heap.subarray(p, end))
              }
            }
          } else {
            for (let i = 0; i < n; i++) {
              const from = ptr + i * size
              let end = heap.indexOf(0, from)
              if (end < 0 || end > from + size) end = from + size
              if (spacePad) while (end > from && heap[end - 1] === 0x20) end--
              values[i] = decode(heap.subarray(from, end))
            }
          }
          forEachRun(block, count, (src, dst, len) => {
            for (let k = 0; k < len; k++) out[dst + k] = values[src + k]
          })
        } finally {
          if (vlen) M.reclaim_vlen_memory_count(ctx.fileId, this.path, '', BigInt(ptr), block.count.map(BigInt))
        }
      }
    } finally {
      M._free(ptr)
    }
    return out
  }

  /** Object or region references, flattened in C order. */
  readReferences(): Hdf5Reference[] {
    const ctx = this.#ctx
    ctx.check()
    if (this.dtype.class !== 'reference') {
      throw new InvalidDataError(`Dataset ${this.path} in ${ctx.name} holds ${describeDtype(this.dtype)}, not references.`, { file: ctx.name, dataset: this.path, dtype: this.dtype.numpy, expected: 'reference' })
    }
    this.#checkClaim()
    const value = guard(`Reading ${this.path}`, ctx.name, () => new ctx.h5.Dataset(ctx.fileId, this.path).value)
    const list = Array.isArray(value) ? value : value === null ? [] : [value]
    return list.map((v) => normalizeAttrValue(v) as Hdf5Reference)
  }

  /** Compound rows as one array per member (numbers become Float64Array when every member value is a number). */
  readCompound(): Record<string, unknown[] | Float64Array> {
    const ctx = this.#ctx
    ctx.check()
    if (this.dtype.class !== 'compound') {
      throw new InvalidDataError(`Dataset ${this.path} in ${ctx.name} holds ${describeDtype(this.dtype)}, not a compound type.`, { file: ctx.name, dataset: this.path, dtype: this.dtype.numpy, expected: 'compound' })
    }
    this.#checkClaim()
    const rows = this.read() as unknown[]
    const list = this.shape && this.shape.length === 0 ? [rows] : rows
    const names = (this.dtype.members ?? []).map((m) => m.name)
    const out: Record<string, unknown[] | Float64Array> = {}
    names.forEach((name, j) => {
      const column = (list as unknown[][]).map((row) => normalizeAttrValue(row[j]))
      out[name] = column.every((v) => typeof v === 'number') ? Float64Array.from(column as number[]) : column
    })
    return out
  }

  /**
   * Everything through h5wasm's generic reader (nested arrays for compound / array / vlen types).
   * For small datasets of unusual types; numbers and strings are better read with readNumeric / readStrings.
   */
  read(): unknown {
    const ctx = this.#ctx
    ctx.check()
    this.#checkClaim()
    const bytes = this.size * this.metadata.size
    if (bytes > 256 * 1024 * 1024) throw new InvalidArgumentError('dataset', `${this.path} (${bytes} bytes)`, 'at most 256 MiB for a generic read; use readNumeric with slices')
    return guard(`Reading ${this.path}`, ctx.name, () => new ctx.h5.Dataset(ctx.fileId, this.path).value)
  }

  #selection(startOpt: number | number[] | undefined, countOpt: number | number[] | undefined): { start: number[]; count: number[] } {
    const shape = this.shape ?? [0]
    const rank = shape.length
    const expand = (v: number | number[] | undefined, name: string, fill: (i: number) => number): number[] => {
      if (v === undefined) return shape.map((_, i) => fill(i))
      const list = typeof v === 'number' ? [v] : v
      if (!Array.isArray(list) || list.length > Math.max(rank, typeof v === 'number' ? 1 : 0) || list.some((x) => !Number.isSafeInteger(x) || x < 0)) {
        throw new InvalidArgumentError(name, v, `non-negative integers, at most one per dimension of ${this.path} (shape [${shape.join(', ')}])`)
      }
      return shape.map((_, i) => (i < list.length ? list[i] : fill(i)))
    }
    const start = expand(startOpt, 'start', () => 0)
    const count = expand(countOpt, 'count', (i) => shape[i] - start[i])
    for (let i = 0; i < rank; i++) {
      if (start[i] + count[i] > shape[i] || count[i] < 0) {
        throw new InvalidArgumentError('count', countOpt ?? startOpt, `a selection inside ${this.path} (shape [${shape.join(', ')}]); dimension ${i} asks for ${start[i]}..${start[i] + count[i]}`)
      }
    }
    if (this.shape === null) return { start: [0], count: [0] }
    return { start, count }
  }

  /** Filtered chunks: decoded size within budget, each touched chunk's deflate stream bounded (layout/check-chunks.ts). */
  #checkChunks(start: number[], count: number[], failed?: unknown): void {
    if (this.chunks === null) return
    const ds = { path: this.path, shape: this.shape, chunks: this.chunks, itemBytes: this.metadata.size, filterCount: this.filters.length }
    // Guarded: the check reads the file itself, and a remote file's failed transfer must surface typed.
    if (failed === undefined) guard(`Checking the chunks of ${this.path}`, this.#ctx.name, () => checkChunksBeforeRead(this.#ctx, ds, start, count, this.#chunkState))
    else if (/H5Z|filter/i.test(String((failed as { details?: { reason?: unknown } }).details?.reason))) diagnoseFilterFailure(this.#ctx, ds, start, count, this.#chunkState)
  }

  /** A header that promises more stored bytes than the file could hold is corrupt. */
  #checkClaim(): void {
    const size = this.#ctx.size
    if (size === undefined || this.shape === null) return
    const claimed = this.size * this.metadata.size
    const limit = this.chunks === null ? size : size * DEFLATE_MAX_RATIO + 64 * 1024 * 1024
    if (claimed > limit && !(this.metadata as { virtual_sources?: unknown }).virtual_sources) {
      throw new CorruptFileError(
        `Dataset ${this.path} in ${this.#ctx.name} claims ${this.size} elements (${claimed} bytes), more than the file (${size} bytes) can hold. The file is truncated or corrupt.`,
        { file: this.#ctx.name, dataset: this.path, shape: this.shape, claimedBytes: claimed, fileBytes: size },
      )
    }
  }

  #readBlock(block: Block, ptr: number, rank: number): void {
    const ctx = this.#ctx
    const M = ctx.M
    let status: number
    try {
      status = guard(`Reading ${this.path}`, ctx.name, () =>
        rank === 0
          ? M.get_dataset_data(ctx.fileId, this.path, null, null, null, BigInt(ptr))
          : M.get_dataset_data(ctx.fileId, this.path, block.count.map(BigInt), block.offset.map(BigInt), block.count.map(() => 1n), BigInt(ptr)),
        { dataset: this.path, offset: block.offset, count: block.count },
      )
    } catch (error) {
      this.#checkChunks(block.offset, block.count, error) // a damaged chunk is named; else the error stands
      throw error
    }
    if (status < 0) {
      throw new CorruptFileError(`Reading ${this.path} in ${ctx.name} failed inside HDF5 (status ${status}). The file is truncated or corrupt.`, { file: ctx.name, dataset: this.path, offset: block.offset, count: block.count })
    }
  }
}

function mallocChecked(M: FileContext['M'], bytes: number): number {
  const ptr = M._malloc(Math.max(8, bytes))
  if (!ptr) throw new RangeError(`allocation of ${bytes} bytes failed`)
  return ptr
}

/** A short phrase for messages: 'variable-length utf-8 strings', '<f8 numbers', 'object references', 'compound values'. */
export function describeDtype(d: Hdf5Dtype): string {
  switch (d.class) {
    case 'string':
      return `${d.variableLength ? 'variable-length' : 'fixed-length'} ${d.encoding} strings`
    case 'reference':
      return `${d.refType} references`
    case 'int':
    case 'uint':
    case 'float':
      return `${d.numpy} numbers`
    default:
      return `${d.class} values`
  }
}
