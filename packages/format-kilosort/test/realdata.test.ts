import { existsSync } from 'node:fs'
import { container, loadSpikeData, type SpikeData } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata } from '@spikes/testing'
import { describe, expect, it } from 'vitest'
import { registerKilosort } from '../src/index.js'

const c = container.createChildContainer()
registerKilosort(c)

async function load(folder: string, options: Record<string, unknown> = {}): Promise<SpikeData & { warnings: readonly { code: string }[] }> {
  return (await loadSpikeData(realdata('kilosort_phy', folder), { format: 'kilosort', options, container: c })) as never
}

function counts(sd: SpikeData): number[] {
  return Array.from({ length: sd.N }, (_, i) => sd.offsets[i + 1] - sd.offsets[i])
}

const present = existsSync(realdata('kilosort_phy'))
const d = present ? describe : IN_CI ? describe : describe.skip

// Every expected number below was computed at authoring time with numpy (/usr/bin/python3, numpy 1.24):
//   st = np.load(spike_times).ravel(); sc = np.load(spike_clusters).ravel(); u, c = np.unique(sc, return_counts=True)
// and, for labels, the cluster_group.tsv rows read with csv (good / mua / "mua good" kept, case-insensitive).
d('real KiloSort / Phy folders (../shared/realdata/kilosort_phy)', () => {
  it('bme410-kilosort-matlab: MATLAB Fortran (N,1) arrays, (1,72) channel map, no params.py', async () => {
    const sd = await load('bme410-kilosort-matlab', { fsHz: 30000 })
    expect(sd.N).toBe(295)
    expect(sd.times.length).toBe(58544)
    const n = counts(sd)
    expect(n.slice(0, 5)).toEqual([19, 683, 50, 4, 103])
    expect(n.slice(-3)).toEqual([1, 110, 8])
    expect(sd.metadata.cluster_ids).toHaveLength(295)
    expect((sd.metadata.cluster_ids as number[]).slice(-3)).toEqual([294, 295, 296])
    // unit 0: first / last sample 137074 / 1472931
    expect(sd.train(0)[0]).toBe((137074 / 30000) * 1e3)
    expect(sd.train(0)[18]).toBe((1472931 / 30000) * 1e3)
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 0, location: [43, 3020] })
    // ids have gaps (non-sequential) and 224 of them are beyond the 72-entry channel map
    const codes = sd.warnings.map((w) => w.code)
    expect(codes).toContain('SPIKES_WARN_NONSEQUENTIAL_CLUSTERS')
    expect(codes.filter((x) => x === 'SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP')).toHaveLength(224)
    expect(sd.lengthMs).toBeGreaterThanOrEqual((1799978 / 30000) * 1e3)
  })

  it('earendil-neuropixel-trial: CRLF cluster_group.tsv, (N,1) uint64 times with 1-D int32 clusters', async () => {
    const all = await load('earendil-neuropixel-trial', { fsHz: 30000 })
    expect(all.N).toBe(404)
    expect(all.times.length).toBe(379321)
    expect(counts(all).slice(0, 5)).toEqual([212, 121, 231, 666, 144])
    expect(counts(all).slice(-3)).toEqual([2354, 750, 371])
    expect(all.train(0)[0]).toBe((108980 / 30000) * 1e3)
    expect(all.neuronAttributes![2]).toMatchObject({ unit_id: 2, label: 'noise', group: 'noise' })
    const filtered = await load('earendil-neuropixel-trial', { fsHz: 30000, clusterInfoTsv: 'cluster_group.tsv' })
    expect(filtered.N).toBe(400)
    expect(filtered.times.length).toBe(378424)
    const auto = await load('earendil-neuropixel-trial', { fsHz: 30000, clusterInfoTsv: 'auto' })
    expect(auto.N).toBe(400)
    expect(auto.times.length).toBe(378424)
  })

  it('mayolabvision-kilosort4: fsHz from params.py, cluster_*.tsv merged, ops.npy ignored', async () => {
    const sd = await load('mayolabvision-kilosort4')
    expect(sd.metadata.fs_Hz).toBe(30000)
    expect(sd.N).toBe(403)
    expect(sd.times.length).toBe(290360)
    expect(counts(sd).slice(0, 5)).toEqual([1974, 392, 1238, 2557, 177])
    expect(counts(sd).slice(-3)).toEqual([109, 1104, 571])
    expect(Array.from(sd.train(2).slice(0, 3))).toEqual([1733, 2884, 5767].map((s) => (s / 30000) * 1e3))
    // cluster_group.tsv here has a KSLabel column; cluster_Amplitude.tsv / cluster_ContamPct.tsv merge in
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 0, location: [43, 20], label: 'mua', KSLabel: 'mua', Amplitude: 9.9, ContamPct: 66.4 })
    expect(sd.neuronAttributes![2]).toMatchObject({ label: 'good', Amplitude: 10.2, ContamPct: 4 })
    // 20 cluster ids are beyond the 383-entry channel map; ids are sequential (no non-sequential warning)
    const codes = sd.warnings.map((w) => w.code)
    expect(codes.filter((x) => x === 'SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP')).toHaveLength(20)
    expect(codes).not.toContain('SPIKES_WARN_NONSEQUENTIAL_CLUSTERS')
    expect(sd.metadata.params).toMatchObject({ n_channels_dat: 385, dtype: 'int16', sample_rate: 30000, hp_filtered: false })
    const auto = await load('mayolabvision-kilosort4', { clusterInfoTsv: 'auto' })
    expect(auto.N).toBe(403) // every label is good or mua
  })

  it('phy-data-template: templates fallback resolves peak channels, location by channel_map row', async () => {
    const sd = await load('phy-data-template')
    expect(sd.metadata.fs_Hz).toBe(25000)
    expect(sd.N).toBe(62)
    expect(sd.times.length).toBe(314)
    expect(counts(sd).slice(0, 5)).toEqual([11, 1, 9, 6, 6])
    expect(counts(sd).slice(-3)).toEqual([5, 6, 3])
    expect(sd.train(0)[0]).toBe((21686 / 25000) * 1e3)
    // numpy: dominant template of cluster 4 is 4, its peak position 24, channel_map[24] = 28, row 24 -> [20, 400]
    const unit4 = sd.neuronAttributes!.find((a) => a.unit_id === 4)
    expect(unit4).toMatchObject({ electrode: 28, location: [20, 400], label: 'good' })
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 15 })
    expect(sd.neuronAttributes![sd.N - 1]).toMatchObject({ unit_id: 63, electrode: 19 })
    expect(sd.warnings.map((w) => w.code)).not.toContain('SPIKES_WARN_NONSEQUENTIAL_CLUSTERS')
    const good = await load('phy-data-template', { clusterInfoTsv: 'cluster_group.tsv' })
    expect(good.N).toBe(1)
    expect(good.times.length).toBe(6)
  })

  it('onlab-phy-cluster-tables: tables alone are not a loadable folder', async () => {
    await expect(load('onlab-phy-cluster-tables', { fsHz: 30000 })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'spike_times.npy' })
  })
})
