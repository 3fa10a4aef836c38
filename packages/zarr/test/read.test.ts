import { join } from 'node:path'
import { httpFolder } from '@spikes/remote'
import { directorySource } from '@spikes/core/node'
import { serveFolder } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { openZarr, type ZarrGroup } from '../src/index.js'
import { DATA, expectedOf, filesOf, fixture, plain, recording, valuesOf } from './support.js'

function expectValues(data: unknown, expected: unknown[], dtype: string | null): void {
  if (dtype === '|b1') expect(plain(data as ArrayLike<unknown>)).toEqual(expected.map(Number))
  else expect(plain(data as ArrayLike<unknown>)).toEqual(expected)
}

async function checkAll(group: ZarrGroup, name: string): Promise<number> {
  const expected = expectedOf(name)
  let n = 0
  for (const [path, entry] of Object.entries(expected.arrays)) {
    const array = await group.array(path)
    const values = valuesOf(expected, path)
    const big = values.some((v) => typeof v === 'string' && /^-?\d+$/.test(v)) && entry.dtype?.endsWith('8')
    if (big) {
      await expect(array.read()).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', array: path, index: 0 })
      const { data } = await array.read({ int64: 'bigint' })
      expect(data).toBeInstanceOf(BigInt64Array)
      expect(plain(data)).toEqual(values)
    } else {
      const { data, shape } = await array.read()
      expect(shape, path).toEqual(entry.shape)
      expectValues(data, values, entry.dtype)
    }
    n++
  }
  return n
}

describe('@spikes/zarr reads what zarr-python 2 writes', () => {
  it('every codec (Blosc zstd/lz4/lz4hc/zlib with bit-, byte- and no shuffle; Zstd; LZ4; zlib; GZip; none; Delta) from consolidated metadata', async () => {
    const group = await openZarr(fixture('codecs.zarr'))
    expect(group.consolidated).toBe(true)
    expect(group.attrs).toEqual({ sampling_frequency: 30000 })
    expect(await checkAll(group, 'codecs.zarr')).toBe(13)
    const blosc = await group.array('samples_blosc_zstd_bitshuffle')
    expect(blosc.metadata.compressor).toMatchObject({ id: 'blosc', cname: 'zstd', shuffle: 2, clevel: 5 })
    const { data } = await blosc.read()
    expect(data).toBeInstanceOf(Float64Array)
    expect(data.length).toBe(400)
  })

  it('every dtype, C and F order, both separators, missing chunks and fill values, nested groups, read file by file', async () => {
    const group = await openZarr(fixture('dtypes.zarr'))
    expect(group.consolidated).toBe(false)
    expect(group.attrs).toEqual({ title: 'dtypes' })
    expect(await checkAll(group, 'dtypes.zarr')).toBe(Object.keys(expectedOf('dtypes.zarr').arrays).length)
    const types = Object.fromEntries(
      await Promise.all(['t_le_i1', 't_u1', 't_be_i2', 't_le_u2', 't_le_i4', 't_be_u4', 't_le_f2', 't_le_f4', 't_be_f8', 't_b1'].map(async (n) => [n, (await (await group.array(n)).read()).data.constructor.name])),
    )
    expect(types).toEqual({ t_le_i1: 'Int8Array', t_u1: 'Uint8Array', t_be_i2: 'Int16Array', t_le_u2: 'Uint16Array', t_le_i4: 'Int32Array', t_be_u4: 'Uint32Array', t_le_f2: 'Float32Array', t_le_f4: 'Float32Array', t_be_f8: 'Float64Array', t_b1: 'Uint8Array' })
    const records = await (await group.array('records')).read()
    expect(records.data[3]).toEqual({ x: 3.25, y: 2 ** 40, id: '', ok: false })
    expect((await group.group('nested/deeper')).attrs).toEqual({ note: 'inner' })
    expect(await group.children()).toContainEqual({ name: 'nested', kind: 'group' })
    expect(await group.kind('grid_F_slash')).toBe('array')
    expect(await group.kind('nope')).toBeUndefined()
  })

  it('a selection reads only the chunks it touches, C and F order alike', async () => {
    const expected = expectedOf('dtypes.zarr')
    const grid = valuesOf(expected, 'grid_C_dot') as number[]
    const want: number[] = []
    for (let r = 1; r < 6; r++) for (let c = 2; c < 9; c++) want.push(grid[r * 10 + c]!)
    for (const name of ['grid_C_dot', 'grid_F_dot', 'grid_C_slash', 'grid_F_slash']) {
      const { folder, opened } = recording(fixture('dtypes.zarr'))
      const array = await (await openZarr(folder)).array(name)
      const chunksBefore = opened.length
      const { data, shape } = await array.read({ selection: [[1, 6], [2, 9]] })
      expect(shape).toEqual([5, 7])
      expect(Array.from(data as Int32Array), name).toEqual(want)
      expect(opened.length - chunksBefore, name).toBe(2 * 3) // rows 0-2, 3-5 x columns 0-3, 4-7, 8-9
    }
    const cube = await (await openZarr(fixture('dtypes.zarr'))).array('cube_F')
    const { data } = await cube.read({ selection: [[1, 3], null, [4, 5]] })
    expect(Array.from(data as Float64Array)).toEqual([1, 2].flatMap((i) => [0, 1, 2, 3].map((j) => (i * 20 + j * 5 + 4) / 4)))
    await expect(cube.read({ selection: [[2, 1]] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'selection[0]' })
  })

  it('consolidated metadata answers every metadata look-up (no .zarray or .zattrs opened); consolidated: false reads them', async () => {
    const a = recording(fixture('codecs.zarr'))
    const group = await openZarr(a.folder)
    await (await group.array('samples_zstd')).read()
    expect(a.opened.filter((p) => p.includes('.z'))).toEqual(['.zmetadata'])
    expect(a.opened.filter((p) => !p.includes('.z'))).toEqual(['samples_zstd/0', 'samples_zstd/1', 'samples_zstd/2'])
    const b = recording(fixture('codecs.zarr'))
    await (await (await openZarr(b.folder, { consolidated: false })).array('samples_zstd')).read()
    expect(b.opened).toContain('samples_zstd/.zarray')
    expect(b.opened).not.toContain('.zmetadata')
  })

  it('reads a local folder and a web folder served on 127.0.0.1 alike', async () => {
    const local = await openZarr(await directorySource(join(DATA, 'dtypes.zarr')))
    expect(await checkAll(local, 'dtypes.zarr')).toBeGreaterThan(20)
    const server = await serveFolder(filesOf(join(DATA, 'codecs.zarr'), 'codecs.zarr/'), 'nginx')
    try {
      const web = await openZarr(httpFolder(`${server.url}/codecs.zarr/`))
      expect(web.consolidated).toBe(true)
      expect(await checkAll(web, 'codecs.zarr')).toBe(13)
      expect(server.requests.some((r) => r.path.endsWith('.zarray'))).toBe(false)
    } finally {
      await server.close()
    }
  })
})

describe('bounds', () => {
  it('maxBytes is checked before allocating the output or a chunk', async () => {
    const group = await openZarr(fixture('codecs.zarr'))
    const array = await group.array('samples_none')
    await expect(array.read({ maxBytes: 3199 })).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes' })
    // A small selection still needs a whole chunk (150 x 8 bytes) decoded.
    await expect(array.read({ selection: [[0, 2]], maxBytes: 1000 })).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes' })
    expect((await array.read({ selection: [[0, 2]], maxBytes: 1200 })).data.length).toBe(2)
  })

  it('an empty array reads as nothing, without opening a chunk', async () => {
    const { folder, opened } = recording(fixture('dtypes.zarr'))
    const array = await (await openZarr(folder)).array('empty')
    const before = opened.length
    const { data, shape } = await array.read()
    expect([data.length, shape, opened.length - before]).toEqual([0, [0, 3], 0])
  })

})
