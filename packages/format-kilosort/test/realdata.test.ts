import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { readNpy } from '@spikes/numpy'
import { bytesSource, container, loadSpikeData, type SpikeData } from '@spikes/core'
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
    // No templates.npy or spike_positions.npy: the electrode is the dominant template's first
    // pc_feature_ind channel (numpy: cluster 0 -> template 0 -> pc_feature_ind[0, 0] = 37 -> channel_map[37] = 37).
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 37, electrode_source: 'pc_feature_ind.npy' })
    expect(sd.neuronAttributes!.slice(1, 3).map((a) => a.electrode)).toEqual([28, 42])
    expect(sd.metadata.electrode_sources).toEqual({ 'pc_feature_ind.npy': 295 })
    const codes = sd.warnings.map((w) => w.code)
    expect(codes).not.toContain('SPIKES_WARN_KILOSORT_LEGACY_CHANNEL')
    // SpikeLab's legacy rule on request: ids have gaps (non-sequential) and 224 are beyond the 72-entry channel map.
    const legacy = await load('bme410-kilosort-matlab', { fsHz: 30000, channelLookup: 'legacy' })
    expect(legacy.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 0, location: [43, 3020], electrode_source: 'channel_map[cluster_id]' })
    const legacyCodes = legacy.warnings.map((w) => w.code)
    expect(legacyCodes).toContain('SPIKES_WARN_NONSEQUENTIAL_CLUSTERS')
    expect(legacyCodes.filter((x) => x === 'SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP')).toHaveLength(224)
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
    // numpy: median of spike_positions[spike_clusters == 0] = (36.21, 47.81), nearest channel_positions row 3 = (27, 40), channel 3
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 3, location: [27, 40], electrode_source: 'spike_positions.npy', label: 'mua', KSLabel: 'mua', Amplitude: 9.9, ContamPct: 66.4 })
    expect((sd.neuronAttributes![0].median_spike_position as number[]).map((v) => Math.round(v * 100) / 100)).toEqual([36.21, 47.81])
    expect(sd.neuronAttributes![2]).toMatchObject({ label: 'good', Amplitude: 10.2, ContamPct: 4 })
    expect(sd.metadata.electrode_sources).toEqual({ 'spike_positions.npy': 403 })
    const codes = sd.warnings.map((w) => w.code)
    expect(codes).not.toContain('SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP')
    expect(codes).not.toContain('SPIKES_WARN_KILOSORT_LEGACY_CHANNEL')
    // SpikeLab's legacy rule, on request: 20 cluster ids are beyond the 383-entry channel map.
    const legacy = await load('mayolabvision-kilosort4', { channelLookup: 'legacy' })
    expect(legacy.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 0, location: [43, 20] })
    expect(legacy.warnings.filter((w) => w.code === 'SPIKES_WARN_CLUSTER_OUTSIDE_CHANNEL_MAP')).toHaveLength(20)
    expect(sd.metadata.params).toMatchObject({ n_channels_dat: 385, dtype: 'int16', sample_rate: 30000, hp_filtered: false })
    const auto = await load('mayolabvision-kilosort4', { clusterInfoTsv: 'auto' })
    expect(auto.N).toBe(403) // every label is good or mua
  })

  it('mayolabvision-kilosort4: every unit lies within 50 µm of its median spike_positions (legacy rule: 6%)', async () => {
    const folder = realdata('kilosort_phy', 'mayolabvision-kilosort4')
    const [positions, clusters] = await Promise.all([readNpy(bytesSource(readFileSync(join(folder, 'spike_positions.npy')))), readNpy(bytesSource(readFileSync(join(folder, 'spike_clusters.npy'))))])
    // Independent medians: every spike's (x, y) by cluster, sorted, middle value(s).
    const byCluster = new Map<number, [number[], number[]]>()
    const p = positions.data as Float32Array
    ;(clusters.data as Int32Array).forEach((c, i) => {
      if (!byCluster.has(c)) byCluster.set(c, [[], []])
      byCluster.get(c)![0].push(p[2 * i])
      byCluster.get(c)![1].push(p[2 * i + 1])
    })
    const median = (v: number[]) => {
      const s = [...v].sort((a, b) => a - b)
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
    }
    const distances = async (options: Record<string, unknown>) => {
      const sd = await load('mayolabvision-kilosort4', options)
      return sd.neuronAttributes!.map((a) => {
        const [xs, ys] = byCluster.get(a.unit_id as number)!
        const loc = a.location as number[] | undefined
        return loc ? Math.hypot(loc[0] - median(xs), loc[1] - median(ys)) : Infinity
      })
    }
    const share = (d: number[]) => d.filter((x) => x <= 50).length / d.length
    const best = await distances({})
    expect(best).toHaveLength(403)
    // The whole probe (channel_map x channel_positions; channel 191 is the one missing) for the NWB electrodes table.
    const probe = (await load('mayolabvision-kilosort4', {})).metadata.electrodes_by_channel as Record<string, { x: number; y: number }>
    expect(Object.keys(probe)).toHaveLength(383)
    expect([probe['0'], probe['1'], probe['383']]).toEqual([{ x: 43, y: 20 }, { x: 11, y: 20 }, { x: 27, y: 3840 }])
    expect(share(best)).toBe(1)
    expect(median(best)).toBeLessThan(12)
    const legacy = await distances({ channelLookup: 'legacy' })
    expect(share(legacy)).toBeLessThan(0.07)
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
