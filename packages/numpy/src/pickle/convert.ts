import { InvalidDataError } from '@spikes/core'
import { PickledArray, toCOrder } from './array.js'
import { PickledDtype } from './dtype.js'
import { PickledObject, PickleGlobal, PyComplex, type PickleValue } from './values.js'

/** Limits of pickleToJs; exceeding either throws InvalidDataError. */
export interface ToJsOptions {
  /** Deepest container nesting accepted (default 100). Cycles hit this limit. */
  maxDepth?: number
  /**
   * Most values (container entries and array elements, counted at every visit) the conversion may
   * produce (default 16 Mi). Shared references are counted each time, so a small pickle that
   * refers to one big array many times cannot make a huge result.
   */
  maxValues?: number
  /** Name of the input, for messages. */
  file?: string
}

/**
 * An unpickled value as plain JavaScript data, for metadata and neuron attributes:
 * dict -> object (keys as strings), tuple / list / set -> array, 1-D numeric numpy arrays -> typed
 * arrays (int64 as Float64Array when every value is exact, bool as boolean[]), N-D arrays -> nested
 * arrays in C order, 0-d arrays -> their element, records -> { $class, ...state }, globals -> their
 * qualified name. Bytes stay Uint8Array.
 */
export function pickleToJs(value: PickleValue, options: ToJsOptions = {}): unknown {
  return new Converter(options).convert(value, 0)
}

class Converter {
  private readonly maxDepth: number
  private readonly maxValues: number
  private readonly file: string | undefined
  private produced = 0
  private readonly arrays = new WeakMap<PickledArray, unknown>()

  constructor(options: ToJsOptions) {
    this.maxDepth = options.maxDepth ?? 100
    this.maxValues = options.maxValues ?? 16 * 1024 * 1024
    this.file = options.file
  }

  private count(n: number): void {
    this.produced += n
    if (this.produced > this.maxValues) {
      throw new InvalidDataError(`${this.file ? `${this.file}: ` : ''}the pickled data expands to more than ${this.maxValues} values (shared references counted each time they are used); it was not converted.`, {
        limit: this.maxValues,
        ...(this.file ? { file: this.file } : {}),
      })
    }
  }

  convert(value: PickleValue, depth: number): unknown {
    if (depth > this.maxDepth) {
      throw new InvalidDataError(`${this.file ? `${this.file}: ` : ''}the pickled data nests deeper than ${this.maxDepth} levels (or refers to itself); it was not converted.`, {
        limit: this.maxDepth,
        ...(this.file ? { file: this.file } : {}),
      })
    }
    this.count(1)
    if (value === null || typeof value !== 'object') return value
    if (value instanceof Uint8Array) return value.slice()
    if (Array.isArray(value)) return value.map((v) => this.convert(v, depth + 1))
    if (value instanceof Set) return [...value].map((v) => this.convert(v, depth + 1))
    if (value instanceof Map) {
      const entries: [string, unknown][] = []
      for (const [k, v] of value) entries.push([keyString(k), this.convert(v, depth + 1)])
      // fromEntries defines own properties, so a '__proto__' key stays data.
      return Object.fromEntries(entries)
    }
    if (value instanceof PickledArray) return this.array(value, depth)
    if (value instanceof PyComplex) return { real: value.real, imag: value.imag }
    if (value instanceof PickledDtype) return value.descr
    if (value instanceof PickleGlobal) return value.qualifiedName
    if (value instanceof PickledObject) {
      const entries: [string, unknown][] = [['$class', value.qualifiedName]]
      for (const [k, v] of value.dict) entries.push([keyString(k), this.convert(v, depth + 1)])
      return Object.fromEntries(entries)
    }
    return null
  }

  private array(array: PickledArray, depth: number): unknown {
    this.count(array.size)
    const cached = this.arrays.get(array)
    if (cached !== undefined) return cached
    let data = plainElements(array)
    if (array.objects) data = (data as PickleValue[]).map((v) => this.convert(v, depth + 1))
    const shape = array.shape
    if (array.fortranOrder && shape.filter((d) => d > 1).length > 1) data = toCOrder(data as unknown[], shape)
    const out = shape.length === 0 ? (data as ArrayLike<unknown>)[0] : nest(data as ArrayLike<unknown> & { subarray?: unknown; slice: (a: number, b: number) => unknown }, shape)
    this.arrays.set(array, out)
    return out
  }
}

function keyString(k: PickleValue): string {
  if (typeof k === 'string') return k
  if (k === null) return 'None'
  if (typeof k === 'boolean') return k ? 'True' : 'False'
  if (typeof k === 'number' || typeof k === 'bigint') return String(k)
  if (k instanceof Uint8Array) return new TextDecoder().decode(k)
  if (Array.isArray(k)) return `(${k.map(keyString).join(', ')}${k.length === 1 ? ',' : ''})`
  if (k instanceof PickleGlobal) return k.qualifiedName
  return String(k)
}

/** The elements in a JS-friendly form: exact int64 as Float64Array, float16 as Float32Array, bools as booleans. */
function plainElements(array: PickledArray): unknown {
  const data = array.data
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const out = new Float64Array(data.length)
    for (let i = 0; i < data.length; i++) {
      const v = data[i]
      if (v > 9007199254740991n || v < -9007199254740991n) return Array.from(data, (x) => (x > 9007199254740991n || x < -9007199254740991n ? x : Number(x)))
      out[i] = Number(v)
    }
    return out
  }
  if (data.length > 0 && data[0] instanceof PyComplex) return (data as PyComplex[]).map((c) => ({ real: c.real, imag: c.imag }))
  return data
}

/** Splits C-order elements into nested arrays; the innermost rows stay typed arrays when the data is one. */
function nest(data: ArrayLike<unknown> & { slice: (a: number, b: number) => unknown }, shape: readonly number[]): unknown {
  // Copies, so a small attribute never keeps the whole pickle buffer alive.
  if (shape.length === 1) return ArrayBuffer.isView(data) ? data.slice(0, data.length) : Array.from(data)
  const build = (dim: number, offset: number): unknown => {
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1)
    const out: unknown[] = new Array(shape[dim])
    for (let i = 0; i < shape[dim]; i++) out[i] = dim === shape.length - 1 ? data[offset + i] : dim === shape.length - 2 ? data.slice(offset + i * stride, offset + (i + 1) * stride) : build(dim + 1, offset + i * stride)
    return out
  }
  return build(0, 0)
}
