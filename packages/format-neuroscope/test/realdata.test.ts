import { existsSync } from 'node:fs'
import { container, loadSpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { registerNeuroscope } from '../src/index.js'

const FOLDER = realdata('neuroscope', 'pynapple-A2929-200711')
const d = existsSync(FOLDER) || IN_CI ? describe : describe.skip

// Expected values computed at authoring time with numpy (/usr/bin/python3), independently of this loader:
//   clu = np.loadtxt(f'A2929-200711.clu.{s}', dtype=np.int64); res = np.loadtxt(f'A2929-200711.res.{s}', dtype=np.int64)
//   ids = clu[1:]; for c in np.unique(ids): t = np.sort(res[ids == c]); len(t), t[0] / 20000 * 1000, t[-1] / 20000 * 1000
// (20000 Hz from the .xml's acquisitionSystem/samplingRate). Clusters 0 and 1 are dropped by default.
const SHANK1 = [8764, 6879, 9743, 8014, 12925, 13205, 19819] // clusters 2..8
const SHANK2 = [2636, 2419, 1282, 4702, 3970, 1313, 1535, 1588] // clusters 2..9

const c = container.createChildContainer()
registerNeuroscope(c)

d('real Neuroscope session (../shared/realdata/neuroscope/pynapple-A2929-200711)', () => {
  it('loads 15 units (7 + 8) and 98794 spikes, clusters 0 and 1 dropped', async () => {
    const sd = await loadSpikeData(FOLDER, { container: c })
    expect(sd.metadata.provenance).toMatchObject({ format: 'neuroscope' })
    expect(sd.N).toBe(15)
    expect(sd.totalSpikes).toBe(98794)
    expect(sd.spikeCounts()).toEqual([...SHANK1, ...SHANK2])
    expect(sd.neuronAttributes!.map((a) => a.unit_id)).toEqual(['1_2', '1_3', '1_4', '1_5', '1_6', '1_7', '1_8', '2_2', '2_3', '2_4', '2_5', '2_6', '2_7', '2_8', '2_9'])
    const edges = (u: number) => [sd.train(u)[0], sd.train(u)[sd.train(u).length - 1]]
    expect(edges(0)).toEqual([8.45, 1196676.75])
    expect(edges(3)).toEqual([77.45, 1199839.5499999998])
    expect(edges(7)).toEqual([925.75, 1189394.45])
    expect(edges(14)).toEqual([750.85, 1167744.0999999999])
    expect(sd.lengthMs).toBe(1199967.95)
    expect(sd.neuronAttributes![0]).toEqual({ unit_id: '1_2', shank: 1, cluster: 2, channels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] })
    expect(sd.neuronAttributes![7]).toMatchObject({ unit_id: '2_2', shank: 2, cluster: 2, channels: [10, 11, 12, 13, 14, 15] })
    expect(sd.metadata).toMatchObject({
      session: 'A2929-200711',
      shanks: [1, 2],
      fs_Hz: 20000,
      n_clusters_header: { '1': 9, '2': 10 },
      xml_creator: 'ndManager-',
      date: '2021-07-26',
      experimenters: 'guillaume',
      n_channels: 16,
      n_bits: 16,
      lfp_sampling_rate: 1250,
      spike_groups: [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15]],
    })
    expect(sd.warnings).toEqual([])
  })

  it('keeps noise and MUA clusters on request: 162564 spikes in 19 units', async () => {
    const sd = await loadSpikeData(FOLDER, { container: c, options: { includeNoise: true, includeMua: true } })
    expect(sd.N).toBe(19)
    expect(sd.totalSpikes).toBe(162564)
    expect(sd.spikeCounts().slice(0, 2)).toEqual([16595, 7817])
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: '1_0', quality: 'noise' })
    expect(sd.neuronAttributes![1]).toMatchObject({ unit_id: '1_1', quality: 'mua' })
    expect([sd.train(9)[0], sd.train(9)[sd.train(9).length - 1]]).toEqual([760.1999999999999, 1199922.7000000002])
  })
})
