// The unpickler's opcodes that push one value: None, booleans, numbers, str, bytes and buffers.
import { UnsupportedError } from '@spikes/core'
import { PickleObjects } from './pickle-objects.js'
import { escapeDecode, latin1, parsePyFloat, rawUnicodeEscapeDecode } from './text.js'

/** The value opcodes of the pickle machine. */
export class PickleAtoms extends PickleObjects {
  /** None, booleans, integers and floats: false when `code` is not one of them. */
  protected atomOp(code: number): boolean {
    switch (code) {
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
      default:
        return false
    }
    return true
  }

  /** Str, bytes and buffers: false when `code` is not one of them. */
  protected textOp(code: number): boolean {
    switch (code) {
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
      default:
        return false
    }
    return true
  }
}
