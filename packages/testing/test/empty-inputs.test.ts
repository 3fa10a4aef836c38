// The empty case of each format (no units, no spikes) gives N = 0, never an error or a crash; the
// table in the root README ("Empty inputs") lists the rule per format (a file without any Units table is
// the NWB exception: SPIKES_MISSING_ENTRY unless allowNoUnits). Formats whose package this one does not
// depend on test their own empty case (mountainsort, neuroscope, openephys, spikelab-npz).
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder, SpikeData } from '@spikes/core'
import { registerIbl } from '@spikes/format-ibl'
import { registerKilosort } from '@spikes/format-kilosort'
import { exportNwb, registerNwb } from '@spikes/format-nwb'
import { registerHdf5 } from '@spikes/format-hdf5'
import { registerSpikeinterface } from '@spikes/format-spikeinterface'
import { registerCore, spikeDataToJson } from '@spikes/core/json'
import { h5, writeHdf5, type H5NodeSpec } from '@spikes/hdf5/write'
import { npyFile } from '../src/fixtures.js'
import { zip } from '../src/hostile/files.mjs'

const c = container.createChildContainer()
registerKilosort(c)
registerIbl(c)
registerNwb(c)
registerHdf5(c)
registerSpikeinterface(c)
registerCore(c)
const hdf5 = (children: Record<string, H5NodeSpec>) => writeHdf5(h5.group(children)) as Promise<Uint8Array>
const empty = (descr: string) => npyFile(`{'descr': '${descr}', 'fortran_order': False, 'shape': (0,), }`, new Uint8Array(0))

describe('empty inputs load as N = 0', () => {
  it('KiloSort / Phy: empty spike_times and spike_clusters (with a cluster_group.tsv header only)', async () => {
    const folder = memoryFolder({ 'spike_times.npy': empty('<u8'), 'spike_clusters.npy': empty('<i4'), 'cluster_group.tsv': 'cluster_id\tgroup\n' })
    const sd = await loadSpikeData(folder, { container: c, format: 'kilosort', options: { fsHz: 30000 } })
    expect([sd.N, sd.totalSpikes, sd.lengthMs]).toEqual([0, 0, 0])
    expect(sd.metadata.cluster_ids).toEqual([])
  })

  it('ALF: empty spikes.times and spikes.clusters', async () => {
    const folder = memoryFolder({ 'spikes.times.npy': empty('<f8'), 'spikes.clusters.npy': empty('<i8') })
    const sd = await loadSpikeData(folder, { container: c, format: 'alf' })
    expect([sd.N, sd.totalSpikes]).toEqual([0, 0])
  })

  it('NWB: an empty Units table (also as written by exportNwb for an empty SpikeData)', async () => {
    const bytes = await exportNwb(new SpikeData({ times: new Float64Array(0), offsets: [0], lengthMs: 0 }), undefined, { sessionStartTime: '2024-01-01T00:00:00Z' })
    const sd = await loadSpikeData(bytes, { container: c, format: 'nwb' })
    expect([sd.N, sd.totalSpikes, sd.lengthMs]).toEqual([0, 0, 0])
  })

  it('HDF5: each layout with no units (ragged, group-per-unit, paired, a 0-row raster)', async () => {
    const cases: [Record<string, H5NodeSpec>, Record<string, unknown>][] = [
      [{ spike_times: h5.dataset(new Float64Array(0)), spike_times_index: h5.dataset(new BigInt64Array(0)) }, { spikeTimesDataset: 'spike_times', spikeTimesIndexDataset: 'spike_times_index' }],
      [{ units: h5.group() }, { groupPerUnit: 'units' }],
      [{ idces: h5.dataset(new BigInt64Array(0)), times: h5.dataset(new Float64Array(0)) }, { idcesDataset: 'idces', timesDataset: 'times' }],
      [{ raster: h5.dataset(new Float64Array(0), { shape: [0, 10] }) }, { rasterDataset: 'raster', rasterBinSizeMs: 1 }],
    ]
    for (const [children, options] of cases) {
      const sd = await loadSpikeData(await hdf5(children), { container: c, format: 'hdf5', options })
      expect([sd.N, sd.totalSpikes], JSON.stringify(options)).toEqual([0, 0])
    }
  })

  it('SpikeInterface NpzSortingExtractor file with no unit ids, and spikes-json with no trains', async () => {
    const { bytes: npz } = zip([
      { name: 'unit_ids.npy', data: empty('<i8') },
      { name: 'num_segment.npy', data: npyFile(`{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(BigInt64Array.of(1n).buffer)) },
      { name: 'sampling_frequency.npy', data: npyFile(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }`, new Uint8Array(Float64Array.of(30000).buffer)) },
      { name: 'spike_indexes_seg0.npy', data: empty('<i8') },
      { name: 'spike_labels_seg0.npy', data: empty('<i8') },
    ])
    const si = await loadSpikeData(npz, { container: c, format: 'spikeinterface-npz' })
    expect([si.N, si.totalSpikes]).toEqual([0, 0])
    const json = new TextEncoder().encode(JSON.stringify(spikeDataToJson(new SpikeData({ times: new Float64Array(0), offsets: [0], lengthMs: 0 }))))
    const fromJson = await loadSpikeData(json, { container: c, format: 'spikes-json' })
    expect([fromJson.N, fromJson.totalSpikes]).toEqual([0, 0])
  })

  it('NWB: a file without a Units table is SPIKES_MISSING_ENTRY naming allowNoUnits, and N = 0 with it', async () => {
    const bytes = await hdf5({ general: h5.group() })
    await expect(loadSpikeData(bytes, { container: c, format: 'nwb' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', message: expect.stringContaining('allowNoUnits') })
    const sd = await loadSpikeData(bytes, { container: c, format: 'nwb', options: { allowNoUnits: true } })
    expect(sd.N).toBe(0)
  })
})
