import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadSpikeData, memoryFolder, type SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { expected, fixture, info, makeContainer, spikeVector, toMs } from './support.js'

// The SortingView curation JSONs of SpikeInterface's own tests, read in place (never copied here).
const DIR = realdata('spikeinterface', 'si-sortingview-curation-json')
const sv = (name: string): string => `${DIR}/sv-sorting-curation${name}.json`
const present = existsSync(DIR)
const d = present || IN_CI ? describe : describe.skip

type Loaded = SpikeData & { warnings: readonly { code: string }[] }
const load = async (input: string | ReturnType<typeof memoryFolder>, options: Record<string, unknown>): Promise<Loaded> => (await loadSpikeData(input, { container: makeContainer(), options, format: typeof input === 'string' && input.endsWith('.npz') ? 'spikeinterface-npz' : 'spikeinterface' })) as Loaded
const ids = (sd: SpikeData) => sd.neuronAttributes?.map((a) => a.unit_id)
const labelsOf = (sd: SpikeData, id: unknown) => sd.neuronAttributes?.find((a) => a.unit_id === id)?.curation_labels
const train = (sd: SpikeData, id: unknown) => Array.from(sd.train(ids(sd)!.indexOf(id as never)))
/** The union of some units' samples, in time order, as ms. */
const union = (name: string, units: number[], segment = 0) => {
  const e = expected(name)
  return toMs(units.flatMap((k) => e.segments[segment][k]).sort((a, b) => a - b), e.sampling_frequency)
}

d('SortingView curation JSONs from SpikeInterface (../shared/realdata)', () => {
  it('sv-sorting-curation.json on units 0..9: merge [8, 9] becomes unit 10 with both trains; nothing removed by default', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: sv('') })
    expect(ids(sd)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 10])
    expect(train(sd, 10)).toEqual(union('si-numpy-int', [8, 9]))
    expect(labelsOf(sd, 10)).toEqual(['artifact'])
    expect(labelsOf(sd, 2)).toEqual(['mua'])
    expect(labelsOf(sd, 0)).toEqual([])
    // The merged unit keeps a property only when its members agree: channel 3 vs 5 -> none.
    expect(sd.neuronAttributes?.[8].electrode).toBeUndefined()
    expect(sd.metadata.curation).toEqual({ file: sv(''), removed_units: [], merged_units: [{ new_unit_id: 10, unit_ids: [8, 9] }] })
  })

  it('include / exclude labels as SpikeInterface test_json_curation (3, 6 and 5 units)', async () => {
    expect(ids(await load(fixture('si-numpy-int'), { curation: { path: sv(''), includeLabels: ['accept'] } }))).toEqual([5, 6, 7])
    expect(ids(await load(fixture('si-numpy-int'), { curation: { path: sv(''), excludeLabels: ['mua'] } }))).toEqual([0, 1, 5, 6, 7, 10])
    const both = await load(fixture('si-numpy-int'), { curation: { path: sv(''), excludeLabels: ['artifact', 'mua'] } })
    expect(ids(both)).toEqual([0, 1, 5, 6, 7])
    expect(both.metadata.curation).toMatchObject({ removed_units: [2, 3, 4, 8, 9], merged_units: [] })
  })

  it('skipMerge applies labels only', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: { path: sv(''), skipMerge: true } })
    expect(ids(sd)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(labelsOf(sd, 9)).toEqual(['artifact'])
  })

  it('-int: units 1..7, numeric merge groups -> 8, 9, 10 with inherited labels (test_label_inheritance_int)', async () => {
    const sd = await load(fixture('si-numpy-7units'), { curation: sv('-int'), segmentIndex: 0 })
    expect(ids(sd)).toEqual([7, 8, 9, 10])
    expect(labelsOf(sd, 8)).toEqual(['mua'])
    expect(labelsOf(sd, 9)).toEqual(['reject'])
    expect(labelsOf(sd, 10)).toEqual(['accept'])
    // units 1..7 are rows 0..6
    expect(train(sd, 9)).toEqual(union('si-numpy-7units', [2, 3]))
    const second = await load(fixture('si-numpy-7units'), { curation: sv('-int'), segmentIndex: 1 })
    expect(train(second, 8)).toEqual(union('si-numpy-7units', [0, 1], 1))
    const accepted = await load(fixture('si-numpy-7units'), { curation: { path: sv('-int'), includeLabels: ['accept'] }, segmentIndex: 0 })
    expect(ids(accepted)).toEqual([7, 10])
  })

  it('-str: string unit ids a..g, merged ids joined with "-"', async () => {
    const sd = await load(fixture('si-numpy-str'), { curation: sv('-str') })
    expect(ids(sd)).toEqual(['g', 'a-b', 'c-d', 'e-f'])
    expect(labelsOf(sd, 'c-d')).toEqual(['reject'])
    expect(train(sd, 'e-f')).toEqual(union('si-numpy-str', [4, 5]))
    expect(sd.metadata.unit_ids).toEqual(['g', 'a-b', 'c-d', 'e-f'])
    expect(ids(await load(fixture('si-numpy-str'), { curation: { path: sv('-str'), excludeLabels: ['reject'] } }))).toEqual(['g', 'a-b', 'e-f'])
  })

  it('-false-positive: label "2" is unit 2 only, not 12; merge [2, 12] becomes 21', async () => {
    const sd = await load(fixture('si-numpy-20units'), { curation: sv('-false-positive') })
    expect(ids(sd)).toHaveLength(19)
    expect(ids(sd)?.at(-1)).toBe(21)
    expect(labelsOf(sd, 1)).toEqual(['accept'])
    expect(labelsOf(sd, 10)).toEqual([])
    expect(train(sd, 21)).toEqual(union('si-numpy-20units', [1, 11]))
  })

  it('-no-merge: labels only, unitIds then select among the curated units', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: { path: sv('-no-merge'), excludeLabels: ['artifact'] }, unitIds: [7, 0] })
    expect(ids(sd)).toEqual([7, 0])
    expect(labelsOf(sd, 7)).toEqual(['accept'])
    await expect(load(fixture('si-numpy-int'), { curation: { path: sv('-no-merge'), excludeLabels: ['artifact'] }, unitIds: [8] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'unitIds', missing: [8] })
  })

  it('a curation naming units the sorting lacks is SPIKES_INVALID_DATA listing them', async () => {
    await expect(load(fixture('si-numpy-str'), { curation: sv('-int') })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', unknown: ['1', '2', '3', '4', '5', '6', '7'] })
    await expect(load(fixture('si-numpy-7units'), { curation: sv(''), segmentIndex: 0 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', unknown: ['8', '9'] })
  })

  it('string-id npz sorting with a relative curation path resolved beside the file', async () => {
    await expect(load(fixture('si-sorting.npz'), { curation: 'missing.json', segmentIndex: 0 })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
  })
})

describe('curation files read through the folder', () => {
  const base = { 'numpysorting_info.json': info([1, 2, 3]), 'spikes.npy': spikeVector([[10, 0, 0], [15, 1, 0], [20, 2, 0], [25, 1, 0]]) }
  const run = (curation: string, options: Record<string, unknown> = {}) => load(memoryFolder({ ...base, 'curation.json': curation }, 'mem'), { curation: 'curation.json', ...options })

  it('merges numbers and strings of the same ids; spikes are interleaved in time', async () => {
    const sd = await run(JSON.stringify({ labelsByUnit: { '1': ['accept'] }, mergeGroups: [['1', 2]] }))
    expect(ids(sd)).toEqual([3, 4])
    expect(Array.from(sd.train(1))).toEqual(toMs([10, 15, 25], 30000))
    expect(labelsOf(sd, 4)).toEqual(['accept'])
  })
  it('a missing curation file', async () => {
    await expect(load(memoryFolder(base, 'mem'), { curation: 'nope.json' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'nope.json' })
  })
  it.each([
    ['{"labelsByUnit": ', 'SPIKES_CORRUPT_FILE', {}],
    ['[]', 'SPIKES_INVALID_DATA', {}],
    ['{"mergeGroups": [[1, 2]]}', 'SPIKES_INVALID_DATA', { field: 'labelsByUnit' }],
    ['{"labelsByUnit": {"1": "accept"}}', 'SPIKES_INVALID_DATA', { field: 'labelsByUnit', unit: '1' }],
    ['{"labelsByUnit": {}, "mergeGroups": [[1]]}', 'SPIKES_INVALID_DATA', { field: 'mergeGroups', group: 0 }],
    ['{"labelsByUnit": {}, "mergeGroups": {"a": 1}}', 'SPIKES_INVALID_DATA', { field: 'mergeGroups' }],
    ['{"labelsByUnit": {}, "mergeGroups": [[1, 2], [2, 3]]}', 'SPIKES_INVALID_DATA', { unitId: '2' }],
    ['{"labelsByUnit": {"9": ["mua"]}}', 'SPIKES_INVALID_DATA', { unknown: ['9'], available: ['1', '2', '3'] }],
    // format_version present: SpikeInterface's own format (si-curation.test.ts), which needs unit_ids
    ['{"format_version": "2", "labelsByUnit": {}}', 'SPIKES_INVALID_DATA', { field: 'unit_ids' }],
  ])('%s -> %s', async (text, code, fields) => {
    await expect(run(text)).rejects.toMatchObject({ code, file: 'curation.json', ...fields })
  })
})
