import { CorruptFileError, UnsupportedError } from '@spikes/core'
import { GlobalTable } from './globals.js'
import { PickleAtoms } from './pickle-atoms.js'
import { pyTypeName, type PickleValue } from './values.js'

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

/**
 * Reads a pickle (protocols 0-5) without executing anything: every GLOBAL must be on a fixed
 * allowlist (numpy array / dtype / scalar reconstruction, `_codecs.encode`, `copyreg._reconstructor`,
 * builtin containers, SpikeLab's classes as inert records) and is refused when read, before use.
 * Bad input gives a typed error (SPIKES_CORRUPT_FILE, SPIKES_UNSUPPORTED, SPIKES_UNSAFE_PICKLE).
 */
export function unpickle(data: Uint8Array, options: UnpickleOptions = {}): PickleValue {
  return new Unpickler(data, options).load()
}

/** The opcodes, grouped by what they make; the machine's state and checks are in its base classes. */
class Unpickler extends PickleAtoms {
  private readonly maxMarkDepth: number

  constructor(buf: Uint8Array, options: UnpickleOptions) {
    super(buf, options.file, options.maxIntBytes ?? 65536, new GlobalTable(options.recordClasses ?? []))
    this.maxMarkDepth = options.maxMarkDepth ?? 4096
  }

  load(): PickleValue {
    const buf = this.buf
    while (this.pos < buf.length) {
      this.op = this.pos
      const code = buf[this.pos++]
      if (code === 0x2e) return this.pop() // STOP
      if (!(this.stackOp(code) || this.atomOp(code) || this.textOp(code) || this.sequenceOp(code) || this.mappingOp(code) || this.objectOp(code))) this.refuse(code)
    }
    throw new CorruptFileError(`${this.where()}the pickle ends after ${buf.length} bytes without a STOP opcode: the file is truncated.`, { ...this.details(), position: buf.length })
  }

  /** Opcodes that need what a standalone reader cannot have, and unknown ones. */
  private refuse(code: number): never {
    switch (code) {
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

  /** MARK, POP, DUP, the memo, PROTO and FRAME: false when `code` is not one of them. */
  private stackOp(code: number): boolean {
    switch (code) {
      case 0x28: // MARK
        if (this.marks.length >= this.maxMarkDepth) throw this.corrupt(`nesting deeper than ${this.maxMarkDepth} levels`, { limit: this.maxMarkDepth })
        this.marks.push(this.stack.length)
        break
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
        if (n > this.buf.length - this.pos) throw this.truncated(n)
        break
      }
      default:
        return false
    }
    return true
  }

  /** Tuples and lists: false when `code` is not one of them. */
  private sequenceOp(code: number): boolean {
    switch (code) {
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
      default:
        return false
    }
    return true
  }

  /** Dicts and sets: false when `code` is not one of them. */
  private mappingOp(code: number): boolean {
    switch (code) {
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
      default:
        return false
    }
    return true
  }

  /** Globals, calls and objects: false when `code` is not one of them. */
  private objectOp(code: number): boolean {
    switch (code) {
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
      default:
        return false
    }
    return true
  }
}

export { decodeLong } from './pickle-reader.js'
