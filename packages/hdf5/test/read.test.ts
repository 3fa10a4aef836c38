import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesSource } from '@spikes/core'
import { openHdf5, withHdf5, type Hdf5File } from '../src/index.js'

// Fixtures come from test/fixtures/make-fixtures.py (h5py); expected values are the literals written there.
const types = fileURLToPath(new URL('./fixtures/types.h5', import.meta.url))
const userblock = fileURLToPath(new URL('./fixtures/userblock.h5', import.meta.url))

let f: Hdf5File
beforeAll(async () => {
  f = await openHdf5(types)
})
afterAll(async () => {
  await f.close()
})

describe('numeric datasets', () => {
  it('reads every integer width as float64', () => {
    expect([...f.dataset('ints/i1').readNumeric()]).toEqual([-128, 0, 127])
    expect([...f.dataset('ints/i2').readNumeric()]).toEqual([-32768, 1, 32767])
    expect([...f.dataset('ints/i4').readNumeric()]).toEqual([-2147483648, 2, 2147483647])
    expect([...f.dataset('ints/i8').readNumeric()]).toEqual([-(2 ** 53), 3, 2 ** 53])
    expect([...f.dataset('ints/u1').readNumeric()]).toEqual([0, 1, 255])
    expect([...f.dataset('ints/u2').readNumeric()]).toEqual([0, 2, 65535])
    expect([...f.dataset('ints/u4').readNumeric()]).toEqual([0, 3, 4294967295])
    expect([...f.dataset('ints/u8').readNumeric()]).toEqual([0, 4, 2 ** 53])
    expect([...f.dataset('ints/be_i4').readNumeric()]).toEqual([1, -2, 300000])
  })

  it('reads native types on request', () => {
    const a = f.dataset('ints/i2').readNumeric({ as: 'native' })
    expect(a).toBeInstanceOf(Int16Array)
    const b = f.dataset('ints/i8_big').readNumeric({ as: 'native' })
    expect(b).toBeInstanceOf(BigInt64Array)
    expect(b[1]).toBe(2n ** 53n + 2n)
    expect(f.dataset('floats/f2').readNumeric({ as: 'native' })).toBeInstanceOf(Float32Array)
  })

  it('refuses 64-bit integers above 2^53 as numbers', () => {
    expect(() => f.dataset('ints/i8_big').readNumeric()).toThrow(expect.objectContaining({ code: 'SPIKES_UNSUPPORTED', feature: 'int64-precision' }))
    expect(() => f.dataset('ints/u8_big').readNumeric()).toThrow(expect.objectContaining({ code: 'SPIKES_UNSUPPORTED' }))
  })

  it('reads floats of 2, 4 and 8 bytes, both byte orders', () => {
    expect([...f.dataset('floats/f2').readNumeric()]).toEqual([0.5, -2, 65504, 1.1920928955078125e-7])
    expect([...f.dataset('floats/f4').readNumeric()]).toEqual([...Float32Array.of(0.1, -1.5, 3e38)])
    expect([...f.dataset('floats/f8').readNumeric()]).toEqual([0.1, -1.5, 1e300, Math.PI])
    expect([...f.dataset('floats/be_f8').readNumeric()]).toEqual([0.25, -1e-300])
    expect(f.dataset('floats/scalar').readScalar()).toBe(42.5)
    expect(f.dataset('floats/scalar').shape).toEqual([])
    expect(f.dataset('floats/empty').readNumeric().length).toBe(0)
    expect(f.dataset('floats/null').shape).toBeNull()
    expect(f.dataset('floats/null').readNumeric().length).toBe(0)
  })

  it('reads slices of chunked and contiguous N-d datasets in C order', () => {
    const all = Array.from({ length: 35 }, (_, i) => i)
    for (const name of ['floats/matrix', 'floats/matrix_plain']) {
      const ds = f.dataset(name)
      expect(ds.shape).toEqual([7, 5])
      expect([...ds.readNumeric()]).toEqual(all)
      expect([...ds.readNumeric({ start: [2, 1], count: [3, 3] })]).toEqual([11, 12, 13, 16, 17, 18, 21, 22, 23])
      expect([...ds.readNumeric({ start: 5 })]).toEqual(all.slice(25))
      // tiny blocks force many reads and scatter
      expect([...ds.readNumeric({ blockBytes: 8 })]).toEqual(all)
      expect([...ds.readNumeric({ start: [1, 2], count: [5, 3], blockBytes: 16 })]).toEqual([7, 8, 9, 12, 13, 14, 17, 18, 19, 22, 23, 24, 27, 28, 29])
    }
    expect(f.dataset('floats/matrix').isChunked).toBe(true)
    expect(f.dataset('floats/matrix').filters.map((x) => x.id)).toContain(1)
    const cube = f.dataset('floats/cube')
    expect([...cube.readNumeric({ blockBytes: 4 })]).toEqual(Array.from({ length: 60 }, (_, i) => i))
    expect([...cube.readNumeric({ start: [1, 1, 3], count: [2, 2, 2] })]).toEqual([23, 24, 28, 29, 38, 39, 43, 44])
  })

  it('reads long chunked datasets in bounded blocks into a caller array', () => {
    const ds = f.dataset('floats/long')
    const out = new Float64Array(50010)
    const progress: number[] = []
    ds.readNumeric({ out, outOffset: 10, blockBytes: 24000, onProgress: (l) => progress.push(l) })
    expect(out[10]).toBe(0)
    expect(out[50009]).toBe(49999 * 0.5)
    expect(progress.length).toBeGreaterThan(10)
    expect(progress.at(-1)).toBe(50000)
    expect([...ds.readNumeric({ start: 1999, count: 3 })]).toEqual([999.5, 1000, 1000.5])
    expect(() => ds.readNumeric({ out: new Float64Array(10) })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    expect(() => ds.readNumeric({ start: 49999, count: 2 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
  })

  it('honours an abort signal between blocks', () => {
    const ac = new AbortController()
    ac.abort()
    expect(() => f.dataset('floats/long').readNumeric({ signal: ac.signal })).toThrow(expect.objectContaining({ code: 'SPIKES_ABORTED' }))
  })

  it('refuses non-numeric datasets for readNumeric', () => {
    expect(() => f.dataset('strings/vlen_utf8').readNumeric()).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', dataset: '/strings/vlen_utf8' }))
    expect(f.dataset('other/enum').isInteger()).toBe(true)
    expect([...f.dataset('other/enum').readNumeric()]).toEqual([0, 1, 1])
  })

  it('describes dtypes', () => {
    expect(f.dataset('ints/u2').dtype).toMatchObject({ class: 'uint', bytes: 2, numpy: '<u2' })
    expect(f.dataset('ints/be_i4').dtype).toMatchObject({ class: 'int', littleEndian: false, numpy: '>i4' })
    expect(f.dataset('strings/vlen_utf8').dtype).toMatchObject({ class: 'string', encoding: 'utf-8', variableLength: true })
    expect(f.dataset('other/refs').dtype).toMatchObject({ class: 'reference', refType: 'object' })
    expect(f.dataset('other/compound').dtype.members?.map((m) => m.name)).toEqual(['id', 'value'])
    expect(f.dataset('other/enum').dtype.enumMembers).toEqual({ OFF: 0, ON: 1 })
  })
})

describe('strings, attributes, references', () => {
  it('reads variable and fixed length strings in UTF-8 and ASCII', () => {
    expect(f.dataset('strings/vlen_utf8').readStrings()).toEqual(['α', 'hello', ''])
    expect(f.dataset('strings/vlen_ascii').readStrings()).toEqual(['abc', 'été'])
    expect(f.dataset('strings/fixed_ascii').readStrings()).toEqual(['ab', 'abcde'])
    expect(f.dataset('strings/fixed_utf8').readStrings()).toEqual(['é', 'xyz'])
    expect(f.dataset('strings/scalar').readStrings()).toEqual(['only one'])
    expect(() => f.dataset('ints/i1').readStrings()).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
  })

  it('unwraps one-element attribute arrays', () => {
    const a = f.attrs('/')
    expect(a.scalar_float).toBe(1.5)
    expect(a.one_element).toBe(5)
    expect(a.text).toBe('hello')
    expect(a.bytes_text).toBe('raw')
    expect([...(a.vector as Float64Array)]).toEqual([1, 2, 3])
    expect(a.big_int).toBe(2n ** 53n + 2n)
    expect(a.strings).toEqual(['x', 'y'])
    expect(f.attr('/', 'missing')).toBeUndefined()
    expect(f.dataset('floats/f8').attrs.unit).toBe('s')
  })

  it('resolves object and region references', () => {
    const refs = f.dataset('other/refs').readReferences()
    expect(refs).toHaveLength(3)
    expect(f.resolveReference(refs[0])).toEqual({ kind: 'object', path: '/ints/i4', target: 'dataset' })
    expect(f.resolveReference(refs[1])).toEqual({ kind: 'object', path: '/ints', target: 'group' })
    expect(() => f.resolveReference(refs[2])).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA' }))
    const attrRef = f.dataset('floats/f8').attrs.ref as { kind: string; bytes: Uint8Array }
    expect(f.resolveReference(attrRef as never).path).toBe('/ints')
    const [region] = f.dataset('other/regions').readReferences()
    expect(region.kind).toBe('region')
    expect(f.resolveReference(region).path).toBe('/floats/f8')
    expect([...(f.readRegion(region) as Float64Array)]).toEqual([-1.5, 1e300])
  })

  it('reads compound datasets by member', () => {
    const c = f.dataset('other/compound').readCompound()
    expect([...(c.id as Float64Array)]).toEqual([1, 2])
    expect([...(c.value as Float64Array)]).toEqual([2.5, -1])
  })
})

describe('navigation and missing entries', () => {
  it('lists, walks and tells kinds', () => {
    expect(f.list('/')).toEqual(['a', 'floats', 'ints', 'other', 'strings'])
    expect(f.kind('/a/b')).toBe('group')
    expect(f.kind('a/b/c/leaf')).toBe('dataset')
    expect(f.kind('/nope')).toBeNull()
    expect(f.walk('/a').map((e) => e.path)).toEqual(['/a/b', '/a/b/c', '/a/b/c/leaf'])
  })

  it('walk reports a soft link that resolves as its target kind and a dangling one as a link', async () => {
    const { h5, writeHdf5 } = await import('../src/write/index.js')
    const bytes = await writeHdf5(h5.group({ data: h5.dataset(Float64Array.of(1, 2)), alias: h5.link('/data'), dangling: h5.link('/nowhere') }))
    const linked = await openHdf5(bytesSource(bytes!, 'links.h5'))
    try {
      expect(linked.walk('/')).toEqual([
        { path: '/alias', kind: 'dataset' },
        { path: '/dangling', kind: 'link' },
        { path: '/data', kind: 'dataset' },
      ])
      expect(linked.kind('/dangling')).toBeNull()
    } finally {
      await linked.close()
    }
  })

  it('names what exists near a missing dataset', () => {
    expect(() => f.dataset('/ints/i16')).toThrow(
      expect.objectContaining({ code: 'SPIKES_MISSING_ENTRY', entry: '/ints/i16', container: 'types.h5', nearby: expect.arrayContaining(['/ints/i1', '/ints/i2']) }),
    )
    expect(() => f.dataset('/a/b/x/y')).toThrow(expect.objectContaining({ code: 'SPIKES_MISSING_ENTRY', nearby: ['/a/b/c'] }))
    expect(() => f.list('/nothing')).toThrow(expect.objectContaining({ code: 'SPIKES_MISSING_ENTRY' }))
    expect(() => f.dataset('/ints')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', kind: 'group' }))
    expect(f.maybeDataset('/nope')).toBeNull()
  })
})

describe('opening', () => {
  it('opens bytes, Blobs and ByteSources, and closes them', async () => {
    const bytes = new Uint8Array(readFileSync(types))
    for (const input of [bytes, bytes.buffer, new Blob([bytes]), bytesSource(bytes, 'mem.h5')]) {
      const file = await openHdf5(input as never)
      expect([...file.dataset('floats/f8').readNumeric()]).toEqual([0.1, -1.5, 1e300, Math.PI])
      await file.close()
      await file.close()
      expect(file.closed).toBe(true)
      expect(() => file.list('/')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    }
  })

  it('finds the superblock after a user block', async () => {
    await withHdf5(userblock, (file) => expect([...file.dataset('x').readNumeric()]).toEqual([1, 2, 3]))
  })

  it('uses a mounter for path-less sources', async () => {
    const bytes = new Uint8Array(readFileSync(types))
    let mounted = 0
    let closed = 0
    const file = await openHdf5(bytesSource(bytes, 'remote.h5'), {
      mount: async () => {
        mounted++
        return { filename: types, close: () => void closed++ }
      },
    })
    expect(file.name).toBe('remote.h5')
    expect(f.list('/')).toEqual(file.list('/'))
    await file.close()
    expect([mounted, closed]).toEqual([1, 1])
  })

  it('closes when the callback throws', async () => {
    let seen: Hdf5File | undefined
    await expect(
      withHdf5(types, (file) => {
        seen = file
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect(seen?.closed).toBe(true)
  })
})
