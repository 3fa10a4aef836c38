import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, LoaderRegistry, loadSpikeData, memoryFolder, probeSource, type DependencyContainer, type FolderSource } from '@spikes/core'
import { firingsMda, mdaFile, countingFolder } from '@spikes/testing'
import { mountainsortLoader, registerMountainsort } from '../src/index.js'

function makeContainer(): DependencyContainer {
  const c = container.createChildContainer()
  registerMountainsort(c)
  return c
}

// Hand-made firings: [channel, time (samples), label, amplitude]; labels 2 and 7 on channels 1 and 3.
const EVENTS = [
  [1, 30, 7, -10],
  [3, 60, 2, -20],
  [1, 90, 7, -30],
  [3, 300, 2, -40],
  [3, 0, 2, -60],
]
const PARAMS = JSON.stringify({ samplerate: 30000, detect_sign: -1 })
const GEOM = '0,0\n10,20\n30,40\n'

const folder = (files: Record<string, Uint8Array | string>, name = 'ms') => memoryFolder(files, name)
const load = (input: FolderSource, options: Record<string, unknown> = {}, c = makeContainer()) => loadSpikeData(input, { container: c, options })

/** A folder that counts what is read, to prove options are checked before any I/O. */

describe('mountainsort loader', () => {
  it('registers one loader through DI', () => {
    expect(makeContainer().resolve(LoaderRegistry).list().map((l) => l.id)).toEqual(['mountainsort'])
  })

  it('loads firings.mda with params.json and geom.csv through auto-detection', async () => {
    const sd = await load(folder({ 'firings.mda': firingsMda(EVENTS), 'params.json': PARAMS, 'geom.csv': GEOM }))
    expect(sd.N).toBe(2)
    expect(sd.spikeCounts()).toEqual([3, 2])
    // label 2: samples 60, 300, 0 -> sorted, ms = samples / 30000 * 1000
    expect(Array.from(sd.train(0))).toEqual([0, 2, 10])
    expect(Array.from(sd.train(1))).toEqual([1, 3])
    expect(sd.lengthMs).toBe(10)
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 2, electrode: 3, location: [30, 40], mean_row_4: -40 },
      { unit_id: 7, electrode: 1, location: [0, 0], mean_row_4: -20 },
    ])
    expect(sd.metadata).toMatchObject({ source_file: 'firings.mda', fs_Hz: 30000, fs_Hz_source: 'params.json', params: { samplerate: 30000, detect_sign: -1 }, firings_rows: 4, unit_labels: [2, 7] })
    expect(sd.metadata.provenance).toMatchObject({ format: 'mountainsort', reason: 'firings.mda with params.json' })
    expect(sd.warnings).toEqual([])
  })

  it.each(['int32', 'uint16', 'int64', 'float32', 'uint32', 'int16', 'uint8'] as const)('reads %s firings', async (dtype) => {
    const sd = await load(folder({ 'firings.mda': firingsMda(EVENTS.map((e) => e.slice(0, 3)), dtype) }), { fsHz: 1000 })
    expect(sd.spikeCounts()).toEqual([3, 2])
    expect(Array.from(sd.train(1))).toEqual([30, 90])
    expect(sd.metadata.firings_dtype).toBe(dtype)
  })

  it('reads int64 dimensions (a negative dimension count) and firings_true.mda', async () => {
    const bytes = mdaFile('float64', [3, 2], [1, 5, 1, 2, 10, 4], { int64Dims: true })
    const sd = await load(folder({ 'firings_true.mda': bytes }), { fsHz: 1000 })
    expect(sd.metadata.source_file).toBe('firings_true.mda')
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual([1, 4])
    expect(Array.from(sd.train(1))).toEqual([10])
  })

  it('takes the rate and curation from a .mv2 file, firingsFile and lengthMs from the options', async () => {
    const mv = JSON.stringify({ samplerate: 10000, cluster_attributes: { '2': { tags: ['mua'] }, '7': { tags: ['accepted'] } }, cluster_pair_attributes: { pair_2_7: { tags: ['merged'] } } })
    const input = folder({ 'sorted.mda': firingsMda(EVENTS), 'view.mv2': mv })
    const sd = await loadSpikeData(input, { container: makeContainer(), format: 'mountainsort', options: { firingsFile: 'sorted.mda', lengthMs: 100 } })
    expect(sd.lengthMs).toBe(100)
    expect(Array.from(sd.train(1))).toEqual([3, 9])
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 2, tags: ['mua'] })
    expect(sd.neuronAttributes![0].quality).toBeUndefined()
    expect(sd.neuronAttributes![1]).toMatchObject({ unit_id: 7, tags: ['accepted'], quality: 'accepted' })
    expect(sd.metadata).toMatchObject({ fs_Hz: 10000, fs_Hz_source: 'view.mv2', mountainview_file: 'view.mv2', merged_pairs: [[2, 7]] })
  })

  it('detects folders with firings.mda; other folders and files are not claimed', async () => {
    const claim = async (files: Record<string, string | Uint8Array>) => (await mountainsortLoader.detect(await probeSource(folder(files)))).confidence
    expect(await claim({ 'firings.mda': '', 'params.json': '' })).toBe(90)
    expect(await claim({ 'firings_true.mda': '', 'x.mv': '' })).toBe(90)
    expect(await claim({ 'firings.mda': '' })).toBe(80)
    expect(await claim({ 'raw.mda': '', 'params.json': '' })).toBe(0)
    expect(await claim({ 'spike_times.npy': '', 'spike_clusters.npy': '' })).toBe(0)
    expect((await mountainsortLoader.detect(await probeSource(bytesSource(new Uint8Array(20), 'firings.mda')))).confidence).toBe(0)
  })

  it.each([
    [{ fsHz: -1 }, 'fsHz'],
    [{ fsHz: 'fast' }, 'fsHz'],
    [{ firingsFile: '' }, 'firingsFile'],
    [{ lengthMs: Number.NaN }, 'lengthMs'],
    [{ samplerate: 30000 }, 'samplerate'],
    [{ helperThread: 'no' }, 'helperThread'],
  ])('refuses options %j before any I/O', async (options, argument) => {
    const f = countingFolder(folder({ 'firings.mda': firingsMda(EVENTS) }))
    await expect(mountainsortLoader.load(f, options as never, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    expect(f.touched).toBe(0)
  })

  it('accepts snake_case option names', async () => {
    const sd = await load(folder({ 'firings.mda': firingsMda(EVENTS) }), { fs_Hz: 30000, length_ms: 50, helper_thread: false })
    expect(sd.lengthMs).toBe(50)
  })

  it('reads geom.csv written with spaces, tabs, a BOM, CRLF and blank lines; a bad row warns with its line number', async () => {
    const spaced = '\uFEFF0 0\r\n\r\n10\t 20\r\n30,  40\r\n\r\n'
    const sd = await load(folder({ 'firings.mda': firingsMda(EVENTS), 'params.json': PARAMS, 'geom.csv': spaced }))
    expect(sd.neuronAttributes!.map((a) => a.location)).toEqual([[30, 40], [0, 0]])
    expect(sd.warnings).toEqual([])
    const bad = await load(folder({ 'firings.mda': firingsMda(EVENTS), 'params.json': PARAMS, 'geom.csv': '0,0\n\n1,2,3,4\n' }))
    expect(bad.warnings).toEqual([expect.objectContaining({ code: 'SPIKES_WARN_SIDECAR', details: expect.objectContaining({ file: 'geom.csv', line: 3 }) })])
    expect(bad.neuronAttributes![0].location).toBeUndefined()
  })

  it('a geomFile naming a file the folder lacks is a warning, not silence (the default geom.csv may be absent)', async () => {
    const sd = await load(folder({ 'firings.mda': firingsMda(EVENTS), 'params.json': PARAMS, 'geom.csv': GEOM }), { geomFile: 'probe_geom.csv' })
    expect(sd.warnings).toEqual([
      {
        code: 'SPIKES_WARN_SIDECAR',
        message: 'geomFile names probe_geom.csv, which is not in ms: the units get no location. Check the name, or leave geomFile out to use geom.csv.',
        details: { file: 'probe_geom.csv', option: 'geomFile' },
      },
    ])
    expect(sd.neuronAttributes![0].location).toBeUndefined()
    expect((await load(folder({ 'firings.mda': firingsMda(EVENTS), 'params.json': PARAMS }))).warnings).toEqual([])
  })

  it('needs a sampling rate when no file gives one', async () => {
    await expect(load(folder({ 'firings.mda': firingsMda(EVENTS) }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
  })

  it('warns: rate mismatch, trailing bytes, mixed channels, several .mv files, unreadable sidecars', async () => {
    const mixed = [...EVENTS, [2, 33, 7, 0]]
    const withTail = new Uint8Array([...firingsMda(mixed), 1, 2, 3])
    const sd = await load(folder({ 'firings.mda': withTail, 'params.json': '{not json', 'a.mv': '{"samplerate": 20000}', 'b.mv': '[]', 'geom.csv': '1,2\nx,y\n' }), { fsHz: 30000 })
    expect(sd.warnings.map((w) => w.code).sort()).toEqual([
      'SPIKES_WARN_MIXED_CHANNELS',
      'SPIKES_WARN_SAMPLE_RATE_MISMATCH',
      'SPIKES_WARN_SEVERAL_MV_FILES',
      'SPIKES_WARN_SIDECAR',
      'SPIKES_WARN_SIDECAR',
      'SPIKES_WARN_TRAILING_BYTES',
    ])
    expect(sd.warnings.find((w) => w.code === 'SPIKES_WARN_MIXED_CHANNELS')!.details).toMatchObject({ labels: [7], count: 1 })
    expect(sd.neuronAttributes![1]).toMatchObject({ unit_id: 7, electrode: 1 })
    expect(sd.neuronAttributes![1].location).toBeUndefined()
    expect(sd.metadata.fs_Hz).toBe(30000)
  })

  it('throws typed errors with stable codes', async () => {
    const l = (bytes: Uint8Array, options = { fsHz: 1000 }) => load(folder({ 'firings.mda': bytes }), options)
    const good = firingsMda(EVENTS)
    await expect(l(good.subarray(0, good.length - 1))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'firings.mda', dtype: 'float64' })
    await expect(l(good.subarray(0, 8))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', size: 8 })
    await expect(l(mdaFile('float64', [3, 1], [1, 2, 3]).fill(0x11, 0, 4))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', typeCode: 0x11111111 })
    const complex = mdaFile('float32', [3, 1], [1, 2, 3])
    new DataView(complex.buffer).setInt32(0, -1, true)
    await expect(l(complex)).rejects.toMatchObject({ code: 'SPIKES_UNSUPPORTED', feature: 'mda-complex' })
    const wrongWidth = mdaFile('float64', [3, 1], [1, 2, 3])
    new DataView(wrongWidth.buffer).setInt32(4, 4, true)
    await expect(l(wrongWidth)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', bytesPerValue: 4 })
    const huge = mdaFile('float64', [3, 1], [1, 2, 3])
    new DataView(huge.buffer).setInt32(16, 0x7fffffff, true)
    await expect(l(huge)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', dims: [3, 0x7fffffff] })
    await expect(l(mdaFile('float64', [2, 2], [1, 2, 3, 4]))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', dims: [2, 2] })
    await expect(l(firingsMda([[1, 10, 2.5]]))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', event: 0, label: 2.5 })
    await expect(l(firingsMda([[1, 10, 2], [1, -4, 2]]))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', event: 1, time: -4 })
    await expect(l(firingsMda([[1.41, 10, 2]]))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', channel: 1.41 })
    await expect(l(good, { fsHz: 1000, lengthMs: 1 } as never)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(load(folder({ 'firings.mda': good }), { fsHz: 1, firingsFile: 'other.mda' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'other.mda' })
    await expect(mountainsortLoader.load(folder({ 'params.json': PARAMS }), {}, { warn() {}, progress() {} })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'firings.mda' })
  })

  it('reads bytes held at any offset of a shared buffer (a pooled Buffer, a misaligned view)', async () => {
    const bytes = firingsMda(EVENTS)
    const shifted = new Uint8Array(bytes.length + 3)
    shifted.set(bytes, 3)
    for (const view of [Buffer.from(bytes), shifted.subarray(3)]) {
      const sd = await load(folder({ 'firings.mda': view }), { fsHz: 30000 })
      expect(Array.from(sd.train(0))).toEqual([0, 2, 10])
    }
  })

  it('keeps every time of a unit past its largest block (70,000 events, two labels interleaved)', async () => {
    const events = Array.from({ length: 70000 }, (_, i) => [1, 69999 - i, i % 3 === 0 ? 5 : 9])
    const sd = await load(folder({ 'firings.mda': firingsMda(events, 'int32') }), { fsHz: 1000 })
    expect(sd.spikeCounts()).toEqual([23334, 46666])
    const train = sd.train(1)
    expect([train[0], train[1], train[train.length - 1]]).toEqual([1, 2, 69998])
    expect(sd.train(0)[sd.train(0).length - 1]).toBe(69999)
  })

  it('loads an empty firings file as zero units', async () => {
    const sd = await load(folder({ 'firings.mda': mdaFile('float64', [3, 0], []) }), { fsHz: 1000 })
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
  })

  it('honours an aborted signal', async () => {
    const signal = AbortSignal.abort()
    await expect(loadSpikeData(folder({ 'firings.mda': firingsMda(EVENTS) }), { container: makeContainer(), signal, options: { fsHz: 1 } })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('records the package version in provenance', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(mountainsortLoader.version).toBe(pkg.version)
    expect(mountainsortLoader.packageName).toBe(pkg.name)
  })
})
