import { describe, expect, it } from 'vitest'
import { memoryFolder, type SpikesError } from '@spikes/core'
import { nwbZarrFiles } from '@spikes/testing'
import { openZarr } from '../src/index.js'

const zarray = (filters: unknown) => JSON.stringify({ chunks: [2], compressor: null, dtype: '|O', fill_value: 0, filters, order: 'C', shape: [3], zarr_format: 2 })

describe('Zarr v2 object arrays of strings (vlen-utf8 / vlen-bytes filters)', () => {
  it('reads vlen-utf8 strings across chunks, a missing chunk as the empty fill string', async () => {
    const files = nwbZarrFiles({ units: { spikeTimes: [[1], [2]], ids: ['ä1', 'b2'] } })
    const root = await openZarr(memoryFolder(files))
    const ids = await root.array('units/id')
    expect(ids.dtype.kind).toBe('T')
    expect((await ids.read()).data).toEqual(['ä1', 'b2'])
    const one = new Uint8Array([2, 0, 0, 0, 2, 0, 0, 0, 0x68, 0x69, 0, 0, 0, 0]) // an edge chunk holds the full chunk shape
    const two = await openZarr(memoryFolder({ '.zgroup': '{"zarr_format": 2}', 's/.zarray': zarray([{ id: 'vlen-bytes' }]), 's/1': one }))
    expect((await (await two.array('s')).read()).data).toEqual(['', '', 'hi'])
  })

  it('other object codecs, and a count that disagrees with the chunk, are typed errors', async () => {
    const pickled = await openZarr(memoryFolder({ '.zgroup': '{"zarr_format": 2}', 's/.zarray': zarray([{ id: 'pickle', protocol: 5 }]) }))
    expect(await pickled.array('s').then(() => '', (e: SpikesError) => e.code)).toBe('SPIKES_UNSUPPORTED')
    const bad = new Uint8Array([9, 0, 0, 0, 2, 0, 0, 0, 0x68, 0x69])
    const wrong = await openZarr(memoryFolder({ '.zgroup': '{"zarr_format": 2}', 's/.zarray': zarray([{ id: 'vlen-utf8' }]), 's/0': bad }))
    expect(await (await wrong.array('s')).read().then(() => '', (e: SpikesError) => e.code)).toMatch(/^SPIKES_(CORRUPT_FILE|INVALID_DATA)$/)
  })
})
