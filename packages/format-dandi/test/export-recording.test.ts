import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportRecordingFromDandi } from '../src/index.js'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { generated, IN_CI, R, REAL } from '@spikes/testing/dandi'
import { readZarrArray, readZarrJson } from './support/read-zarr.js'

const fast = { backoffMs: 1, retries: 4 }

describe.runIf(REAL || IN_CI)('exportRecordingFromDandi: ElectricalSeries to a SpikeInterface Zarr store', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const rawcc = await generated('raw-cc')
  const emu = await startDandiEmulator({
    dandisets: {
      '000501': {
        assets: [
          { path: 'sub-001/sub-001_ses-1_ecephys.nwb', file: R.spikeglx },
          { path: 'aqnwb/exampleRecording.nwb', file: R.aqnwb },
          { path: 'gen/raw-cc.nwb', file: rawcc.path },
          { path: 'units-only.nwb', file: R.pynapple },
        ],
      },
    },
  })
  const id = (path: string) => emu.asset(path).assetId
  const api = { apiBase: emu.apiBase, ...fast }
  let dir = ''
  afterAll(() => emu.close())
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'spikes-dandi-zarr-'))
    await emu.setFaults([])
    await emu.clearLog()
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes the real SpikeGLX LF series (chunked gzip in the NWB) in SpikeInterface layout', async () => {
    const dest = join(dir, 'rec.zarr')
    const result = await exportRecordingFromDandi(id('sub-001/sub-001_ses-1_ecephys.nwb'), dest, { ...api, dandisetId: '000501', chunkSamples: 3000 })
    expect(result).toMatchObject({
      format: 'spikeinterface_zarr',
      zarr_path: dest,
      recording_metadata_path: join(dest, 'recording_metadata.json'),
      dandi_asset_id: id('sub-001/sub-001_ses-1_ecephys.nwb'),
      dandi_dandiset_id: '000501',
      dandi_version: 'draft',
      electrical_series_path: '/acquisition/ElectricalSeriesLF',
      sampling_rate_hz: 2500,
      n_channels: 384,
      n_samples: 13163,
      duration_seconds: 13163 / 2500,
      dandi_transfer: { mode: 'range' },
    })
    expect(readZarrJson(dest, '.zgroup')).toEqual({ zarr_format: 2 })
    expect(readZarrJson(dest, '.zattrs')).toMatchObject({ sampling_frequency: 2500, num_segments: 1 })
    const meta = readZarrJson(dest, 'traces_seg0/.zarray')
    expect(meta).toMatchObject({ shape: [13163, 384], chunks: [3000, 384], dtype: '<i2', order: 'C', compressor: { id: 'zlib', level: 1 } })
    // h5py on acquisition/ElectricalSeriesLF/data: sum = -257441267, data[100, :5] = [-287, 14, -191, 15, -17],
    // data[-1, :3] = [-104, 17, -50]; data.attrs conversion = 9.375e-06, offset = 0.0, unit 'volts'.
    const traces = readZarrArray(dest, 'traces_seg0')
    const d = traces.data as Int16Array
    let sum = 0
    for (let i = 0; i < d.length; i++) sum += d[i]
    expect(sum).toBe(-257441267)
    expect(Array.from(d.subarray(100 * 384, 100 * 384 + 5))).toEqual([-287, 14, -191, 15, -17])
    expect(Array.from(d.subarray(13162 * 384, 13162 * 384 + 3))).toEqual([-104, 17, -50])
    expect(Array.from(readZarrArray(dest, 'channel_ids').data as BigInt64Array, Number)).toEqual(Array.from({ length: 384 }, (_, i) => i))
    expect(Array.from(readZarrArray(dest, 'properties/gain_to_uV').data as Float64Array)).toEqual(new Array(384).fill(9.375e-6 * 1 * 1e6))
    expect(Array.from(readZarrArray(dest, 'properties/offset_to_uV').data as Float64Array)).toEqual(new Array(384).fill(0))
    expect(existsSync(join(dest, 't_starts'))).toBe(false)
    expect(readZarrJson(dest, '.zmetadata').metadata['traces_seg0/.zarray']).toEqual(meta)
    const sidecar = readZarrJson(dest, 'recording_metadata.json')
    expect(sidecar).toMatchObject({ format: 'spikeinterface_zarr', n_channels: 384, n_samples: 13163, sampling_rate_hz: 2500, source_reference: `dandi://dandiarchive.org/dandisets/000501/versions/draft/assets/${id('sub-001/sub-001_ses-1_ecephys.nwb')}` })
    expect(readdirSync(dir)).toEqual(['rec.zarr'])
  })

  it('applies conversion, offset and channel_conversion as the NWB schema says', async () => {
    const raw = join(dir, 'raw.zarr')
    const scaled = join(dir, 'scaled.zarr')
    await exportRecordingFromDandi(id('gen/raw-cc.nwb'), raw, { ...api, chunkSamples: 4000 })
    await exportRecordingFromDandi(id('gen/raw-cc.nwb'), scaled, { ...api, chunkSamples: 4000, traces: 'scaled', compression: 'none' })
    const C = 6
    // make-nwb.mjs: value[t][c] = ((t*7 + c*131) % 2001) - 1000, conversion 2.5e-6 V, offset 1e-4 V,
    // channel_conversion[c] = 1 + c/8, starting_time 0.5 s at 1000 Hz, electrode ids 100 + c.
    const gain = Array.from({ length: C }, (_, c) => 2.5e-6 * (1 + c / 8) * 1e6)
    expect(Array.from(readZarrArray(raw, 'properties/gain_to_uV').data as Float64Array)).toEqual(gain)
    expect(Array.from(readZarrArray(raw, 'properties/offset_to_uV').data as Float64Array)).toEqual(new Array(C).fill(1e-4 * 1e6))
    expect(Array.from(readZarrArray(raw, 'channel_ids').data as BigInt64Array, Number)).toEqual([100, 101, 102, 103, 104, 105])
    expect(Array.from(readZarrArray(raw, 't_starts').data as Float64Array)).toEqual([0.5])
    const r = readZarrArray(raw, 'traces_seg0')
    expect(r.shape).toEqual([10007, C])
    const s = readZarrArray(scaled, 'traces_seg0')
    expect(s.dtype).toBe('<f4')
    for (const t of [0, 1, 3999, 4000, 10006]) {
      for (let c = 0; c < C; c++) {
        const v = (((t * 7 + c * 131) % 2001) - 1000)
        expect((r.data as Int16Array)[t * C + c]).toBe(v)
        expect((s.data as Float32Array)[t * C + c]).toBe(Math.fround(v * gain[c] + 100))
      }
    }
    expect(Array.from(readZarrArray(scaled, 'properties/gain_to_uV').data as Float64Array)).toEqual(new Array(C).fill(1))
  })

  it('needs a choice when there are several ElectricalSeries, and takes timestamps and electrode ids from the file', async () => {
    const dest = join(dir, 'aq.zarr')
    const err = await exportRecordingFromDandi(id('aqnwb/exampleRecording.nwb'), dest, api).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'electricalSeriesPath', available: ['/acquisition/esdata0', '/acquisition/esdata1'] })
    expect(readdirSync(dir)).toEqual([])
    const result = await exportRecordingFromDandi(id('aqnwb/exampleRecording.nwb'), dest, { ...api, electricalSeriesPath: 'acquisition/esdata1' })
    // h5py: esdata1/data shape (300, 2) int16, data[:3] = [[1312, 240], [1102, -1500], [785, 1341]],
    // electrodes = [2, 3] into /general/extracellular_ephys/electrodes (ids 0..3), channel_conversion =
    // float32 5e-08, timestamps (300,), timestamps[0] = -9.40178738e-06.
    expect(result).toMatchObject({ n_samples: 300, n_channels: 2, electrical_series_path: '/acquisition/esdata1' })
    expect(Array.from((readZarrArray(dest, 'traces_seg0').data as Int16Array).subarray(0, 6))).toEqual([1312, 240, 1102, -1500, 785, 1341])
    expect(Array.from(readZarrArray(dest, 'channel_ids').data as BigInt64Array, Number)).toEqual([2, 3])
    expect(Array.from(readZarrArray(dest, 'properties/gain_to_uV').data as Float64Array)).toEqual([1 * Math.fround(5e-8) * 1e6, 1 * Math.fround(5e-8) * 1e6])
    const times = readZarrArray(dest, 'times_seg0').data as Float64Array
    expect(times.length).toBe(300)
    expect(times[0]).toBeCloseTo(-9.40178738e-6, 12)
  })

  it('refuses an existing destination before any transfer, and replaces it with overwrite', async () => {
    const dest = join(dir, 'rec.zarr')
    mkdirSync(dest)
    writeFileSync(join(dest, 'old.txt'), 'old')
    await expect(exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, api)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'zarrDest' })
    expect((await emu.log()).length).toBe(0)
    await exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, { ...api, overwrite: true })
    expect(existsSync(join(dest, 'old.txt'))).toBe(false)
    expect(existsSync(join(dest, 'traces_seg0', '.zarray'))).toBe(true)
    // The old folder was moved aside until the new one was in place, then removed: nothing else is left.
    expect(readdirSync(dir)).toEqual(['rec.zarr'])
  })

  it('keepNwb downloads and keeps the NWB file', async () => {
    const dest = join(dir, 'rec.zarr')
    const result = await exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, { ...api, keepNwb: true })
    expect(result.downloaded_nwb_path).toBe(join(dir, 'raw-cc.nwb'))
    expect(result.dandi_transfer.mode).toBe('download')
    expect(readdirSync(dir).sort()).toEqual(['raw-cc.nwb', 'rec.zarr'])
    const other = join(dir, 'nwb')
    const r2 = await exportRecordingFromDandi(id('gen/raw-cc.nwb'), join(dir, 'rec2.zarr'), { ...api, download: true, downloadDir: other })
    expect(r2.downloaded_nwb_path).toBeUndefined()
    expect(readdirSync(other)).toEqual([])
  })

  it('leaves nothing behind when the transfer fails or there is no ElectricalSeries', async () => {
    const dest = join(dir, 'rec.zarr')
    await emu.setFaults([{ where: 'blob', kind: 'drop', times: null }])
    await expect(exportRecordingFromDandi(id('sub-001/sub-001_ses-1_ecephys.nwb'), dest, { ...api, retries: 1 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
    await expect(exportRecordingFromDandi(id('sub-001/sub-001_ses-1_ecephys.nwb'), dest, { ...api, retries: 1, keepNwb: true })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
    expect(readdirSync(dir)).toEqual([])
    await emu.setFaults([])
    await expect(exportRecordingFromDandi(id('units-only.nwb'), dest, api)).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'ElectricalSeries' })
    expect(readdirSync(dir)).toEqual([])
  })

  it('aborted mid-export, removes its staging folder and leaves an existing destination as it was', async () => {
    const dest = join(dir, 'rec.zarr')
    mkdirSync(dest)
    writeFileSync(join(dest, 'old.txt'), 'old')
    const controller = new AbortController()
    const phases: string[] = []
    const onProgress = (p: { phase: string }) => {
      phases.push(p.phase)
      if (p.phase === 'export') {
        // The staging folder exists while the store is written, beside the destination.
        expect(readdirSync(dir).filter((n) => n.endsWith('.partial'))).toEqual([expect.stringMatching(new RegExp(`^\\.rec\\.zarr\\.spikes-${process.pid}-[0-9a-f]{12}\\.partial$`))])
        controller.abort()
      }
    }
    const options = { ...api, overwrite: true, chunkSamples: 3000, signal: controller.signal, onProgress }
    await expect(exportRecordingFromDandi(id('sub-001/sub-001_ses-1_ecephys.nwb'), dest, options)).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    expect(phases.filter((p) => p === 'export')).toEqual(['export'])
    expect(readdirSync(dir)).toEqual(['rec.zarr'])
    expect(readdirSync(dest)).toEqual(['old.txt'])
    expect(readFileSync(join(dest, 'old.txt'), 'utf8')).toBe('old')
  })

  it("removes the staging folders of a killed export to the same destination, not a running one's", async () => {
    const dest = join(dir, 'rec.zarr')
    // 999999999 is above Linux's largest process id: no process runs under it.
    const stale = ['.rec.zarr.spikes-999999999-0123456789ab.partial']
    // A running export's folder, another destination's, and an old store moved aside (maybe the only copy).
    const kept = [`.rec.zarr.spikes-${process.pid}-0123456789ab.partial`, '.other.zarr.spikes-999999999-0123456789ab.partial', '.rec.zarr.spikes-999999999-0123456789ab.partial.old']
    for (const name of [...stale, ...kept]) {
      mkdirSync(join(dir, name, 'traces_seg0'), { recursive: true })
      writeFileSync(join(dir, name, 'traces_seg0', '0.0'), 'x')
    }
    await exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, api)
    expect(readdirSync(dir).sort()).toEqual([...kept, 'rec.zarr'].sort())
    expect(existsSync(join(dest, 'traces_seg0', '.zarray'))).toBe(true)
  })

  it('validates options before any request', async () => {
    const dest = join(dir, 'rec.zarr')
    await expect(exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, { ...api, traces: 'volts' as never })).rejects.toMatchObject({ argument: 'traces' })
    await expect(exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, { ...api, chunkSamples: 0 })).rejects.toMatchObject({ argument: 'chunkSamples' })
    await expect(exportRecordingFromDandi(id('gen/raw-cc.nwb'), dest, { ...api, download: false, keepNwb: true })).rejects.toMatchObject({ argument: 'download' })
    await expect(exportRecordingFromDandi(id('gen/raw-cc.nwb'), '', api)).rejects.toMatchObject({ argument: 'zarrDest' })
    expect((await emu.log()).length).toBe(0)
  })
})
