import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { httpFolder } from '@spikes/remote'
import { directorySource } from '@spikes/core/node'
import { serveFolder } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { openZarr, parseArrayMetadataV3, type ZarrGroup } from '../src/index.js'
import { DATA, expectedOf, filesOf, fixture, plain, recording } from './support.js'

const NAME = 'v3.zarr'
const doc = (path: string) => JSON.parse(readFileSync(join(DATA, NAME, path, 'zarr.json'), 'utf8')) as Record<string, unknown>

async function checkAll(group: ZarrGroup): Promise<number> {
  const expected = expectedOf(NAME)
  let n = 0
  for (const [path, entry] of Object.entries(expected.arrays)) {
    const array = await group.array(path)
    const { data, shape, dtype } = await array.read()
    expect(shape, path).toEqual(entry.shape)
    expect(dtype.descr, path).toBe(entry.dtype)
    expect(plain(data), path).toEqual(entry.dtype === '|b1' ? entry.values!.map(Number) : entry.values)
    n++
  }
  return n
}

describe('@spikes/zarr reads Zarr v3 (zarr.json) as zarr-python 3 lays it out', () => {
  it('every data type and codec chain, from the root consolidated_metadata, against numpy', async () => {
    const { folder, opened } = recording(fixture(NAME))
    const group = await openZarr(folder)
    expect(group.consolidated).toBe(true)
    expect(group.attrs).toEqual({ title: 'v3', sampling_frequency: 30000 })
    expect(await checkAll(group)).toBe(17)
    // One metadata document read: the root zarr.json; everything else is a chunk.
    expect(opened.filter((p) => p.endsWith('zarr.json'))).toEqual(['zarr.json'])
    const delta = await group.array('samples_blosc_delta')
    expect(delta.metadata).toMatchObject({
      zarrFormat: 3,
      chunkKeyEncoding: 'default',
      dimensionSeparator: '/',
      compressor: { id: 'blosc', cname: 'zstd', clevel: 5, shuffle: 2, blocksize: 0 },
      filters: [{ id: 'delta', dtype: '<i8' }],
      order: 'C',
    })
    expect((await group.array('grid_F_dot')).metadata).toMatchObject({ order: 'F', dimensionSeparator: '.', chunkKeyEncoding: 'default' })
    expect((await group.array('grid_v2key_be')).metadata).toMatchObject({ chunkKeyEncoding: 'v2', dtype: { descr: '>i4', byteOrder: '>' }, fillValue: 7 })
    expect((await group.array('samples_numcodecs_blosc')).metadata.compressor).toMatchObject({ id: 'blosc', cname: 'lz4', shuffle: 1 })
    const types = Object.fromEntries(await Promise.all(['b1', 'i1', 'u8', 'f2', 'samples_none', 'f4_nan_fill', 'scalar'].map(async (n) => [n, (await (await group.array(n)).read()).data.constructor.name])))
    expect(types).toEqual({ b1: 'Uint8Array', i1: 'Int8Array', u8: 'Float64Array', f2: 'Float32Array', samples_none: 'Uint16Array', f4_nan_fill: 'Float32Array', scalar: 'Float64Array' })
    expect((await (await group.array('u8')).read({ int64: 'bigint' })).data).toBeInstanceOf(BigUint64Array)
  })

  it('file by file (consolidated: false): each zarr.json read, groups listed, nested groups and attributes', async () => {
    const { folder, opened } = recording(fixture(NAME))
    const group = await openZarr(folder, { consolidated: false })
    expect(group.consolidated).toBe(false)
    expect(await checkAll(group)).toBe(17)
    expect(opened).toContain('samples_zstd/zarr.json')
    expect((await group.group('nested')).attrs).toEqual({ note: 'inner' })
    const children = await group.children()
    expect(children).toContainEqual({ name: 'nested', kind: 'group' })
    expect(children).toContainEqual({ name: 'scalar', kind: 'array' })
    expect(children.length).toBe(17)
    expect(await group.kind('nested/inner')).toBe('array')
    expect(await group.kind('nope')).toBeUndefined()
    const nested = await openZarr(fixture(NAME), { path: 'nested' })
    expect([nested.path, nested.attrs]).toEqual(['nested', { note: 'inner' }])
    expect(Array.from((await (await nested.array('inner')).read()).data as Int16Array)).toEqual(expectedOf(NAME).arrays['nested/inner']!.values)
  })

  it('the same children and kinds from consolidated metadata as from the files', async () => {
    const a = await openZarr(fixture(NAME))
    const b = await openZarr(fixture(NAME), { consolidated: false })
    expect(await a.children()).toEqual(await b.children())
    expect(await (await a.group('nested')).children()).toEqual([{ name: 'inner', kind: 'array' }])
    await expect(a.array('nested')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'nested' })
    await expect(a.group('scalar')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'scalar' })
  })

  it('a selection reads only the chunks it touches: default keys with / and ., F order, v2 keys with missing chunks', async () => {
    const expected = expectedOf(NAME)
    for (const name of ['grid_C_slash', 'grid_F_dot']) {
      const grid = expected.arrays[name]!.values as number[]
      const want: number[] = []
      for (let r = 1; r < 6; r++) for (let c = 2; c < 9; c++) want.push(grid[r * 10 + c]!)
      const { folder, opened } = recording(fixture(NAME))
      const array = await (await openZarr(folder)).array(name)
      const before = opened.length
      const { data, shape } = await array.read({ selection: [[1, 6], [2, 9]] })
      expect(shape).toEqual([5, 7])
      expect(Array.from(data as Int32Array), name).toEqual(want)
      expect(opened.length - before, name).toBe(6) // rows 0-3, 4-7 x columns 0-2, 3-5, 6-8
    }
    // 4 x 4 chunks: rows 0-3, 4-7 x columns 0-3, 4-7, 8-9; chunk 0.1 is absent (fill_value 7) but still tried.
    const grid = expected.arrays.grid_v2key_be!.values as number[]
    const { folder, opened } = recording(fixture(NAME))
    const array = await (await openZarr(folder)).array('grid_v2key_be')
    const before = opened.length
    const { data } = await array.read({ selection: [[1, 6], [2, 9]] })
    expect(Array.from(data as Int32Array)).toEqual([1, 2, 3, 4, 5].flatMap((r) => [2, 3, 4, 5, 6, 7, 8].map((c) => grid[r * 10 + c]!)))
    expect(opened.slice(before).sort()).toEqual(['grid_v2key_be/0.0', 'grid_v2key_be/0.1', 'grid_v2key_be/0.2', 'grid_v2key_be/1.0', 'grid_v2key_be/1.1', 'grid_v2key_be/1.2'])
  })

  it('reads a local folder and a web folder alike; the web folder is asked for the root zarr.json only', async () => {
    expect(await checkAll(await openZarr(await directorySource(join(DATA, NAME))))).toBe(17)
    const server = await serveFolder(filesOf(join(DATA, NAME), `${NAME}/`), 'nginx')
    try {
      const web = await openZarr(httpFolder(`${server.url}/${NAME}/`))
      expect(await checkAll(web)).toBe(17)
      expect(server.requests.filter((r) => r.path.endsWith('zarr.json')).every((r) => r.path.endsWith(`${NAME}/zarr.json`))).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('maxBytes bounds a v3 read before anything is allocated', async () => {
    const array = await (await openZarr(fixture(NAME))).array('samples_none')
    await expect(array.read({ maxBytes: 179 })).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes' })
    expect((await array.read({ maxBytes: 180 })).data.length).toBe(90)
  })
})

describe('bad v3 metadata is a typed error naming the file and field', () => {
  const base = doc('samples_blosc_delta')
  const codecs = base.codecs as Record<string, unknown>[]
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['zarr_format 2 in zarr.json', { zarr_format: 2 }, { code: 'SPIKES_INVALID_DATA', field: 'zarr_format' }],
    ['an unknown node_type', { node_type: 'table' }, { code: 'SPIKES_INVALID_DATA', field: 'node_type' }],
    ['a negative shape', { shape: [-4] }, { code: 'SPIKES_INVALID_DATA', field: 'shape' }],
    ['chunk_shape of another rank', { chunk_grid: { name: 'regular', configuration: { chunk_shape: [5, 5] } } }, { code: 'SPIKES_INVALID_DATA', field: 'chunk_grid' }],
    ['a zero chunk', { chunk_grid: { name: 'regular', configuration: { chunk_shape: [0] } } }, { code: 'SPIKES_INVALID_DATA', field: 'chunk_grid' }],
    ['a chunk beyond 2 GiB', { shape: [2 ** 40], chunk_grid: { name: 'regular', configuration: { chunk_shape: [2 ** 30] } } }, { code: 'SPIKES_INVALID_DATA', field: 'chunk_grid' }],
    ['an uncountable shape', { shape: [2 ** 40, 2 ** 40], chunk_grid: { name: 'regular', configuration: { chunk_shape: [1, 1] } } }, { code: 'SPIKES_INVALID_DATA', field: 'shape' }],
    ['a rectilinear chunk grid', { chunk_grid: { name: 'rectilinear', configuration: {} } }, { code: 'SPIKES_UNSUPPORTED', feature: 'chunk_grid' }],
    ['a string data type over the bytes codec', { data_type: 'string' }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'bytes' }],
    ['an unknown data type name', { data_type: 'float8_e4m3' }, { code: 'SPIKES_UNSUPPORTED', feature: 'dtype', dtype: 'float8_e4m3' }],
    ['complex64', { data_type: 'complex64' }, { code: 'SPIKES_UNSUPPORTED', feature: 'dtype', dtype: 'complex64' }],
    ['an extension data type object', { data_type: { name: 'raw_bytes', configuration: { length_bytes: 20 } } }, { code: 'SPIKES_UNSUPPORTED', feature: 'dtype' }],
    ['a data type that is a number', { data_type: 8 }, { code: 'SPIKES_INVALID_DATA', field: 'data_type' }],
    ['an unknown key encoding', { chunk_key_encoding: { name: 'hashed' } }, { code: 'SPIKES_UNSUPPORTED', feature: 'chunk_key_encoding' }],
    ['a bad separator', { chunk_key_encoding: { name: 'default', configuration: { separator: '-' } } }, { code: 'SPIKES_INVALID_DATA', field: 'chunk_key_encoding' }],
    ['no fill_value', { fill_value: null }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
    ['a fill_value out of range', { fill_value: 2 ** 70 }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
    ['a fill_value of the wrong type', { fill_value: 'abc' }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
    ['codecs not a list', { codecs: { name: 'bytes' } }, { code: 'SPIKES_INVALID_DATA', field: 'codecs' }],
    ['no bytes codec', { codecs: [codecs[2]] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs' }],
    ['blosc before bytes', { codecs: [codecs[0], codecs[2], codecs[1]] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'blosc' }],
    ['a bad blosc shuffle', { codecs: [codecs[0], codecs[1], { name: 'blosc', configuration: { cname: 'zstd', clevel: 5, shuffle: 2 } }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'blosc' }],
    ['a bad blosc cname', { codecs: [codecs[1], { name: 'blosc', configuration: { cname: 'brotli', clevel: 5, shuffle: 'shuffle' } }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'blosc' }],
    ['a bad endian', { codecs: [{ name: 'bytes', configuration: { endian: 'middle' } }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'bytes' }],
    ['two compressors', { codecs: [codecs[1], { name: 'gzip', configuration: { level: 1 } }, { name: 'zstd', configuration: { level: 1 } }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'zstd' }],
    ['a compressor around sharding_indexed', { codecs: [{ name: 'sharding_indexed', configuration: { chunk_shape: [10], codecs: [{ name: 'bytes' }], index_codecs: [{ name: 'bytes' }] } }, { name: 'zstd', configuration: { level: 1 } }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'zstd' }],
    ['shards inside a shard', { codecs: [{ name: 'sharding_indexed', configuration: { chunk_shape: [10], codecs: [{ name: 'sharding_indexed', configuration: {} }], index_codecs: [{ name: 'bytes' }] } }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'sharding_indexed' }],
    ['a shard index compressed', { codecs: [{ name: 'sharding_indexed', configuration: { chunk_shape: [10], codecs: [{ name: 'bytes' }], index_codecs: [{ name: 'bytes' }, { name: 'zstd' }] } }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'sharding_indexed' }],
    ['inner chunks that do not divide the shard', { codecs: [{ name: 'sharding_indexed', configuration: { chunk_shape: [7], codecs: [{ name: 'bytes' }], index_codecs: [{ name: 'bytes' }] } }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'sharding_indexed' }],
    ['a bad index_location', { codecs: [{ name: 'sharding_indexed', configuration: { chunk_shape: [10], codecs: [{ name: 'bytes' }], index_codecs: [{ name: 'bytes' }], index_location: 'middle' } }] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'sharding_indexed' }],
    ['crc32c', { codecs: [codecs[1], { name: 'crc32c' }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'crc32c' }],
    ['a numcodecs filter other than delta', { codecs: [{ name: 'numcodecs.fixedscaleoffset', configuration: { offset: 0, scale: 1, dtype: '<i8' } }, codecs[1]] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'numcodecs.fixedscaleoffset' }],
    ['an unknown numcodecs compressor', { codecs: [codecs[1], { name: 'numcodecs.bz2', configuration: { level: 1 } }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'bz2', role: 'compressor' }],
    ['delta to another type', { codecs: [{ name: 'numcodecs.delta', configuration: { dtype: '<i8', astype: '<i2' } }, codecs[1]] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'delta' }],
    ['a transpose that is not a permutation', { codecs: [{ name: 'transpose', configuration: { order: [1] } }, codecs[1]] }, { code: 'SPIKES_INVALID_DATA', field: 'codecs', codec: 'transpose' }],
    ['a storage transformer', { storage_transformers: [{ name: 'sharding' }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'storage_transformer' }],
    ['an extension field that must be understood', { chunk_checksums: { must_understand: true } }, { code: 'SPIKES_UNSUPPORTED', feature: 'extension', field: 'chunk_checksums' }],
    ['attributes not an object', { attributes: [1, 2] }, { code: 'SPIKES_INVALID_DATA', field: 'attributes' }],
  ]
  for (const [what, change, error] of cases) {
    it(what, async () => {
      const changes = { 'samples_blosc_delta/zarr.json': JSON.stringify({ ...base, ...change }) }
      const group = await openZarr(fixture(NAME, changes), { consolidated: false })
      await expect(group.array('samples_blosc_delta').then((a) => a.read())).rejects.toMatchObject({ ...error, file: 'samples_blosc_delta/zarr.json' })
    })
  }

  it('an extension field marked must_understand false is ignored; parseArrayMetadataV3 is the same check', async () => {
    const group = await openZarr(fixture(NAME, { 'samples_blosc_delta/zarr.json': JSON.stringify({ ...base, note: { must_understand: false } }) }), { consolidated: false })
    expect((await (await group.array('samples_blosc_delta')).read()).data.length).toBe(400)
    expect(() => parseArrayMetadataV3({ ...base, zarr_format: 3.0, shape: 'x' }, 'a/zarr.json')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_DATA', field: 'shape', file: 'a/zarr.json' }))
    expect(parseArrayMetadataV3({ ...base, data_type: 'float32', codecs: [codecs[1]], fill_value: '0x7fc00000' }, 'a/zarr.json').fillValue).toBeNaN()
  })

  it('the hierarchy: a root zarr.json that is not a group, malformed JSON, bad consolidated metadata, neither .zgroup nor zarr.json', async () => {
    const root = JSON.parse(readFileSync(join(DATA, NAME, 'zarr.json'), 'utf8')) as Record<string, unknown>
    await expect(openZarr(fixture(NAME, { 'zarr.json': JSON.stringify({ ...root, node_type: 'array' }) }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'zarr.json', field: 'node_type' })
    await expect(openZarr(fixture(NAME, { 'zarr.json': '{"zarr_format": 3, ' }))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'zarr.json' })
    await expect(openZarr(fixture(NAME, { 'zarr.json': JSON.stringify({ ...root, consolidated_metadata: { kind: 'inline', metadata: [] } }) }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'zarr.json', field: 'consolidated_metadata' })
    await expect(openZarr(fixture(NAME, { 'zarr.json': JSON.stringify({ ...root, consolidated_metadata: { kind: 'external', metadata: {} } }) }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'consolidated_metadata' })
    await expect(openZarr(fixture(NAME, { 'zarr.json': null }))).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: '.zgroup' })
    // consolidated_metadata null (as zarr-python 3 writes before consolidating): read file by file.
    const plainRoot = await openZarr(fixture(NAME, { 'zarr.json': JSON.stringify({ ...root, consolidated_metadata: null }) }))
    expect(plainRoot.consolidated).toBe(false)
    await expect((await openZarr(fixture(NAME))).array('missing')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'missing' })
  })
})

describe('a v3 chunk that does not decode to its shape is SPIKES_CORRUPT_FILE naming the chunk', () => {
  const chunk = (p: string) => new Uint8Array(readFileSync(join(DATA, NAME, p)))
  it('Blosc with a header claiming other sizes; a truncated uncompressed chunk; gzip garbage', async () => {
    const blosc = chunk('samples_blosc_delta/c/0').slice()
    new DataView(blosc.buffer).setUint32(4, 2 ** 31, true)
    const open = async (changes: Record<string, Uint8Array>, name: string) => (await openZarr(fixture(NAME, changes))).array(name).then((a) => a.read())
    await expect(open({ 'samples_blosc_delta/c/0': blosc }, 'samples_blosc_delta')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'samples_blosc_delta/c/0', array: 'samples_blosc_delta', codec: 'blosc', expected: 1200, actual: 2 ** 31 })
    await expect(open({ 'samples_none/c/1': chunk('samples_none/c/1').subarray(2) }, 'samples_none')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'samples_none/c/1', expected: 80, actual: 78 })
    await expect(open({ 'samples_gzip/c/2': new Uint8Array(30).fill(0x55) }, 'samples_gzip')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'samples_gzip/c/2', codec: 'gzip' })
  })

  it('shards: a failing crc32c, a truncated shard, an index pointing past the shard, an inner chunk of the wrong size', async () => {
    const shard = chunk('sharded_delta_crc/c/0')
    const open = async (bytes: Uint8Array) => (await openZarr(fixture(NAME, { 'sharded_delta_crc/c/0': bytes }))).array('sharded_delta_crc').then((a) => a.read())
    const flipped = shard.slice()
    flipped[flipped.length - 10]! ^= 1
    await expect(open(flipped)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'sharded_delta_crc/c/0', codec: 'crc32c' })
    await expect(open(shard.subarray(0, 40))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'sharding_indexed', expected: 4 * 16 + 4, actual: 40 })
    // Rewrite the index so its first entry runs past the shard (and fix the checksum): refused before decoding.
    const past = shard.slice()
    const at = past.length - 68
    new DataView(past.buffer).setUint32(at + 8, 1_000_000, true)
    new DataView(past.buffer).setUint32(past.length - 4, crc32c(past.subarray(at, at + 64)), true)
    await expect(open(past)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'sharding_indexed', actual: expect.any(Number) })
    const garbage = shard.slice()
    garbage.fill(0x11, 0, 8)
    await expect(open(garbage)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'sharded_delta_crc/c/0#0', codec: 'zstd' })
  })

  it('a selection of a sharded array reads the shards it touches, F-ordered inner chunks placed in C order', async () => {
    const grid = expectedOf(NAME).arrays.sharded_2d_start!.values as number[]
    const { folder, opened } = recording(fixture(NAME))
    const array = await (await openZarr(folder)).array('sharded_2d_start')
    expect(array.metadata.sharding).toMatchObject({ chunks: [3, 4], order: 'F', indexLocation: 'start', indexChecksum: false, compressor: { id: 'zstd' } })
    const before = opened.length
    const { data } = await array.read({ selection: [[7, 10], [1, 5]] })
    expect(Array.from(data as Int32Array)).toEqual([7, 8, 9].flatMap((r) => [1, 2, 3, 4].map((c) => grid[r * 12 + c]!)))
    expect(opened.slice(before)).toEqual(['sharded_2d_start/c/1/0'])
  })
})

function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff
  for (const b of bytes) {
    crc ^= b
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
  }
  return (crc ^ 0xffffffff) >>> 0
}
