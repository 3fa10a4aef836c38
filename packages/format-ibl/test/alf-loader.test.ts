import { describe, expect, it } from 'vitest'
import { container, loadSpikeData, memoryFolder, type DependencyContainer } from '@spikes/core'
import '@spikes/core/node'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { alfLoader, registerIbl } from '../src/index.js'
import { npyBytes } from '@spikes/testing/ibl'
import { writeParquet } from '@spikes/testing/ibl'

function registry(): DependencyContainer {
  const c = container.createChildContainer()
  registerIbl(c)
  return c
}

describe('alf loader: real brainbox spikes as ALF', () => {
  const folder = realdata('ibl_alf', 'brainbox-alf')
  const present = sharedAvailable(folder)
  if (!present && IN_CI) it('brainbox-alf is present', () => expect(present).toBe(true))

  it.skipIf(!present)('loads every cluster with its spike count', async () => {
    const warnings: string[] = []
    let chosen = ''
    const sd = await loadSpikeData(folder, { container: registry(), onWarning: (w) => warnings.push(w.code), onSelect: (s) => (chosen = s.loader.id) })
    // Independent reading at authoring time (/usr/bin/python3, numpy 1.24): np.unique(spikes.clusters,
    // return_counts=True) -> 289 ids, counts[0] = 2401 (id 0), id 3 -> 1, id 254 -> 3701 (the largest),
    // last ids 496/498/499 -> 1507/2157/555; t.max()*1e3 = 119998.85069650042, + np.spacing -> ...43.
    expect(chosen).toBe('alf')
    expect(sd.N).toBe(289)
    expect(sd.times.length).toBe(124905)
    expect(sd.metadata.collection).toBe('alf/probe00')
    const ids = sd.metadata.cluster_ids as number[]
    expect(ids.slice(0, 5)).toEqual([0, 3, 11, 12, 14])
    expect(ids.slice(-3)).toEqual([496, 498, 499])
    const count = (id: number) => sd.train(ids.indexOf(id)).length
    expect([0, 3, 11, 12, 14].map(count)).toEqual([2401, 1, 101, 300, 500])
    expect([496, 498, 499].map(count)).toEqual([1507, 2157, 555])
    expect(count(254)).toBe(3701)
    expect(Array.from(sd.train(0).subarray(0, 3))).toEqual([206.25025041903933, 258.68352517436176, 330.3501117757242])
    expect(Array.from(sd.train(ids.indexOf(499)).subarray(-2))).toEqual([119200.21824296711, 119644.25108713914])
    expect(sd.lengthMs).toBe(119998.85069650043)
    expect(sd.neuronAttributes![0]).toEqual({ unit_id: 0, cluster_id: 0 })
    expect(warnings).toEqual([])
  })

  it.skipIf(!present)('the collection folder itself is detected with high confidence', async () => {
    let match = { confidence: 0, reason: '' }
    const sd = await loadSpikeData(`${folder}/alf/probe00`, { container: registry(), onSelect: (s) => (match = s.match) })
    expect(match.confidence).toBe(90)
    expect(sd.N).toBe(289)
    expect(sd.metadata.collection).toBe('')
  })
})

/** A generated ONE-cache-like session: two probes, a revision, metrics, channels, trials table. */
function session(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {}
  const probe = 'alf/probe00/pykilosort'
  // clusters 0..3; cluster 2 has no spikes; times in seconds, unsorted across clusters
  const times = [0.5, 0.1, 0.2, 0.3, 1.25, 0.05]
  const clusters = [1, 0, 3, 0, 1, 3]
  files[`${probe}/spikes.times.npy`] = npyBytes('<f8', [6], [9, 9, 9, 9, 9, 9])
  files[`${probe}/#2024-05-06#/spikes.times.npy`] = npyBytes('<f8', [6], times)
  files[`${probe}/spikes.clusters.npy`] = npyBytes('<u4', [6], clusters)
  files[`${probe}/spikes.amps.npy`] = npyBytes('<f8', [6], [10, 11, 12, 13, 14, 15])
  files[`${probe}/spikes.depths.npy`] = npyBytes('<f4', [6], [100, 110, 120, 130, 140, 150])
  files[`${probe}/clusters.channels.npy`] = npyBytes('<i8', [4], [2, 0, 1, 3])
  files[`${probe}/clusters.depths.npy`] = npyBytes('<f8', [4], [20, 40, 60, 80])
  files[`${probe}/clusters.metrics.pqt`] = writeParquet([
    { name: 'cluster_id', type: 'int64', values: [3, 2, 1, 0] },
    { name: 'label', type: 'double', values: [1, 1, 1 / 3, 1] },
    { name: 'firing_rate', type: 'double', values: [4, 3, 2, 1] },
  ])
  files[`${probe}/channels.localCoordinates.npy`] = npyBytes('<f8', [4, 2], [43, 20, 11, 20, 59, 40, 27, 40])
  files[`${probe}/channels.mlapdv.npy`] = npyBytes('<f8', [4, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
  files[`${probe}/channels.brainLocationIds_ccf_2017.npy`] = npyBytes('<i8', [4], [993, 993, 382, 0])
  files[`${probe}/channels.rawInd.npy`] = npyBytes('<i8', [4], [0, 1, 2, 3])
  files['alf/probe01/pykilosort/spikes.times.npy'] = npyBytes('<f8', [1], [0.1])
  files['alf/probe01/pykilosort/spikes.clusters.npy'] = npyBytes('<i8', [1], [0])
  files['alf/_ibl_trials.table.pqt'] = writeParquet([
    { name: 'intervals_0', type: 'double', values: [0, 1] },
    { name: 'intervals_1', type: 'double', values: [0.9, 1.9] },
    { name: 'stimOn_times', type: 'double', values: [0.25, NaN] },
    { name: 'choice', type: 'double', values: [-1, 1] },
  ])
  files['alf/_ibl_trials.goCue_times.npy'] = npyBytes('<f8', [2], [0.3, 1.3])
  return files
}

describe('alf loader: generated sessions', () => {
  const load = (options: Record<string, unknown>, files = session()) => alfLoader.load(memoryFolder(files, 'session'), options, { warn: () => {}, progress: () => {} })

  it('asks which collection when several hold spikes', async () => {
    await expect(load({})).rejects.toMatchObject({ code: 'SPIKES_SELECTION_REQUIRED', option: 'collection', available: ['alf/probe00/pykilosort', 'alf/probe01/pykilosort'] })
  })

  it('groups spikes, amps and depths per cluster, takes the latest revision, reads metrics, channels and trials', async () => {
    const sd = await load({ collection: 'alf/probe00/pykilosort' })
    expect(sd.N).toBe(3)
    expect(sd.metadata.cluster_ids).toEqual([0, 1, 3])
    expect(sd.metadata.revision).toBe('2024-05-06')
    expect(sd.trains.map((t) => Array.from(t))).toEqual([[100, 300], [500, 1250], [50, 200]])
    expect(sd.lengthMs).toBe(1250 + 2.2737367544323206e-13)
    const a = sd.neuronAttributes!
    expect(a[0]).toMatchObject({ unit_id: 0, cluster_id: 0, electrode: 2, depth: 20, label: 1, firing_rate: 1, location: [59, 40] })
    expect(Array.from(a[0].amplitudes as Float64Array)).toEqual([11, 13])
    // cluster 3's spikes are stored out of time order (0.2 s with depth 120, then 0.05 s with depth 150):
    // its per-spike values follow the time-sorted train
    expect(Array.from(a[2].spike_depths as Float64Array)).toEqual([150, 120])
    expect(Array.from(a[2].amplitudes as Float64Array)).toEqual([15, 12])
    expect(a[1]).toMatchObject({ label: 1 / 3, electrode: 0, location: [43, 20] })
    const e = sd.metadata.electrodes_by_channel as Record<string, Record<string, number>>
    expect(Object.keys(e)).toEqual(['0', '1', '2', '3'])
    expect(e['1']).toEqual({ atlas_id: 993, x: 4, y: 5, z: 6, local_x: 11, local_y: 20, raw_index: 1 })
    expect(sd.metadata.n_trials).toBe(2)
    expect(Array.from(sd.metadata.trial_start_times as Float64Array)).toEqual([0, 1000])
    expect(Array.from(sd.metadata.trial_end_times as Float64Array)).toEqual([900, 1900])
    expect(Array.from(sd.metadata.go_cue_times as Float64Array)).toEqual([300, 1300])
    expect(Array.from(sd.metadata.stim_on_times as Float64Array)).toEqual([250, NaN])
    expect(Array.from(sd.metadata.choice as Float64Array)).toEqual([-1, 1])
    expect(sd.metadata.trials_collection).toBe('alf')
    expect(sd.metadata).not.toHaveProperty('feedback_times')
  })

  it('an older revision, good units only, or chosen cluster ids', async () => {
    const old = await load({ collection: 'alf/probe00/pykilosort', revision: '2020-01-01', trials: false })
    expect(old.trains.map((t) => Array.from(t))).toEqual([[9000, 9000], [9000, 9000], [9000, 9000]])
    const good = await load({ collection: 'alf/probe00/pykilosort', goodOnly: true, spikeAttributes: false })
    expect(good.metadata.cluster_ids).toEqual([0, 3])
    expect(good.neuronAttributes![0]).not.toHaveProperty('amplitudes')
    const chosen = await load({ collection: 'alf/probe00/pykilosort', clusterIds: [3, 2, 0], lengthMs: 5000 })
    expect(chosen.trains.map((t) => t.length)).toEqual([2, 0, 2])
    expect(chosen.lengthMs).toBe(5000)
  })

  it('keeps spikes.amps / spikes.depths aligned with the trains when spikes.times is not in time order', async () => {
    // numpy: o = np.argsort(t[c == k], kind='stable'); the unit's amps are a[c == k][o] (ties keep file order)
    const t = [3, 1, 2, 2, 0.5, 4, 1]
    const c = [0, 0, 0, 0, 1, 1, 1]
    const f = {
      'spikes.times.npy': npyBytes('<f8', [7], t),
      'spikes.clusters.npy': npyBytes('<i8', [7], c),
      'spikes.amps.npy': npyBytes('<f8', [7], [30, 10, 20, 21, 5, 40, 11]),
      'spikes.depths.npy': npyBytes('<f4', [7], [300, 100, 200, 201, 50, 400, 110]),
    }
    const sd = await load({}, f)
    expect(sd.trains.map((x) => Array.from(x))).toEqual([[1000, 2000, 2000, 3000], [500, 1000, 4000]])
    expect(Array.from(sd.neuronAttributes![0].amplitudes as Float64Array)).toEqual([10, 20, 21, 30])
    expect(Array.from(sd.neuronAttributes![0].spike_depths as Float64Array)).toEqual([100, 200, 201, 300])
    expect(Array.from(sd.neuronAttributes![1].amplitudes as Float64Array)).toEqual([5, 11, 40])
    expect(Array.from(sd.neuronAttributes![1].spike_depths as Float64Array)).toEqual([50, 110, 400])
  })

  it("clusters.uuids.csv (IBL writes it as a one-column CSV with header 'uuids') gives each unit its uuid", async () => {
    const f = {
      'spikes.times.npy': npyBytes('<f8', [3], [0.1, 0.2, 0.3]),
      'spikes.clusters.npy': npyBytes('<i8', [3], [0, 2, 2]),
      'clusters.uuids.csv': new TextEncoder().encode('uuids\n0d3b1c0e-aaaa-4bbb-8ccc-000000000000\n0d3b1c0e-aaaa-4bbb-8ccc-000000000001\n0d3b1c0e-aaaa-4bbb-8ccc-000000000002\n'),
    }
    const sd = await load({}, f)
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, cluster_id: 0, uuid: '0d3b1c0e-aaaa-4bbb-8ccc-000000000000' },
      { unit_id: 2, cluster_id: 2, uuid: '0d3b1c0e-aaaa-4bbb-8ccc-000000000002' },
    ])
  })

  it('validates options before reading and names missing files', async () => {
    await expect(load({ collection: '../x' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'collection' })
    await expect(load({ lengthMs: -1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'lengthMs' })
    await expect(load({ clusterIds: [1.5] })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'clusterIds' })
    await expect(load({ bogus: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'bogus' })
    await expect(load({ collection: 'alf/probe02' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
    await expect(load({}, { 'alf/spikes.times.npy': npyBytes('<f8', [1], [1]) })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
  })

  it('refuses inconsistent spikes', async () => {
    const f = { 'spikes.times.npy': npyBytes('<f8', [3], [1, 2, 3]), 'spikes.clusters.npy': npyBytes('<i8', [2], [0, 1]) }
    await expect(load({}, f)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
    const neg = { 'spikes.times.npy': npyBytes('<f8', [2], [1, 2]), 'spikes.clusters.npy': npyBytes('<i8', [2], [0, -1]) }
    await expect(load({}, neg)).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', index: 1 })
  })

  it('detects ALF folders', () => {
    const probe = (files: string[], folders: string[] = []) => alfLoader.detect({ kind: 'folder', name: 'x', files, folders, source: memoryFolder({}) as never }) as { confidence: number }
    expect(probe(['spikes.times.npy', 'spikes.clusters.npy']).confidence).toBe(90)
    expect(probe(['_ibl_spikes.times.npy', '_ibl_spikes.clusters.npy']).confidence).toBe(90)
    expect(probe(['spike_times.npy', 'spike_clusters.npy']).confidence).toBe(0)
    expect(probe([], ['alf']).confidence).toBe(30)
  })
})
