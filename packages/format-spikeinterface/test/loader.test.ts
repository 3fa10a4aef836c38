import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bytesSource, LoaderRegistry, memoryFolder, probeSource, type FolderSource, type SpikeData } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import '@spikes/core/node'
import { concatBytes } from '@spikes/core/loader-utils'
import { detectSpikeinterfaceFolder, detectSpikeinterfaceNpz, spikeinterfaceLoader, spikeinterfaceNpzLoader } from '../src/index.js'
import { expected, fixture, info, int64Npy, load, makeContainer, npyBytes, spikeVector, toMs, trains } from './support.js'


function checkAgainst(sd: SpikeData, name: string, segment = 0): void {
  const e = expected(name)
  expect(sd.neuronAttributes?.map((a) => a.unit_id)).toEqual(e.unit_ids)
  expect(sd.metadata.unit_ids).toEqual(e.unit_ids)
  expect(sd.metadata.fs_Hz).toBe(e.sampling_frequency)
  expect(trains(sd)).toEqual(e.segments[segment].map((t) => toMs(t, e.sampling_frequency)))
  const max = Math.max(...e.segments[segment].flat().map((s) => (s / e.sampling_frequency) * 1e3))
  expect(sd.lengthMs).toBe(max + spacing(max))
  expect(sd.startTimeMs).toBe(0)
}

describe('registration and versions', () => {
  it('registers the folder and the npz loader through DI', () => {
    expect(makeContainer().resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['spikeinterface', 'spikeinterface-npz', 'spikeinterface-recording'])
  })
  it('keeps the loader versions equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(spikeinterfaceLoader.version).toBe(pkg.version)
    expect(spikeinterfaceNpzLoader.version).toBe(pkg.version)
    expect(spikeinterfaceLoader.packageName).toBe(pkg.name)
    expect(spikeinterfaceNpzLoader.packageName).toBe(pkg.name)
  })
})

describe('NumpyFolderSorting', () => {
  it('loads int unit ids with channel and location properties, auto-detected', async () => {
    const sd = await load(fixture('si-numpy-int'))
    checkAgainst(sd, 'si-numpy-int')
    expect(sd.neuronAttributes?.map((a) => a.electrode)).toEqual([4, 4, 7, 1, 0, 2, 9, 9, 3, 5])
    const location = sd.neuronAttributes?.[0].location as number[]
    expect(location).toHaveLength(2)
    expect(location.every((v) => typeof v === 'number')).toBe(true)
    expect(sd.metadata).toMatchObject({ source_format: 'SpikeInterface', spikeinterface_layout: 'NumpyFolderSorting', spikeinterface_version: '0.101.2', num_segments: 1, segment_index: 0 })
    expect(sd.metadata.source_folder).toBe(fixture('si-numpy-int'))
    expect(sd.metadata.provenance).toMatchObject({ format: 'spikeinterface', package: '@spikes/format-spikeinterface' })
    expect((sd.metadata.provenance as { reason: string }).reason).toContain('numpysorting_info.json')
    expect(sd.warnings).toEqual([])
  })

  it('loads string unit ids; electrode from the ch property (digit strings), location from position', async () => {
    const sd = await load(fixture('si-numpy-str'))
    checkAgainst(sd, 'si-numpy-str')
    expect(sd.neuronAttributes?.map((a) => a.electrode)).toEqual([3, 1, 4, 1, 5, 9, 2])
    expect((sd.neuronAttributes?.[6].location as number[]).length).toBe(2)
  })

  it('uses peak_channel and unit_location, warns for several segments, and reads the chosen segment', async () => {
    const first = await load(fixture('si-numpy-7units'))
    checkAgainst(first, 'si-numpy-7units', 0)
    expect(first.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_SEGMENTS'])
    expect(first.neuronAttributes?.map((a) => a.electrode)).toEqual([10, 11, 12, 13, 14, 15, 16])
    expect((first.neuronAttributes?.[0].location as number[]).length).toBe(3)
    const second = await load(fixture('si-numpy-7units'), { segmentIndex: 1 })
    checkAgainst(second, 'si-numpy-7units', 1)
    expect(second.metadata.segment_index).toBe(1)
    expect(second.warnings).toEqual([])
    await expect(load(fixture('si-numpy-7units'), { segmentIndex: 2 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'segmentIndex', received: 2 })
  })

  it('a folder without properties/ gives only unit_id', async () => {
    const sd = await load(fixture('si-numpy-20units'))
    checkAgainst(sd, 'si-numpy-20units')
    expect(Object.keys(sd.neuronAttributes?.[0] ?? {})).toEqual(['unit_id'])
  })

  it('selects unitIds in the given order, matching 7 and "7" alike', async () => {
    const e = expected('si-numpy-int')
    const sd = await load(fixture('si-numpy-int'), { unitIds: [5, '2'] })
    expect(sd.neuronAttributes?.map((a) => a.unit_id)).toEqual([5, 2])
    expect(sd.metadata.unit_ids).toEqual([5, 2])
    expect(trains(sd)).toEqual([toMs(e.segments[0][5], 30000), toMs(e.segments[0][2], 30000)])
    expect(sd.neuronAttributes?.map((a) => a.electrode)).toEqual([2, 7])
  })

  it('refuses unknown unitIds, listing the available ones', async () => {
    await expect(load(fixture('si-numpy-int'), { unitIds: [1, 42, 'x'] })).rejects.toMatchObject({
      code: 'SPIKES_INVALID_ARGUMENT',
      argument: 'unitIds',
      missing: [42, 'x'],
      available: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    })
    // The message names the ids at fault (it said "got an array of 3" before).
    const error = await load(fixture('si-numpy-int'), { unitIds: [1, 42, 'x'] }).catch((e: Error) => e)
    expect((error as Error).message).toBe('Invalid unitIds: 42, "x" not in the sorting; expected ids present in the sorting (available: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9).')
  })

  it('samplingFrequency overrides the file; lengthMs is kept', async () => {
    const e = expected('si-numpy-int')
    const sd = await load(fixture('si-numpy-int'), { samplingFrequency: 10000, lengthMs: 40000 })
    expect(sd.metadata.fs_Hz).toBe(10000)
    expect(Array.from(sd.train(0))).toEqual(toMs(e.segments[0][0], 10000))
    expect(sd.lengthMs).toBe(40000)
  })
})

describe('other layouts', () => {
  it('NpzFolderSorting: npz.json + sorting_cached.npz, electrode property', async () => {
    const sd = await load(fixture('si-npz-folder'))
    checkAgainst(sd, 'si-npz-folder')
    expect(sd.metadata.spikeinterface_layout).toBe('NpzFolderSorting')
    expect(sd.neuronAttributes?.map((a) => a.electrode)).toEqual([20, 21, 22, 23])
  })

  it('SortingAnalyzer (binary_folder): reads sorting/', async () => {
    const sd = await load(fixture('si-analyzer'))
    checkAgainst(sd, 'si-analyzer')
    expect(sd.metadata).toMatchObject({ spikeinterface_layout: 'SortingAnalyzer', spikeinterface_version: '0.101.2' })
    expect((sd.metadata.provenance as { reason: string }).reason).toContain('SortingAnalyzer')
  })

  it('NpzSortingExtractor .npz with int ids, both segments', async () => {
    const sd = await load(fixture('si-sorting.npz'), { segmentIndex: 1 })
    checkAgainst(sd, 'si-sorting.npz', 1)
    expect(sd.metadata).toMatchObject({ spikeinterface_layout: 'NpzSortingExtractor', num_segments: 2, segment_index: 1, source_file: fixture('si-sorting.npz') })
    expect(sd.metadata.provenance).toMatchObject({ format: 'spikeinterface-npz' })
    const first = await load(fixture('si-sorting.npz'))
    checkAgainst(first, 'si-sorting.npz', 0)
    expect(first.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_SEGMENTS'])
    await expect(load(fixture('si-sorting.npz'), { segmentIndex: 5 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'segmentIndex' })
  })

  it('NpzSortingExtractor .npz with string ids', async () => {
    checkAgainst(await load(fixture('si-sorting-str.npz')), 'si-sorting-str.npz')
  })
})

describe('detection', () => {
  const folderProbe = (files: string[], folders: string[] = []) => ({ kind: 'folder' as const, name: 'x', files, folders, source: memoryFolder({}) })
  it('claims its own folders strongly and others not at all', () => {
    expect(detectSpikeinterfaceFolder(folderProbe(['numpysorting_info.json', 'spikes.npy', 'si_folder.json'], ['properties'])).confidence).toBe(95)
    expect(detectSpikeinterfaceFolder(folderProbe(['npz.json', 'sorting_cached.npz'])).confidence).toBe(90)
    expect(detectSpikeinterfaceFolder(folderProbe(['spikeinterface_info.json', 'settings.json'], ['sorting', 'extensions'])).confidence).toBe(90)
    expect(detectSpikeinterfaceFolder(folderProbe(['numpysorting_info.json'])).confidence).toBe(50)
    expect(detectSpikeinterfaceFolder(folderProbe(['spike_times.npy', 'spike_clusters.npy', 'params.py'])).confidence).toBe(0)
    expect(detectSpikeinterfaceFolder(folderProbe(['spikes.npy'])).confidence).toBe(0)
    expect(detectSpikeinterfaceFolder(folderProbe(['spikeinterface_info.json'])).confidence).toBe(0)
  })

  it('claims NpzSortingExtractor files, not SpikeLab npz or other zips', async () => {
    const probe = async (path: string) => probeSource(bytesSource(readFileSync(path), 'f.npz'))
    expect((await detectSpikeinterfaceNpz(await probe(fixture('si-sorting.npz')))).confidence).toBe(95)
    expect((await detectSpikeinterfaceNpz(await probe(fixture('si-npz-folder/sorting_cached.npz')))).confidence).toBe(95)
    // A SpikeLab sorted npz (units.npy + fs.npy) from format-pickle's fixtures is not ours.
    const spikelab = fixture('../../../format-pickle/test/fixtures/sorted-compressed.npz')
    let other: Uint8Array
    try {
      other = readFileSync(spikelab)
    } catch {
      other = zipOf(['units.npy', 'fs.npy'])
    }
    expect(detectSpikeinterfaceNpz(await probeSource(bytesSource(other, 'x.npz'))).confidence).toBe(0)
    expect(detectSpikeinterfaceNpz(await probeSource(bytesSource(new TextEncoder().encode('hello'), 'x.npz'))).confidence).toBe(0)
  })

  it('auto-detection of a folder picks spikeinterface, of a .npz spikeinterface-npz', async () => {
    const registry = makeContainer().resolve(LoaderRegistry)
    const { directorySource } = await import('@spikes/core/node')
    expect((await registry.select(await directorySource(fixture('si-numpy-int')))).loader.id).toBe('spikeinterface')
    expect((await registry.select(bytesSource(readFileSync(fixture('si-sorting.npz')), 's.npz'))).loader.id).toBe('spikeinterface-npz')
  })
})

/** A stored zip with empty members of these names (for detection only). */
function zipOf(names: string[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const name of names) {
    const n = new TextEncoder().encode(name)
    const h = new Uint8Array(30 + n.length)
    const v = new DataView(h.buffer)
    v.setUint32(0, 0x04034b50, true)
    v.setUint16(26, n.length, true)
    h.set(n, 30)
    parts.push(h)
  }
  return concatBytes(parts)
}

describe('options', () => {
  function countingFolder(): FolderSource & { calls: number } {
    const inner = memoryFolder({ 'numpysorting_info.json': info([0]), 'spikes.npy': spikeVector([[1, 0, 0]]) })
    const counted = { calls: 0 } as FolderSource & { calls: number }
    return Object.assign(counted, {
      type: 'folder' as const,
      name: 'counted',
      list: async (s?: string) => (counted.calls++, inner.list(s)),
      exists: async (p: string) => (counted.calls++, inner.exists(p)),
      open: async (p: string) => (counted.calls++, inner.open(p)),
      close: async () => {},
    })
  }
  it.each([
    [{ samplingFrequency: 0 }, 'samplingFrequency'],
    [{ samplingFrequency: Number.POSITIVE_INFINITY }, 'samplingFrequency'],
    [{ unitIds: 3 }, 'unitIds'],
    [{ unitIds: [1.5] }, 'unitIds'],
    [{ unitIds: [1, '1'] }, 'unitIds'],
    [{ segmentIndex: -1 }, 'segmentIndex'],
    [{ segmentIndex: 0.5 }, 'segmentIndex'],
    [{ lengthMs: -1 }, 'lengthMs'],
    [{ curation: '' }, 'curation'],
    [{ curation: 5 }, 'curation'],
    [{ curation: { path: 'c.json', excludeLabels: ['mua'], includeLabels: ['accept'] } }, 'curation.includeLabels'],
    [{ curation: { path: 'c.json', excludeLabels: 'mua' } }, 'curation.excludeLabels'],
    [{ curation: { path: 'c.json', skipMerge: 'yes' } }, 'curation.skipMerge'],
    [{ curation: { path: 'c.json', labels: [] } }, 'curation.labels'],
    [{ fsHz: 30000 }, 'fsHz'],
  ])('refuses %j before any I/O', async (options, argument) => {
    const folder = countingFolder()
    await expect(spikeinterfaceLoader.load(folder, options as never, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(folder.calls).toBe(0)
    await expect(load(folder, options, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(folder.calls).toBe(0)
  })
})

describe('bad input gives typed errors', () => {
  const good = { 'numpysorting_info.json': info([0, 1]), 'spikes.npy': spikeVector([[10, 0, 0], [20, 1, 0], [30, 0, 0]]) }
  const run = (files: Record<string, string | Uint8Array>, options: Record<string, unknown> = {}) => load(memoryFolder(files, 'mem'), options, 'spikeinterface')

  it('loads the minimal in-memory folder (sanity check for the cases below)', async () => {
    const sd = await run(good)
    expect(trains(sd)).toEqual([[(10 / 30000) * 1e3, 1], [(20 / 30000) * 1e3]])
  })
  it('a folder that is not a SpikeInterface sorting', async () => {
    await expect(run({ 'readme.txt': 'x' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'numpysorting_info.json' })
  })
  it('missing spikes.npy or numpysorting_info.json', async () => {
    await expect(run({ 'numpysorting_info.json': info([0]) })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'spikes.npy' })
    await expect(run({ 'spikes.npy': good['spikes.npy'] })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'numpysorting_info.json' })
  })
  it('malformed or incomplete numpysorting_info.json', async () => {
    await expect(run({ ...good, 'numpysorting_info.json': '{"sampling_frequency": 3' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'numpysorting_info.json' })
    await expect(run({ ...good, 'numpysorting_info.json': '[1]' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'numpysorting_info.json' })
    await expect(run({ ...good, 'numpysorting_info.json': '{"unit_ids": [0, 1]}' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', missing: ['sampling_frequency', 'num_segments'] })
    await expect(run({ ...good, 'numpysorting_info.json': info([0, 0]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'unit_ids' })
    await expect(run({ ...good, 'numpysorting_info.json': info([0, 1.5]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'unit_ids' })
    await expect(run({ ...good, 'numpysorting_info.json': info([0, 1], 30000, 0) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'num_segments' })
  })
  it.each([[0], [-5], [null], ['fast'], ['NaN']])('sampling_frequency %j is refused unless overridden', async (fs) => {
    const files = { ...good, 'numpysorting_info.json': info([0, 1], fs) }
    await expect(run(files)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'sampling_frequency' })
    expect((await run(files, { samplingFrequency: 1000 })).metadata.fs_Hz).toBe(1000)
  })
  it('spikes.npy with the wrong dtype or fields', async () => {
    await expect(run({ ...good, 'spikes.npy': int64Npy([1, 2, 3]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'spikes.npy', expected: ['sample_index', 'unit_index', 'segment_index'] })
    const noUnit = spikeVector([[1, 0, 0]], "[('sample_index', '<i8'), ('cluster', '<i8'), ('segment_index', '<i8')]")
    await expect(run({ ...good, 'spikes.npy': noUnit })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', missing: ['unit_index'] })
    const floatSamples = spikeVector([[1, 0, 0]], "[('sample_index', '<f8'), ('unit_index', '<i8'), ('segment_index', '<i8')]")
    await expect(run({ ...good, 'spikes.npy': floatSamples })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'sample_index', dtype: '<f8' })
  })
  it('unit_index outside unit_ids, segment_index outside num_segments, negative samples', async () => {
    await expect(run({ ...good, 'spikes.npy': spikeVector([[1, 0, 0], [2, 2, 0]]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'unit_index', index: 1, value: 2, limit: 2 })
    await expect(run({ ...good, 'spikes.npy': spikeVector([[1, -1, 0]]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'unit_index', value: -1 })
    await expect(run({ ...good, 'spikes.npy': spikeVector([[1, 0, 0], [2, 1, 1]]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'segment_index', value: 1, limit: 1 })
    await expect(run({ ...good, 'spikes.npy': spikeVector([[5, 0, 0], [-3, 1, 0]]) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', index: 1, value: -3 })
  })
  it('a truncated spike vector, and a header claiming far more data than the file has', async () => {
    const bytes = good['spikes.npy']
    await expect(run({ ...good, 'spikes.npy': bytes.subarray(0, bytes.length - 5) })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    const huge = npyBytes("{'descr': [('sample_index', '<i8'), ('unit_index', '<i8'), ('segment_index', '<i8')], 'fortran_order': False, 'shape': (100000000000,), }", new Uint8Array(48))
    await expect(run({ ...good, 'spikes.npy': huge })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })
  it('sorts a unit whose spikes are out of order, with a warning', async () => {
    const sd = await run({ ...good, 'spikes.npy': spikeVector([[30, 0, 0], [20, 1, 0], [10, 0, 0]]) })
    expect(trains(sd)[0]).toEqual([(10 / 30000) * 1e3, 1])
    expect(sd.warnings).toMatchObject([{ code: 'SPIKES_WARN_UNSORTED_SPIKES' }])
  })
  it('a property with the wrong number of rows is skipped with a warning; a non-integer channel is an error', async () => {
    const sd = await run({ ...good, 'properties/channel.npy': int64Npy([1, 2, 3]) })
    expect(sd.neuronAttributes?.[0]).toEqual({ unit_id: 0 })
    expect(sd.warnings).toMatchObject([{ code: 'SPIKES_WARN_PROPERTY' }])
    const text = npyBytes("{'descr': '<U1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([0x61, 0, 0, 0, 0x62, 0, 0, 0]))
    await expect(run({ ...good, 'properties/channel.npy': text })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', value: 'a' })
  })
  it('every other property reaches the attributes under its own name: numbers, text, 2-D rows as lists', async () => {
    const f8 = (shape: string, values: number[]) => npyBytes(`{'descr': '<f8', 'fortran_order': False, 'shape': ${shape}, }`, new Uint8Array(Float64Array.from(values).buffer))
    const text = npyBytes("{'descr': '<U4', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(Uint32Array.from([...'good'].map((ch) => ch.codePointAt(0)!).concat([...'mua'].map((ch) => ch.codePointAt(0)!), [0])).buffer))
    const sd = await run({ ...good, 'properties/snr.npy': f8('(2,)', [4.5, 2]), 'properties/quality.npy': text, 'properties/template_xy.npy': f8('(2, 2)', [1, 2, 3, 4]), 'properties/channel.npy': int64Npy([7, 8]) })
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, electrode: 7, quality: 'good', snr: 4.5, template_xy: [1, 2] },
      { unit_id: 1, electrode: 8, quality: 'mua', snr: 2, template_xy: [3, 4] },
    ])
  })
  it('an empty sorting (no unit ids, no spikes) loads as N = 0', async () => {
    const sd = await run({ 'numpysorting_info.json': info([]), 'spikes.npy': spikeVector([]) })
    expect([sd.N, sd.totalSpikes, sd.lengthMs]).toEqual([0, 0, 0])
    expect(sd.metadata.unit_ids).toEqual([])
  })
  it('an npz folder whose npz.json names another class', async () => {
    await expect(run({ 'npz.json': JSON.stringify({ class: 'x.NumpySorting', kwargs: {} }), 'sorting_cached.npz': new Uint8Array(4) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'npz.json' })
  })
  it('a spikeinterface-npz file forced on a folder, and the folder loader on a file', async () => {
    await expect(load(fixture('si-numpy-int'), {}, 'spikeinterface-npz')).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE' })
    await expect(load(fixture('si-sorting.npz'), {}, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE' })
  })
})
