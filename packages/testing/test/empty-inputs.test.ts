// The empty case of each format (no units, no spikes) gives N = 0, never an error or a crash; the
// table in the root README lists the rule per format (a file without any Units table is the NWB
// exception: SPIKES_MISSING_ENTRY unless allowNoUnits).
import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder, SpikeData } from '@spikes/core'
import { registerIbl } from '@spikes/format-ibl'
import { registerKilosort } from '@spikes/format-kilosort'
import { exportNwb, registerNwb } from '@spikes/format-nwb'
import { npyFile } from '../src/fixtures.js'

const c = container.createChildContainer()
registerKilosort(c)
registerIbl(c)
registerNwb(c)
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
})
