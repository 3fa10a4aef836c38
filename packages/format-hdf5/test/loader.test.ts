import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData, SelectionRequiredError, type SpikeData, type SpikesWarning } from '@spikes/core'
import '@spikes/core/node'
import { loadH5wasm } from '@spikes/hdf5'
import { hdf5Loader, registerHdf5 } from '../src/index.js'

// Every file here is written at test time with h5wasm's writer (see `write`), so the tests need no
// committed binaries; expected values are the literals written.
type Entry = { data: Float64Array | Int32Array | Int16Array | BigInt64Array | Uint8Array; dtype: string; shape?: number[]; attrs?: Record<string, unknown> }
let dir: string
const c = container.createChildContainer()
registerHdf5(c)

async function write(name: string, entries: Record<string, Entry | 'group'>, rootAttrs: Record<string, unknown> = {}): Promise<string> {
  const h5 = await loadH5wasm()
  const path = join(dir, name)
  const f = new h5.File(path, 'w')
  try {
    for (const [key, e] of Object.entries(entries)) {
      if (e === 'group') f.create_group(key)
      else {
        const ds = f.create_dataset({ name: key, data: e.data, dtype: e.dtype, shape: e.shape })
        for (const [k, v] of Object.entries(e.attrs ?? {})) ds.create_attribute(k, v as never)
      }
    }
    for (const [k, v] of Object.entries(rootAttrs)) f.create_attribute(k, v as never)
  } finally {
    f.close()
  }
  return path
}

async function load(path: string | Uint8Array, options: Record<string, unknown> = {}): Promise<{ sd: SpikeData; warnings: SpikesWarning[] }> {
  const warnings: SpikesWarning[] = []
  const sd = await loadSpikeData(typeof path === 'string' ? path : bytesSource(path, 'mem.h5'), { format: 'hdf5', container: c, options, onWarning: (w) => warnings.push(w) })
  return { sd, warnings }
}

const f64 = (...v: number[]) => Float64Array.from(v)
const i64 = (...v: number[]) => BigInt64Array.from(v.map(BigInt))
const trains = (sd: SpikeData) => sd.trains.map((t) => [...t])

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spikes-format-hdf5-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('auto-detection (no layout option)', () => {
  it('loads a ragged file and says why', async () => {
    const path = await write('ragged.h5', { spike_times: { data: f64(0.5, 0.1, 0.2), dtype: '<d' }, spike_times_index: { data: i64(2, 3), dtype: '<q' } })
    const { sd, warnings } = await load(path)
    expect(trains(sd)).toEqual([[100, 500], [200]])
    expect(sd.lengthMs).toBe(500.00000000000006)
    expect(warnings).toEqual([expect.objectContaining({ code: 'SPIKES_WARN_LAYOUT_DETECTED', details: { layout: 'ragged', options: { spikeTimesDataset: '/spike_times', spikeTimesIndexDataset: '/spike_times_index' } } })])
  })

  it('reads the unit from a unit attribute when the caller gives none', async () => {
    const path = await write('ragged-ms.h5', { st: { data: f64(5, 7), dtype: '<d', attrs: { unit: 'ms' } }, sti: { data: i64(0, 2), dtype: '<q' } })
    expect(trains((await load(path)).sd)).toEqual([[5, 7]])
    expect(trains((await load(path, { spikeTimesUnit: 's' })).sd)).toEqual([[5000, 7000]])
  })

  it('loads a paired file', async () => {
    const path = await write('paired.h5', { idces: { data: Int32Array.of(1, 0, 1), dtype: '<i' }, times: { data: f64(0.003, 0.001, 0.002), dtype: '<d' } })
    const { sd, warnings } = await load(path)
    expect(trains(sd)).toEqual([[1], [2, 3]])
    expect(warnings[0].details).toMatchObject({ layout: 'paired' })
  })

  it('loads a group-per-unit file in natural order (named and structural)', async () => {
    for (const group of ['units', 'my_cells']) {
      const path = await write(`group-${group}.h5`, {
        [group]: 'group',
        [`${group}/10`]: { data: f64(0.01), dtype: '<d' },
        [`${group}/2`]: { data: f64(0.002), dtype: '<d' },
        [`${group}/1`]: { data: f64(0.001, 0.0015), dtype: '<d' },
      })
      const { sd, warnings } = await load(path)
      expect(trains(sd)).toEqual([[1, 1.5], [2], [10]])
      expect(warnings[0].details).toMatchObject({ layout: 'group', options: { groupPerUnit: `/${group}` } })
    }
  })

  it('loads a raster, taking the bin size from an attribute or the option', async () => {
    const counts = { data: Int32Array.of(1, 0, 2, 0, 1, 0), dtype: '<i', shape: [2, 3] }
    const withAttr = await write('raster-attr.h5', { raster: { ...counts, attrs: { bin_size_ms: 10 } } })
    const a = await load(withAttr)
    expect(trains(a.sd)).toEqual([[5, 23.333333333333332, 26.666666666666668], [15]])
    expect(a.warnings[0].details).toMatchObject({ layout: 'raster' })
    const structural = await write('raster-plain.h5', { m: counts })
    await expect(load(structural)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'rasterBinSizeMs' })
    const b = await load(structural, { rasterBinSizeMs: 10 })
    expect(b.sd.N).toBe(2)
    expect(b.sd.lengthMs).toBe(29.999999999999996)
  })

  it('lists the candidates when several layouts fit', async () => {
    const path = await write('ambiguous.h5', {
      spike_times: { data: f64(0.1), dtype: '<d' },
      spike_times_index: { data: i64(1), dtype: '<q' },
      idces: { data: Int32Array.of(0), dtype: '<i' },
      times: { data: f64(0.2), dtype: '<d' },
    })
    await expect(load(path)).rejects.toMatchObject({
      code: 'SPIKES_SELECTION_REQUIRED',
      available: ['ragged: /spike_times + /spike_times_index', 'paired: /idces + /times'],
    })
  })

  it('lists the datasets when no layout fits', async () => {
    const path = await write('none.h5', { x: { data: f64(1, 2, 3), dtype: '<d' }, y: { data: f64(1), dtype: '<d' } })
    await expect(load(path)).rejects.toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', available: ['/x', '/y'] })
  })

  // The hints are what `spikes load` prints as flags: each must be an option the loaders take, with a value that works.
  it('points raw traces with no spike layout at hdf5-threshold, not at a made-up option', async () => {
    const path = await write('traces-only.h5', { traces: { data: f64(0.5, -1.5, 2, 0.25, -0.5, 1), dtype: '<d', shape: [2, 3] } })
    const err = (await load(path).catch((e: unknown) => e)) as SelectionRequiredError
    expect(err).toBeInstanceOf(SelectionRequiredError)
    expect(err).toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', available: ['/traces'] })
    expect(err.hints).toEqual([
      { kind: 'load-option', option: 'format', example: 'hdf5-threshold', why: "to detect spikes by thresholding the raw traces in /traces (with the options dataset: '/traces' and fsHz)" },
      { kind: 'text', text: 'Or name the spike datasets of one layout: rasterDataset (with rasterBinSizeMs), spikeTimesDataset with spikeTimesIndexDataset, groupPerUnit, or idcesDataset with timesDataset.' },
    ])
    expect(err.message).not.toContain('|')
  })

  it('hints each candidate layout with all of its options when several fit', async () => {
    const path = await write('ambiguous-hints.h5', {
      spike_times: { data: f64(0.1), dtype: '<d' },
      spike_times_index: { data: i64(1), dtype: '<q' },
      idces: { data: Int32Array.of(0), dtype: '<i' },
      times: { data: f64(0.2), dtype: '<d' },
    })
    const err = (await load(path).catch((e: unknown) => e)) as SelectionRequiredError
    expect(err).toBeInstanceOf(SelectionRequiredError)
    expect(err.hints).toEqual([
      {
        kind: 'text',
        text: 'Choose one layout by passing all of its options (CLI: --options \'<json>\'): {"spikeTimesDataset":"/spike_times","spikeTimesIndexDataset":"/spike_times_index"} for ragged, or {"idcesDataset":"/idces","timesDataset":"/times"} for paired.',
      },
    ])
    expect(err.message).not.toContain('ragged: /spike_times + /spike_times_index\' }')
  })

  it('hints a one-option layout as that option when every candidate is one', async () => {
    const path = await write('two-rasters.h5', {
      raster_a: { data: Int32Array.of(1, 0, 0, 1), dtype: '<i', shape: [2, 2] },
      raster_b: { data: Int32Array.of(0, 1, 1, 0), dtype: '<i', shape: [2, 2] },
    })
    const err = (await load(path, { rasterBinSizeMs: 1 }).catch((e: unknown) => e)) as SelectionRequiredError
    expect(err).toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'rasterDataset', available: ['raster: /raster_a', 'raster: /raster_b'] })
    expect(err.hints).toEqual([{ kind: 'option', option: 'rasterDataset', example: '/raster_a', why: 'to choose one (or /raster_b)' }])
  })
})

describe('explicit layouts and bad input', () => {
  it('keeps raw traces in their stored type; 1-D raw is one channel', async () => {
    const path = await write('raw.h5', {
      idces: { data: Int32Array.of(0), dtype: '<i' },
      times: { data: f64(0.001), dtype: '<d' },
      raw: { data: Int16Array.of(1, -2, 3, 4), dtype: '<h' },
      raw_t: { data: i64(0, 1, 2, 3), dtype: '<q' },
    })
    const { sd } = await load(path, { idcesDataset: 'idces', timesDataset: 'times', rawDataset: 'raw', rawTimeDataset: 'raw_t', rawTimeUnit: 'samples', fsHz: 1000 })
    expect(sd.rawData?.shape).toEqual([1, 4])
    expect(sd.rawData?.data).toBeInstanceOf(Int16Array)
    expect([...sd.rawTimeMs!]).toEqual([0, 1, 2, 3])
  })

  it('reads bytes without a path', async () => {
    const path = await write('bytes.h5', { spike_times: { data: f64(0.5), dtype: '<d' }, spike_times_index: { data: i64(1), dtype: '<q' } })
    const { sd } = await load(new Uint8Array(readFileSync(path)), { spikeTimesDataset: 'spike_times', spikeTimesIndexDataset: 'spike_times_index' })
    expect(trains(sd)).toEqual([[500]])
  })

  it('gives typed errors for wrong ranks, types and names', async () => {
    const path = await write('bad.h5', {
      matrix: { data: f64(1, 2, 3, 4), dtype: '<d', shape: [2, 2] },
      idx: { data: i64(2), dtype: '<q' },
      flat: { data: f64(1, 2), dtype: '<d' },
      neg: { data: i64(-1, 2), dtype: '<q' },
    })
    await expect(load(path, { spikeTimesDataset: 'matrix', spikeTimesIndexDataset: 'idx' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', shape: [2, 2] })
    await expect(load(path, { spikeTimesDataset: 'flat', spikeTimesIndexDataset: 'neg' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(load(path, { spikeTimesDataset: 'flat', spikeTimesIndexDataset: 'index' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: '/index', nearby: ['/flat', '/idx', '/matrix', '/neg'] })
    await expect(load(path, { groupPerUnit: 'flat' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(load(path, { rasterDataset: 'flat', rasterBinSizeMs: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    await expect(load(path, { spikeTimesDataset: 'flat', spikeTimesIndexDataset: 'idx', spikeTimesUnit: 'samples' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
    await expect(load(path, { spikeTimesDatset: 'flat' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'spikeTimesDatset' })
  })

  it('gives typed errors for non-HDF5 and truncated files', async () => {
    const text = join(dir, 'text.h5')
    writeFileSync(text, 'spike_times,unit\n1,2\n')
    await expect(load(text, { spikeTimesDataset: 'a', spikeTimesIndexDataset: 'b' })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
    const path = await write('whole.h5', { spike_times: { data: new Float64Array(2000), dtype: '<d' }, spike_times_index: { data: i64(2000), dtype: '<q' } })
    const bytes = readFileSync(path)
    const cut = join(dir, 'cut.h5')
    writeFileSync(cut, bytes.subarray(0, bytes.length - 3000))
    await expect(load(cut)).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })
})

describe('detect', () => {
  const probe = (head: Uint8Array, name = 'x.h5') => ({ kind: 'file' as const, name, extension: name.split('.').pop()!, size: head.length, head, source: bytesSource(head) })
  it('answers 60 for the HDF5 signature at 0 or after a user block', () => {
    const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]
    expect(hdf5Loader.detect(probe(Uint8Array.from([...sig, 0, 0]))) as { confidence: number }).toMatchObject({ confidence: 60 })
    const ub = new Uint8Array(2048)
    ub.set(sig, 1024)
    expect(hdf5Loader.detect(probe(ub, 'data.bin'))).toMatchObject({ confidence: 60 })
    expect(hdf5Loader.detect(probe(new Uint8Array(100)))).toMatchObject({ confidence: 0 })
  })
})
