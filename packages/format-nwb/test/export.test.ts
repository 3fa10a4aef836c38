import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { container, loadSpikeData, SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { withHdf5 } from '@spikes/hdf5'
import { seededRandom } from '@spikes/testing'
import { convertToNwb, exportNwb, registerNwb } from '../src/index.js'

const c = container.createChildContainer()
registerNwb(c)
const dir = mkdtempSync(join(tmpdir(), 'spikes-nwb-export-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function load(input: string | Uint8Array, options: Record<string, unknown> = {}): Promise<SpikeData> {
  return loadSpikeData(input, { format: 'nwb', options, container: c })
}

function sample(N = 6, seed = 1): SpikeData {
  const r = seededRandom(seed)
  const trains = Array.from({ length: N }, (_, i) => Array.from({ length: i === 2 ? 0 : 5 + Math.floor(r() * 40) }, () => -10 + r() * 2000).sort((a, b) => a - b))
  const neuronAttributes = trains.map((_, i) => ({
    unit_id: 100 + i * 7,
    electrode: i % 3 === 0 ? 12 : 20 + i,
    location: i % 3 === 0 ? [1.5, 2.25, 3] : [10 * i, -5.5, 0.125],
    location_label: i % 3 === 0 ? 'DG' : i % 2 ? 'CA1' : 'CA3',
    group_name: 'shank0',
    firing_rate: r() * 20,
    quality: i % 2 ? 'good' : 'mua',
  }))
  return SpikeData.fromTrains(trains, {
    lengthMs: 2500,
    startTimeMs: -10,
    neuronAttributes,
    metadata: { identifier: 'export-test', session_description: 'round trip', session_start_time: '2024-01-02T03:04:05+00:00', subject_id: 'm1', species: 'Mus musculus', custom: { a: 1 } },
  })
}

function expectSame(a: SpikeData, b: SpikeData): void {
  expect(b.N).toBe(a.N)
  expect(b.lengthMs).toBe(a.lengthMs)
  expect(b.startTimeMs).toBe(a.startTimeMs)
  expect(Array.from(b.offsets)).toEqual(Array.from(a.offsets))
  expect(Array.from(b.times)).toEqual(Array.from(a.times))
  expect(b.neuronAttributes).toEqual(a.neuronAttributes)
}

describe('exportNwb', () => {
  it('round-trips exactly through a file: times, window, neuron attributes, metadata', async () => {
    const sd = sample()
    const path = join(dir, 'round.nwb')
    await expect(exportNwb(sd, path)).resolves.toBeUndefined()
    const back = await load(path)
    expectSame(sd, back)
    expect(back.metadata).toMatchObject({ identifier: 'export-test', session_description: 'round trip', session_start_time: '2024-01-02T03:04:05+00:00', subject_id: 'm1', species: 'Mus musculus', custom: { a: 1 }, nwb_version: '2.6.0', unit_count: 6 })
  })

  it('returns the bytes when no target is given', async () => {
    const sd = sample(3, 2)
    const bytes = await exportNwb(sd)
    expect(bytes).toBeInstanceOf(Uint8Array)
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x89, 0x48, 0x44, 0x46])
    expectSame(sd, await load(bytes))
  })

  it('writes the NWB structure: required root fields, Units with VectorIndex and a DynamicTableRegion into electrodes', async () => {
    const path = join(dir, 'structure.nwb')
    await exportNwb(sample(), path, { objectIdSeed: 'x', fileCreateDate: '2024-01-02T03:04:05+00:00' })
    await withHdf5(path, (f) => {
      expect(f.attrs('/')).toMatchObject({ namespace: 'core', neurodata_type: 'NWBFile', nwb_version: '2.6.0' })
      expect(JSON.parse(f.dataset('/scratch/spikes_spikedata').readStrings()[0])).toMatchObject({ length_ms: 2500, start_time_ms: -10 })
      for (const ds of ['/file_create_date', '/identifier', '/session_description', '/session_start_time', '/timestamps_reference_time']) expect(f.kind(ds), ds).toBe('dataset')
      for (const g of ['/acquisition', '/analysis', '/processing', '/stimulus/presentation', '/stimulus/templates', '/general']) expect(f.kind(g), g).toBe('group')
      expect(f.attrs('/units')).toMatchObject({ namespace: 'core', neurodata_type: 'Units' })
      expect(f.attrs('/units').colnames).toEqual(expect.arrayContaining(['spike_times', 'electrodes', 'firing_rate', 'quality']))
      const target = f.attr('/units/spike_times_index', 'target') as never
      expect(f.resolveReference(target).path).toBe('/units/spike_times')
      expect(f.attrs('/units/electrodes')).toMatchObject({ neurodata_type: 'DynamicTableRegion', namespace: 'hdmf-common' })
      expect(f.resolveReference(f.attr('/units/electrodes', 'table') as never).path).toBe('/general/extracellular_ephys/electrodes')
      expect(f.attrs('/general/extracellular_ephys/electrodes')).toMatchObject({ neurodata_type: 'DynamicTable' })
      expect(f.attrs('/units/id')).toMatchObject({ neurodata_type: 'ElementIdentifiers' })
      expect(Array.from(f.dataset('/units/id').readNumeric())).toEqual([100, 107, 114, 121, 128, 135])
      expect(f.dataset('/units/spike_times').filters.map((x) => x.name)).toContain('deflate')
      const refs = f.dataset('/general/extracellular_ephys/electrodes/group').readReferences()
      expect(f.resolveReference(refs[0]).path).toBe('/general/extracellular_ephys/shank0')
      expect(f.kind('/general/devices/probe')).toBe('group')
    })
  })

  it('makes the standard NWB columns alone carry the attributes (no JSON copy)', async () => {
    const sd = sample()
    const path = join(dir, 'standard.nwb')
    await exportNwb(sd, path, { attributesJson: false })
    const back = await load(path)
    expect(back.neuronAttributes).toEqual(sd.neuronAttributes)
  })

  it('puts units known only by position on the electrode row of that position, and re-export keeps the table as it is', async () => {
    // As the NeuroExplorer loader gives them: a location, no electrode id. Re-exporting the loaded file doubled the table.
    const sd = SpikeData.fromTrains([[1], [2], [3]], { lengthMs: 10, neuronAttributes: [{ unit_id: 0, location: [16.67, 25] }, { unit_id: 1, location: [50, 25] }, { unit_id: 2, location: [16.67, 25] }] })
    const first = await exportNwb(sd)
    const second = await exportNwb(await load(first))
    const third = await exportNwb(await load(second), undefined, { attributesJson: false })
    for (const bytes of [first, second, third]) {
      await withHdf5(bytes, (f) => {
        const table = '/general/extracellular_ephys/electrodes'
        expect(Array.from(f.dataset(`${table}/x`).readNumeric())).toEqual([16.67, 50])
        expect(Array.from(f.dataset(`${table}/y`).readNumeric())).toEqual([25, 25])
        expect(f.attrs(table).colnames).not.toContain('electrode_id')
        expect(Array.from(f.dataset('/units/electrodes').readNumeric())).toEqual([0, 1, 0])
      })
    }
    expect((await load(second)).neuronAttributes).toEqual(sd.neuronAttributes)
  })

  it('brings times back bit for bit when a float64 in seconds multiplies back to them, else within one float step', async () => {
    // Sample-derived times (k / fs * 1e3) always have such a float; 7.825000000000001 ms (a threshold detection at
    // (k + 1/2) / 20 kHz) has none: no float64 s gives s * 1e3 === it, so it comes back as 7.825.
    const exact = Array.from({ length: 2000 }, (_, k) => ((k * 7919) % 900_000) / 30_000 * 1e3).sort((a, b) => a - b)
    const sd = SpikeData.fromTrains([exact, [1, 7.825000000000001, 8]], { lengthMs: 30_000 })
    const back = await load(await exportNwb(sd))
    expect(Array.from(back.train(0))).toEqual(exact)
    expect(Array.from(back.train(1))).toEqual([1, 7.825, 8])
  })

  it('keeps text unit ids in a unit_id column (NWB ids must be integers)', async () => {
    const sd = SpikeData.fromTrains([[1], [2, 3]], { lengthMs: 10, neuronAttributes: [{ unit_id: 'a-1' }, { unit_id: 'b-2' }] })
    const path = join(dir, 'text-ids.nwb')
    await exportNwb(sd, path, { attributesJson: false })
    const back = await load(path)
    expect(back.neuronAttributes!.map((a) => a.unit_id)).toEqual(['a-1', 'b-2'])
    await withHdf5(path, (f) => expect(Array.from(f.dataset('/units/id').readNumeric())).toEqual([0, 1]))
  })

  it('round-trips empty units, no units, no attributes and 100k gzip-chunked spikes', async () => {
    const empty = SpikeData.fromTrains([[], [5], []], { lengthMs: 7 })
    expectSame(empty, await load(await exportNwb(empty)))
    const none = SpikeData.fromTrains([], { lengthMs: 3 })
    expectSame(none, await load(await exportNwb(none)))
    const r = seededRandom(9)
    const big = SpikeData.fromTrains(
      Array.from({ length: 20 }, () => Array.from({ length: 5000 }, () => r() * 1e6).sort((a, b) => a - b)),
      { neuronAttributes: Array.from({ length: 20 }, (_, i) => ({ unit_id: i })) },
    )
    expectSame(big, await load(await exportNwb(big, undefined, { chunkSize: 4096 })))
  })

  it('convertToNwb loads any registered format and writes NWB', async () => {
    const src = join(dir, 'src.nwb')
    await exportNwb(sample(4, 5), src)
    const out = join(dir, 'converted.nwb')
    const result = await convertToNwb(src, out, { format: 'nwb', container: c })
    expect(result).toMatchObject({ output: out, N: 4 })
    expectSame(await load(src), await load(out))
  })

  it('convertToNwb checks the export options before it loads anything (a long remote load is not wasted on a typo)', async () => {
    // The input does not exist: an options error first means nothing was read.
    const missing = join(dir, 'not-there.nwb')
    await expect(convertToNwb(missing, join(dir, 'never.nwb'), { format: 'nwb', container: c }, { sessionStartTime: 'yesterday' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'sessionStartTime' })
    await expect(convertToNwb(missing, join(dir, 'never.nwb'), { format: 'nwb', container: c }, { gzip: 12 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'gzip' })
    await expect(convertToNwb(missing, join(dir, 'never.nwb'), { format: 'nwb', container: c })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
  })
})
