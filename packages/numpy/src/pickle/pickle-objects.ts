// What the unpickler's GLOBAL, REDUCE, NEWOBJ and BUILD opcodes do: allowlisted globals only, each one
// building data (numpy arrays, dtypes and scalars, builtin containers, SpikeLab's classes as inert records).
import { checkArrayBytes, PickledArray } from './array.js'
import { PickledDtype } from './dtype.js'
import { UnsafePickleError } from './errors.js'
import { GlobalTable } from './globals.js'
import { PickleStack } from './pickle-stack.js'
import { decodeScalar } from './scalar.js'
import { latin1Bytes } from './text.js'
import { PickledObject, PickleGlobal, PyComplex, isPickleTuple, pyTypeName, type PickleValue } from './values.js'

/** Globals, calls and object construction of the pickle machine. */
export class PickleObjects extends PickleStack {
  protected proto = 0

  constructor(
    buf: Uint8Array,
    file: string | undefined,
    maxIntBytes: number,
    private readonly globals: GlobalTable,
  ) {
    super(buf, file, maxIntBytes)
  }

  // --- globals, calls, objects ---

  protected resolve(module: string, name: string): PickleGlobal {
    const ref = this.globals.resolve(module, name, this.proto)
    if (!ref) throw new UnsafePickleError(module.slice(0, 200), name.slice(0, 200), this.op, this.file)
    return ref
  }

  protected call(fn: PickleValue, args: readonly PickleValue[]): PickleValue {
    if (!(fn instanceof PickleGlobal)) throw this.corrupt(`REDUCE calls a ${pyTypeName(fn)}`, {})
    switch (fn.kind) {
      case 'reconstruct': {
        // numpy.core.multiarray._reconstruct(ndarray, shape, typecode): an empty array that BUILD fills
        if (!(args[0] instanceof PickleGlobal) || args[0].kind !== 'ndarray') throw this.unsupported('numpy-array-subclass', `_reconstruct of ${describeArg(args[0])}; only numpy.ndarray is supported`)
        return new PickledArray(new PickledDtype('u', 1, '|'), [0], false, new Uint8Array(0), null, false)
      }
      case 'frombuffer':
        return this.fromBuffer(args)
      case 'scalar': {
        const [dtype, payload] = args
        if (!(dtype instanceof PickledDtype)) throw this.corrupt('numpy scalar without a dtype', {})
        return decodeScalar(dtype, payload, (what) => this.corrupt(what, {}))
      }
      case 'dtype':
        return PickledDtype.fromTypeString(args[0], this.op)
      case 'codecs-encode':
        return this.encode(args[0], args.length > 1 ? args[1] : 'utf-8')
      case 'copyreg-reconstructor': {
        const [cls, base] = args
        if (!(base instanceof PickleGlobal) || base.kind !== 'object') throw this.unsupported('pickle-reconstructor-base', `copyreg._reconstructor with the base ${describeArg(base)}; only object is supported`)
        return this.newObject(cls, [])
      }
      case 'record-class':
      case 'object':
        return new PickledObject(fn, args)
      default:
        return this.builtin(fn, args)
    }
  }

  protected newObject(cls: PickleValue, args: readonly PickleValue[]): PickleValue {
    if (!(cls instanceof PickleGlobal)) throw this.corrupt(`creating an instance of a ${pyTypeName(cls)}`, {})
    if (cls.kind === 'record-class' || cls.kind === 'object') return new PickledObject(cls, args)
    if (['bytes', 'bytearray', 'set', 'frozenset', 'list', 'tuple', 'dict', 'complex'].includes(cls.kind)) return this.builtin(cls, [])
    throw this.unsupported('pickle-newobj', `creating ${cls.qualifiedName} with NEWOBJ`)
  }

  protected builtin(fn: PickleGlobal, args: readonly PickleValue[]): PickleValue {
    const [a, b] = args
    switch (fn.kind) {
      case 'bytes':
      case 'bytearray':
        if (args.length === 0) return new Uint8Array(0)
        if (typeof a === 'string') return this.encode(a, b ?? 'utf-8')
        if (a instanceof Uint8Array) return a.slice()
        if (Array.isArray(a)) {
          const out = new Uint8Array(a.length)
          a.forEach((x, i) => {
            if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 255) throw this.corrupt('bytes() of a list that is not of integers 0-255', {})
            out[i] = x
          })
          return out
        }
        throw this.unsupported('pickle-builtin-args', `${fn.name}() of a ${pyTypeName(a)}`)
      case 'set':
      case 'frozenset': {
        const set = new Set(this.iterate(a, fn).map((x) => this.hashable(x)))
        if (fn.kind === 'frozenset') this.frozenSets.add(set)
        return set
      }
      case 'list':
        return this.iterate(a, fn)
      case 'tuple':
        return Object.freeze(this.iterate(a, fn))
      case 'dict': {
        const dict = new Map<PickleValue, PickleValue>()
        if (a instanceof Map) for (const [k, v] of a) dict.set(k, v)
        else if (args.length > 0) {
          for (const pair of this.iterate(a, fn)) {
            if (!Array.isArray(pair) || pair.length !== 2) throw this.corrupt('dict() of items that are not pairs', {})
            dict.set(this.hashable(pair[0]), pair[1])
          }
        }
        return dict
      }
      case 'complex': {
        const re = args.length ? a : 0
        const im = args.length > 1 ? b : 0
        if (typeof re !== 'number' || typeof im !== 'number') throw this.unsupported('pickle-builtin-args', 'complex() of non-numbers')
        return new PyComplex(re, im)
      }
      default:
        throw this.unsupported('pickle-call', `calling ${fn.qualifiedName}`)
    }
  }

  protected iterate(v: PickleValue | undefined, fn: PickleGlobal): PickleValue[] {
    if (v === undefined) return []
    if (Array.isArray(v)) return [...v]
    if (v instanceof Set) return [...v]
    if (v instanceof Map) return [...v.keys()]
    if (typeof v === 'string') return [...v]
    if (v instanceof Uint8Array) return Array.from(v)
    throw this.unsupported('pickle-builtin-args', `${fn.name}() of a ${pyTypeName(v)}`)
  }

  protected encode(text: PickleValue | undefined, encoding: PickleValue | undefined): Uint8Array {
    if (typeof text !== 'string' || typeof encoding !== 'string') throw this.corrupt('_codecs.encode needs a string and an encoding name', {})
    const enc = encoding.toLowerCase().replace(/[-_ ]/g, '')
    if (enc === 'latin1' || enc === 'iso88591' || enc === 'l1' || enc === 'ascii') {
      const bytes = latin1Bytes(text)
      if (!bytes || (enc === 'ascii' && bytes.some((c) => c > 0x7f))) throw this.corrupt(`a string cannot be encoded as ${encoding}`, {})
      return bytes
    }
    if (enc === 'utf8') return new TextEncoder().encode(text)
    throw this.unsupported('pickle-codec', `_codecs.encode with the encoding ${JSON.stringify(encoding.slice(0, 20))}`)
  }

  protected fromBuffer(args: readonly PickleValue[]): PickledArray {
    const [buffer, dtype, shape, order] = args
    if (!(buffer instanceof Uint8Array)) throw this.corrupt(`_frombuffer of a ${pyTypeName(buffer)}`, {})
    if (!(dtype instanceof PickledDtype)) throw this.corrupt('_frombuffer without a dtype', {})
    if (dtype.kind === 'O') throw this.corrupt('_frombuffer with the object dtype', {})
    const dims = this.shape(shape)
    checkArrayBytes(dtype, dims, buffer.length, this.op)
    return new PickledArray(dtype, dims, order === 'F', buffer, null)
  }

  protected shape(v: PickleValue | undefined): number[] {
    if (typeof v === 'number') return [v]
    if (!Array.isArray(v) || v.length > 64 || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) throw this.corrupt('an array shape that is not a tuple of non-negative integers', {})
    return [...(v as number[])]
  }

  protected build(target: PickleValue, state: PickleValue): void {
    if (target instanceof PickledArray) return this.arrayState(target, state)
    if (target instanceof PickledDtype) return target.setState(state, this.op)
    if (target instanceof PickledObject) {
      let dict: PickleValue = state
      let slots: PickleValue = null
      if (isPickleTuple(state) && state.length === 2 && (state[0] === null || state[0] instanceof Map) && (state[1] === null || state[1] instanceof Map)) {
        dict = state[0]
        slots = state[1]
      }
      if (dict instanceof Map) for (const [k, v] of dict) target.dict.set(k, v)
      else if (dict !== null) target.extraState = state
      if (slots instanceof Map) for (const [k, v] of slots) target.dict.set(k, v)
      return
    }
    throw this.corrupt(`BUILD on a ${pyTypeName(target)}`, {})
  }

  /** ndarray.__setstate__((version,) shape, dtype, is_fortran, data): bytes, a latin-1 str, or a list for object arrays. */
  protected arrayState(array: PickledArray, state: PickleValue): void {
    if (!Array.isArray(state) || (state.length !== 4 && state.length !== 5)) throw this.corrupt('a numpy array state that is not (version, shape, dtype, is_fortran, data)', {})
    const [shape, dtype, fortran, raw] = state.length === 5 ? state.slice(1) : state
    if (!(dtype instanceof PickledDtype)) throw this.corrupt('a numpy array state without a dtype', {})
    const dims = this.shape(shape)
    array.dtype = dtype
    array.shape = dims
    array.fortranOrder = fortran === true || fortran === 1
    if (dtype.kind === 'O') {
      if (!Array.isArray(raw)) throw this.corrupt(`an object array whose data is a ${pyTypeName(raw)}, not a list`, {})
      const size = dims.reduce((x, y) => x * y, 1)
      if (raw.length !== size) throw this.corrupt(`an object array of shape (${dims.join(', ')}) with ${raw.length} elements`, { shape: dims, actual: raw.length })
      array.objects = [...raw]
      array.bytes = null
    } else {
      const bytes = raw instanceof Uint8Array ? raw : typeof raw === 'string' ? latin1Bytes(raw) : undefined
      if (!bytes) throw this.corrupt(`a numpy array whose data is a ${pyTypeName(raw)}, not bytes`, {})
      checkArrayBytes(dtype, dims, bytes.length, this.op)
      array.bytes = bytes
      array.objects = null
    }
    array.initialised = true
  }
}

function describeArg(v: PickleValue | undefined): string {
  return v instanceof PickleGlobal ? v.qualifiedName : `a ${pyTypeName(v)}`
}
