import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData, SPIKE_LOADER, type Progress, type SpikeData, type SpikesWarning } from '@spikes/core'
import '@spikes/core/node'
import { CORPUS_DIR, IN_CI } from '@spikes/testing'
import { loadH5wasm } from '@spikes/hdf5'
import { hdf5ThresholdLoader } from '../src/index.js'
import { populationStd } from '@spikes/dsp'

const c = container.createChildContainer()
c.register(SPIKE_LOADER, { useValue: hdf5ThresholdLoader })
let dir: string

type Entry = { data: ArrayLike<number | bigint>; dtype: string; shape?: number[] }

// Files are written at test time with h5wasm; the expected values are the literals written.
async function write(name: string, entries: Record<string, Entry>, rootAttrs: Record<string, unknown> = {}): Promise<string> {
  const h5 = await loadH5wasm()
  const path = join(dir, name)
  const f = new h5.File(path, 'w')
  try {
    for (const [key, e] of Object.entries(entries)) f.create_dataset({ name: key, data: e.data as never, dtype: e.dtype, shape: e.shape })
    for (const [k, v] of Object.entries(rootAttrs)) f.create_attribute(k, v as never)
  } finally {
    f.close()
  }
  return path
}

async function load(input: string | Uint8Array, options: Record<string, unknown>, extra: { signal?: AbortSignal } = {}) {
  const warnings: SpikesWarning[] = []
  const progress: Progress[] = []
  const sd: SpikeData = await loadSpikeData(typeof input === 'string' ? input : bytesSource(input, 'mem.h5'), {
    format: 'hdf5-threshold',
    container: c,
    options,
    onWarning: (w) => warnings.push(w),
    onProgress: (p) => progress.push(p),
    ...extra,
  })
  return { sd, warnings, progress }
}

/** Two channels x 400 samples of zeros with single-sample events (channel 1: at 100 and 250; channel 0: -50 at 300). */
function events(): Float64Array {
  const x = new Float64Array(800)
  x[400 + 100] = 60
  x[400 + 101] = 60
  x[400 + 250] = 70
  x[300] = -50
  return x
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spikes-thr-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('hdf5-threshold loader', () => {
  it('is never auto-detected', async () => {
    expect((await hdf5ThresholdLoader.detect({ kind: 'file', name: 'x.h5', extension: 'h5', size: 10, head: new Uint8Array([0x89, 0x48, 0x44, 0x46]), source: {} as never })).confidence).toBe(0)
  })

  it('keeps int16 traces as Int16Array without a filter and places spikes at sample centres', async () => {
    const path = await write('int16.h5', { traces: { data: Int16Array.from(events()), dtype: '<h', shape: [2, 400] } })
    const { sd, warnings } = await load(path, { dataset: 'traces', fsHz: 10000, filter: false, thresholdSigma: 4 })
    expect(warnings).toEqual([])
    expect(sd.rawData!.data).toBeInstanceOf(Int16Array)
    expect(sd.rawData!.shape).toEqual([2, 400])
    expect(Array.from(sd.train(0))).toEqual([300 * 0.1 + 0.05])
    expect(Array.from(sd.train(1))).toEqual([100 * 0.1 + 0.05, 250 * 0.1 + 0.05])
    expect(sd.lengthMs).toBe(400 * 0.1)
    expect(sd.rawTimeMs![3]).toBe(3 / 10)
    expect(sd.metadata.provenance).toMatchObject({ format: 'hdf5-threshold' })
  })

  it('filters float32, int16 and int64 traces into float64', async () => {
    const x = events()
    for (const [name, data, dtype] of [
      ['f4.h5', Float32Array.from(x), '<f'],
      ['i2.h5', Int16Array.from(x), '<h'],
      ['i8.h5', BigInt64Array.from(x, (v) => BigInt(v)), '<q'],
    ] as const) {
      const path = await write(name, { g: { data, dtype, shape: [2, 400] } })
      const { sd } = await load(path, { dataset: '/g', fsHz: 20000, filter: { lowcut: 300, highcut: 3000, order: 2 }, thresholdSigma: 4 })
      expect(sd.rawData!.data, name).toBeInstanceOf(Float64Array)
      expect(sd.train(1).length, name).toBeGreaterThanOrEqual(2)
    }
  })

  it('honours the file attributes length_ms and start_time', async () => {
    const path = await write('attrs.h5', { traces: { data: events(), dtype: '<d', shape: [2, 400] } }, { length_ms: 55, start_time: -5 })
    const { sd } = await load(path, { dataset: 'traces', fsHz: 10000, filter: false, thresholdSigma: 4 })
    expect(sd.lengthMs).toBe(55)
    expect(sd.startTimeMs).toBe(-5)
    expect(Array.from(sd.train(0))).toEqual([-5 + 300 * 0.1 + 0.05])
    expect(sd.rawTimeMs![0]).toBe(0)
  })

  // hdf5-threshold has no lengthMs option, so the advice must be about the attribute.
  it('blames a length_ms attribute that ends before a detected spike, and says how to fix it', async () => {
    const path = await write('short-length.h5', { traces: { data: events(), dtype: '<d', shape: [2, 400] } }, { length_ms: 20 })
    const err = await load(path, { dataset: 'traces', fsHz: 10000, filter: false, thresholdSigma: 4 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SPIKES_INVALID_DATA', attribute: 'length_ms', lengthMs: 20, spikeTimeMs: 30.05, tracesMs: 40 })
    const message = (err as Error).message
    expect(message).toContain("attribute 'length_ms' (20 ms)")
    expect(message).toContain('30.05 ms')
    expect(message).toContain('400 samples at 10000 Hz = 40 ms')
    expect(message).not.toContain('Pass a larger lengthMs')
  })

  // SpikeLab reads rows as channels; samples x channels data (NWB ElectricalSeries) would become thousands of 1-spike "units".
  it('warns when the dataset has more rows (channels) than columns (samples)', async () => {
    const data = new Float64Array(40 * 3)
    data[3 * 7 + 1] = 50
    const path = await write('tall.h5', { traces: { data, dtype: '<d', shape: [40, 3] } })
    const { sd, warnings } = await load(path, { dataset: 'traces', fsHz: 1000, filter: false, thresholdSigma: 0.5, hysteresis: false })
    expect(sd.N).toBe(40)
    const w = warnings.find((x) => x.code === 'SPIKES_WARN_TRACE_ORIENTATION')
    expect(w?.details).toMatchObject({ dataset: 'traces', channels: 40, samples: 3 })
    expect(w?.message).toContain('40 channels of 3 samples')
    const square = await write('square.h5', { traces: { data: new Float64Array(9).fill(1, 4, 5), dtype: '<d', shape: [3, 3] } })
    expect((await load(square, { dataset: 'traces', fsHz: 1000, filter: false })).warnings.map((x) => x.code)).not.toContain('SPIKES_WARN_TRACE_ORIENTATION')
  })

  it('reports zero detections once, as SPIKES_WARN_ZERO_SPIKES', async () => {
    const path = await write('zeros.h5', { traces: { data: new Float64Array(200), dtype: '<d', shape: [2, 100] } })
    const { sd, warnings } = await load(path, { dataset: 'traces', fsHz: 1000, filter: false })
    expect(sd.totalSpikes).toBe(0)
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_ZERO_SPIKES'])
    expect(sd.warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_ZERO_SPIKES'])
  })

  it('reports read and threshold progress, and stops when aborted', async () => {
    const path = await write('progress.h5', { traces: { data: events(), dtype: '<d', shape: [2, 400] } })
    const { progress } = await load(path, { dataset: 'traces', fsHz: 10000, filter: false })
    expect(progress.some((p) => p.phase === 'read' && p.unit === 'bytes')).toBe(true)
    expect(progress.filter((p) => p.phase === 'threshold').map((p) => p.loaded)).toEqual([1, 2])
    const ac = new AbortController()
    ac.abort()
    await expect(load(path, { dataset: 'traces', fsHz: 10000, filter: false }, { signal: ac.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('validates every option before reading the file', async () => {
    const notHdf5 = new Uint8Array(64) // would fail as SPIKES_CORRUPT_FILE if it were opened
    const bad = async (options: Record<string, unknown>, argument: string) =>
      expect(load(notHdf5, options)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument })
    await bad({ dataset: 'traces' }, 'fsHz')
    await bad({ dataset: 'traces', fsHz: 0 }, 'fsHz')
    await bad({ dataset: 'traces', fsHz: NaN }, 'fsHz')
    await bad({ fsHz: 20000 }, 'dataset')
    await bad({ dataset: '', fsHz: 20000 }, 'dataset')
    await bad({ dataset: 'traces', fs_Hz: 0 }, 'fs_Hz')
    // SpikeLab's snake_case name is an alias: the options pass and the (non-HDF5) bytes are opened.
    await expect(load(notHdf5, { dataset: 'traces', fs_Hz: 20000 })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    await bad({ dataset: 'traces', fsHz: 1000, filter: false, direction: 'sideways' }, 'direction')
    await bad({ dataset: 'traces', fsHz: 20000, filter: { lowcut: 6000, highcut: 300 } }, 'filter')
    await bad({ dataset: 'traces', fsHz: 10000 }, 'filter')
    await bad({ dataset: 'traces', fsHz: 20000, filter: { lowcut: 300, order: -1 } }, 'filter.order')
    await bad({ dataset: 'traces', fsHz: 20000, hysteresis: 1 }, 'hysteresis')
    await expect(load(notHdf5, { dataset: 'traces', fsHz: 20000 })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })

  it('names a missing dataset and rejects traces that are not 2-D', async () => {
    const path = await write('shapes.h5', { one: { data: new Float64Array(10), dtype: '<d' }, traces: { data: new Float64Array(20), dtype: '<d', shape: [2, 10] } })
    await expect(load(path, { dataset: 'nope', fsHz: 1000, filter: false })).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: expect.stringContaining('nope') })
    await expect(load(path, { dataset: 'one', fsHz: 1000, filter: false })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', dataset: 'one' })
    // Ten samples cannot be filtered forward-backward with a 21-sample padding.
    await expect(load(path, { dataset: 'traces', fsHz: 20000 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', padlen: 21 })
  })
})

describe('corpus thr_* aux: per-channel thresholds', () => {
  const cases = existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).filter((n) => n.startsWith('thr_')) : []
  if (!cases.length) {
    if (IN_CI) it('the corpus is present', () => expect(existsSync(CORPUS_DIR)).toBe(true))
    else it.skip(`corpus not found at ${CORPUS_DIR}`, () => {})
    return
  }
  for (const name of cases) {
    const expected = JSON.parse(readFileSync(join(CORPUS_DIR, name, 'expected.json'), 'utf8'))
    const want: number[] | undefined = expected.aux?.threshold_per_channel
    if (!expected.ok || !want) continue
    it(`${name}: thresholdSigma x std of each (filtered) channel within 1e-12 relative`, async () => {
      const a = expected.args
      const options = Object.fromEntries(Object.entries({ dataset: a.dataset, fsHz: a.fs_Hz, thresholdSigma: a.threshold_sigma, filter: a.filter, hysteresis: a.hysteresis, direction: a.direction }).filter(([, v]) => v !== undefined))
      const { sd } = await load(join(CORPUS_DIR, name, a.filepath), options)
      const [channels, samples] = sd.rawData!.shape
      const sigma = a.threshold_sigma ?? 5
      for (let ch = 0; ch < channels; ch++) {
        const got = sigma * populationStd(sd.rawData!.data, ch * samples, samples)
        const w = want[ch]
        expect(got === w || Math.abs(got - w) <= 1e-12 * Math.abs(w), `channel ${ch}: ${got} vs ${w}`).toBe(true)
      }
    })
  }
})
