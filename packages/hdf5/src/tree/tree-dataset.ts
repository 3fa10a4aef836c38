import { InvalidDataError, UnsupportedError } from '@spikes/core'
import type { Hdf5AttrValue } from '../attributes.js'
import type { NumericOut, ReadNumericOptions } from '../dataset.js'
import { isIntegerDtype, isNumericDtype } from '../dtype.js'
import { fastReadable, readChunkedParallel, type ReadBytes } from '../chunks/fast-read.js'
import type { Hdf5Reference } from '../reference.js'
import type { TreeContext } from './context.js'
import type { TreeDtype } from './datatype.js'
import { numbers, references } from './decode.js'
import type { DatasetInfo } from './object.js'
import { readElements } from './read-elements.js'
import { settle } from './settle.js'
import { planStorage } from './storage.js'
import type { TreeNode } from './walk.js'

/**
 * What a dataset needs from its file: reads of the source, and the fallback signal.
 * @internal
 */
export interface DatasetHost {
  readonly ctx: TreeContext
  readonly source: ReadBytes
  attrsOf(node: TreeNode): Record<string, Hdf5AttrValue>
  unsupported(feature: string): never
}

/**
 * A dataset of an Hdf5TreeFile: the metadata and synchronous reads of Hdf5Dataset for values read ahead at open,
 * readNumericAsync for any numeric dataset (chunks read and inflated several at once).
 */
export class TreeDataset {
  /** Element type (Hdf5Dtype's fields, plus what the tree decoded). */
  readonly dtype: TreeDtype
  /** Dimensions; [] for a scalar. */
  readonly shape: number[]
  /** Chunk shape, or null when the dataset is contiguous or compact. */
  readonly chunks: number[] | null
  /** Always null: the tree does not read maximum dimensions. */
  readonly maxshape = null
  readonly #info: DatasetInfo

  /** @internal use Hdf5TreeFile.dataset(path). */
  constructor(
    /** Absolute path. */
    readonly path: string,
    private readonly node: TreeNode,
    private readonly host: DatasetHost,
  ) {
    this.#info = node.info.dataset!
    this.dtype = this.#info.dtype!
    this.shape = [...this.#info.shape]
    this.chunks = this.#info.chunks ? [...this.#info.chunks] : null
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1)
  }

  get rank(): number {
    return this.shape.length
  }

  get isChunked(): boolean {
    return this.chunks !== null
  }

  get filters(): { id: number; name: string }[] {
    return this.#info.filters.map((f) => ({ id: f.id, name: f.id === 1 ? 'deflate' : 'shuffle' }))
  }

  get attrs(): Record<string, Hdf5AttrValue> {
    return this.host.attrsOf(this.node)
  }

  /** True when readNumeric can read this dataset. */
  isNumeric(): boolean {
    return isNumericDtype(this.dtype)
  }

  /** True for integer data, including enums over an integer type. */
  isInteger(): boolean {
    return isIntegerDtype(this.dtype)
  }

  #bytes(): Uint8Array {
    if (!this.node.values) this.host.unsupported(`${this.path} synchronously (it was not read ahead)`)
    return this.node.values.bytes
  }

  #requireNumeric(): void {
    if (!this.isNumeric()) throw new InvalidDataError(`Dataset ${this.path} in ${this.host.ctx.name} holds ${this.dtype.numpy}, not numbers.`, { file: this.host.ctx.name, dataset: this.path, dtype: this.dtype.numpy, expected: 'numeric' })
  }

  /** The numbers of a dataset read ahead at open, as float64 (start/count select a range). */
  readNumeric(options: ReadNumericOptions = {}): Float64Array {
    this.#requireNumeric()
    const all = numbers(this.dtype, this.#bytes(), this.size)
    const out = select(all, options, this.path)
    options.onProgress?.(out.length, out.length)
    return out
  }

  /** The numbers of any numeric dataset, its chunks read and inflated several at once (into `out` when given). */
  async readNumericAsync(options: ReadNumericOptions = {}): Promise<NumericOut> {
    this.#requireNumeric()
    if (this.node.values) return placedAtOnce(this.readNumeric(options), options)
    const { ctx, source } = this.host
    const plan = await settle(ctx.cache, () => planStorage(ctx, this.#info))
    const n = this.size
    const ids = this.#info.filters.map((f) => f.id)
    if (plan.kind === 'chunked' && this.rank === 1 && fastReadable(this.dtype, ids)) {
      const out = new Float64Array(n)
      // Chunks are placed at their dataset positions: those are the selection's only when it is the whole.
      const whole = options.start === undefined && options.count === undefined
      const request = { bytes: { read: source, size: ctx.cache.size }, chunks: plan.chunks, base: ctx.file.base, file: ctx.name, path: this.path, length: n, chunk: plan.chunkShape[0], dtype: this.dtype, filters: ids, out, outOffset: 0, signal: options.signal, onProgress: options.onProgress, onPlaced: whole ? options.onPlaced : undefined }
      if (await readChunkedParallel(request)) return whole ? out : placedAtOnce(select(out, options, this.path), options)
    }
    const bytes = await readElements({ read: source, base: ctx.file.base, file: ctx.name, path: this.path, signal: options.signal }, this.#info, plan)
    const out = select(numbers(this.dtype, bytes, n), options, this.path)
    options.onProgress?.(out.length, out.length)
    return placedAtOnce(out, options)
  }

  /** The one number of a scalar (or one-element) numeric dataset. */
  readScalar(): number {
    if (this.size !== 1) throw new InvalidDataError(`Dataset ${this.path} in ${this.host.ctx.name} has ${this.size} elements; expected a single value.`, { file: this.host.ctx.name, dataset: this.path, shape: this.shape })
    return this.readNumeric()[0]
  }

  /** The values of a string dataset (fixed or variable length). */
  readStrings(): string[] {
    if (this.dtype.class !== 'string') throw new InvalidDataError(`Dataset ${this.path} in ${this.host.ctx.name} holds ${this.dtype.numpy}, not strings.`, { file: this.host.ctx.name, dataset: this.path, dtype: this.dtype.numpy, expected: 'string' })
    this.#bytes()
    return [...this.node.values!.strings!]
  }

  /** The object references of a reference dataset. */
  readReferences(): Hdf5Reference[] {
    if (this.dtype.class !== 'reference') throw new InvalidDataError(`Dataset ${this.path} in ${this.host.ctx.name} holds ${this.dtype.numpy}, not references.`, { file: this.host.ctx.name, dataset: this.path, dtype: this.dtype.numpy, expected: 'reference' })
    return references(this.dtype, this.#bytes(), this.size)
  }

  /** Compound datasets are not decoded here: always TreeUnsupported (the caller falls back to h5wasm). */
  readCompound(): never {
    return this.host.unsupported('compound datasets')
  }

  /** Untyped reads are not offered here: always TreeUnsupported (the caller falls back to h5wasm). */
  read(): never {
    return this.host.unsupported('generic dataset reads')
  }
}

/** Tells onPlaced that the whole selection is in place. */
function placedAtOnce(out: Float64Array, options: ReadNumericOptions): Float64Array {
  options.onPlaced?.(0, out.length, out)
  return out
}

/** The whole array, or the 1-D slice options.start/count name (other selections are not taken here). */
function select(all: Float64Array, options: ReadNumericOptions, path: string): Float64Array {
  if (options.start === undefined && options.count === undefined) return all
  const first = (v: number | number[] | undefined) => (Array.isArray(v) ? (v.length === 1 ? v[0] : NaN) : v)
  const start = first(options.start) ?? 0
  const count = first(options.count) ?? all.length - start
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(count) && start >= 0 && count >= 0 && start + count <= all.length)) {
    throw new UnsupportedError('hdf5-tree-selection', `${path}: the tree reader reads whole datasets or 1-D slices inside them.`, { dataset: path })
  }
  return all.subarray(start, start + count)
}
