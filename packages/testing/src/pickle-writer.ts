/**
 * A tiny pickle writer for tests: opcodes by hand, so malformed and malicious pickles can be made
 * in Node without Python. Only what the tests need.
 */
export class PickleWriter {
  private readonly parts: number[] = []

  raw(...bytes: number[]): this {
    for (const b of bytes) this.parts.push(b & 0xff)
    return this
  }

  text(s: string): this {
    for (const b of new TextEncoder().encode(s)) this.parts.push(b)
    return this
  }

  u32(n: number): this {
    return this.raw(n, n >>> 8, n >>> 16, n >>> 24)
  }

  u64(n: number): this {
    this.u32(n >>> 0)
    return this.u32(Math.floor(n / 2 ** 32))
  }

  proto(p: number): this {
    return this.raw(0x80, p)
  }

  /** GLOBAL 'module\nname\n' (protocol 0-3). */
  global(module: string, name: string): this {
    return this.raw(0x63).text(`${module}\n${name}\n`)
  }

  /** SHORT_BINUNICODE or BINUNICODE. */
  str(s: string): this {
    const b = new TextEncoder().encode(s)
    if (b.length < 256) return this.raw(0x8c, b.length, ...b)
    return this.raw(0x58).u32(b.length).raw(...b)
  }

  stackGlobal(module: string, name: string): this {
    return this.str(module).str(name).raw(0x93)
  }

  int(n: number | bigint): this {
    if (typeof n === 'number' && n >= 0 && n < 256) return this.raw(0x4b, n)
    if (typeof n === 'number' && n >= -(2 ** 31) && n < 2 ** 31) return this.raw(0x4a).u32(n >>> 0)
    // LONG1: little-endian two's complement, as short as it can be
    let v = BigInt(n)
    const bytes: number[] = []
    do {
      bytes.push(Number(BigInt.asUintN(8, v)))
      v >>= 8n
    } while (!((v === 0n && (bytes[bytes.length - 1] & 0x80) === 0) || (v === -1n && (bytes[bytes.length - 1] & 0x80) !== 0)))
    return this.raw(0x8a, bytes.length, ...bytes)
  }

  float(x: number): this {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, x, false)
    return this.raw(0x47, ...b)
  }

  bytes(b: Uint8Array): this {
    if (b.length < 256) return this.raw(0x43, b.length, ...b)
    return this.raw(0x42).u32(b.length).raw(...b)
  }

  none(): this {
    return this.raw(0x4e)
  }

  mark(): this {
    return this.raw(0x28)
  }

  tuple(): this {
    return this.raw(0x74)
  }

  tuple1(): this {
    return this.raw(0x85)
  }

  reduce(): this {
    return this.raw(0x52)
  }

  build(): this {
    return this.raw(0x62)
  }

  memoize(): this {
    return this.raw(0x94)
  }

  stop(): this {
    return this.raw(0x2e)
  }

  toBytes(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

/** `pickle.dumps(np.array(values, dtype=float64))` at protocol 4 (numpy.core.multiarray._reconstruct + BUILD). */
export function writeFloat64Array(w: PickleWriter, values: ArrayLike<number>, shape: number[] = [values.length]): PickleWriter {
  const data = new Uint8Array(new Float64Array(values).buffer)
  w.stackGlobal('numpy.core.multiarray', '_reconstruct').stackGlobal('numpy', 'ndarray').int(0).tuple1().bytes(new Uint8Array([0x62])).raw(0x87).reduce()
  w.mark().int(1).mark()
  for (const d of shape) w.int(d)
  w.tuple()
  writeDtype(w, 'f8')
  w.raw(0x89).bytes(data).tuple().build()
  return w
}

export function writeDtype(w: PickleWriter, type: string, order = '<'): PickleWriter {
  return w.stackGlobal('numpy', 'dtype').str(type).raw(0x89, 0x88, 0x87).reduce().mark().int(3).str(order).none().none().none().int(-1).int(-1).int(0).tuple().build()
}
