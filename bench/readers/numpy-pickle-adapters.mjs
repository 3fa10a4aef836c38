// bench/readers: what npyjs and pickleparser give, brought to one comparable shape, and the smallest
// wrapper pickleparser needs to rebuild numpy arrays (its default resolver keeps only the pickled
// state). Measuring code only: neither library is a dependency of a package.
import { fortranToC } from '@spikes/numpy'

/** Flattened values as strings (file order), so any two readers' outputs compare exactly. */
export function canonical(data) {
  if (data == null) return []
  if (typeof data === 'string') return [data]
  if (typeof data !== 'object') return [String(data)]
  return Array.from(data, (v) => (typeof v === 'boolean' ? String(Number(v)) : v !== null && typeof v === 'object' ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x)) : String(v)))
}

/** numpy's own values from make_cases.py's JSON, as canonical strings. */
export function expectedValues(exp) {
  if (exp.values === null) return null
  if (exp.kind === 'f' || exp.kind === 'c') {
    const bytes = Buffer.from(exp.values, 'base64')
    return canonical(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8))
  }
  return exp.values.map(String)
}

// ---- pickleparser wrapped: numpy arrays, dtypes and scalars rebuilt from the pickled pieces ----------
const TYPED = { f8: Float64Array, f4: Float32Array, i8: BigInt64Array, u8: BigUint64Array, i4: Int32Array, u4: Uint32Array, i2: Int16Array, u2: Uint16Array, i1: Int8Array, u1: Uint8Array, b1: Uint8Array }

class WrappedDtype {
  constructor(spec) {
    this.spec = String(spec)
  }
  __setstate__(state) {
    this.order = state[1] === '|' ? '<' : state[1]
    this.size = state[5] > 0 ? state[5] : Number(this.spec.slice(1))
  }
  get code() {
    return `${this.spec[0]}${this.spec[0] === 'U' || this.spec[0] === 'S' ? '' : this.size ?? this.spec.slice(1)}`
  }
}

class WrappedArray {
  __setstate__(state) {
    const [, shape, dtype, fortran, raw] = state
    this.set(shape, dtype, fortran, raw)
  }
  set(shape, dtype, fortran, raw) {
    this.shape = [...shape]
    this.dtype = dtype
    this.values = Array.isArray(raw) ? raw : decode(raw, dtype)
    if (fortran && this.shape.length > 1 && !Array.isArray(raw)) this.values = fortranToC(this.values, this.shape, (n) => new this.values.constructor(n))
  }
}

function decode(raw, dtype) {
  const bytes = typeof raw === 'string' ? Uint8Array.from(raw, (c) => c.charCodeAt(0)) : new Uint8Array(raw)
  const kind = dtype.spec[0]
  if (kind === 'U') {
    const chars = dtype.size / 4
    const out = []
    for (let i = 0; i < bytes.length; i += dtype.size) {
      const dv = new DataView(bytes.buffer, bytes.byteOffset + i, dtype.size)
      let s = ''
      for (let k = 0; k < chars; k++) {
        const cp = dv.getUint32(4 * k, dtype.order === '<')
        if (cp) s += String.fromCodePoint(cp)
      }
      out.push(s)
    }
    return out
  }
  const Typed = TYPED[dtype.code]
  if (!Typed) throw new Error(`wrapper: dtype ${dtype.spec} not handled`)
  const copy = bytes.slice()
  if (dtype.order === '>' && Typed.BYTES_PER_ELEMENT > 1) for (let i = 0; i < copy.length; i += Typed.BYTES_PER_ELEMENT) copy.subarray(i, i + Typed.BYTES_PER_ELEMENT).reverse()
  return new Typed(copy.buffer, 0, copy.length / Typed.BYTES_PER_ELEMENT)
}

function reconstruct() {
  return new WrappedArray()
}

function frombuffer(buffer, dtype, shape, order) {
  const a = new WrappedArray()
  a.set(shape, dtype, order === 'F', buffer)
  return a
}

function scalar(dtype, raw) {
  return decode(raw, dtype)[0]
}

/** A pickleparser NameRegistry that rebuilds numpy objects (numpy 1 and 2 module names). */
export function numpyRegistry(NameRegistry) {
  const registry = new NameRegistry()
  for (const core of ['numpy.core', 'numpy._core']) {
    registry.register(`${core}.multiarray`, '_reconstruct', reconstruct)
    registry.register(`${core}.multiarray`, 'scalar', scalar)
    registry.register(`${core}.numeric`, '_frombuffer', frombuffer)
  }
  registry.register('numpy', 'ndarray', () => new WrappedArray())
  registry.register('numpy', 'dtype', (spec) => new WrappedDtype(spec))
  registry.register('_codecs', 'encode', (text) => text)
  return registry
}

/** Flattened numeric/text content of an unpickled value, by key path, for comparing two unpicklers. */
export function flattenValue(value, path = '', out = new Map(), depth = 0) {
  if (depth > 50) return out
  if (value instanceof WrappedArray) out.set(path, canonical(value.values))
  else if (value instanceof Map) for (const [k, v] of value) flattenValue(v, `${path}/${k}`, out, depth + 1)
  else if (ArrayBuffer.isView(value)) out.set(path, canonical(value))
  else if (Array.isArray(value)) {
    if (isNumericNest(value)) out.set(path, value.flatMap(flatNest))
    else if (value.every((v) => v === null || typeof v !== 'object')) out.set(path, canonical(value))
    else value.forEach((v, i) => flattenValue(v, `${path}/${i}`, out, depth + 1))
  } else if (value !== null && typeof value === 'object') for (const k of Object.keys(value)) flattenValue(value[k], `${path}/${k}`, out, depth + 1)
  else out.set(path, [String(value)])
  return out
}

/** An N-D array as nested arrays with typed or primitive leaves (how pickleToJs gives N-D arrays). */
function isNumericNest(value) {
  return value.length > 0 && value.every((v) => v instanceof WrappedArray || ArrayBuffer.isView(v) || (Array.isArray(v) && isNumericNest(v)))
}

function flatNest(v) {
  return v instanceof WrappedArray ? canonical(v.values) : ArrayBuffer.isView(v) ? canonical(v) : v.flatMap(flatNest)
}
