import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeLong, isPickleTuple, PickledArray, PickledObject, PyComplex, pickleToJs, unpickle, unpickleObjectArray, type PickleValue } from '../src/pickle/index.js'
import { PickleWriter, writeDtype, writeFloat64Array } from '@spikes/testing'

// Python-made fixtures (generator: packages/format-pickle/test/fixtures/generate.py) with Python's own
// view of every value in the matching .json.
const FIXTURES = new URL('../../format-pickle/test/fixtures/', import.meta.url)
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES))
const expected = (name: string) => normaliseSets(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')))

/** The tagged form generate.py writes, computed from our side. */
function tag(v: PickleValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
  if (typeof v === 'bigint') return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : { $int: v.toString() }
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString('hex') }
  if (Array.isArray(v)) return isPickleTuple(v) ? { $tuple: v.map(tag) } : (v as PickleValue[]).map(tag)
  if (v instanceof Set) return { $set: sortTagged([...v].map(tag)) }
  if (v instanceof Map) {
    if ([...v.keys()].every((k) => typeof k === 'string')) return Object.fromEntries([...v].map(([k, x]) => [k, tag(x)]))
    return { $dict: [...v].map(([k, x]) => [tag(k), tag(x)]) }
  }
  if (v instanceof PyComplex) return { $complex: [tag(v.real), tag(v.imag)] }
  if (v instanceof PickledArray) {
    let data: unknown[] = v.objects ? v.objects.map(tag) : Array.from(v.data as ArrayLike<unknown>, (x) => tag(x as PickleValue))
    if (v.fortranOrder && v.shape.length > 1) data = cOrder(data, v.shape)
    return { $ndarray: { dtype: v.dtype.descr, shape: v.shape, data } }
  }
  if (v instanceof PickledObject) return { $object: v.qualifiedName, state: tag(v.dict) }
  return `unexpected ${String(v)}`
}

function cOrder(data: unknown[], shape: number[]): unknown[] {
  const out: unknown[] = []
  const idx = new Array(shape.length).fill(0)
  for (let k = 0; k < data.length; k++) {
    let f = 0
    let stride = 1
    for (let d = 0; d < shape.length; d++) {
      f += idx[d] * stride
      stride *= shape[d]
    }
    out.push(data[f])
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break
      idx[d] = 0
    }
  }
  return out
}

const sortTagged = (items: unknown[]) => items.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
function normaliseSets(v: any): any {
  if (Array.isArray(v)) return v.map(normaliseSets)
  if (v && typeof v === 'object') {
    if ('$set' in v) return { $set: sortTagged(v.$set.map(normaliseSets)) }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseSets(x)]))
  }
  return v
}

/** Recursively converts PyComplex inside data read from typed arrays (tag() already does). */
const tagged = (name: string) => tag(unpickle(fixture(name), { file: name }))

describe('unpickle: Python-made fixtures, protocols 0-5', () => {
  for (let p = 0; p <= 5; p++) {
    it(`plain values, protocol ${p}`, () => {
      expect(tagged(`values-p${p}.pkl`)).toEqual(expected('values.json'))
    })
    it(`numpy arrays and scalars, protocol ${p}`, () => {
      expect(tagged(`arrays-p${p}.pkl`)).toEqual(expected('arrays.json'))
    })
    it(`SpikeLab SpikeData record, protocol ${p}`, () => {
      expect(tagged(`spikedata-p${p}.pkl`)).toEqual(expected('spikedata.json'))
    })
  }
  for (const p of [2, 4, 5]) {
    it(`numpy 2 names (numpy._core.*), protocol ${p}`, () => {
      expect(tagged(`numpy2-p${p}.pkl`)).toEqual(expected('numpy2.json'))
    })
  }

  it('keeps shared references shared (memo)', () => {
    const v = unpickle(fixture('values-p4.pkl')) as Map<string, PickleValue[]>
    const shared = v.get('shared')!
    expect(shared[0]).toBe(shared[1])
  })

  it('keeps array bytes as views of the input (no copy) and decodes them on demand', () => {
    const bytes = fixture('arrays-p4.pkl')
    const v = unpickle(bytes) as Map<string, PickledArray>
    const f8 = v.get('f8')!
    expect(f8.bytes!.buffer).toBe(bytes.buffer)
    expect(Array.from(f8.toFloat64())).toEqual([0.5, -1.25, 1e300, -0])
    expect(Array.from(v.get('fortran')!.toFloat64())).toEqual([0, 1, 2, 3, 4, 5])
    expect(Array.from(v.get('be_i8')!.toFloat64())).toEqual([-3, 2 ** 40])
    expect(Array.from(v.get('i8')!.toFloat64())).toEqual([-(2 ** 63), -1, 2 ** 53, 2 ** 63]) // 2^53 + 1 rounds to even, as numpy's astype(float)
  })
})

describe('integers', () => {
  const le = (n: bigint, bytes: number) => {
    const out = new Uint8Array(bytes)
    let v = BigInt.asUintN(bytes * 8, n)
    for (let i = 0; i < bytes; i++) {
      out[i] = Number(v & 0xffn)
      v >>= 8n
    }
    return out
  }

  it.each([
    [0n, 0],
    [-1n, 1],
    [-128n, 1],
    [255n, 2],
    [-129n, 2],
    [2n ** 47n - 1n, 6],
    [-(2n ** 47n), 6],
    [2n ** 53n - 1n, 7],
    [-(2n ** 53n) + 1n, 7],
    [2n ** 53n, 8],
    [-(2n ** 53n), 8],
    [-(2n ** 63n), 8],
    [2n ** 64n - 1n, 9],
    [-(2n ** 100n), 13],
    [-(10n ** 30n) - 7n, 13],
  ])('decodes %s from %i two-complement bytes', (n, bytes) => {
    const v = decodeLong(le(n, bytes))
    expect(BigInt(v)).toBe(n)
    expect(typeof v).toBe(n >= -(2n ** 53n) + 1n && n <= 2n ** 53n - 1n ? 'number' : 'bigint')
  })

  it('reads LONG1, LONG4, BININT, BININT2 and text INT / LONG', () => {
    const w = new PickleWriter().proto(2).mark()
    w.raw(0x8a, 9, ...le(-(2n ** 64n) + 5n, 9))
    w.raw(0x8b).u32(2).raw(0x00, 0x80)
    w.raw(0x4a).u32(0xfffffffe)
    w.raw(0x4d, 0xff, 0xff)
    w.raw(0x49).text('00\n').raw(0x49).text('01\n').raw(0x49).text('-42\n').raw(0x49).text('99999999999999999999\n')
    w.raw(0x4c).text('-123456789012345678901234567890L\n')
    w.tuple().stop()
    expect(unpickle(w.toBytes())).toEqual([-(2n ** 64n) + 5n, -32768, -2, 65535, false, true, -42, 99999999999999999999n, -123456789012345678901234567890n])
  })
})

describe('protocol 0 text opcodes', () => {
  it('decodes STRING escapes, UNICODE raw-unicode-escape and FLOAT spellings', () => {
    const w = new PickleWriter().mark()
    w.raw(0x53).text(`'a\\nb\\x41\\101\\\\\\'q'\n`)
    w.raw(0x53).text(`"dq"\n`)
    w.raw(0x56).text('caf\\u00e9 \\U0001f600 \\\\u0041\n')
    w.raw(0x46).text('nan\n').raw(0x46).text('-inf\n').raw(0x46).text('1.5e3\n')
    w.tuple().stop()
    const v = unpickle(w.toBytes()) as unknown[]
    expect(v.slice(0, 3)).toEqual(["a\nbAA\\'q", 'dq', 'café 😀 \\\\u0041'])
    expect(v[3]).toBeNaN()
    expect(v.slice(4)).toEqual([-Infinity, 1500])
  })

  it('reads a Python 2 numpy pickle whose array data is a STRING (latin-1 bytes)', () => {
    const w = new PickleWriter().global('numpy.core.multiarray', '_reconstruct').mark().global('numpy', 'ndarray').mark().raw(0x49).text('0\n').tuple().raw(0x55, 1, 0x62).tuple().reduce()
    w.mark().raw(0x49).text('1\n').mark().raw(0x49).text('2\n').tuple()
    w.global('numpy', 'dtype').mark().raw(0x53).text("'i2'\n").raw(0x49).text('00\n').raw(0x49).text('01\n').tuple().reduce()
    w.mark().raw(0x49).text('3\n').raw(0x53).text("'<'\n").none().none().none().raw(0x49).text('-1\n').raw(0x49).text('-1\n').raw(0x49).text('0\n').tuple().build()
    w.raw(0x49).text('00\n').raw(0x53).text("'\\x01\\x00\\xff\\xff'\n").tuple().build().stop()
    const a = unpickle(w.toBytes()) as PickledArray
    expect(a.dtype.descr).toBe('<i2')
    expect(Array.from(a.data as Int16Array)).toEqual([1, -1])
  })
})

describe('security: nothing outside the allowlist is ever used', () => {
  const attempt = (module: string, name: string, proto = 2) => {
    const w = new PickleWriter().proto(proto)
    if (proto >= 4) w.stackGlobal(module, name)
    else w.global(module, name)
    return w.str('touch /tmp/spikes-pwned').tuple1().reduce().stop().toBytes()
  }

  it.each([
    ['os', 'system'],
    ['posix', 'system'],
    ['builtins', 'eval'],
    ['builtins', 'exec'],
    ['builtins', 'getattr'],
    ['__builtin__', 'eval'],
    ['subprocess', 'Popen'],
    ['numpy', 'load'],
    ['numpy.core.multiarray', 'fromstring'],
    ['builtins', 'object.__subclasses__'],
    ['spikelab.spikedata.spikedata', 'SpikeData.__reduce__'],
  ])('refuses %s.%s when it is named, before it is used', (module, name) => {
    for (const proto of [0, 2, 4]) {
      expect(() => unpickle(attempt(module, name, proto))).toThrow(expect.objectContaining({ code: 'SPIKES_UNSAFE_PICKLE', module }))
    }
  })

  it('reports the refused global by name and position', () => {
    const bytes = attempt('os', 'system', 4)
    try {
      unpickle(bytes, { file: 'evil.pkl' })
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({ code: 'SPIKES_UNSAFE_PICKLE', global: 'os.system', position: 2 + 4 + 8, file: 'evil.pkl' })
    }
  })

  it('refuses INST and OBJ of classes that are not allowlisted', () => {
    const inst = new PickleWriter().mark().str('x').raw(0x69).text('os\nsystem\n').stop().toBytes()
    expect(() => unpickle(inst)).toThrow(expect.objectContaining({ code: 'SPIKES_UNSAFE_PICKLE', global: 'os.system' }))
  })

  it('never calls eval, Function or a child process while reading hostile pickles', async () => {
    const { existsSync, rmSync } = await import('node:fs')
    rmSync('/tmp/spikes-pwned', { force: true })
    const realEval = globalThis.eval
    const realFunction = globalThis.Function
    let called = 0
    globalThis.eval = ((...a: unknown[]) => {
      called++
      return (realEval as (...x: unknown[]) => unknown)(...a)
    }) as typeof eval
    globalThis.Function = function (...a: unknown[]) {
      called++
      return (realFunction as (...x: unknown[]) => unknown)(...a)
    } as unknown as FunctionConstructor
    try {
      for (const [m, n] of [['os', 'system'], ['builtins', 'eval'], ['builtins', 'exec'], ['subprocess', 'check_call']]) {
        for (const proto of [0, 2, 4]) expect(() => unpickle(attempt(m, n, proto))).toThrow()
      }
    } finally {
      globalThis.eval = realEval
      globalThis.Function = realFunction
    }
    expect(called).toBe(0)
    expect(existsSync('/tmp/spikes-pwned')).toBe(false)
  })

  it("does not let a dict key '__proto__' reach an object prototype", () => {
    const w = new PickleWriter().proto(4).raw(0x7d).str('__proto__').raw(0x7d).str('polluted').raw(0x88).raw(0x73).raw(0x73).stop()
    const js = pickleToJs(unpickle(w.toBytes())) as Record<string, unknown>
    expect(Object.getPrototypeOf(js)).toBe(Object.prototype)
    expect(Object.keys(js)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

describe('bad input gives typed errors', () => {
  const code = (bytes: Uint8Array | number[]) => {
    try {
      unpickle(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes))
      return 'no error'
    } catch (error) {
      return (error as { code?: string }).code ?? String(error)
    }
  }
  const arrayPickle = writeFloat64Array(new PickleWriter().proto(4), [1, 2, 3]).stop().toBytes()

  it('truncation anywhere is SPIKES_CORRUPT_FILE', () => {
    for (let n = 0; n < arrayPickle.length; n++) expect(code(arrayPickle.subarray(0, n))).toBe('SPIKES_CORRUPT_FILE')
  })

  it.each([
    ['unknown opcode', [0x80, 4, 0xff, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['memo reference never stored', [0x80, 4, 0x68, 5, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['LONG_BINGET out of range', [0x80, 4, 0x6a, 0xff, 0xff, 0xff, 0xff, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['stack underflow', [0x80, 4, 0x85, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['pop through a mark', [0x80, 4, 0x4e, 0x28, 0x85, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['empty stack at STOP', [0x80, 4, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['APPENDS without MARK', [0x80, 4, 0x5d, 0x65, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['append to a tuple', [0x80, 4, 0x29, 0x4e, 0x61, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['list as dict key', [0x80, 4, 0x7d, 0x5d, 0x4e, 0x73, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['negative BINSTRING length', [0x80, 2, 0x54, 0xff, 0xff, 0xff, 0xff, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['BINBYTES8 longer than the file', [0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x7f, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['BINUNICODE longer than the file', [0x80, 4, 0x58, 0xff, 0xff, 0xff, 0x7f, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['FRAME longer than the file', [0x80, 4, 0x95, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['invalid UTF-8', [0x80, 4, 0x8c, 2, 0xc3, 0x28, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['REDUCE on a string', [0x80, 4, 0x8c, 1, 0x61, 0x29, 0x52, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['STACK_GLOBAL of non-strings', [0x80, 4, 0x4e, 0x4e, 0x93, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['BUILD on an int', [0x80, 4, 0x4b, 1, 0x7d, 0x62, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['negative LONG4 length', [0x80, 2, 0x8b, 0xff, 0xff, 0xff, 0xff, 0x2e], 'SPIKES_CORRUPT_FILE'],
    ['huge LONG4 integer', [0x80, 2, 0x8b, 0, 0, 0, 0x10, 0x2e], 'SPIKES_UNSUPPORTED'],
    ['protocol 6', [0x80, 6, 0x4e, 0x2e], 'SPIKES_UNSUPPORTED'],
    ['out-of-band buffer', [0x80, 5, 0x97, 0x2e], 'SPIKES_UNSUPPORTED'],
    ['persistent id', [0x80, 2, 0x4e, 0x51, 0x2e], 'SPIKES_UNSUPPORTED'],
    ['extension code', [0x80, 2, 0x82, 1, 0x2e], 'SPIKES_UNSUPPORTED'],
    ['no STOP', [0x80, 4, 0x4e], 'SPIKES_CORRUPT_FILE'],
  ])('%s', (_, bytes, expectedCode) => {
    expect(code(bytes as number[])).toBe(expectedCode)
  })

  it('refuses an array whose bytes disagree with its shape, before allocating', () => {
    const big = writeFloat64Array(new PickleWriter().proto(4), [1, 2, 3], [2 ** 40]).stop().toBytes()
    expect(() => unpickle(big)).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE', expected: 8 * 2 ** 40, actual: 24 }))
    const short = writeFloat64Array(new PickleWriter().proto(4), [1, 2, 3], [4]).stop().toBytes()
    expect(code(short)).toBe('SPIKES_CORRUPT_FILE')
    const negative = writeFloat64Array(new PickleWriter().proto(4), [1, 2, 3], [-3]).stop().toBytes()
    expect(code(negative)).toBe('SPIKES_CORRUPT_FILE')
  })

  it('refuses a huge array of zero-size elements (it would expand to that many values)', () => {
    const w = new PickleWriter().proto(4).stackGlobal('numpy.core.numeric', '_frombuffer').mark().bytes(new Uint8Array(0))
    writeDtype(w, 'V0', '|')
    const bytes = w.int(2 ** 30).str('C').tuple().reduce().stop().toBytes()
    expect(() => unpickle(bytes)).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE', dtype: '|V0' }))
  })

  it('reads lone surrogates written with surrogatepass, and refuses long decimal integers as CPython does', () => {
    expect(unpickle(Uint8Array.from([0x80, 4, 0x8c, 3, 0xed, 0xa0, 0x80, 0x2e]))).toBe('\ud800')
    const long = new PickleWriter().raw(0x4c).text('9'.repeat(5000) + 'L\n').stop().toBytes()
    expect(code(long)).toBe('SPIKES_CORRUPT_FILE')
    const ok = new PickleWriter().raw(0x4c).text('9'.repeat(4000) + 'L\n').stop().toBytes()
    expect(unpickle(ok)).toBe(10n ** 4000n - 1n)
  })

  it('limits MARK nesting instead of growing without bound', () => {
    const deep = new Uint8Array(100_000).fill(0x28)
    expect(() => unpickle(deep)).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE', limit: 4096 }))
  })

  it('reads deeply nested lists iteratively, and the conversion refuses them with a typed error', () => {
    const depth = 200_000
    const bytes = new Uint8Array(2 + depth + (depth - 1) + 1)
    bytes.set([0x80, 4])
    bytes.fill(0x5d, 2, 2 + depth)
    bytes.fill(0x61, 2 + depth, 2 + depth + depth - 1)
    bytes[bytes.length - 1] = 0x2e
    const v = unpickle(bytes)
    expect(Array.isArray(v)).toBe(true)
    expect(() => pickleToJs(v)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', limit: 100 }))
  })

  it('bounds the conversion of self-referencing and exponentially shared structures', () => {
    // l = []; l.append(l)
    const cycle = new PickleWriter().proto(4).raw(0x5d, 0x94, 0x68, 0, 0x61, 0x2e).toBytes()
    expect(() => pickleToJs(unpickle(cycle))).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
    // a = [x, x], b = [a, a], ... 60 levels: 2^60 leaves from 300 bytes
    const w = new PickleWriter().proto(4).raw(0x4e)
    for (let i = 0; i < 60; i++) w.raw(0x94, 0x6a).u32(i).raw(0x86)
    const laughs = w.stop().toBytes()
    expect(() => pickleToJs(unpickle(laughs), { maxDepth: 1000 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', limit: 16 * 1024 * 1024 }))
  })
})

describe('object arrays of .npy files', () => {
  it("returns the elements of a SpikeLab sorted npz's units array", () => {
    const npz = readFileSync(new URL('../../../../shared/corpus/npz_minimal_units/sorted.npz', import.meta.url))
    const npy = storedZipMember(npz, 'units.npy')
    const headerLength = npy[8] | (npy[9] << 8)
    const { values, shape } = unpickleObjectArray(npy.subarray(10 + headerLength))
    expect(shape).toEqual([2])
    const units = values.map((u) => pickleToJs(u)) as Record<string, unknown>[]
    expect(units.map((u) => u.unit_id)).toEqual([3, 8])
    expect(units[0].spike_train).toEqual(new Float64Array([500, 20, 300]))
  })

  it('refuses a payload that is not an object array', () => {
    const plain = writeFloat64Array(new PickleWriter().proto(4), [1]).stop().toBytes()
    expect(() => unpickleObjectArray(plain)).toThrow(expect.objectContaining({ code: 'SPIKES_CORRUPT_FILE' }))
  })
})

/** A member of a zip written without compression (np.savez), found through its local header. */
function storedZipMember(zip: Uint8Array, name: string): Uint8Array {
  const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength)
  let at = 0
  while (dv.getUint32(at, true) === 0x04034b50) {
    const size = dv.getUint32(at + 18, true)
    const nameLength = dv.getUint16(at + 26, true)
    const extra = dv.getUint16(at + 28, true)
    const member = new TextDecoder().decode(zip.subarray(at + 30, at + 30 + nameLength))
    const start = at + 30 + nameLength + extra
    if (member === name) return zip.subarray(start, start + size)
    at = start + size
  }
  throw new Error(`${name} not found`)
}
