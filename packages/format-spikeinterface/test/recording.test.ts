import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadSpikeData, memoryFolder, type SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { detectSpikeinterfaceFolder, detectSpikeinterfaceRecording, spikeinterfaceRecordingLoader } from '../src/index.js'
import { fixture, load, makeContainer, trains, type Loaded } from './support.js'

/** What generate.py computed with numpy (filter off) for each case of each segment. */
interface RecExpected {
  sampling_frequency: number
  num_channels: number
  channel_ids: (number | string)[]
  dtype: string
  segments: {
    num_samples: number
    cases: { case: { threshold_sigma: number; direction: string; hysteresis: boolean }; thresholds: number[]; samples: number[][]; times_ms: number[][] }[]
  }[]
}
const expectedRec = (name: string): RecExpected => JSON.parse(readFileSync(fixture(`${name}.expected.json`), 'utf8')) as RecExpected

/** The fixture folder's files as bytes, to mutate and load from memory. */
function filesOf(name: string): Record<string, Uint8Array> {
  const dir = fixture(name)
  const out: Record<string, Uint8Array> = {}
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath ?? entry.path, entry.name)
      out[full.slice(dir.length + 1)] = new Uint8Array(readFileSync(full))
    }
  }
  return out
}
const binaryJson = (files: Record<string, Uint8Array>): Record<string, any> => JSON.parse(new TextDecoder().decode(files['binary.json']))
const withKwargs = (files: Record<string, Uint8Array>, kwargs: Record<string, unknown>, top: Record<string, unknown> = {}): Record<string, Uint8Array> => {
  const d = binaryJson(files)
  return { ...files, 'binary.json': new TextEncoder().encode(JSON.stringify({ ...d, ...top, kwargs: { ...d.kwargs, ...kwargs } })) }
}

function checkCase(sd: SpikeData, e: RecExpected, segment: number, caseIndex: number): void {
  const c = e.segments[segment].cases[caseIndex]
  const got = trains(sd)
  expect(got).toHaveLength(e.num_channels)
  const bin = 1e3 / e.sampling_frequency
  got.forEach((train, ch) => {
    // Which samples: exactly numpy's; times: numpy's k * dt + dt / 2 to the last few bits.
    expect(train.map((t) => Math.round((t - bin / 2) / bin))).toEqual(c.samples[ch])
    train.forEach((t, k) => expect(Math.abs(t - c.times_ms[ch][k])).toBeLessThan(1e-9))
  })
}

describe('spikeinterface-recording: BinaryFolderRecording against numpy', () => {
  const e16 = expectedRec('si-rec-int16')

  it('auto-detects the folder and matches numpy with SpikeLab defaults (5 sigma, both, hysteresis, no filter)', async () => {
    const sd = await load(fixture('si-rec-int16'))
    checkCase(sd, e16, 0, 0)
    expect(sd.metadata).toMatchObject({
      source_format: 'SpikeInterface',
      source_folder: fixture('si-rec-int16'),
      spikeinterface_layout: 'BinaryFolderRecording',
      spikeinterface_version: '0.101.2',
      fs_Hz: 30000,
      channel_ids: [0, 1, 2, 3],
      num_channels: 4,
      num_samples: 2000,
      dtype: '<i2',
      num_segments: 1,
      segment_index: 0,
    })
    expect(sd.metadata.provenance).toMatchObject({ format: 'spikeinterface-recording', package: '@spikes/format-spikeinterface' })
    expect((sd.metadata.provenance as { reason: string }).reason).toContain('binary.json')
    expect(sd.lengthMs).toBeCloseTo((2000 * 1e3) / 30000, 12)
    expect(sd.warnings).toEqual([])
    // Unfiltered traces are kept as SpikeLab does, in the file's dtype, channels x samples.
    expect(sd.rawData?.shape).toEqual([4, 2000])
    expect(sd.rawData?.data).toBeInstanceOf(Int16Array)
    const raw = new Int16Array(readFileSync(fixture('si-rec-int16/traces_cached_seg0.raw')).buffer.slice(0))
    expect(sd.rawData?.data[1 * 2000 + 7]).toBe(raw[7 * 4 + 1])
  })

  it('matches numpy for up, down, every-sample and 4 sigma', async () => {
    const cases = e16.segments[0].cases
    for (let i = 1; i < cases.length; i++) {
      const { threshold_sigma, direction, hysteresis } = cases[i].case
      const sd = await load(fixture('si-rec-int16'), { thresholdSigma: threshold_sigma, direction, hysteresis }, 'spikeinterface-recording')
      checkCase(sd, e16, 0, i)
    }
    // A supra-threshold sample 0 is a sample (hysteresis false) but never a rising edge.
    expect(cases[3].samples[0][0]).toBe(0)
    expect(cases[0].samples[0]).not.toContain(0)
  })

  it('float32, two segments: warns without segmentIndex, reads the chosen segment', async () => {
    const e = expectedRec('si-rec-float32-2seg')
    const first = await load(fixture('si-rec-float32-2seg'))
    checkCase(first, e, 0, 0)
    expect(first.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_SEGMENTS'])
    expect(first.rawData?.data).toBeInstanceOf(Float32Array)
    expect(first.metadata).toMatchObject({ channel_ids: ['A1', 'A2', 'A3'], num_segments: 2, segment_index: 0, dtype: '<f4', fs_Hz: 20000, num_samples: 1500 })
    for (let i = 0; i < e.segments[1].cases.length; i++) {
      const { threshold_sigma, direction, hysteresis } = e.segments[1].cases[i].case
      const sd = await load(fixture('si-rec-float32-2seg'), { segmentIndex: 1, thresholdSigma: threshold_sigma, direction, hysteresis })
      checkCase(sd, e, 1, i)
      expect(sd.warnings).toEqual([])
      expect(sd.metadata).toMatchObject({ segment_index: 1, num_samples: 1200 })
    }
    await expect(load(fixture('si-rec-float32-2seg'), { segmentIndex: 2 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'segmentIndex', received: 2 })
  })

  it('loads from a memoryFolder (the browser path), time_axis 1 and a file_offset alike', async () => {
    const files = filesOf('si-rec-int16')
    const mem = await load(memoryFolder(files, 'rec'))
    checkCase(mem, e16, 0, 0)
    expect(mem.metadata.source_folder).toBe('rec')
    // The same traces stored channels x samples (time_axis 1) behind a 16-byte header.
    const raw = new Int16Array(files['traces_cached_seg0.raw'].slice().buffer)
    const t = new Int16Array(raw.length)
    for (let s = 0; s < 2000; s++) for (let c = 0; c < 4; c++) t[c * 2000 + s] = raw[s * 4 + c]
    const shifted = new Uint8Array(16 + t.byteLength)
    shifted.set(new Uint8Array(t.buffer), 16)
    const moved = withKwargs({ ...files, 'traces_cached_seg0.raw': shifted }, { time_axis: 1, file_offset: 16 })
    checkCase(await load(memoryFolder(moved, 'rec')), e16, 0, 0)
  })

  it('reads a segment larger than one read window (several chunks, odd file_offset, both time axes) value for value', async () => {
    const channels = 3
    const samples = 800_001 // 4.8 MB of int16: two 4 MiB windows, the split inside a sample row
    const value = (s: number, c: number) => ((s * 7 + c * 13) % 30001) - 15000
    for (const timeAxis of [0, 1]) {
      const offset = 3 // misaligned: the reader copies before viewing
      const bytes = new Uint8Array(offset + channels * samples * 2)
      const view = new DataView(bytes.buffer)
      for (let s = 0; s < samples; s++) {
        for (let c = 0; c < channels; c++) view.setInt16(offset + 2 * (timeAxis === 0 ? s * channels + c : c * samples + s), value(s, c), true)
      }
      const binary = { class: 'spikeinterface.core.binaryrecordingextractor.BinaryRecordingExtractor', module: 'spikeinterface', relative_paths: true, kwargs: { file_paths: ['traces_cached_seg0.raw'], sampling_frequency: 30000, num_channels: channels, dtype: '<i2', channel_ids: null, time_axis: timeAxis, file_offset: offset } }
      const progress: number[] = []
      const sd = (await loadSpikeData(memoryFolder({ 'binary.json': JSON.stringify(binary), 'traces_cached_seg0.raw': bytes }, 'big'), {
        container: makeContainer(),
        onProgress: (p) => progress.push(p.loaded),
      })) as Loaded
      const data = sd.rawData!.data
      expect(sd.rawData!.shape).toEqual([channels, samples])
      let mismatches = 0
      for (let c = 0; c < channels; c++) for (let s = 0; s < samples; s++) if (data[c * samples + s] !== value(s, c)) mismatches++
      expect(mismatches).toBe(0)
      expect(sd.metadata.channel_ids).toEqual([0, 1, 2])
      expect(progress.length).toBeGreaterThanOrEqual(2)
    }
  })

  it('filters when asked (Butterworth), keeping the rate check', async () => {
    const sd = await load(fixture('si-rec-int16'), { filter: true })
    expect(sd.rawData?.data).toBeInstanceOf(Float64Array)
    expect(sd.N).toBe(4)
    await expect(load(fixture('si-rec-int16'), { filter: { lowcut: 300, highcut: 20000 } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'filter' })
  })

  it('a square trace matrix warns about its orientation', async () => {
    const files = filesOf('si-rec-int16')
    const square = withKwargs({ ...files, 'traces_cached_seg0.raw': files['traces_cached_seg0.raw'].slice(0, 4 * 4 * 2) }, {})
    const sd = await load(memoryFolder(square, 'sq'), {}, 'spikeinterface-recording')
    expect(sd.warnings.map((w) => w.code)).toContain('SPIKES_WARN_AMBIGUOUS_ORIENTATION')
  })
})

describe('spikeinterface-recording: detection', () => {
  const folderProbe = (files: string[], folders: string[] = []) => ({ kind: 'folder' as const, name: 'x', files, folders, source: memoryFolder({}) })
  it('claims binary recording folders only, and the sorting loader does not claim them', () => {
    const rec = ['binary.json', 'traces_cached_seg0.raw', 'si_folder.json', 'probe.json']
    expect(detectSpikeinterfaceRecording(folderProbe(rec, ['properties'])).confidence).toBe(90)
    expect(detectSpikeinterfaceRecording(folderProbe(['binary.json', 'si_folder.json'])).confidence).toBe(40)
    expect(detectSpikeinterfaceFolder(folderProbe(rec, ['properties'])).confidence).toBe(0)
    expect(detectSpikeinterfaceRecording(folderProbe(['numpysorting_info.json', 'spikes.npy', 'si_folder.json'], ['properties'])).confidence).toBe(0)
    expect(detectSpikeinterfaceRecording(folderProbe(['npz.json', 'sorting_cached.npz'])).confidence).toBe(0)
    expect(detectSpikeinterfaceRecording(folderProbe(['spikeinterface_info.json', 'recording.json'], ['sorting'])).confidence).toBe(0)
    expect(detectSpikeinterfaceRecording(folderProbe(['spike_times.npy', 'spike_clusters.npy', 'params.py', 'temp_wh.dat'])).confidence).toBe(0)
    expect(detectSpikeinterfaceRecording(folderProbe(['traces_cached_seg0.raw'])).confidence).toBe(0)
    expect(detectSpikeinterfaceRecording({ kind: 'file', name: 'binary.json', extension: 'json', size: 2, head: new Uint8Array(2), source: memoryFolder({}) } as never).confidence).toBe(0)
  })
  it('auto-detection keeps sorting folders on spikeinterface', async () => {
    const sd = await load(fixture('si-numpy-int'))
    expect((sd.metadata.provenance as { format: string }).format).toBe('spikeinterface')
    expect(spikeinterfaceRecordingLoader.version).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version)
    expect(spikeinterfaceRecordingLoader.id).toBe('spikeinterface-recording')
  })
})

describe('spikeinterface-recording: options', () => {
  it('validates every option before any I/O', async () => {
    const missing = '/nonexistent/folder/never/read'
    const bad: [Record<string, unknown>, string][] = [
      [{ threshold: 5 }, 'threshold'],
      [{ segmentIndex: -1 }, 'segmentIndex'],
      [{ segmentIndex: 1.5 }, 'segmentIndex'],
      [{ thresholdSigma: 0 }, 'thresholdSigma'],
      [{ thresholdSigma: '5' }, 'thresholdSigma'],
      [{ hysteresis: 'yes' }, 'hysteresis'],
      [{ direction: 'left' }, 'direction'],
      [{ filter: 'bandpass' }, 'filter'],
      [{ filter: { lowcut: 300, band: 2 } }, 'filter'],
      [{ filter: { lowcut: -1 } }, 'filter.lowcut'],
      [{ filter: { order: 2.5 } }, 'filter.order'],
      [{ maxBytes: 0 }, 'maxBytes'],
    ]
    for (const [options, argument] of bad) {
      expect(() => spikeinterfaceRecordingLoader.parseOptions(options)).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument }))
      await expect(load(missing, options, 'spikeinterface-recording')).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    }
    expect(spikeinterfaceRecordingLoader.parseOptions(undefined)).toEqual({ maxBytes: 1024 * 1024 * 1024 })
  })
  it('refuses traces beyond maxBytes before reading them, naming the numbers', async () => {
    const error = await load(fixture('si-rec-int16'), { maxBytes: 15999 }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SPIKES_LIMIT_EXCEEDED', option: 'maxBytes', limit: 15999, actual: 16000 })
    expect((error as Error).message).toContain('16000')
    await expect(load(fixture('si-rec-int16'), { maxBytes: 16000 })).resolves.toBeDefined()
    // A filter needs a float64 copy as well: 16000 + 64000 bytes.
    await expect(load(fixture('si-rec-int16'), { maxBytes: 79999, filter: true })).rejects.toMatchObject({ option: 'maxBytes', actual: 80000 })
  })
})

describe('spikeinterface-recording: bad input gives typed errors', () => {
  const files = filesOf('si-rec-int16')
  const run = (f: Record<string, Uint8Array | string>, options: Record<string, unknown> = {}) => load(memoryFolder(f, 'mem'), options, 'spikeinterface-recording')

  it('a truncated or mismatched traces file', async () => {
    const raw = files['traces_cached_seg0.raw']
    const error = await run({ ...files, 'traces_cached_seg0.raw': raw.slice(0, raw.length - 3) }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'traces_cached_seg0.raw', size: 15997, numChannels: 4, itemsize: 2, bytesPerSample: 8, remainder: 5 })
    expect((error as Error).message).toMatch(/1999 samples and 5 bytes left over/)
    await expect(run(withKwargs(files, { num_channels: 3, channel_ids: null }))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', bytesPerSample: 6 })
    await expect(run(withKwargs(files, { file_offset: 20000 }))).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', fileOffset: 20000, size: 16000 })
  })

  it('unsupported dtypes and time axes', async () => {
    for (const dtype of ['>i2', '<f2', 'float16', '|b1', '<c8', 'object']) {
      await expect(run(withKwargs(files, { dtype }))).rejects.toMatchObject({ code: 'SPIKES_UNSUPPORTED', feature: 'dtype', dtype })
    }
    await expect(run(withKwargs(files, { dtype: 16 }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'dtype' })
    await expect(run(withKwargs(files, { time_axis: 2 }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'time_axis' })
  })

  it('malformed or foreign binary.json', async () => {
    await expect(run({ ...files, 'binary.json': '{"class": ' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', file: 'binary.json' })
    await expect(run({ ...files, 'binary.json': '[1, 2]' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'binary.json' })
    await expect(run(withKwargs(files, {}, { class: 'spikeinterface.core.zarrextractors.ZarrRecordingExtractor' }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'class' })
    await expect(run(withKwargs(files, { num_channels: undefined }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'num_channels' })
    await expect(run(withKwargs(files, { num_channels: 0 }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'num_channels' })
    await expect(run(withKwargs(files, { sampling_frequency: -1 }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'sampling_frequency' })
    await expect(run(withKwargs(files, { file_paths: [] }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'file_paths' })
    await expect(run(withKwargs(files, { channel_ids: [0, 1] }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'channel_ids', ids: 2, channels: 4 })
    await expect(run(withKwargs(files, { file_offset: -4 }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'file_offset' })
  })

  it('older num_chan, absolute file paths, and missing files', async () => {
    const older = withKwargs(files, { num_channels: undefined, num_chan: 4, file_paths: ['/old/machine/rec/traces_cached_seg0.raw'] }, { relative_paths: false })
    checkCase(await run(older), expectedRec('si-rec-int16'), 0, 0)
    const { 'traces_cached_seg0.raw': _raw, ...noTraces } = files
    await expect(run(noTraces)).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'traces_cached_seg0.raw' })
    const { 'binary.json': _json, ...noJson } = files
    await expect(run(noJson)).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'binary.json' })
  })

  it('a file given instead of the folder', async () => {
    await expect(load(fixture('si-rec-int16/traces_cached_seg0.raw'), {}, 'spikeinterface-recording')).rejects.toMatchObject({ code: 'SPIKES_INVALID_SOURCE', expected: 'folder', got: 'file' })
  })
})
