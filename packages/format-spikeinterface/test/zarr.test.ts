import { readFileSync, writeFileSync, mkdtempSync, cpSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { memoryFolder, probeSource, type FolderSource, type SpikeData } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import '@spikes/core/node'
import { detectSpikeinterfaceRecordingAny, detectSpikeinterfaceSortingAny, detectSpikeinterfaceZarr } from '../src/index.js'
import { filesOf } from '@spikes/testing'
import { expected, fixture, load, makeContainer, toMs, trains } from './support.js'


function checkAgainst(sd: SpikeData, name: string, segment = 0): void {
  const e = expected(name)
  expect(sd.neuronAttributes?.map((a) => a.unit_id)).toEqual(e.unit_ids)
  expect(sd.metadata.fs_Hz).toBe(e.sampling_frequency)
  expect(trains(sd)).toEqual(e.segments[segment].map((t) => toMs(t, e.sampling_frequency)))
  const max = Math.max(...e.segments[segment].flat().map((s) => (s / e.sampling_frequency) * 1e3))
  expect(sd.lengthMs).toBe(max + spacing(max))
}

describe('ZarrSortingExtractor (sorting.save(format="zarr"))', () => {
  it('loads both segments against numpy, with the same properties as the NumpyFolderSorting it was saved from', async () => {
    const sd = await load(fixture('si-zarr-sorting.zarr'))
    checkAgainst(sd, 'si-zarr-sorting.zarr', 0)
    expect(sd.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_SEGMENTS'])
    expect(sd.metadata).toMatchObject({ source_format: 'SpikeInterface', spikeinterface_layout: 'ZarrSortingExtractor', spikeinterface_format: 'zarr', num_segments: 2, segment_index: 0 })
    expect((sd.metadata.provenance as { format: string }).format).toBe('spikeinterface')
    const seg1 = await load(fixture('si-zarr-sorting.zarr'), { segmentIndex: 1 })
    checkAgainst(seg1, 'si-zarr-sorting.zarr', 1)
    const folder = await load(fixture('si-numpy-7units'), { segmentIndex: 1 })
    expect(seg1.neuronAttributes).toEqual(folder.neuronAttributes)
  })

  it('string unit ids (numpy <U), several chunks per field, electrode from ch and location from position', async () => {
    const sd = await load(fixture('si-zarr-sorting-str.zarr'))
    checkAgainst(sd, 'si-zarr-sorting-str.zarr')
    const folder = await load(fixture('si-numpy-str'))
    expect(sd.neuronAttributes).toEqual(folder.neuronAttributes)
    expect(sd.neuronAttributes?.every((a) => typeof a.unit_id === 'string' && typeof a.electrode === 'number')).toBe(true)
  })

  it('the same options as the folder layouts: unitIds, samplingFrequency, lengthMs, and a curation', async () => {
    const e = expected('si-zarr-sorting.zarr')
    const sub = await load(fixture('si-zarr-sorting.zarr'), { unitIds: [3, '1'], segmentIndex: 0, samplingFrequency: 10000, lengthMs: 99999 })
    expect(sub.neuronAttributes?.map((a) => a.unit_id)).toEqual([3, 1])
    expect(trains(sub)).toEqual([toMs(e.segments[0][2], 10000), toMs(e.segments[0][0], 10000)])
    expect(sub.lengthMs).toBe(99999)
    await expect(load(fixture('si-zarr-sorting.zarr'), { unitIds: [42] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', missing: [42] })
    await expect(load(fixture('si-zarr-sorting.zarr'), { segmentIndex: 2 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'segmentIndex' })
    const dir = mkdtempSync(join(tmpdir(), 'si-zarr-'))
    try {
      cpSync(fixture('si-zarr-sorting.zarr'), join(dir, 's.zarr'), { recursive: true })
      writeFileSync(join(dir, 's.zarr', 'sv.json'), JSON.stringify({ labelsByUnit: { '1': ['noise'], '2': ['accept'] }, mergeGroups: [[3, 4]] }))
      const curated = await load(join(dir, 's.zarr'), { segmentIndex: 0, curation: { path: 'sv.json', excludeLabels: ['noise'] } })
      expect(curated.neuronAttributes?.map((a) => a.unit_id)).toEqual([2, 5, 6, 7, 8])
      const merged = [...e.segments[0][2], ...e.segments[0][3]].sort((a, b) => a - b)
      expect(Array.from(curated.train(4))).toEqual(toMs(merged, e.sampling_frequency))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('loads from a memoryFolder (the browser path) as from disk', async () => {
    const sd = await load(memoryFolder(filesOf(fixture('si-zarr-sorting-str.zarr')), 'si-zarr-sorting-str.zarr'), {}, 'spikeinterface')
    checkAgainst(sd, 'si-zarr-sorting-str.zarr')
  })
})

describe('SortingAnalyzer saved with format="zarr"', () => {
  it('reads its sorting group, records the version', async () => {
    const sd = await load(fixture('si-zarr-analyzer.zarr'))
    checkAgainst(sd, 'si-zarr-analyzer.zarr')
    expect(sd.metadata).toMatchObject({ spikeinterface_layout: 'SortingAnalyzer', spikeinterface_format: 'zarr', spikeinterface_version: '0.101.2' })
    expect(sd.warnings).toEqual([])
  })
})

describe('ZarrRecordingExtractor (recording.save(format="zarr"))', () => {
  it('detects spikes exactly as from the BinaryFolderRecording it was saved from, and as numpy', async () => {
    const zarr = await load(fixture('si-rec-zarr-int16.zarr'))
    const binary = await load(fixture('si-rec-int16'))
    expect(trains(zarr)).toEqual(trains(binary))
    expect(zarr.rawData?.shape).toEqual([4, 2000])
    expect(zarr.rawData?.data).toBeInstanceOf(Int16Array)
    expect(Array.from(zarr.rawData!.data as Int16Array)).toEqual(Array.from(binary.rawData!.data as Int16Array))
    const e = JSON.parse(readFileSync(fixture('si-rec-zarr-int16.zarr.expected.json'), 'utf8')) as { segments: { cases: { case: { threshold_sigma: number; direction: string; hysteresis: boolean }; samples: number[][] }[] }[] }
    const defaults = e.segments[0].cases.find((c) => c.case.threshold_sigma === 5 && c.case.direction === 'both' && c.case.hysteresis)!
    const bin = 1e3 / 30000
    expect(trains(zarr).map((t) => t.map((ms) => Math.round((ms - bin / 2) / bin)))).toEqual(defaults.samples)
    expect(zarr.metadata).toMatchObject({ spikeinterface_layout: 'ZarrRecordingExtractor', spikeinterface_format: 'zarr', num_channels: 4, num_samples: 2000, dtype: '<i2', channel_ids: [0, 1, 2, 3], segment_index: 0 })
  })

  it('float32, two segments, string channel ids, not consolidated: same options and warnings as the binary layout', async () => {
    const zarr = await load(fixture('si-rec-zarr-float32-2seg.zarr'), { segmentIndex: 1, thresholdSigma: 4, direction: 'up' })
    const binary = await load(fixture('si-rec-float32-2seg'), { segmentIndex: 1, thresholdSigma: 4, direction: 'up' })
    expect(trains(zarr)).toEqual(trains(binary))
    expect(zarr.metadata).toMatchObject({ channel_ids: ['A1', 'A2', 'A3'], num_segments: 2, segment_index: 1 })
    const warned = await load(fixture('si-rec-zarr-float32-2seg.zarr'))
    expect(warned.warnings.map((w) => w.code)).toContain('SPIKES_WARN_SEGMENTS')
    await expect(load(fixture('si-rec-zarr-float32-2seg.zarr'), { maxBytes: 1000 })).rejects.toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes' })
    await expect(load(fixture('si-rec-zarr-float32-2seg.zarr'), { segmentIndex: 5 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'segmentIndex' })
  })
})

describe('Zarr detection', () => {
  const probe = async (name: string) => probeSource(memoryFolder(filesOf(fixture(name)), name))
  it('claims each Zarr layout for its loader by content, and no other folder', async () => {
    expect((await detectSpikeinterfaceZarr(await probe('si-zarr-sorting.zarr')))?.kind).toBe('sorting')
    expect((await detectSpikeinterfaceZarr(await probe('si-zarr-analyzer.zarr')))?.kind).toBe('analyzer')
    expect((await detectSpikeinterfaceZarr(await probe('si-rec-zarr-int16.zarr')))?.kind).toBe('recording')
    expect((await detectSpikeinterfaceSortingAny(await probe('si-zarr-sorting.zarr'))).confidence).toBe(95)
    expect((await detectSpikeinterfaceSortingAny(await probe('si-zarr-analyzer.zarr'))).confidence).toBe(95)
    expect((await detectSpikeinterfaceSortingAny(await probe('si-rec-zarr-int16.zarr'))).confidence).toBe(0)
    expect((await detectSpikeinterfaceRecordingAny(await probe('si-rec-zarr-int16.zarr'))).confidence).toBe(95)
    expect((await detectSpikeinterfaceRecordingAny(await probe('si-zarr-sorting.zarr'))).confidence).toBe(0)
    expect((await detectSpikeinterfaceRecordingAny(await probe('si-numpy-7units'))).confidence).toBe(0)
    // Content, not the name: a Zarr group of other arrays is not claimed; without attributes, only weakly.
    const other = memoryFolder({ '.zgroup': '{"zarr_format": 2}', '.zattrs': '{"title": "x"}', 'data/.zarray': '{}' }, 'other.zarr')
    expect((await detectSpikeinterfaceSortingAny(await probeSource(other))).confidence).toBe(0)
    expect((await detectSpikeinterfaceRecordingAny(await probeSource(other))).confidence).toBe(0)
    const files = filesOf(fixture('si-zarr-sorting.zarr'))
    delete files['.zattrs']
    expect((await detectSpikeinterfaceSortingAny(await probeSource(memoryFolder(files, 'x')))).confidence).toBe(60)
  })
})

describe('bad Zarr input gives typed errors', () => {
  const variant = (name: string, changes: Record<string, string | Uint8Array | null>): FolderSource => {
    const files: Record<string, Uint8Array | string> = filesOf(fixture(name))
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete files[k]
      else files[k] = v
    }
    return memoryFolder(files, name)
  }
  const meta = (name: string) => JSON.parse(readFileSync(join(fixture(name), '.zmetadata'), 'utf8')) as { metadata: Record<string, Record<string, unknown>> }
  const withMeta = (name: string, key: string, doc: Record<string, unknown> | null) => {
    const m = meta(name)
    if (doc === null) delete m.metadata[key]
    else m.metadata[key] = doc
    return JSON.stringify(m)
  }

  it('missing or malformed attributes, arrays and slices', async () => {
    const attrs = meta('si-zarr-sorting.zarr').metadata['.zattrs']!
    await expect(load(variant('si-zarr-sorting.zarr', { '.zmetadata': withMeta('si-zarr-sorting.zarr', '.zattrs', { ...attrs, sampling_frequency: 'fast' }) }), {}, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'sampling_frequency' })
    await expect(load(variant('si-zarr-sorting.zarr', { '.zmetadata': withMeta('si-zarr-sorting.zarr', '.zattrs', { ...attrs, num_segments: 0 }) }), {}, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'num_segments' })
    await expect(load(variant('si-zarr-sorting.zarr', { '.zmetadata': withMeta('si-zarr-sorting.zarr', 'spikes/unit_index/.zarray', null) }), { segmentIndex: 0 }, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'spikes/unit_index' })
    const slices = new Uint8Array(32)
    new DataView(slices.buffer).setBigInt64(8, 10_000n, true)
    await expect(load(variant('si-zarr-sorting.zarr', { 'spikes/segment_slices/0.0': slices }), { segmentIndex: 0 }, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'segment_slices', end: 10_000 })
  })

  it('a corrupt spikes chunk is SPIKES_CORRUPT_FILE naming the chunk; a unit_index beyond unit_ids SPIKES_INVALID_DATA', async () => {
    await expect(load(variant('si-zarr-sorting.zarr', { 'spikes/sample_index/0': new Uint8Array(20) }), { segmentIndex: 0 }, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'spikes/sample_index/0', codec: 'blosc' })
    const ids = meta('si-zarr-sorting.zarr').metadata['unit_ids/.zarray']!
    const two = new Uint8Array(16)
    two[8] = 1
    await expect(
      load(variant('si-zarr-sorting.zarr', { '.zmetadata': withMeta('si-zarr-sorting.zarr', 'unit_ids/.zarray', { ...ids, shape: [2], chunks: [2] }), 'unit_ids/0': two }), { segmentIndex: 0 }, 'spikeinterface'),
    ).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'unit_index', limit: 2 })
  })

  it('a recording whose traces disagree with channel_ids', async () => {
    const m = meta('si-rec-zarr-int16.zarr')
    const traces = m.metadata['traces_seg0/.zarray']!
    await expect(load(variant('si-rec-zarr-int16.zarr', { '.zmetadata': withMeta('si-rec-zarr-int16.zarr', 'traces_seg0/.zarray', { ...traces, shape: [2000, 3], chunks: [700, 3] }) }), {}, 'spikeinterface-recording')).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'shape', channels: 4 })
  })
})

describe('Zarr v3 (SpikeInterface with zarr-python 3: zarr.json, numcodecs.delta + blosc, consolidated_metadata)', () => {
  const V3 = 'si-zarr3-sorting.zarr'
  const files = (changes: Record<string, string | Uint8Array | null> = {}): FolderSource => {
    const out: Record<string, Uint8Array | string> = filesOf(fixture(V3))
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete out[k]
      else out[k] = v
    }
    return memoryFolder(out, V3)
  }
  const root = () => JSON.parse(readFileSync(join(fixture(V3), 'zarr.json'), 'utf8')) as { attributes: Record<string, unknown>; consolidated_metadata: { metadata: Record<string, Record<string, unknown>> } }

  it('loads both segments against numpy, as the Zarr v2 save of the same sorting, from disk and from memory', async () => {
    const sd = await load(fixture(V3))
    checkAgainst(sd, V3, 0)
    expect(sd.metadata).toMatchObject({ spikeinterface_layout: 'ZarrSortingExtractor', spikeinterface_format: 'zarr', num_segments: 2, segment_index: 0 })
    const v2 = await load(fixture('si-zarr-sorting.zarr'))
    expect(sd.neuronAttributes).toEqual(v2.neuronAttributes)
    expect(trains(sd)).toEqual(trains(v2))
    checkAgainst(await load(files(), { segmentIndex: 1 }), V3, 1)
  })

  it('without consolidated metadata (each zarr.json read) it loads the same', async () => {
    const doc = root()
    const plainRoot = JSON.stringify({ ...doc, consolidated_metadata: null })
    const sd = await load(files({ 'zarr.json': plainRoot }), { segmentIndex: 1 })
    checkAgainst(sd, V3, 1)
  })

  it('is detected by its zarr.json and children, for the sorting loader only', async () => {
    const probe = await probeSource(files())
    const found = await detectSpikeinterfaceZarr(probe)
    expect(found?.kind).toBe('sorting')
    expect(found?.match.confidence).toBe(95)
    expect(found?.match.reason).toContain('zarr.json')
    expect((await detectSpikeinterfaceRecordingAny(probe)).confidence).toBe(0)
    const doc = root()
    const bare = await probeSource(files({ 'zarr.json': JSON.stringify({ ...doc, attributes: {} }) }))
    expect((await detectSpikeinterfaceSortingAny(bare)).confidence).toBe(60)
    const other = memoryFolder({ 'zarr.json': '{"zarr_format": 3, "node_type": "group", "attributes": {}}', 'data/zarr.json': '{}' }, 'other.zarr')
    expect((await detectSpikeinterfaceSortingAny(await probeSource(other))).confidence).toBe(0)
  })

  it('bad v3 input: wrong attributes, an unsupported data type, a corrupt chunk', async () => {
    const doc = root()
    await expect(load(files({ 'zarr.json': JSON.stringify({ ...doc, attributes: { ...doc.attributes, sampling_frequency: 'fast' } }) }), {}, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'sampling_frequency' })
    const ids = doc.consolidated_metadata.metadata.unit_ids!
    const complex = { ...doc, consolidated_metadata: { ...doc.consolidated_metadata, metadata: { ...doc.consolidated_metadata.metadata, unit_ids: { ...ids, data_type: 'complex64' } } } }
    await expect(load(files({ 'zarr.json': JSON.stringify(complex) }), {}, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_UNSUPPORTED', feature: 'dtype', dtype: 'complex64', file: 'unit_ids/zarr.json' })
    await expect(load(files({ 'spikes/sample_index/c/0': new Uint8Array(20) }), { segmentIndex: 0 }, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'spikes/sample_index/c/0', codec: 'blosc' })
  })
})

describe('Zarr v3 string unit ids (zarr-python 3: fixed_length_utf32, or string with vlen-utf8)', () => {
  const STR = 'si-zarr3-sorting-str.zarr'
  const files = (changes: Record<string, string | Uint8Array> = {}): FolderSource => memoryFolder({ ...filesOf(fixture(STR)), ...changes }, STR)
  const root = () => JSON.parse(readFileSync(join(fixture(STR), 'zarr.json'), 'utf8')) as { consolidated_metadata: { metadata: Record<string, Record<string, unknown>> } }

  it('loads as the Zarr v2 save of the same sorting: string unit ids, electrode from ch', async () => {
    const sd = await load(fixture(STR))
    checkAgainst(sd, STR)
    const v2 = await load(fixture('si-zarr-sorting-str.zarr'))
    expect(sd.neuronAttributes).toEqual(v2.neuronAttributes)
    expect(sd.neuronAttributes?.every((a) => typeof a.unit_id === 'string' && typeof a.electrode === 'number')).toBe(true)
    expect(root().consolidated_metadata.metadata.unit_ids!.data_type).toEqual({ name: 'fixed_length_utf32', configuration: { length_bytes: 4 } })
  })

  it('the same unit ids as a variable-length string array (data_type string, vlen-utf8 chunk); a corrupt one is SPIKES_CORRUPT_FILE', async () => {
    const doc = root()
    const ids = expected(STR).unit_ids as string[]
    const vlen = { ...doc.consolidated_metadata.metadata.unit_ids!, data_type: 'string', codecs: [{ name: 'vlen-utf8' }] }
    const withVlen = JSON.stringify({ ...doc, consolidated_metadata: { ...doc.consolidated_metadata, metadata: { ...doc.consolidated_metadata.metadata, unit_ids: vlen } } })
    const bytes: number[] = []
    const u32 = (n: number) => bytes.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24)
    u32(ids.length)
    for (const id of ids) {
      const utf8 = new TextEncoder().encode(id)
      u32(utf8.length)
      bytes.push(...utf8)
    }
    const sd = await load(files({ 'zarr.json': withVlen, 'unit_ids/c/0': Uint8Array.from(bytes) }), {}, 'spikeinterface')
    checkAgainst(sd, STR)
    await expect(load(files({ 'zarr.json': withVlen, 'unit_ids/c/0': Uint8Array.from(bytes.slice(0, -1)) }), {}, 'spikeinterface')).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'unit_ids/c/0', array: 'unit_ids', codec: 'vlen-utf8' })
  })
})
