import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openZarr, parseArrayMetadataV3 } from '../src/index.js'
import { DATA, expectedOf, fixture, recording } from './support.js'

// v3_strings.zarr (generate_v3.py, main_strings): zarr-python 3's string data types, written with numcodecs' VLenUTF8 /
// VLenBytes and numpy; every expected value from Python.
const NAME = 'v3_strings.zarr'
const doc = (path: string) => JSON.parse(readFileSync(join(DATA, NAME, path, 'zarr.json'), 'utf8')) as Record<string, unknown>
const chunk = (p: string) => new Uint8Array(readFileSync(join(DATA, NAME, p)))

describe('@spikes/zarr reads the Zarr v3 string data types as zarr-python 3 writes them', () => {
  it('string (vlen-utf8), variable_length_bytes (vlen-bytes), fixed_length_utf32, null_terminated_bytes: values, dtypes, fill values', async () => {
    const expected = expectedOf(NAME)
    for (const consolidated of [true, false]) {
      const group = await openZarr(fixture(NAME), { consolidated })
      expect(group.attrs).toEqual({ title: 'v3 strings' })
      for (const [path, entry] of Object.entries(expected.arrays)) {
        const { data, shape, dtype } = await (await group.array(path)).read()
        expect(shape, path).toEqual(entry.shape)
        expect(dtype.descr, path).toBe(entry.dtype)
        expect(Array.isArray(data), path).toBe(true)
        expect(data, path).toEqual(entry.values)
      }
    }
    const group = await openZarr(fixture(NAME))
    expect((await group.array('str_vlen_zstd')).metadata).toMatchObject({ vlen: 'vlen-utf8', fillValue: '<fill>', compressor: { id: 'zstd' }, dtype: { kind: 'T', descr: 'string' } })
    expect((await group.array('bytes_vlen_blosc')).metadata).toMatchObject({ vlen: 'vlen-bytes', fillValue: '', dtype: { kind: 'T' } })
    expect((await group.array('str_vlen_2d_F')).metadata).toMatchObject({ order: 'F', compressor: null })
    expect((await group.array('utf32_be_fill')).metadata.dtype).toMatchObject({ kind: 'U', itemsize: 20, byteOrder: '>' })
    expect((await group.array('nullterm_gzip')).metadata.dtype).toMatchObject({ kind: 'S', itemsize: 6 })
  })

  it('selections read only the chunks they touch; an absent vlen chunk is fill_value', async () => {
    const values = expectedOf(NAME).arrays.str_vlen_zstd!.values as string[]
    const { folder, opened } = recording(fixture(NAME))
    const array = await (await openZarr(folder)).array('str_vlen_zstd')
    const before = opened.length
    expect((await array.read({ selection: [[3, 9]] })).data).toEqual(values.slice(3, 9))
    expect(opened.slice(before)).toEqual(['str_vlen_zstd/c/0', 'str_vlen_zstd/c/1', 'str_vlen_zstd/c/2'])
    expect((await array.read({ selection: [[9, 11]] })).data).toEqual(['<fill>', '<fill>'])
    const grid = await (await openZarr(fixture(NAME))).array('str_vlen_2d_F')
    expect((await grid.read({ selection: [[1, 3], [1, 3]] })).data).toEqual(['', 'f', 'hé', 'i'])
  })

  it('maxBytes bounds each decoded vlen chunk by its codec header before decoding', async () => {
    const array = await (await openZarr(fixture(NAME))).array('str_vlen_zstd')
    await expect(array.read({ selection: [[0, 4]], maxBytes: 30 })).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes' })
    expect((await array.read({ selection: [[0, 4]], maxBytes: 4096 })).data.length).toBe(4)
  })
})

describe('a corrupt vlen chunk is SPIKES_CORRUPT_FILE naming the chunk, array and codec', () => {
  // str_vlen_2d_F/c/0/0 is uncompressed: u32le count 4, then (u32le length, bytes) for 'a', 'dddd', 'bb', '' (F order).
  const NAME_2D = 'str_vlen_2d_F'
  const original = chunk(`${NAME_2D}/c/0/0`)
  const read = async (bytes: Uint8Array) => (await openZarr(fixture(NAME, { [`${NAME_2D}/c/0/0`]: bytes }))).array(NAME_2D).then((a) => a.read())
  const where = { code: 'SPIKES_CORRUPT_FILE', file: `${NAME_2D}/c/0/0`, array: NAME_2D, codec: 'vlen-utf8' }
  const withU32 = (at: number, value: number, bytes = original): Uint8Array => {
    const out = bytes.slice()
    new DataView(out.buffer).setUint32(at, value, true)
    return out
  }

  it('the fixture chunk is what the encoding says', () => {
    const view = new DataView(original.buffer, original.byteOffset, original.byteLength)
    expect(view.getUint32(0, true)).toBe(4)
    expect(original.length).toBe(4 + 4 * 4 + 1 + 4 + 2 + 0)
  })

  it('an item count other than the chunk shape, huge or small, is refused before any allocation', async () => {
    await expect(read(withU32(0, 0xffffffff))).rejects.toMatchObject({ ...where, expected: 4, actual: 0xffffffff })
    await expect(read(withU32(0, 5))).rejects.toMatchObject({ ...where, expected: 4, actual: 5 })
    await expect(read(withU32(0, 3))).rejects.toMatchObject({ ...where, expected: 4, actual: 3 })
  })

  it('an item length past the end of the chunk', async () => {
    await expect(read(withU32(4, 1000))).rejects.toMatchObject({ ...where, expected: 4 + 4 + 1000, actual: original.length })
    await expect(read(withU32(4, 0xffffffff))).rejects.toMatchObject({ ...where, actual: original.length })
  })

  it('truncated chunks: inside an item, inside a length prefix, shorter than the count; trailing bytes', async () => {
    await expect(read(original.subarray(0, original.length - 1))).rejects.toMatchObject({ ...where, actual: original.length - 1 })
    await expect(read(original.subarray(0, 2))).rejects.toMatchObject({ ...where, expected: 4, actual: 2 })
    await expect(read(original.subarray(0, 6))).rejects.toMatchObject({ ...where, actual: 6 })
    await expect(read(new Uint8Array(0))).rejects.toMatchObject({ ...where, actual: 0 })
    await expect(read(Uint8Array.from([...original, 0, 0]))).rejects.toMatchObject({ ...where, expected: original.length, actual: original.length + 2 })
  })

  it('an item that is not UTF-8 in a vlen-utf8 chunk', async () => {
    const bad = original.slice()
    bad[8] = 0xff // the 1-byte item 'a'
    await expect(read(bad)).rejects.toMatchObject(where)
  })

  it('a compressed vlen chunk: a zstd frame claiming a huge size, gzip garbage', async () => {
    const zstd = chunk('str_vlen_zstd/c/0')
    const frame = zstd.slice()
    // Frame header descriptor: 4-byte content size, single segment; size 2^31.
    frame[4] = 0xa0
    new DataView(frame.buffer).setUint32(5, 2 ** 31, true)
    await expect((await openZarr(fixture(NAME, { 'str_vlen_zstd/c/0': frame }))).array('str_vlen_zstd').then((a) => a.read())).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'str_vlen_zstd/c/0', codec: 'zstd', actual: 2 ** 31 })
    await expect((await openZarr(fixture(NAME, { 'nullterm_gzip/c/0': new Uint8Array(20).fill(0x55) }))).array('nullterm_gzip').then((a) => a.read())).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'gzip' })
  })
})

describe('bad string metadata is a typed error naming the file and field', () => {
  const base = doc('str_vlen_zstd')
  const utf32 = doc('utf32_be_fill')
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['vlen-utf8 on an int64 array', { data_type: 'int64', fill_value: 0 }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'vlen-utf8' }],
    ['vlen-bytes on a string array', { codecs: [{ name: 'vlen-bytes' }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'vlen-bytes' }],
    ['vlen-utf8 after a compressor', { codecs: [{ name: 'bytes' }, { name: 'vlen-utf8' }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'vlen-utf8' }],
    ['a fill_value that is not a string', { fill_value: [1, 2] }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
    ['a delta filter on strings', { codecs: [{ name: 'numcodecs.delta', configuration: { dtype: '<i8' } }, { name: 'vlen-utf8' }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'delta' }],
    ['vlen-utf8 inside a shard', { codecs: [{ name: 'sharding_indexed', configuration: { chunk_shape: [2], codecs: [{ name: 'vlen-utf8' }], index_codecs: [{ name: 'bytes' }] } }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'vlen-utf8' }],
    ['variable_length_bytes with a fill_value that is not base64', { data_type: 'variable_length_bytes', codecs: [{ name: 'vlen-bytes' }], fill_value: '%%' }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
  ]
  for (const [what, change, error] of cases) {
    it(what, async () => {
      const group = await openZarr(fixture(NAME, { 'str_vlen_zstd/zarr.json': JSON.stringify({ ...base, ...change }) }), { consolidated: false })
      await expect(group.array('str_vlen_zstd').then((a) => a.read())).rejects.toMatchObject({ ...error, file: 'str_vlen_zstd/zarr.json' })
    })
  }

  it('fixed-length types: length_bytes checked, fill_value fits, a number fill for string read as text', () => {
    const cfg = (name: string, length: unknown) => ({ ...utf32, data_type: { name, configuration: { length_bytes: length } } })
    expect(() => parseArrayMetadataV3(cfg('fixed_length_utf32', 6), 'a/zarr.json')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', field: 'data_type', file: 'a/zarr.json' }))
    expect(() => parseArrayMetadataV3(cfg('fixed_length_utf32', 0), 'a/zarr.json')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', field: 'data_type' }))
    expect(() => parseArrayMetadataV3(cfg('null_terminated_bytes', -1), 'a/zarr.json')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', field: 'data_type' }))
    expect(() => parseArrayMetadataV3({ ...utf32, fill_value: 'toolong' }, 'a/zarr.json')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', field: 'fill_value' }))
    expect(() => parseArrayMetadataV3({ ...cfg('null_terminated_bytes', 2), fill_value: btoa('abc') }, 'a/zarr.json')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', field: 'fill_value' }))
    expect(parseArrayMetadataV3({ ...base, fill_value: 7 }, 'a/zarr.json').fillValue).toBe('7')
    expect(parseArrayMetadataV3({ ...base, data_type: 'bytes', codecs: [{ name: 'vlen-bytes' }], fill_value: [104, 105] }, 'a/zarr.json').fillValue).toBe('hi')
    expect(parseArrayMetadataV3(cfg('null_terminated_bytes', 3), 'a/zarr.json').dtype).toMatchObject({ descr: '|S3', kind: 'S' })
  })
})
