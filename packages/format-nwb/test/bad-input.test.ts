import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bytesSource, container, loadSpikeData, probeSource, type SpikeData, type SpikesWarning } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { CORPUS_DIR, sharedAvailable } from '@spikes/testing'
import { writeHdf5, h5, type H5NodeSpec } from '@spikes/hdf5/write'
import { nwbLoader, registerNwb } from '../src/index.js'

const c = container.createChildContainer()
registerNwb(c)

const ROOT_ATTRS = { namespace: 'core', neurodata_type: 'NWBFile', nwb_version: '2.6.0' }
const table = (attrs: Record<string, string> = {}) => ({ namespace: 'core', neurodata_type: 'Units', ...attrs })

/** A small NWB-shaped file built in memory with the writer (no binary fixtures in the repository). */
function nwb(children: Record<string, H5NodeSpec>): Promise<Uint8Array> {
  return writeHdf5(h5.group({ identifier: h5.dataset('bad-input'), ...children }, ROOT_ATTRS)) as Promise<Uint8Array>
}

function units(cols: Record<string, H5NodeSpec>, attrs: Record<string, string> = {}): H5NodeSpec {
  return h5.group(cols, table(attrs))
}

const i64 = (values: number[]) => BigInt64Array.from(values, BigInt)

async function load(bytes: Uint8Array, options: Record<string, unknown> = {}): Promise<{ sd: SpikeData; warnings: SpikesWarning[] }> {
  const warnings: SpikesWarning[] = []
  const sd = await loadSpikeData(bytes, { format: 'nwb', options, container: c, onWarning: (w) => warnings.push(w) })
  return { sd, warnings }
}

async function failure(bytes: Uint8Array, options: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  try {
    await load(bytes, options)
  } catch (error) {
    return error as Record<string, unknown>
  }
  throw new Error('loaded but was expected to fail')
}

const basic = () =>
  units({
    id: h5.dataset(i64([0, 1])),
    spike_times: h5.dataset(Float64Array.of(0.1, 0.2, 0.3)),
    spike_times_index: h5.dataset(i64([2, 3])),
  })

describe('bad and unusual NWB input', () => {
  it('reports truncated files as SPIKES_CORRUPT_FILE, never a crash', async () => {
    const bytes = await nwb({ units: basic() })
    for (const keep of [40, 600, Math.floor(bytes.length * 0.6), bytes.length - 10]) {
      const error = await failure(bytes.slice(0, keep))
      expect(String(error.code), `kept ${keep} bytes`).toMatch(/^SPIKES_(CORRUPT_FILE|MISSING_ENTRY|INVALID_DATA)$/)
    }
    if (sharedAvailable(CORPUS_DIR)) {
      const real = readFileSync(join(CORPUS_DIR, 'nwb_genuine_pynwb_basic', 'data.nwb'))
      const error = await failure(new Uint8Array(real.subarray(0, real.length >> 1)))
      expect(String(error.code)).toMatch(/^SPIKES_/)
    }
  })

  it('refuses an index past the end of spike_times', async () => {
    const bytes = await nwb({ units: units({ id: h5.dataset(i64([0, 1])), spike_times: h5.dataset(Float64Array.of(0.1, 0.2, 0.3)), spike_times_index: h5.dataset(i64([2, 5])) }) })
    expect(await failure(bytes)).toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('refuses a float index and a decreasing index', async () => {
    const float = await nwb({ units: units({ id: h5.dataset(i64([0])), spike_times: h5.dataset(Float64Array.of(0.1)), spike_times_index: h5.dataset(Float64Array.of(1)) }) })
    expect(await failure(float)).toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    const down = await nwb({ units: units({ id: h5.dataset(i64([0, 1])), spike_times: h5.dataset(Float64Array.of(0.1, 0.2)), spike_times_index: h5.dataset(i64([2, 1])) }) })
    expect(await failure(down)).toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('sorts unsorted trains and infers the length from the true maximum (DEVIATIONS D1)', async () => {
    const bytes = await nwb({ units: units({ id: h5.dataset(i64([4])), spike_times: h5.dataset(Float64Array.of(0.3, 0.1, 0.2)), spike_times_index: h5.dataset(i64([3])) }) })
    const { sd } = await load(bytes)
    expect(Array.from(sd.train(0))).toEqual([0.1 * 1e3, 0.2 * 1e3, 0.3 * 1e3])
    expect(sd.lengthMs).toBe(0.3 * 1e3 + spacing(0.3 * 1e3))
  })

  it('loads an empty Units table as N = 0', async () => {
    const bytes = await nwb({ units: units({ id: h5.dataset(i64([])), spike_times: h5.dataset(new Float64Array(0)), spike_times_index: h5.dataset(i64([])) }) })
    const { sd } = await load(bytes)
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
    expect(sd.metadata.unit_count).toBe(0)
  })

  it('keeps the raw value and warns when a region points to a missing electrode row', async () => {
    const bytes = await nwb({
      general: h5.group({
        extracellular_ephys: h5.group({
          electrodes: h5.group({ id: h5.dataset(i64([10, 11])), x: h5.dataset(Float64Array.of(1, 2)), location: h5.dataset(['CA1', 'CA3']) }, { neurodata_type: 'DynamicTable', namespace: 'hdmf-common' }),
        }),
      }),
      units: units({
        id: h5.dataset(i64([0, 1])),
        spike_times: h5.dataset(Float64Array.of(0.1, 0.2, 0.3)),
        spike_times_index: h5.dataset(i64([2, 3])),
        electrodes: h5.dataset(i64([1, 9]), { attrs: { neurodata_type: 'DynamicTableRegion', namespace: 'hdmf-common', table: h5.ref('/general/extracellular_ephys/electrodes') } }),
      }),
    })
    const { sd, warnings } = await load(bytes)
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, electrode: 11, location: [2], location_label: 'CA3' },
      { unit_id: 1, electrode: 9 },
    ])
    expect(warnings.map((w) => w.code)).toContain('SPIKES_WARN_NWB_ELECTRODE_ROW_MISSING')
    expect(sd.metadata.electrodes_by_channel).toEqual({ 0: { location: 'CA1', x: 1 }, 1: { location: 'CA3', x: 2 } })
  })

  it('refuses an electrodes_index whose length fits neither convention', async () => {
    const bytes = await nwb({
      units: units({
        id: h5.dataset(i64([0, 1])),
        spike_times: h5.dataset(Float64Array.of(0.1, 0.2, 0.3)),
        spike_times_index: h5.dataset(i64([2, 3])),
        electrodes: h5.dataset(i64([0, 1, 1, 0])),
        electrodes_index: h5.dataset(i64([1, 2, 3, 4])),
      }),
    })
    expect(await failure(bytes)).toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })

  it('chooses among several Units tables: /units, the unitsTable option, else SelectionRequiredError', async () => {
    const two = await nwb({ units: basic(), processing: h5.group({ ecephys: h5.group({ sorted: units({ id: h5.dataset(i64([5])), spike_times: h5.dataset(Float64Array.of(1)), spike_times_index: h5.dataset(i64([1])) }) }) }) })
    expect((await load(two)).sd.N).toBe(2)
    const other = await load(two, { unitsTable: '/processing/ecephys/sorted' })
    expect(other.sd.neuronAttributes).toEqual([{ unit_id: 5 }])
    const neither = await nwb({ acquisition: h5.group({ a: basic(), b: basic() }) })
    expect(await failure(neither)).toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'unitsTable', available: ['/acquisition/a', '/acquisition/b'] })
    expect(await failure(neither, { unitsTable: '/nowhere' })).toMatchObject({ code: 'SPIKES_MISSING_ENTRY' })
  })

  it('keeps integer-like text ids as numbers, other text as strings with a warning (DEVIATIONS D4)', async () => {
    const bytes = await nwb({ units: units({ id: h5.dataset(['7', 'x-1']), spike_times: h5.dataset(Float64Array.of(0.1, 0.2)), spike_times_index: h5.dataset(i64([1, 2])) }) })
    const { sd, warnings } = await load(bytes)
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual([7, 'x-1'])
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_NWB_UNIT_ID_NOT_INT'])
  })

  it('copies scalar columns, skips ragged ones unless asked, and keeps clashing names apart', async () => {
    const bytes = await nwb({
      units: units({
        id: h5.dataset(i64([0, 1])),
        spike_times: h5.dataset(Float64Array.of(0.1, 0.2, 0.3)),
        spike_times_index: h5.dataset(i64([2, 3])),
        quality: h5.dataset(['good', 'mua']),
        KSLabel: h5.dataset(['good', 'good']),
        amplitude: h5.dataset(Float32Array.of(1.5, 2.5)),
        location: h5.dataset(['x', 'y']),
        waveforms: h5.dataset(Float64Array.of(1, 2, 3)),
        waveforms_index: h5.dataset(i64([1, 3])),
      }),
    })
    const { sd } = await load(bytes)
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, quality: 'good', KSLabel: 'good', amplitude: 1.5, nwb_location: 'x' },
      { unit_id: 1, quality: 'mua', KSLabel: 'good', amplitude: 2.5, nwb_location: 'y' },
    ])
    const wave = await load(bytes, { columns: ['waveforms'] })
    expect(wave.sd.neuronAttributes).toEqual([
      { unit_id: 0, waveforms: [1] },
      { unit_id: 1, waveforms: [2, 3] },
    ])
    expect(await failure(bytes, { columns: ['nope'] })).toMatchObject({ code: 'SPIKES_MISSING_ENTRY' })
  })

  it('honours length_ms / start_time attributes and the lengthMs / startTimeMs options', async () => {
    const bytes = (await writeHdf5(h5.group({ units: basic() }, { ...ROOT_ATTRS, length_ms: 900, start_time: -5 }))) as Uint8Array
    expect((await load(bytes)).sd).toMatchObject({ lengthMs: 900, startTimeMs: -5 })
    expect((await load(bytes, { lengthMs: 1000, startTimeMs: 0 })).sd).toMatchObject({ lengthMs: 1000, startTimeMs: 0 })
  })

  it('honours an aborted signal and reports progress', async () => {
    const bytes = await nwb({ units: basic() })
    const controller = new AbortController()
    controller.abort()
    await expect(loadSpikeData(bytes, { format: 'nwb', container: c, signal: controller.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    const phases: string[] = []
    await loadSpikeData(bytes, { format: 'nwb', container: c, onProgress: (p) => phases.push(p.phase) })
    expect(phases).toContain('spike_times')
  })

  it('validates options before reading', async () => {
    const bytes = await nwb({ units: basic() })
    for (const options of [{ lengthMs: -1 }, { startTimeMs: 'x' }, { allowNoUnits: 1 }, { unitsTable: '' }, { columns: 'quality' }, { typo: 1 }]) {
      expect(await failure(bytes, options), JSON.stringify(options)).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
    }
    expect((await load(bytes, { preferPynwb: false })).sd.N).toBe(2)
  })

  it('detects NWB by content and leaves other files alone', async () => {
    const bytes = await nwb({ units: basic() })
    expect((await nwbLoader.detect(await probeSource(bytesSource(bytes)))).confidence).toBe(100)
    const plain = (await writeHdf5(h5.group({ data: h5.dataset(Float64Array.of(1)) }))) as Uint8Array
    expect((await nwbLoader.detect(await probeSource(bytesSource(plain)))).confidence).toBe(0)
    const spikelab = (await writeHdf5(h5.group({ units: h5.group({ spike_times: h5.dataset(Float64Array.of(1)), spike_times_index: h5.dataset(i64([1])) }) }))) as Uint8Array
    expect((await nwbLoader.detect(await probeSource(bytesSource(spikelab)))).confidence).toBe(80)
    expect((await nwbLoader.detect(await probeSource(bytesSource(new TextEncoder().encode('not hdf5'))))).confidence).toBe(0)
    expect((await nwbLoader.detect(await probeSource(bytesSource(bytes.slice(0, 100))))).confidence).toBeLessThanOrEqual(100)
  })
})
