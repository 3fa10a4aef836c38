import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openZarr } from '../src/index.js'
import { DATA, fixture } from './support.js'

const zarray = (array: string) => JSON.parse(readFileSync(join(DATA, 'dtypes.zarr', array, '.zarray'), 'utf8')) as Record<string, unknown>
const chunk = (path: string) => new Uint8Array(readFileSync(join(DATA, path)))

async function readWith(array: string, changes: Record<string, Uint8Array | string | null>, fixtureName = 'dtypes.zarr') {
  return (await (await openZarr(fixture(fixtureName, changes), { consolidated: false })).array(array)).read()
}

describe('bad metadata is a typed error, before any allocation', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
    ['negative shape', { shape: [-1] }, { code: 'SPIKES_INVALID_DATA', field: 'shape' }],
    ['zero chunk', { chunks: [0] }, { code: 'SPIKES_INVALID_DATA', field: 'chunks' }],
    ['chunks of another rank', { chunks: [5, 5] }, { code: 'SPIKES_INVALID_DATA', field: 'chunks' }],
    ['uncountable shape', { shape: [2 ** 40, 2 ** 40], chunks: [1, 1] }, { code: 'SPIKES_INVALID_DATA', field: 'shape' }],
    ['a chunk beyond 2 GiB', { shape: [2 ** 40], chunks: [2 ** 30] }, { code: 'SPIKES_INVALID_DATA', field: 'chunks' }],
    ['zarr v3', { zarr_format: 3 }, { code: 'SPIKES_INVALID_DATA', field: 'zarr_format' }],
    ['bad order', { order: 'X' }, { code: 'SPIKES_INVALID_DATA', field: 'order' }],
    ['bad separator', { dimension_separator: '-' }, { code: 'SPIKES_INVALID_DATA', field: 'dimension_separator' }],
    ['garbled dtype', { dtype: 'int64' }, { code: 'SPIKES_INVALID_DATA', field: 'dtype', value: 'int64' }],
    ['odd itemsize', { dtype: '<i3' }, { code: 'SPIKES_INVALID_DATA', field: 'dtype' }],
    ['object dtype', { dtype: '|O' }, { code: 'SPIKES_UNSUPPORTED', feature: 'dtype', dtype: '|O' }],
    ['datetime dtype', { dtype: '<M8[ns]' }, { code: 'SPIKES_UNSUPPORTED', feature: 'dtype' }],
    ['unknown compressor', { compressor: { id: 'bz2' } }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'bz2', role: 'compressor' }],
    ['compressor without id', { compressor: { cname: 'zstd' } }, { code: 'SPIKES_INVALID_DATA', field: 'compressor' }],
    ['unknown filter', { filters: [{ id: 'fixedscaleoffset' }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'fixedscaleoffset' }],
    ['delta to another type', { filters: [{ id: 'delta', dtype: '<i4', astype: '<i2' }] }, { code: 'SPIKES_UNSUPPORTED', feature: 'codec', codec: 'delta' }],
    ['fill value of the wrong type', { fill_value: 'abc' }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
    ['fill value out of range', { fill_value: 2 ** 40 }, { code: 'SPIKES_INVALID_DATA', field: 'fill_value' }],
  ]
  for (const [what, change, error] of cases) {
    it(what, async () => {
      await expect(readWith('t_le_i4', { 't_le_i4/.zarray': JSON.stringify({ ...zarray('t_le_i4'), ...change }) })).rejects.toMatchObject({ ...error, file: 't_le_i4/.zarray' })
    })
  }

  it('malformed JSON is SPIKES_CORRUPT_FILE naming the file; a missing .zgroup SPIKES_MISSING_FILE; an unknown child SPIKES_MISSING_ENTRY', async () => {
    await expect(readWith('t_le_i4', { 't_le_i4/.zarray': '{"shape": [23' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 't_le_i4/.zarray' })
    await expect(openZarr(fixture('dtypes.zarr', { '.zgroup': null }))).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: '.zgroup' })
    await expect(openZarr(fixture('dtypes.zarr', { '.zgroup': '{"zarr_format": 3}' }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'zarr_format' })
    await expect((await openZarr(fixture('dtypes.zarr'))).array('t_le_i5')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 't_le_i5' })
    await expect(openZarr(fixture('codecs.zarr', { '.zmetadata': '{"zarr_consolidated_format": 2, "metadata": {}}' }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: '.zmetadata' })
    await expect((await openZarr(fixture('dtypes.zarr'))).group('../x')).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'path' })
  })

  it('a huge shape is refused by maxBytes, not allocated', async () => {
    const meta = { ...zarray('t_le_i4'), shape: [2 ** 40], chunks: [1024] }
    await expect(readWith('t_le_i4', { 't_le_i4/.zarray': JSON.stringify(meta) })).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes' })
  })
})

describe('a chunk that does not decode to its shape is SPIKES_CORRUPT_FILE with the chunk and the sizes', () => {
  const blosc = chunk('dtypes.zarr/t_le_i4/0') // 5 x int32 = 20 bytes, Blosc
  it('Blosc: truncated, or a header claiming other sizes (a garbage header is never decoded)', async () => {
    await expect(readWith('t_le_i4', { 't_le_i4/0': blosc.subarray(0, blosc.length - 3) })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 't_le_i4/0', array: 't_le_i4', codec: 'blosc', actual: blosc.length - 3 })
    const nbytes = blosc.slice()
    new DataView(nbytes.buffer).setUint32(4, 2 ** 31, true)
    await expect(readWith('t_le_i4', { 't_le_i4/0': nbytes })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'blosc', expected: 20, actual: 2 ** 31 })
    const garbage = new Uint8Array(40).fill(0xab)
    await expect(readWith('t_le_i4', { 't_le_i4/0': garbage })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'blosc' })
    await expect(readWith('t_le_i4', { 't_le_i4/0': new Uint8Array(3) })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'blosc', actual: 3 })
  })

  it('LZ4: a size prefix of 4 GiB is refused before decoding', async () => {
    const lz4 = chunk('dtypes.zarr/grid_C_slash/0/0').slice()
    new DataView(lz4.buffer).setUint32(0, 0xfffffffc, true)
    await expect(readWith('grid_C_slash', { 'grid_C_slash/0/0': lz4 })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'lz4', expected: 48, actual: 0xfffffffc })
  })

  it('Zstd: a frame content size that disagrees; a stream without the magic number; a truncated frame', async () => {
    const zstd = chunk('codecs.zarr/samples_zstd/0')
    const other = zstd.slice()
    other[4] = 0x20 // single segment, 1-byte content size
    other[5] = 7
    await expect(readWith('samples_zstd', { 'samples_zstd/0': other.subarray(0, 6 + 1) }, 'codecs.zarr')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'zstd', file: 'samples_zstd/0', expected: 1200, actual: 7 })
    await expect(readWith('samples_zstd', { 'samples_zstd/0': new Uint8Array(16) }, 'codecs.zarr')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'zstd' })
    await expect(readWith('samples_zstd', { 'samples_zstd/0': zstd.subarray(0, zstd.length - 10) }, 'codecs.zarr')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'zstd' })
  })

  it('zlib and gzip: garbage, truncated, or inflating past the shape', async () => {
    const zlib = chunk('codecs.zarr/samples_zlib/0')
    await expect(readWith('samples_zlib', { 'samples_zlib/0': zlib.subarray(0, 20) }, 'codecs.zarr')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'zlib', expected: 1200 })
    await expect(readWith('samples_zlib', { 'samples_zlib/0': new Uint8Array(30).fill(0x55) }, 'codecs.zarr')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', codec: 'zlib' })
    const gzip = chunk('codecs.zarr/samples_gzip/0')
    await expect(readWith('samples_gzip', { 'samples_gzip/1': gzip, 'samples_gzip/.zarray': JSON.stringify({ ...JSON.parse(readFileSync(join(DATA, 'codecs.zarr/samples_gzip/.zarray'), 'utf8')), chunks: [100] }) }, 'codecs.zarr')).rejects.toMatchObject({
      code: 'SPIKES_CORRUPT_FILE',
      codec: 'gzip',
      expected: 800,
    })
  })

  it('an uncompressed chunk of the wrong size', async () => {
    const raw = chunk('codecs.zarr/samples_none/1')
    await expect(readWith('samples_none', { 'samples_none/1': raw.subarray(8) }, 'codecs.zarr')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'samples_none/1', expected: 1200, actual: 1192 })
  })

  it('a fuzzed chunk never crashes: it decodes or is a typed error', async () => {
    const original = chunk('codecs.zarr/samples_blosc_zstd_bitshuffle/0')
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let round = 0; round < 60; round++) {
      const bytes = original.slice()
      for (let k = 0; k < 4; k++) bytes[next() % bytes.length] = next() % 256
      const result = await readWith('samples_blosc_zstd_bitshuffle', { 'samples_blosc_zstd_bitshuffle/0': bytes }, 'codecs.zarr').then(
        (r) => r.data.length,
        (e: { code?: string }) => e.code,
      )
      // A corrupted stream that still decodes may hold int64 values beyond 2^53: SPIKES_INVALID_DATA.
      expect([400, 'SPIKES_CORRUPT_FILE', 'SPIKES_INVALID_DATA']).toContain(result)
    }
  })
})
