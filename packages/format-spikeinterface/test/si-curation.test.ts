import { describe, expect, it } from 'vitest'
import { loadSpikeData, memoryFolder, type SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { expected, fixture, info, makeContainer, spikeVector, toMs } from './support.js'

// SpikeInterface's own curation format (format_version "1" / "2"), hand-written fixtures in test/data/spikeinterface-curation.
const curation = (name: string): string => fixture(`spikeinterface-curation/${name}`)
const load = async (input: string | ReturnType<typeof memoryFolder>, options: Record<string, unknown>): Promise<SpikeData> =>
  loadSpikeData(input, { container: makeContainer(), options, format: 'spikeinterface' })
const ids = (sd: SpikeData) => sd.neuronAttributes?.map((a) => a.unit_id)
const attr = (sd: SpikeData, id: unknown) => sd.neuronAttributes?.find((a) => a.unit_id === id)
const train = (sd: SpikeData, id: unknown) => Array.from(sd.train(ids(sd)!.indexOf(id as never)))
/** The union of some rows' samples of a fixture sorting, in time order, as ms. */
const union = (name: string, rows: number[]) => {
  const e = expected(name)
  return toMs(rows.flatMap((k) => e.segments[0][k]).sort((a, b) => a - b), e.sampling_frequency)
}

describe('SpikeInterface curation format v2 (spikeinterface-curation/v2.json on si-numpy-int, units 0..9)', () => {
  it('removes 9 and 8, merges [2, 3] and [6, 7] into 8 and 9 (max of the remaining ids + 1 + index), appended', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: curation('v2.json') })
    expect(ids(sd)).toEqual([0, 1, 4, 5, 8, 9])
    expect(sd.metadata.unit_ids).toEqual([0, 1, 4, 5, 8, 9])
    // spike counts: unit 2 has 4 spikes and 3 has 8; 6 has 4 and 7 has 5
    expect(train(sd, 8)).toHaveLength(12)
    expect(train(sd, 9)).toHaveLength(9)
    expect(train(sd, 8)).toEqual(union('si-numpy-int', [2, 3]))
    expect(train(sd, 9)).toEqual(union('si-numpy-int', [6, 7]))
    expect(train(sd, 5)).toEqual(union('si-numpy-int', [5]))
    // new_unit_id 20 is validated but, as in apply_curation, not used for the id
    expect(sd.metadata.curation).toEqual({
      file: curation('v2.json'),
      format: 'spikeinterface',
      format_version: '2',
      removed_units: [8, 9],
      merged_units: [{ new_unit_id: 8, unit_ids: [2, 3] }, { new_unit_id: 9, unit_ids: [6, 7] }],
    })
  })

  it('labels: one string per exclusive definition, one boolean per option of the others; merged units combine them', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: curation('v2.json') })
    const none = { excitatory: false, inhibitory: false, pyramidal: false, mitral: false }
    expect(attr(sd, 0)).toMatchObject({ quality: 'good', ...none, is_merged: false, curation_labels: ['good'] })
    expect(attr(sd, 1)).toMatchObject({ quality: '', ...none, is_merged: false, curation_labels: [] })
    expect(attr(sd, 5)).toMatchObject({ quality: 'good', ...none, curation_labels: ['good'] })
    // [2, 3]: both MUA -> MUA; options of either member
    expect(attr(sd, 8)).toMatchObject({ quality: 'MUA', excitatory: true, inhibitory: true, pyramidal: true, mitral: false, is_merged: true, curation_labels: ['MUA', 'excitatory', 'inhibitory', 'pyramidal'] })
    // [6, 7]: noise vs good -> ''
    expect(attr(sd, 9)).toMatchObject({ quality: '', ...none, is_merged: true, curation_labels: [] })
  })

  it('properties: kept units keep theirs; a merged unit keeps one only when its members agree', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: curation('v2.json') })
    expect(attr(sd, 4)).toMatchObject({ electrode: 0, location: [36.42, 31.55] })
    expect(attr(sd, 8)?.electrode).toBeUndefined() // channels 7 and 1
    expect(attr(sd, 9)?.electrode).toBe(9) // both on channel 9
    expect(attr(sd, 9)?.location).toBeUndefined()
  })

  it('unitIds then selects among the curated units', async () => {
    const sd = await load(fixture('si-numpy-int'), { curation: curation('v2.json'), unitIds: [9, 0] })
    expect(ids(sd)).toEqual([9, 0])
    expect(attr(sd, 9)).toMatchObject({ is_merged: true })
    await expect(load(fixture('si-numpy-int'), { curation: curation('v2.json'), unitIds: [2] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', missing: [2] })
  })

  it('SortingView filters are refused for a SpikeInterface-format file', async () => {
    await expect(load(fixture('si-numpy-int'), { curation: { path: curation('v2.json'), excludeLabels: ['noise'] } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'curation.excludeLabels' })
    await expect(load(fixture('si-numpy-int'), { curation: { path: curation('v2.json'), skipMerge: true } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'curation.skipMerge' })
  })
})

describe('SpikeInterface curation format v1 (spikeinterface-curation/v1.json on si-numpy-str, units a..g)', () => {
  it('merge_unit_groups / removed_units as v2 merges / removed; string ids become merge0, merge1', async () => {
    const sd = await load(fixture('si-numpy-str'), { curation: curation('v1.json') })
    expect(ids(sd)).toEqual(['c', 'g', 'merge0', 'merge1'])
    // a 6 + b 4 spikes; e 9 + f 10
    expect(train(sd, 'merge0')).toHaveLength(10)
    expect(train(sd, 'merge1')).toHaveLength(19)
    expect(train(sd, 'merge0')).toEqual(union('si-numpy-str', [0, 1]))
    expect(train(sd, 'merge1')).toEqual(union('si-numpy-str', [4, 5]))
    expect(train(sd, 'g')).toEqual(union('si-numpy-str', [6]))
    expect(sd.metadata.curation).toMatchObject({ format_version: '1', removed_units: ['d'], merged_units: [{ new_unit_id: 'merge0', unit_ids: ['a', 'b'] }, { new_unit_id: 'merge1', unit_ids: ['e', 'f'] }] })
  })

  it('labels: entries for the same unit combine; a merged unit keeps an exclusive label its members share', async () => {
    const sd = await load(fixture('si-numpy-str'), { curation: curation('v1.json') })
    expect(attr(sd, 'c')).toMatchObject({ quality: '', burst: true, drift: true, curation_labels: ['burst', 'drift'] })
    expect(attr(sd, 'g')).toMatchObject({ quality: '', burst: false, drift: false, curation_labels: [] })
    expect(attr(sd, 'merge0')).toMatchObject({ quality: 'good', burst: true, drift: false, is_merged: true, curation_labels: ['good', 'burst'] })
    expect(attr(sd, 'merge1')).toMatchObject({ quality: '', burst: false, drift: false, is_merged: true })
  })
})

describe('SpikeInterface curation format in memory folders', () => {
  const sorting = (unitIds: (number | string)[]) => ({ 'numpysorting_info.json': info(unitIds), 'spikes.npy': spikeVector([[10, 0, 0], [15, 1, 0], [20, 2, 0], [25, 1, 0], [30, 0, 0]]) })
  const run = (unitIds: (number | string)[], file: unknown) => load(memoryFolder({ ...sorting(unitIds), 'curation.json': JSON.stringify(file) }, 'mem'), { curation: 'curation.json' })

  it('digit-string ids are numbered after the largest (append strategy)', async () => {
    const sd = await run(['1', '2', '10'], { format_version: '2', unit_ids: ['1', '2', '10'], merges: [['1', '2']] })
    expect(ids(sd)).toEqual(['10', '11'])
    expect(Array.from(sd.train(1))).toEqual(toMs([10, 15, 25, 30], 30000))
  })

  it('merges written as { new_unit_id: [ids] } and labels under "labels"; no label definitions, no labels', async () => {
    const sd = await run([4, 6, 8], { format_version: '2', unit_ids: [4, 6, 8], merges: { '50': [4, 8] } })
    expect(ids(sd)).toEqual([6, 9])
    expect(attr(sd, 9)).toEqual({ unit_id: 9, is_merged: true, curation_labels: [] })
    expect(Array.from(sd.train(1))).toEqual(toMs([10, 20, 30], 30000))
  })

  it('labels only: nothing removed or merged, no is_merged attribute', async () => {
    const sd = await run([1, 2, 3], { format_version: '2', unit_ids: [1, 2, 3], label_definitions: { q: { label_options: ['ok', 'no'], exclusive: true } }, manual_labels: [{ unit_id: 3, labels: { q: ['no'] } }] })
    expect(ids(sd)).toEqual([1, 2, 3])
    expect(sd.neuronAttributes).toEqual([{ unit_id: 1, q: '', curation_labels: [] }, { unit_id: 2, q: '', curation_labels: [] }, { unit_id: 3, q: 'no', curation_labels: ['no'] }])
  })

  it('malformed JSON with a format_version is SPIKES_CORRUPT_FILE', async () => {
    await expect(load(memoryFolder({ ...sorting([1, 2, 3]), 'curation.json': '{"format_version": ' }, 'mem'), { curation: 'curation.json' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'curation.json' })
  })
})

describe('invalid SpikeInterface curation files (spikeinterface-curation/invalid, against si-numpy-int)', () => {
  it.each([
    ['version-unknown.json', 'SPIKES_INVALID_DATA', { field: 'format_version', received: '3' }],
    ['version-number.json', 'SPIKES_INVALID_DATA', { field: 'format_version', received: 2 }],
    ['unit-ids-missing.json', 'SPIKES_INVALID_DATA', { field: 'unit_ids' }],
    ['unit-ids-float.json', 'SPIKES_INVALID_DATA', { field: 'unit_ids', index: 9 }],
    ['unit-ids-other-sorting.json', 'SPIKES_INVALID_DATA', { field: 'unit_ids', missing: ['9'], unknown: [] }],
    ['unit-ids-order.json', 'SPIKES_INVALID_DATA', { field: 'unit_ids', missing: [], unknown: [], received: ['1', '0', '2', '3', '4', '5', '6', '7', '8', '9'] }],
    ['label-one-option.json', 'SPIKES_INVALID_DATA', { field: 'label_definitions', label: 'quality' }],
    ['label-no-exclusive.json', 'SPIKES_INVALID_DATA', { field: 'label_definitions', label: 'quality' }],
    ['label-reserved-name.json', 'SPIKES_INVALID_DATA', { field: 'label_definitions', label: 'electrode' }],
    ['label-name-twice.json', 'SPIKES_INVALID_DATA', { field: 'label_definitions', label: 'quality' }],
    ['manual-unknown-label.json', 'SPIKES_INVALID_DATA', { field: 'manual_labels', unitId: '1', label: 'color' }],
    ['manual-unknown-option.json', 'SPIKES_INVALID_DATA', { field: 'manual_labels', unitId: '1', label: 'quality', value: 'excellent' }],
    ['manual-exclusive-two.json', 'SPIKES_INVALID_DATA', { field: 'manual_labels', unitId: '1', label: 'quality' }],
    ['manual-not-list.json', 'SPIKES_INVALID_DATA', { field: 'manual_labels', unitId: '1', label: 'quality' }],
    ['manual-unknown-unit.json', 'SPIKES_INVALID_DATA', { field: 'manual_labels', unknown: ['12'] }],
    ['merge-unknown-unit.json', 'SPIKES_INVALID_DATA', { field: 'merges', unknown: ['99'] }],
    ['merge-one-unit.json', 'SPIKES_INVALID_DATA', { field: 'merges', group: 0 }],
    ['merge-twice.json', 'SPIKES_INVALID_DATA', { field: 'merges', unitId: '2', group: 1 }],
    ['merge-new-id-taken.json', 'SPIKES_INVALID_DATA', { field: 'merges', unitId: '5', group: 0 }],
    ['merged-and-removed.json', 'SPIKES_INVALID_DATA', { field: 'removed', unitId: '2' }],
    ['removed-unknown-unit.json', 'SPIKES_INVALID_DATA', { field: 'removed', unknown: ['42'] }],
    ['v1-removed-not-list.json', 'SPIKES_INVALID_DATA', { field: 'removed_units' }],
    ['splits.json', 'SPIKES_UNSUPPORTED', { feature: 'curation-splits', field: 'splits', count: 1 }],
  ])('%s -> %s', async (name, code, fields) => {
    const path = curation(`invalid/${name}`)
    await expect(load(fixture('si-numpy-int'), { curation: path })).rejects.toMatchObject({ code, file: path, ...fields })
  })
})
