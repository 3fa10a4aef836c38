import { bytesSource } from '@spikes/core'
import { describe, expect, it } from 'vitest'
import { isPyTuple, parseNpy, parsePyLiteral, parseTypestr, readNpyByteChunks, readNpyChunks } from '../src/index.js'

describe('parsePyLiteral', () => {
  it('parses the literals npy headers and params.py use', () => {
    const { value } = parsePyLiteral("{'descr': [('a', '<i4'), (('t', 'b'), '>f8', (2, 3))], 'fortran_order': True, 'shape': (3L, ), 'x': None, 'y': -1.5e3, 'z': 0x1F}")
    const m = value as Map<string, unknown>
    expect(m.get('fortran_order')).toBe(true)
    expect(isPyTuple(m.get('shape'))).toBe(true)
    expect([...(m.get('shape') as number[])]).toEqual([3])
    expect(m.get('x')).toBeNull()
    expect(m.get('y')).toBe(-1500)
    expect(m.get('z')).toBe(31)
  })
  it('refuses anything that is not a literal', () => {
    expect(() => parsePyLiteral("__import__('os')")).toThrow()
    expect(() => parsePyLiteral('[1, 2')).toThrow()
    expect(() => parsePyLiteral("{'a': 1} + 1")).toThrow()
    expect(() => parsePyLiteral('[' .repeat(1000) + ']'.repeat(1000))).toThrow()
  })
  it('decodes string escapes and prefixes', () => {
    expect(parsePyLiteral("'a\\tb\\x41\\u00e9'").value).toBe('a\tbA\u00e9')
    expect(parsePyLiteral("r'C:\\new'").value).toBe('C:\\new')
    expect(parsePyLiteral("'ab' \"cd\"").value).toBe('abcd')
  })
})

describe('dtype strings', () => {
  it('knows the type strings numpy writes', () => {
    expect(parseTypestr('<u8')).toMatchObject({ kind: 'u', itemsize: 8, byteOrder: '<' })
    expect(parseTypestr('=f4')).toMatchObject({ kind: 'f', itemsize: 4, byteOrder: '<' })
    expect(parseTypestr('|b1')).toMatchObject({ kind: 'b', itemsize: 1, byteOrder: '|' })
    expect(parseTypestr('<U3')).toMatchObject({ kind: 'U', itemsize: 12 })
    expect(parseTypestr('<M8[ns]')).toMatchObject({ kind: 'M', unit: 'ns' })
    expect(() => parseTypestr('<f3')).toThrow(expect.objectContaining({ code: 'SPIKES_UNSUPPORTED' }))
    expect(() => parseTypestr('object')).toThrow(expect.objectContaining({ code: 'SPIKES_UNSUPPORTED' }))
  })
})

function npy(dict: string, body: Uint8Array): Uint8Array {
  const header = dict + ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n'
  const out = new Uint8Array(10 + header.length + body.length)
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8])
  out.set(new TextEncoder().encode(header), 10)
  out.set(body, 10 + header.length)
  return out
}

describe('chunked access', () => {
  const body = new Uint8Array(new Int32Array([1, 2, 3, 4, 5]).buffer)
  const file = npy("{'descr': '<i4', 'fortran_order': False, 'shape': (5,), }", body)
  it('readNpyChunks views aligned little-endian chunks in place', async () => {
    const chunks = []
    for await (const c of readNpyChunks(bytesSource(file, 'a.npy'), { chunkLength: 2 })) chunks.push(c)
    expect(chunks.map((c) => Array.from(c.data as Int32Array))).toEqual([[1, 2], [3, 4], [5]])
    expect((chunks[0].data as Int32Array).buffer).toBe(file.buffer) // zero-copy view of the source's bytes
  })
  it('readNpyByteChunks yields whole elements as raw bytes', async () => {
    const got = []
    for await (const c of readNpyByteChunks(bytesSource(file, 'a.npy'), { chunkLength: 3 })) got.push([c.start, c.count, c.bytes.length])
    expect(got).toEqual([[0, 3, 12], [3, 2, 8]])
  })
  it('a Python 2 header (3L) and an "=" byte order', async () => {
    const a = await parseNpy(npy("{'descr': '=i4', 'fortran_order': False, 'shape': (5L,), }", body))
    expect(Array.from(a.data as Int32Array)).toEqual([1, 2, 3, 4, 5])
  })
})
