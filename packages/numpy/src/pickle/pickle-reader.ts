// The byte level of the unpickler: reading opcode arguments from the input, and its typed errors.
import { CorruptFileError, UnsupportedError } from '@spikes/core'
import { latin1, normalizeInt, parsePyInt } from './text.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** The input and the read position; `op` is where the current opcode starts (errors name it). */
export class PickleReader {
  protected pos = 0
  protected op = 0

  constructor(
    protected readonly buf: Uint8Array,
    protected readonly file: string | undefined,
    protected readonly maxIntBytes: number,
  ) {}

  // --- errors ---

  protected where(): string {
    return this.file ? `${this.file}: ` : ''
  }

  protected details(): Record<string, unknown> {
    return this.file ? { file: this.file, position: this.op } : { position: this.op }
  }

  protected corrupt(what: string, extra: Record<string, unknown>): CorruptFileError {
    return new CorruptFileError(`${this.where()}invalid pickle at byte ${this.op}: ${what}. The file is corrupt or not a pickle.`, { ...this.details(), ...extra })
  }

  protected truncated(needed: number): CorruptFileError {
    return new CorruptFileError(`${this.where()}the pickle needs ${needed} more bytes at byte ${this.pos} but only ${this.buf.length - this.pos} remain: the file is truncated.`, {
      ...this.details(),
      needed,
      available: this.buf.length - this.pos,
    })
  }

  protected unsupported(feature: string, what: string): UnsupportedError {
    return new UnsupportedError(feature, `${this.where()}the pickle uses ${what} (byte ${this.op}), which this reader does not support.`, this.details())
  }

  // --- reading ---

  protected take(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) throw this.truncated(n)
    const out = this.buf.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  protected u8(): number {
    if (this.pos >= this.buf.length) throw this.truncated(1)
    return this.buf[this.pos++]
  }

  protected u32(): number {
    const b = this.take(4)
    return (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000
  }

  protected i32(): number {
    const b = this.take(4)
    return b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)
  }

  protected lengthI32(): number {
    const n = this.i32()
    if (n < 0) throw this.corrupt(`negative length ${n}`, { length: n })
    return n
  }

  /** An 8-byte length; anything beyond 2^53 cannot fit in the input, so it is reported as truncation. */
  protected u64(): number {
    const b = this.take(8)
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 0x1000000
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16)) + b[7] * 0x1000000
    if (hi >= 0x200000) throw this.truncated(Number.MAX_SAFE_INTEGER)
    return hi * 0x100000000 + lo
  }

  protected lineBytes(): Uint8Array {
    const end = this.buf.indexOf(0x0a, this.pos)
    if (end < 0) throw this.truncated(this.buf.length - this.pos + 1)
    const out = this.buf.subarray(this.pos, end)
    this.pos = end + 1
    return out
  }

  protected lineText(): string {
    return latin1(this.lineBytes())
  }

  protected lineIndex(): number {
    const text = this.lineText()
    const v = parsePyInt(text, 20)
    if (typeof v !== 'number' || v < 0) throw this.corrupt(`memo index ${JSON.stringify(text.slice(0, 40))} is not a non-negative integer`, {})
    return v
  }

  protected textInt(line: string): number | bigint {
    // CPython (3.11+) refuses int strings longer than 4300 digits by default.
    const v = parsePyInt(line, Math.min(4400, this.maxIntBytes * 3))
    if (v === undefined) throw this.corrupt(`integer argument ${JSON.stringify(line.slice(0, 40))} is malformed or too long`, {})
    return v
  }

  protected utf8(bytes: Uint8Array): string {
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
  protected long(n: number): number | bigint {
    if (n > this.maxIntBytes) throw new UnsupportedError('pickle-huge-integer', `${this.where()}the pickle holds a ${n}-byte integer at byte ${this.op}; the limit is ${this.maxIntBytes} bytes.`, { ...this.details(), bytes: n })
    return decodeLong(this.take(n))
  }
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
