import { CorruptFileError, UnsupportedError } from '@spikes/core'
import { checkArrayBytes, PickledArray } from './array.js'
import { PickledDtype } from './dtype.js'
import { UnsafePickleError } from './errors.js'
import { GlobalTable } from './globals.js'
import { escapeDecode, latin1, latin1Bytes, normalizeInt, parsePyFloat, parsePyInt, rawUnicodeEscapeDecode } from './text.js'
import { PickledObject, PickleGlobal, PyComplex, isPickleTuple, pyTypeName, type PickleValue } from './values.js'
import { decodeScalar } from './scalar.js'

/** Options of unpickle and unpickleObjectArray. */
export interface UnpickleOptions {
  /** Name of the input, for messages. */
  file?: string
  /** More classes ('module.Name') to accept as inert records besides SpikeLab's, e.g. a SpikeData subclass. */
  recordClasses?: readonly string[]
  /** Deepest MARK nesting accepted (default 4096; CPython cannot write deeper than its recursion limit). */
  maxMarkDepth?: number
  /** Largest integer opcode payload in bytes (LONG1 / LONG4 / text INT and LONG; default 65536). */
  maxIntBytes?: number
}

const MAX_PROTOCOL = 5
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Reads a pickle (protocols 0-5) without executing anything: every GLOBAL must be on a fixed
 * allowlist (numpy array / dtype / scalar reconstruction, `_codecs.encode`, `copyreg._reconstructor`,
 * builtin containers, SpikeLab's classes as inert records) and is refused when read, before use.
 * Bad input gives a typed error (SPIKES_CORRUPT_FILE, SPIKES_UNSUPPORTED, SPIKES_UNSAFE_PICKLE).
 */
export function unpickle(data: Uint8Array, options: UnpickleOptions = {}): PickleValue {
  return new Unpickler(data, options).load()
}

class Unpickler {
  private pos = 0
  private op = 0
  private proto = 0
  private readonly stack: PickleValue[] = []
  private readonly marks: number[] = []
  private readonly memo = new Map<number, PickleValue>()
  private readonly frozenSets = new WeakSet<Set<PickleValue>>()
  private readonly globals: GlobalTable
  private readonly file: string | undefined
  private readonly maxMarkDepth: number
  private readonly maxIntBytes: number

  constructor(
    private readonly buf: Uint8Array,
    options: UnpickleOptions,
  ) {
    this.globals = new GlobalTable(options.recordClasses ?? [])
    this.file = options.file
    this.maxMarkDepth = options.maxMarkDepth ?? 4096
    this.maxIntBytes = options.maxIntBytes ?? 65536
  }

  load(): PickleValue {
    const buf = this.buf
    while (this.pos < buf.length) {
      this.op = this.pos
      const code = buf[this.pos++]
      switch (code) {
        // --- stack and memo ---
        case 0x28: // MARK
          if (this.marks.length >= this.maxMarkDepth) throw this.corrupt(`nesting deeper than ${this.maxMarkDepth} levels`, { limit: this.maxMarkDepth })
          this.marks.push(this.stack.length)
          break
        case 0x2e: // STOP
          return this.pop()
        case 0x30: // POP
          if (this.marks.length && this.marks[this.marks.length - 1] === this.stack.length) this.marks.pop()
          else this.pop()
          break
        case 0x31: // POP_MARK
          this.popMark()
          break
        case 0x32: // DUP
          this.push(this.top())
          break
        case 0x70: // PUT
          this.memoPut(this.lineIndex())
          break
        case 0x71: // BINPUT
          this.memoPut(this.u8())
          break
        case 0x72: // LONG_BINPUT
          this.memoPut(this.u32())
          break
        case 0x94: // MEMOIZE
          this.memoPut(this.memo.size)
          break
        case 0x67: // GET
          this.memoGet(this.lineIndex())
          break
        case 0x68: // BINGET
          this.memoGet(this.u8())
          break
        case 0x6a: // LONG_BINGET
          this.memoGet(this.u32())
          break
        case 0x80: {
          // PROTO
          const p = this.u8()
          if (p > MAX_PROTOCOL) throw new UnsupportedError('pickle-protocol', `${this.where()}pickle protocol ${p} is newer than the supported 0-${MAX_PROTOCOL}.`, { protocol: p, ...this.details() })
          this.proto = p
          break
        }
        case 0x95: {
          // FRAME: a length hint; frames only group opcodes, the content reads the same without them
          const n = this.u64()
          if (n > buf.length - this.pos) throw this.truncated(n)
          break
        }

        // --- atoms ---
        case 0x4e: // NONE
          this.push(null)
          break
        case 0x88: // NEWTRUE
          this.push(true)
          break
        case 0x89: // NEWFALSE
          this.push(false)
          break
        case 0x49: {
          // INT
          const line = this.lineText()
          if (line === '00') this.push(false)
          else if (line === '01') this.push(true)
          else this.push(this.textInt(line))
          break
        }
        case 0x4c: // LONG
          this.push(this.textInt(this.lineText()))
          break
        case 0x4a: // BININT
          this.push(this.i32())
          break
        case 0x4b: // BININT1
          this.push(this.u8())
          break
        case 0x4d: // BININT2
          this.push(this.u8() | (this.u8() << 8))
          break
        case 0x8a: // LONG1
          this.push(this.long(this.u8()))
          break
        case 0x8b: {
          // LONG4
          const n = this.i32()
          if (n < 0) throw this.corrupt(`LONG4 with the negative byte count ${n}`, { count: n })
          this.push(this.long(n))
          break
        }
        case 0x46: {
          // FLOAT
          const line = this.lineText()
          const v = parsePyFloat(line)
          if (v === undefined) throw this.corrupt(`FLOAT argument ${JSON.stringify(line.slice(0, 40))} is not a number`, {})
          this.push(v)
          break
        }
        case 0x47: {
          // BINFLOAT (big-endian)
          const b = this.take(8)
          this.push(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false))
          break
        }

        // --- strings and bytes ---
        case 0x53: {
          // STRING: a quoted Python 2 str with escapes, read as latin-1 text
          const raw = this.lineBytes()
          const q = raw[0]
          if (raw.length < 2 || raw[raw.length - 1] !== q || (q !== 0x27 && q !== 0x22)) throw this.corrupt('the STRING opcode argument must be quoted', {})
          const bytes = escapeDecode(raw.subarray(1, raw.length - 1))
          if (!bytes) throw this.corrupt('STRING holds an invalid \\x escape', {})
          this.push(latin1(bytes))
          break
        }
        case 0x54: // BINSTRING
          this.push(latin1(this.take(this.lengthI32())))
          break
        case 0x55: // SHORT_BINSTRING
          this.push(latin1(this.take(this.u8())))
          break
        case 0x56: {
          // UNICODE
          const text = rawUnicodeEscapeDecode(this.lineBytes())
          if (text === undefined) throw this.corrupt('UNICODE holds an invalid \\u escape', {})
          this.push(text)
          break
        }
        case 0x58: // BINUNICODE
          this.push(this.utf8(this.take(this.u32())))
          break
        case 0x8c: // SHORT_BINUNICODE
          this.push(this.utf8(this.take(this.u8())))
          break
        case 0x8d: // BINUNICODE8
          this.push(this.utf8(this.take(this.u64())))
          break
        case 0x42: // BINBYTES
          this.push(this.take(this.u32()))
          break
        case 0x43: // SHORT_BINBYTES
          this.push(this.take(this.u8()))
          break
        case 0x8e: // BINBYTES8
          this.push(this.take(this.u64()))
          break
        case 0x96: // BYTEARRAY8
          this.push(this.take(this.u64()))
          break
        case 0x97: // NEXT_BUFFER
          throw new UnsupportedError('pickle-out-of-band-buffers', `${this.where()}the pickle refers to an out-of-band buffer (protocol 5 NEXT_BUFFER at byte ${this.op}), but none was supplied. Pickle without buffer_callback.`, this.details())
        case 0x98: // READONLY_BUFFER
          if (!(this.top() instanceof Uint8Array)) throw this.corrupt('READONLY_BUFFER on a value that is not a buffer', {})
          break

        // --- containers ---
        case 0x29: // EMPTY_TUPLE
          this.push(Object.freeze([]))
          break
        case 0x85: // TUPLE1
          this.push(Object.freeze([this.pop()]))
          break
        case 0x86: {
          // TUPLE2
          const b = this.pop()
          const a = this.pop()
          this.push(Object.freeze([a, b]))
          break
        }
        case 0x87: {
          // TUPLE3
          const c = this.pop()
          const b = this.pop()
          const a = this.pop()
          this.push(Object.freeze([a, b, c]))
          break
        }
        case 0x74: // TUPLE
          this.push(Object.freeze(this.popMark()))
          break
        case 0x5d: // EMPTY_LIST
          this.push([])
          break
        case 0x6c: // LIST
          this.push(this.popMark())
          break
        case 0x61: {
          // APPEND
          const v = this.pop()
          this.list(this.top()).push(v)
          break
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark()
          const list = this.list(this.top())
          for (const item of items) list.push(item)
          break
        }
        case 0x7d: // EMPTY_DICT
          this.push(new Map())
          break
        case 0x64: {
          // DICT
          const items = this.popMark()
          const dict = new Map<PickleValue, PickleValue>()
          this.setItems(dict, items)
          this.push(dict)
          break
        }
        case 0x73: {
          // SETITEM
          const v = this.pop()
          const k = this.pop()
          this.setItems(this.dict(this.top()), [k, v])
          break
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark()
          this.setItems(this.dict(this.top()), items)
          break
        }
        case 0x8f: // EMPTY_SET
          this.push(new Set())
          break
        case 0x90: {
          // ADDITEMS
          const items = this.popMark()
          const set = this.top()
          if (!(set instanceof Set) || this.frozenSets.has(set)) throw this.corrupt(`ADDITEMS on a ${pyTypeName(set)}`, {})
          for (const item of items) set.add(this.hashable(item))
          break
        }
        case 0x91: {
          // FROZENSET
          const set = new Set(this.popMark().map((item) => this.hashable(item)))
          this.frozenSets.add(set)
          this.push(set)
          break
        }

        // --- globals and objects ---
        case 0x63: {
          // GLOBAL
          const module = this.utf8(this.lineBytes())
          const name = this.utf8(this.lineBytes())
          this.push(this.resolve(module, name))
          break
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.pop()
          const module = this.pop()
          if (typeof module !== 'string' || typeof name !== 'string') throw this.corrupt('STACK_GLOBAL needs two strings (module and name)', {})
          this.push(this.resolve(module, name))
          break
        }
        case 0x52: {
          // REDUCE
          const args = this.pop()
          const fn = this.pop()
          this.push(this.call(fn, this.tuple(args, 'REDUCE arguments')))
          break
        }
        case 0x81: {
          // NEWOBJ
          const args = this.pop()
          const cls = this.pop()
          this.push(this.newObject(cls, this.tuple(args, 'NEWOBJ arguments')))
          break
        }
        case 0x92: {
          // NEWOBJ_EX
          const kwargs = this.pop()
          const args = this.pop()
          const cls = this.pop()
          if (!(kwargs instanceof Map)) throw this.corrupt('NEWOBJ_EX keyword arguments are not a dict', {})
          this.push(this.newObject(cls, this.tuple(args, 'NEWOBJ_EX arguments')))
          break
        }
        case 0x69: {
          // INST
          const module = this.utf8(this.lineBytes())
          const name = this.utf8(this.lineBytes())
          const cls = this.resolve(module, name)
          this.push(this.newObject(cls, this.popMark()))
          break
        }
        case 0x6f: {
          // OBJ
          const items = this.popMark()
          if (items.length === 0) throw this.corrupt('OBJ without a class', {})
          this.push(this.newObject(items[0], items.slice(1)))
          break
        }
        case 0x62: {
          // BUILD
          const state = this.pop()
          this.build(this.top(), state)
          break
        }
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: // EXT4
          throw new UnsupportedError('pickle-extension-codes', `${this.where()}the pickle uses a copyreg extension code (byte ${this.op}); no extension registry is available.`, this.details())
        case 0x50: // PERSID
        case 0x51: // BINPERSID
          throw new UnsupportedError('pickle-persistent-id', `${this.where()}the pickle uses a persistent id (byte ${this.op}), which needs the application that wrote it.`, this.details())
        default:
          throw this.corrupt(`unknown opcode 0x${code.toString(16).padStart(2, '0')}`, { opcode: code })
      }
    }
    throw new CorruptFileError(`${this.where()}the pickle ends after ${buf.length} bytes without a STOP opcode: the file is truncated.`, { ...this.details(), position: buf.length })
  }

  // --- errors ---

  private where(): string {
    return this.file ? `${this.file}: ` : ''
  }

  private details(): Record<string, unknown> {
    return this.file ? { file: this.file, position: this.op } : { position: this.op }
  }

  private corrupt(what: string, extra: Record<string, unknown>): CorruptFileError {
    return new CorruptFileError(`${this.where()}invalid pickle at byte ${this.op}: ${what}. The file is corrupt or not a pickle.`, { ...this.details(), ...extra })
  }

  private truncated(needed: number): CorruptFileError {
    return new CorruptFileError(`${this.where()}the pickle needs ${needed} more bytes at byte ${this.pos} but only ${this.buf.length - this.pos} remain: the file is truncated.`, {
      ...this.details(),
      needed,
      available: this.buf.length - this.pos,
    })
  }

  // --- reading ---

  private take(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) throw this.truncated(n)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  private u8(): number {
    if (this.pos >= this.buf.length) throw this.truncated(1)
    return this.buf[this.pos++]
  }

  private u32(): number {
    const b = this.take(4)
    return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000
  }

  private i32(): number {
    const b = this.take(4)
    return b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)
  }

  private lengthI32(): number {
    const n = this.i32()
    if (n < 0) throw this.corrupt(`negative length ${n}`, { length: n })
    return n
  }

  /** An 8-byte length; anything beyond 2^53 cannot fit in the input, so it is reported as truncation. */
  private u64(): number {
    const b = this.take(8)
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16)) + b[7] * 0x1000000
    if (hi >= 0x200000) throw this.truncated(Number.MAX_SAFE_INTEGER)
    return hi * 0x100000000 + lo
  }

  private lineBytes(): Uint8Array {
    const end = this.buf.indexOf(0x0a, this.pos)
    if (end < 0) throw this.truncated(this.buf.length - this.pos + 1)
    const out = this.buf.subarray(this.pos, end)
    this.pos = end + 1
    return out
  }

  private lineText(): string {
    return latin1(this.lineBytes())
  }

  private lineIndex(): number {
    const text = this.lineText()
    const v = parsePyInt(text, 20)
    if (typeof v !== 'number' || v < 0) throw this.corrupt(`memo index ${JSON.stringify(text.slice(0, 40))} is not a non-negative integer`, {})
    return v
  }

  private textInt(line: string): number | bigint {
    // CPython (3.11+) refuses int strings longer than 4300 digits by default.
    const v = parsePyInt(line, Math.min(4400, this.maxIntBytes * 3))
    if (v === undefined) throw this.corrupt(`integer argument ${JSON.stringify(line.slice(0, 40))} is malformed or too long`, {})
    return v
  }

  private utf8(bytes: Uint8Array): string {
    try {
      return utf8.decode(bytes)
    } catch (error) {
      // Python writes lone surrogates with 'surrogatepass' (ED A0 80 .. ED BF BF); accept those, nothing else.
      const text = decodeSurrogatePass(bytes)
      if (text !== undefined) return text
      throw new CorruptFileError(`${this.where()}invalid pickle at byte ${this.op}: a string is not valid UTF-8.`, this.details(), { cause: error })
    }
  }

  /** Little-endian two's complement of n bytes (LONG1 / LONG4), exact at any length. */
  private long(n: number): number | bigint {
    if (n > this.maxIntBytes) throw new UnsupportedError('pickle-huge-integer', `${this.where()}the pickle holds a ${n}-byte integer at byte ${this.op}; the limit is ${this.maxIntBytes} bytes.`, { ...this.details(), bytes: n })
    return decodeLong(this.take(n))
  }

  // --- stack ---

  private push(v: PickleValue): void {
    this.stack.push(v)
  }

  private fence(): number {
    return this.marks.length ? this.marks[this.marks.length - 1] : 0
  }

  private pop(): PickleValue {
    if (this.stack.length <= this.fence()) throw this.corrupt('stack underflow', {})
    return this.stack.pop() as PickleValue
  }

  private top(): PickleValue {
    if (this.stack.length <= this.fence()) throw this.corrupt('stack underflow', {})
    return this.stack[this.stack.length - 1]
  }

  private popMark(): PickleValue[] {
    const mark = this.marks.pop()
    if (mark === undefined) throw this.corrupt('no MARK on the stack', {})
    return this.stack.splice(mark)
  }

  private memoPut(index: number): void {
    this.memo.set(index, this.top())
  }

  private memoGet(index: number): void {
    if (!this.memo.has(index)) throw this.corrupt(`memo reference ${index} was never stored`, { memoIndex: index })
    this.push(this.memo.get(index) as PickleValue)
  }

  private list(v: PickleValue): PickleValue[] {
    if (!Array.isArray(v) || Object.isFrozen(v)) throw this.corrupt(`appending to a ${pyTypeName(v)}`, {})
    return v
  }

  private dict(v: PickleValue): Map<PickleValue, PickleValue> {
    if (!(v instanceof Map)) throw this.corrupt(`setting items on a ${pyTypeName(v)}`, {})
    return v
  }

  private tuple(v: PickleValue, what: string): readonly PickleValue[] {
    if (!Array.isArray(v)) throw this.corrupt(`${what} are a ${pyTypeName(v)}, not a tuple`, {})
    return v
  }

  private setItems(dict: Map<PickleValue, PickleValue>, items: PickleValue[]): void {
    if (items.length % 2 !== 0) throw this.corrupt('odd number of items for a dict', {})
    for (let i = 0; i < items.length; i += 2) dict.set(this.hashable(items[i]), items[i + 1])
  }

  private hashable(v: PickleValue): PickleValue {
    const unhashable = v instanceof Map || v instanceof PickledArray || (Array.isArray(v) && !Object.isFrozen(v)) || (v instanceof Set && !this.frozenSets.has(v))
    if (unhashable) throw this.corrupt(`a ${pyTypeName(v)} used as a dict key or set item (unhashable)`, {})
    return v
  }

  // --- globals, calls, objects ---

  private resolve(module: string, name: string): PickleGlobal {
    const ref = this.globals.resolve(module, name, this.proto)
    if (!ref) throw new UnsafePickleError(module.slice(0, 200), name.slice(0, 200), this.op, this.file)
    return ref
  }

  private call(fn: PickleValue, args: readonly PickleValue[]): PickleValue {
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

  private newObject(cls: PickleValue, args: readonly PickleValue[]): PickleValue {
    if (!(cls instanceof PickleGlobal)) throw this.corrupt(`creating an instance of a ${pyTypeName(cls)}`, {})
    if (cls.kind === 'record-class' || cls.kind === 'object') return new PickledObject(cls, args)
    if (['bytes', 'bytearray', 'set', 'frozenset', 'list', 'tuple', 'dict', 'complex'].includes(cls.kind)) return this.builtin(cls, [])
    throw this.unsupported('pickle-newobj', `creating ${cls.qualifiedName} with NEWOBJ`)
  }

  private builtin(fn: PickleGlobal, args: readonly PickleValue[]): PickleValue {
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

  private iterate(v: PickleValue | undefined, fn: PickleGlobal): PickleValue[] {
    if (v === undefined) return []
    if (Array.isArray(v)) return [...v]
    if (v instanceof Set) return [...v]
    if (v instanceof Map) return [...v.keys()]
    if (typeof v === 'string') return [...v]
    if (v instanceof Uint8Array) return Array.from(v)
    throw this.unsupported('pickle-builtin-args', `${fn.name}() of a ${pyTypeName(v)}`)
  }

  private encode(text: PickleValue | undefined, encoding: PickleValue | undefined): Uint8Array {
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

  private fromBuffer(args: readonly PickleValue[]): PickledArray {
    const [buffer, dtype, shape, order] = args
    if (!(buffer instanceof Uint8Array)) throw this.corrupt(`_frombuffer of a ${pyTypeName(buffer)}`, {})
    if (!(dtype instanceof PickledDtype)) throw this.corrupt('_frombuffer without a dtype', {})
    if (dtype.kind === 'O') throw this.corrupt('_frombuffer with the object dtype', {})
    const dims = this.shape(shape)
    checkArrayBytes(dtype, dims, buffer.length, this.op)
    return new PickledArray(dtype, dims, order === 'F', buffer, null)
  }

  private shape(v: PickleValue | undefined): number[] {
    if (typeof v === 'number') return [v]
    if (!Array.isArray(v) || v.length > 64 || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) throw this.corrupt('an array shape that is not a tuple of non-negative integers', {})
    return [...(v as number[])]
  }

  private build(target: PickleValue, state: PickleValue): void {
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
  private arrayState(array: PickledArray, state: PickleValue): void {
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

  private unsupported(feature: string, what: string): UnsupportedError {
    return new UnsupportedError(feature, `${this.where()}the pickle uses ${what} (byte ${this.op}), which this reader does not support.`, this.details())
  }
}

function describeArg(v: PickleValue | undefined): string {
  return v instanceof PickleGlobal ? v.qualifiedName : `a ${pyTypeName(v)}`
}

/** UTF-8 that may also encode lone surrogates (Python's 'surrogatepass'); undefined for anything else invalid. */
function decodeSurrogatePass(bytes: Uint8Array): string | undefined {
  const units: number[] = []
  let out = ''
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]
    let cp: number
    let n: number
    if (b < 0x80) [cp, n] = [b, 1]
    else if (b >= 0xc2 && b < 0xe0) [cp, n] = [b & 0x1f, 2]
    else if (b >= 0xe0 && b < 0xf0) [cp, n] = [b & 0x0f, 3]
    else if (b >= 0xf0 && b < 0xf5) [cp, n] = [b & 0x07, 4]
    else return undefined
    if (i + n > bytes.length) return undefined
    for (let k = 1; k < n; k++) {
      if ((bytes[i + k] & 0xc0) !== 0x80) return undefined
      cp = (cp << 6) | (bytes[i + k] & 0x3f)
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) return undefined
    if (cp > 0xffff) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff))
    else units.push(cp)
    if (units.length >= 8192) {
      out += String.fromCharCode(...units)
      units.length = 0
    }
    i += n
  }
  return out + String.fromCharCode(...units)
}

/** Little-endian two's complement integer of any length (pickle's LONG1 / LONG4 payload). */
export function decodeLong(bytes: Uint8Array): number | bigint {
  const n = bytes.length
  if (n === 0) return 0
  if (n <= 6) {
    let v = 0
    for (let i = n - 1; i >= 0; i--) v = v * 256 + bytes[i]
    if (bytes[n - 1] & 0x80) v -= 2 ** (8 * n)
    return v
  }
  let hex = ''
  for (let i = n - 1; i >= 0; i--) hex += bytes[i].toString(16).padStart(2, '0')
  let v = BigInt('0x' + hex)
  if (bytes[n - 1] & 0x80) v -= 1n << BigInt(8 * n)
  return normalizeInt(v)
}
