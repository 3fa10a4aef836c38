import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { SpikesWarning } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { loadSpikeDataFromSpikeInterface, WARN_SEGMENTS, type NumericLike, type SortingExtractorLike, type ExtractorUnitId } from '../src/adapters/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const REALDATA = resolve(here, '../../../../shared/realdata/spikeinterface/si-sortingview-curation-json')
const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/** A SortingExtractor-like object over plain data; counts calls so tests can check what was asked. */
function fakeSorting(trains: Record<string, NumericLike>, fs = 30000, extra: Partial<SortingExtractorLike> & { ids?: ExtractorUnitId[] } = {}) {
  const calls: string[] = []
  const ids = extra.ids ?? Object.keys(trains).map((k) => (/^\d+$/.test(k) ? Number(k) : k))
  const sorting: SortingExtractorLike = {
    getUnitIds: () => ids,
    getSamplingFrequency: () => {
      calls.push('fs')
      return fs
    },
    getUnitSpikeTrain: (id, { segmentIndex }) => {
      calls.push(`train ${String(id)} seg ${segmentIndex}`)
      return trains[String(id)]
    },
    ...extra,
  }
  return { sorting, calls }
}

describe('loadSpikeDataFromSpikeInterface', () => {
  it('converts samples to ms as SpikeLab (v / fs * 1e3) and records ids, rate and unit_id', async () => {
    const { sorting } = fakeSorting({ 3: new BigInt64Array([30n, 300000n]), 7: Int32Array.of(45, 3), 1: [] }, 30000, { ids: [3, 7, 1] })
    const sd = await loadSpikeDataFromSpikeInterface(sorting)
    expect(sd.N).toBe(3)
    expect(Array.from(sd.train(0))).toEqual([(30 / 30000) * 1e3, (300000 / 30000) * 1e3])
    expect(Array.from(sd.train(1))).toEqual([(3 / 30000) * 1e3, (45 / 30000) * 1e3]) // sorted
    expect(sd.train(2).length).toBe(0)
    expect(sd.lengthMs).toBe(10000 + spacing(10000))
    expect(sd.startTimeMs).toBe(0)
    expect(sd.neuronAttributes).toEqual([{ unit_id: 3 }, { unit_id: 7 }, { unit_id: 1 }])
    expect(sd.metadata).toEqual({ source_format: 'SpikeInterface', unit_ids: [3, 7, 1], fs_Hz: 30000 })
    expect(sd.warnings).toEqual([])
  })

  it('loads a subset in the caller’s order and names unknown ids', async () => {
    const { sorting, calls } = fakeSorting({ 3: [10], 7: [20], 1: [30] }, 30000, { ids: [3, 7, 1] })
    const sd = await loadSpikeDataFromSpikeInterface(sorting, { unitIds: [1, 3n] })
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual([1, 3])
    expect(Array.from(sd.train(0))).toEqual([1])
    expect(calls.filter((c) => c.startsWith('train'))).toEqual(['train 1 seg 0', 'train 3 seg 0'])
    await expect(loadSpikeDataFromSpikeInterface(sorting, { unitIds: [1, 9, '3'] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'unitIds', received: '9, "3"' })
    await expect(loadSpikeDataFromSpikeInterface(sorting, { unitIds: 3 as never })).rejects.toMatchObject({ argument: 'unitIds' })
    expect((await loadSpikeDataFromSpikeInterface(sorting, { unitIds: [] })).N).toBe(0)
  })

  it('uses the samplingFrequency override and rejects non-positive rates', async () => {
    const { sorting, calls } = fakeSorting({ 0: [20000] }, 0)
    const sd = await loadSpikeDataFromSpikeInterface(sorting, { samplingFrequency: 20000 })
    expect(Array.from(sd.train(0))).toEqual([1000])
    expect(sd.metadata.fs_Hz).toBe(20000)
    expect(calls).not.toContain('fs')
    await expect(loadSpikeDataFromSpikeInterface(sorting)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(loadSpikeDataFromSpikeInterface(fakeSorting({ 0: [1] }, -5).sorting)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    for (const bad of [0, -1, NaN, Infinity, '20000']) {
      await expect(loadSpikeDataFromSpikeInterface(sorting, { samplingFrequency: bad as never })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'samplingFrequency' })
    }
  })

  it('maps channel and location properties by the unit’s position in getUnitIds()', async () => {
    const props: Record<string, unknown> = {
      peak_channel: Int32Array.of(12, 5, 40),
      location: { data: Float64Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2] },
    }
    const { sorting } = fakeSorting({ a: [1], b: [2], c: [3] }, 1000, {
      getProperty: (key: string) => {
        if (!(key in props)) throw new Error(`no property ${key}`) // SpikeInterface raises for absent keys
        return props[key]
      },
    })
    const all = await loadSpikeDataFromSpikeInterface(sorting)
    expect(all.neuronAttributes).toEqual([
      { unit_id: 'a', electrode: 12, location: [1, 2] },
      { unit_id: 'b', electrode: 5, location: [3, 4] },
      { unit_id: 'c', electrode: 40, location: [5, 6] },
    ])
    const subset = await loadSpikeDataFromSpikeInterface(sorting, { unitIds: ['c', 'a'] })
    expect(subset.neuronAttributes).toEqual([
      { unit_id: 'c', electrode: 40, location: [5, 6] },
      { unit_id: 'a', electrode: 12, location: [1, 2] },
    ])
  })

  it('takes the first property present, honours getPropertyKeys, and accepts async methods', async () => {
    const asked: string[] = []
    const sorting: SortingExtractorLike = {
      getUnitIds: async () => [0, 1],
      getSamplingFrequency: async () => 1000,
      getUnitSpikeTrain: async (id) => (id === 0 ? [5] : [7, 9]),
      getPropertyKeys: async () => ['electrode', 'ch', 'position'],
      getProperty: async (key) => {
        asked.push(key)
        return { ch: null, electrode: ['3', 4.9], position: [[0, 1, 2], 7] }[key]
      },
    }
    const sd = await loadSpikeDataFromSpikeInterface(sorting)
    expect(asked).toEqual(['ch', 'electrode', 'position'])
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, electrode: 3, location: [0, 1, 2] },
      { unit_id: 1, electrode: 4, location: [7] },
    ])
    expect(Array.from(sd.train(1))).toEqual([7, 9])
  })

  it('rejects a channel property that is not an integer', async () => {
    const { sorting } = fakeSorting({ 0: [1] }, 1000, { getProperty: (k: string) => (k === 'channel' ? ['left'] : undefined) })
    await expect(loadSpikeDataFromSpikeInterface(sorting)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('reads the requested segment and warns when other segments are left out', async () => {
    const seen: SpikesWarning[] = []
    const { sorting, calls } = fakeSorting({ 0: [1] }, 1000, { getNumSegments: () => 3 })
    const sd = await loadSpikeDataFromSpikeInterface(sorting, { onWarning: (w) => seen.push(w) })
    expect(seen.map((w) => w.code)).toEqual([WARN_SEGMENTS])
    expect(sd.warnings.map((w) => w.code)).toEqual([WARN_SEGMENTS])
    const second = await loadSpikeDataFromSpikeInterface(sorting, { segmentIndex: 2 })
    expect(second.warnings).toEqual([])
    expect(calls).toContain('train 0 seg 2')
    await expect(loadSpikeDataFromSpikeInterface(sorting, { segmentIndex: 3 })).rejects.toMatchObject({ argument: 'segmentIndex' })
    await expect(loadSpikeDataFromSpikeInterface(sorting, { segmentIndex: -1 })).rejects.toMatchObject({ argument: 'segmentIndex' })
  })

  it('rejects objects that are not sortings and bad trains', async () => {
    await expect(loadSpikeDataFromSpikeInterface({ getUnitIds: () => [] } as never)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'sorting' })
    await expect(loadSpikeDataFromSpikeInterface(null as never)).rejects.toMatchObject({ argument: 'sorting' })
    await expect(loadSpikeDataFromSpikeInterface(fakeSorting({ 0: null as never }).sorting)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(loadSpikeDataFromSpikeInterface(fakeSorting({ 0: [-3] }).sorting)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' }) // before start 0
    await expect(loadSpikeDataFromSpikeInterface(fakeSorting({ 0: [NaN] }).sorting)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('gives an empty sorting length 0', async () => {
    const sd = await loadSpikeDataFromSpikeInterface(fakeSorting({}).sorting)
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
    expect(sd.metadata.unit_ids).toEqual([])
  })
})

// Real SortingView curation files from SpikeInterface's test suite: unit ids appear as JSON strings in
// labelsByUnit and as JSON numbers (or strings) in mergeGroups. As in SpikeLab (Python ==), "1" is not 1.
describe('unit ids from real SortingView curation files (../shared/realdata/spikeinterface)', () => {
  if (!existsSync(REALDATA)) {
    if (IN_CI) it('realdata is present', () => expect(existsSync(REALDATA)).toBe(true))
    else it.skip(`realdata not found at ${REALDATA}`, () => {})
    return
  }
  const read = (name: string) => JSON.parse(readFileSync(join(REALDATA, name), 'utf8')) as { labelsByUnit: Record<string, string[]>; mergeGroups?: (number | string)[][] }

  it('selects integer units by the numbers of mergeGroups, not by the string keys of labelsByUnit', async () => {
    const curation = read('sv-sorting-curation-int.json')
    // A sorting with the integer ids 1..7 (the keys of labelsByUnit, read as numbers).
    const ids = Object.keys(curation.labelsByUnit).map(Number)
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7])
    const { sorting } = fakeSorting(Object.fromEntries(ids.map((id) => [String(id), [id * 10]])), 1000)
    const merged = curation.mergeGroups!.flat()
    expect(merged).toEqual([1, 2, 3, 4, 5, 6])
    const sd = await loadSpikeDataFromSpikeInterface(sorting, { unitIds: merged })
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual(merged)
    expect(Array.from(sd.train(5))).toEqual([60])
    await expect(loadSpikeDataFromSpikeInterface(sorting, { unitIds: Object.keys(curation.labelsByUnit) })).rejects.toMatchObject({ argument: 'unitIds', received: expect.stringContaining('"1"') })
  })

  it('selects string units by the strings of mergeGroups', async () => {
    const curation = read('sv-sorting-curation-str.json')
    const ids = Object.keys(curation.labelsByUnit)
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'])
    const { sorting } = fakeSorting(Object.fromEntries(ids.map((id, i) => [id, [i + 1]])), 1000)
    const wanted = curation.mergeGroups!.map((g) => g[1]).reverse() // ['f', 'd', 'b']
    const sd = await loadSpikeDataFromSpikeInterface(sorting, { unitIds: wanted })
    expect(sd.metadata.unit_ids).toEqual(['f', 'd', 'b'])
    expect(Array.from(sd.trains, (t) => t[0])).toEqual([6, 4, 2])
  })
})
