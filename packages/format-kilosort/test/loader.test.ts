import { memoryFolder, type LoadContext, type SpikeData, type SpikesWarning } from '@spikes/core'
import { spacing } from '@spikes/core/loader-utils'
import { describe, expect, it } from 'vitest'
import { kilosortLoader, type KilosortOptions } from '../src/index.js'
import { npy } from './npy-writer.js'

type Files = Record<string, Uint8Array | string>

async function load(files: Files, options: KilosortOptions = {}, signal?: AbortSignal): Promise<{ sd: SpikeData; warnings: SpikesWarning[] }> {
  const warnings: SpikesWarning[] = []
  const context: LoadContext = { warn: (code, message, details) => warnings.push({ code, message, details }), progress: () => {}, signal }
  const sd = await kilosortLoader.load(memoryFolder(files, 'ks'), options, context)
  return { sd, warnings }
}

const codes = (w: SpikesWarning[]): string[] => w.map((x) => x.code)
const trains = (sd: SpikeData): number[][] => Array.from({ length: sd.N }, (_, i) => Array.from(sd.train(i)))

const basic: Files = {
  'spike_times.npy': npy('<u8', [6], [10, 20, 30, 40, 50, 60]),
  'spike_clusters.npy': npy('<i4', [6], [1, 0, 1, 2, 0, 1]),
}

describe('grouping and conversion', () => {
  it('groups by cluster in one pass, converts samples with v / fs * 1e3', async () => {
    const { sd, warnings } = await load(basic, { fsHz: 3 })
    expect(sd.N).toBe(3)
    expect(trains(sd)).toEqual([
      [(20 / 3) * 1e3, (50 / 3) * 1e3],
      [(10 / 3) * 1e3, (30 / 3) * 1e3, (60 / 3) * 1e3],
      [(40 / 3) * 1e3],
    ])
    expect(sd.metadata).toMatchObject({ source_format: 'KiloSort', cluster_ids: [0, 1, 2], fs_Hz: 3 })
    expect(sd.lengthMs).toBe(20000 + spacing(20000)) // numpy: 20000 + np.spacing(20000) == 20000.000000000004
    expect(warnings).toEqual([])
  })

  it('handles negative and huge cluster ids (sparse path) and sorts unsorted trains', async () => {
    const { sd } = await load({
      'spike_times.npy': npy('<i8', [5], [50, 10, 40, 20, 30]),
      'spike_clusters.npy': npy('<i8', [5], [2 ** 40, -1, 2 ** 40, -1, 7]),
    }, { fsHz: 1000 })
    expect(sd.metadata.cluster_ids).toEqual([-1, 7, 2 ** 40])
    expect(trains(sd)).toEqual([[10, 20], [30], [40, 50]])
  })

  it('(N,1) Fortran times with (1,N) clusters (DEVIATIONS D2)', async () => {
    const { sd } = await load({
      'spike_times.npy': npy('<u8', [3, 1], [300, 100, 50], { fortran: true }),
      'spike_clusters.npy': npy('<u4', [1, 3], [0, 0, 1], { fortran: true }),
    }, { fsHz: 1000 })
    expect(trains(sd)).toEqual([[100, 300], [50]])
  })

  it('empty arrays give an empty SpikeData', async () => {
    const { sd } = await load({ 'spike_times.npy': npy('<u8', [0], []), 'spike_clusters.npy': npy('<i4', [0], []) }, { fsHz: 1000 })
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
    expect(sd.metadata.cluster_ids).toEqual([])
  })

  it('big-endian int64 times and float32 seconds', async () => {
    const be = await load({ 'spike_times.npy': npy('>i8', [3], [3000, 1000, 2000]), 'spike_clusters.npy': npy('>i2', [3], [0, 0, 1]) }, { fsHz: 1000 })
    expect(trains(be.sd)).toEqual([[1000, 3000], [2000]])
    const f32 = await load({ 'spike_times.npy': npy('<f4', [2], [0.1, 0.2]), 'spike_clusters.npy': npy('<i4', [2], [0, 0]) }, { timeUnit: 's', fsHz: 1 })
    expect(trains(f32.sd)).toEqual([[Math.fround(0.1) * 1e3, Math.fround(0.2) * 1e3]])
  })

  it('float cluster ids that are whole numbers are accepted', async () => {
    const { sd } = await load({ 'spike_times.npy': npy('<f8', [2], [0.5, 1.5]), 'spike_clusters.npy': npy('<f8', [2], [3, 3]) }, { timeUnit: 's' })
    expect(sd.metadata).toMatchObject({ cluster_ids: [3], fs_Hz: null })
    expect(trains(sd)).toEqual([[500, 1500]])
  })
})

describe('params.py', () => {
  const params = "dat_path = r'C:\\data\\x.bin'\nn_channels_dat = 385  # comment\ndtype = 'int16'\noffset = 0\nsample_rate = 25000.\nhp_filtered = False\nbad = __import__('os').system('echo no')\n"
  it('gives fsHz when the option is absent, parsed as literals and never executed', async () => {
    const { sd, warnings } = await load({ ...basic, 'params.py': params })
    expect(sd.metadata.fs_Hz).toBe(25000)
    expect(sd.metadata.params).toEqual({ dat_path: 'C:\\data\\x.bin', n_channels_dat: 385, dtype: 'int16', offset: 0, sample_rate: 25000, hp_filtered: false })
    expect(codes(warnings)).toEqual(['SPIKES_WARN_PARAMS'])
    expect(warnings[0].details).toEqual({ skipped: ['bad'] })
  })
  it('fsHz wins over params.py, with a warning when they differ', async () => {
    const { sd, warnings } = await load({ ...basic, 'params.py': 'sample_rate = 30000.0\n' }, { fsHz: 20000 })
    expect(sd.metadata.fs_Hz).toBe(20000)
    expect(codes(warnings)).toEqual(['SPIKES_WARN_SAMPLE_RATE_MISMATCH'])
  })
  it('samples without fsHz and without params.py: SPIKES_INVALID_ARGUMENT fsHz', async () => {
    await expect(load(basic)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
    await expect(load({ ...basic, 'params.py': "sample_rate = 'fast'\n" })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 'params.py', field: 'sample_rate', found: '"fast"' })
  })
  it('a params.py sample_rate outside 1 Hz..10 MHz says what it found; fsHz overrides it with a warning', async () => {
    for (const [text, found] of [['0', 0], ['-30000', -30000], ['1e308', 1e308], ['0.5', 0.5], ['2e7', 2e7]] as const) {
      const error = await load({ ...basic, 'params.py': `sample_rate = ${text}\n` }).catch((e: unknown) => e)
      expect(error, text).toMatchObject({ code: 'SPIKES_INVALID_DATA', field: 'sample_rate', found, expected: '1..10000000 Hz' })
      expect((error as Error).message).toContain(`sample_rate = ${found}`)
    }
    const { sd, warnings } = await load({ ...basic, 'params.py': 'sample_rate = 1e308\n' }, { fsHz: 30000 })
    expect(sd.metadata.fs_Hz).toBe(30000)
    expect(warnings.map((w) => w.code)).toContain('SPIKES_WARN_PARAMS')
  })
})

describe('cluster tables', () => {
  // These tables lack some clusters' rows on purpose; those warnings are asserted once, below.
  const otherThanRows = (warnings: SpikesWarning[]) => codes(warnings).filter((c) => c !== 'SPIKES_WARN_TSV_ROWS')
  const tables: Files = {
    ...basic,
    'cluster_group.tsv': 'cluster_id\tgroup\r\n0\tgood\r\n\r\n1\t"noise"\r\n',
    'cluster_info.tsv': 'cluster_id\tKSLabel\tgroup\tch\tfr\tAmplitude\n0\tmua\t\t3\t1.5\t12\n1\tgood\tnoise\t1\t2\t\n2\tgood\t\t2\t0.25\tx"y\n',
    'cluster_ContamPct.tsv': 'cluster_id\tContamPct\n0\t12.5\n2\t3\n',
  }
  it('labels: cluster_group.tsv, then cluster_info group, then KSLabel; other columns merged', async () => {
    const { sd, warnings } = await load(tables, { fsHz: 1000 })
    expect(sd.N).toBe(3)
    // cluster_info.tsv's `ch` is the best electrode evidence, used whether or not it filters.
    const fromTsv = { electrode_source: 'cluster_info.tsv' }
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, electrode: 3, ...fromTsv, label: 'good', KSLabel: 'mua', ch: 3, fr: 1.5, Amplitude: 12, ContamPct: 12.5, group: 'good' },
      { unit_id: 1, electrode: 1, ...fromTsv, label: 'noise', KSLabel: 'good', group: 'noise', ch: 1, fr: 2 },
      { unit_id: 2, electrode: 2, ...fromTsv, label: 'good', KSLabel: 'good', ch: 2, fr: 0.25, Amplitude: 'x"y', ContamPct: 3 },
    ])
    // SpikeLab's default keeps the noise cluster without clusterInfoTsv: said once, with the count and the option.
    expect(otherThanRows(warnings)).toEqual(['SPIKES_WARN_KILOSORT_NOISE_KEPT'])
    expect(warnings[0].details).toMatchObject({ clusters: 1 })
    expect(warnings[0].message).toContain('includeNoise: false')
    // A table lacking a cluster's row is named (cluster_ContamPct.tsv lacks 1); cluster_group.tsv, which Phy
    // writes for labelled clusters only, is not.
    const rows = warnings.filter((w) => w.code === 'SPIKES_WARN_TSV_ROWS').map((w) => w.details)
    expect(rows).toEqual([expect.objectContaining({ file: 'cluster_ContamPct.tsv', rows: 2, clusters: 3, missing: 1, repeated: 0 })])
  })
  it('includeNoise: false given without clusterInfoTsv applies the folder labels (as auto); true keeps all, quietly', async () => {
    const dropped = await load(tables, { fsHz: 1000, includeNoise: false })
    expect(dropped.sd.metadata.cluster_ids).toEqual([0, 2])
    expect(otherThanRows(dropped.warnings)).toEqual([])
    const kept = await load(tables, { fsHz: 1000, includeNoise: true })
    expect(kept.sd.metadata.cluster_ids).toEqual([0, 1, 2])
    // Asked for: no warning telling the caller to pass includeNoise: false (it used to say exactly that).
    expect(otherThanRows(kept.warnings)).toEqual([])
    const unlabelled = await load(basic, { fsHz: 1000, includeNoise: false })
    expect(unlabelled.sd.N).toBe(3)
    expect(codes(unlabelled.warnings)).toEqual(['SPIKES_WARN_NO_LABELS'])
  })
  it('a clusterInfoTsv path that leaves the folder says that files are read inside the folder only (not just "check for typos")', async () => {
    for (const name of ['../other/cluster_group.tsv', '/elsewhere/cluster_group.tsv', 'C:\\data\\cluster_group.tsv']) {
      const { sd, warnings } = await load(basic, { fsHz: 1000, clusterInfoTsv: name })
      expect(sd.N).toBe(3)
      expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_TSV_NOT_FOUND'])
      expect(warnings[0].message).toBe(
        `cluster_info_tsv path does not exist: ${name} in ks. Falling back to keeping all clusters. The loader reads files inside the folder only and does not follow a path out of it: copy or link the table into ks, or check the path for typos.`,
      )
    }
    const typo = await load(basic, { fsHz: 1000, clusterInfoTsv: 'cluster_gruop.tsv' })
    expect(typo.warnings[0].message).toBe('cluster_info_tsv path does not exist: cluster_gruop.tsv in ks. Falling back to keeping all clusters; omit clusterInfoTsv to silence this warning, or check the path for typos.')
  })
  it('the kept-noise warning counts only clusters that have spikes (a label row of a cluster merged away in Phy is not a kept unit)', async () => {
    const merged = { ...basic, 'cluster_group.tsv': 'cluster_id\tgroup\n0\tgood\n1\tnoise\n7\tnoise\n8\tnoise\n' }
    const { sd, warnings } = await load(merged, { fsHz: 1000 })
    expect(sd.metadata.cluster_ids).toEqual([0, 1, 2])
    expect(warnings.map((w) => [w.code, w.details])).toEqual([['SPIKES_WARN_KILOSORT_NOISE_KEPT', { clusters: 1, folder: 'ks' }]])
    expect(warnings[0].message).toMatch(/^1 cluster\(s\) in ks are labelled noise/)
    const gone = await load({ ...basic, 'cluster_group.tsv': 'cluster_id\tgroup\n0\tgood\n7\tnoise\n' }, { fsHz: 1000 })
    expect(gone.warnings).toEqual([])
  })
  it("clusterInfoTsv 'auto' filters on that label chain and uses cluster_info's ch", async () => {
    const { sd } = await load({ ...tables, 'channel_map.npy': npy('<i4', [4], [3, 2, 1, 0]), 'channel_positions.npy': npy('<f8', [4, 2], [0, 0, 0, 10, 0, 20, 0, 30]) }, { fsHz: 1000, clusterInfoTsv: 'auto' })
    expect(sd.metadata.cluster_ids).toEqual([0, 2])
    expect(sd.neuronAttributes![0]).toMatchObject({ unit_id: 0, electrode: 3, location: [0, 0] })
    expect(sd.neuronAttributes![1]).toMatchObject({ unit_id: 2, electrode: 2, location: [0, 10] })
  })
  it("'auto' without any label source keeps everything, with a warning", async () => {
    const { sd, warnings } = await load(basic, { fsHz: 1000, clusterInfoTsv: 'auto' })
    expect(sd.N).toBe(3)
    expect(codes(warnings)).toContain('SPIKES_WARN_NO_LABELS')
  })
  it('an explicit TSV follows SpikeLab: its own group column (empty = "nan" = dropped)', async () => {
    const { sd } = await load(tables, { fsHz: 1000, clusterInfoTsv: 'cluster_info.tsv' })
    expect(sd.metadata.cluster_ids).toEqual([])
    expect(sd.N).toBe(0)
    expect(sd.lengthMs).toBe(0)
  })
  it('a TSV without the columns warns and keeps all clusters', async () => {
    const { sd, warnings } = await load({ ...basic, 't.tsv': 'a\tb\n1\t2\n' }, { fsHz: 1000, clusterInfoTsv: 't.tsv' })
    expect(sd.N).toBe(3)
    expect(codes(warnings)).toEqual(['SPIKES_WARN_TSV_COLUMNS'])
  })
  it('non-integer cluster ids in the TSV warn and keep all clusters', async () => {
    const { sd, warnings } = await load({ ...basic, 't.tsv': 'cluster_id\tgroup\n0\tgood\nabc\tgood\n' }, { fsHz: 1000, clusterInfoTsv: 't.tsv' })
    expect(sd.N).toBe(3)
    expect(codes(warnings)).toEqual(['SPIKES_WARN_TSV_PARSE'])
  })
  it('a TSV with only blank lines is an error (SpikeLab: empty TSV)', async () => {
    await expect(load({ ...basic, 't.tsv': '\r\n\n' }, { fsHz: 1000, clusterInfoTsv: 't.tsv' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', file: 't.tsv' })
  })
  it('a header-only TSV keeps nothing', async () => {
    const { sd } = await load({ ...basic, 't.tsv': 'cluster_id\tgroup\n' }, { fsHz: 1000, clusterInfoTsv: 't.tsv' })
    expect(sd.N).toBe(0)
  })
  it('a bad ch column warns and falls back', async () => {
    const { sd, warnings } = await load({ ...basic, 'channel_map.npy': npy('<i4', [3], [7, 8, 9]), 't.tsv': 'id\tgroup\tch\n0\tgood\tx\n1\tgood\t1\n2\tgood\t2\n' }, { fsHz: 1000, clusterInfoTsv: 't.tsv' })
    expect(codes(warnings)).toEqual(['SPIKES_WARN_TSV_CH_COLUMN', 'SPIKES_WARN_KILOSORT_LEGACY_CHANNEL'])
    expect(sd.neuronAttributes!.map((a) => a.electrode)).toEqual([7, 8, 9])
  })
})

describe('channels', () => {
  it('channel_map (N,1) and positions looked up by the channel row (D5)', async () => {
    const { sd } = await load({ ...basic, 'channel_map.npy': npy('<i4', [3, 1], [5, 4, 3]), 'channel_positions.npy': npy('<f4', [3, 2], [0, 1, 2, 3, 4, 5]) }, { fsHz: 1000 })
    const legacy = { electrode_source: 'channel_map[cluster_id]' }
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, electrode: 5, location: [0, 1], ...legacy },
      { unit_id: 1, electrode: 4, location: [2, 3], ...legacy },
      { unit_id: 2, electrode: 3, location: [4, 5], ...legacy },
    ])
    expect(sd.metadata.electrode_sources).toEqual({ 'channel_map[cluster_id]': 3 })
  })
  it("channelLookup 'evidence' never uses channel_map[cluster_id]; a bad value is refused", async () => {
    const files = { ...basic, 'channel_map.npy': npy('<i4', [3], [5, 4, 3]), 'channel_positions.npy': npy('<f4', [3, 2], [0, 1, 2, 3, 4, 5]) }
    const { sd, warnings } = await load(files, { fsHz: 1000, channelLookup: 'evidence' })
    expect(sd.neuronAttributes).toEqual([{ unit_id: 0 }, { unit_id: 1 }, { unit_id: 2 }])
    expect(sd.metadata.electrode_sources).toEqual({ none: 3 })
    expect(codes(warnings)).toEqual([])
    await expect(load(files, { fsHz: 1000, channelLookup: 'nearest' as never })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'channelLookup' })
  })
  it("KiloSort 4 spike_positions.npy: the channel nearest each cluster's median spike position, before channel_map[cluster_id]", async () => {
    const files = {
      'spike_times.npy': npy('<i8', [5], [1, 2, 3, 4, 5]),
      'spike_clusters.npy': npy('<i4', [5], [0, 0, 0, 1, 1]),
      // cluster 0: x 1, 2, 100 -> median 2; y 39, 41, 40 -> 40: nearest row 2 (0, 40). Cluster 1: (11, 1), (9, -1) -> (10, 0): row 1.
      'spike_positions.npy': npy('<f4', [5, 2], [1, 39, 2, 41, 100, 40, 11, 1, 9, -1]),
      'channel_map.npy': npy('<i4', [3], [7, 8, 9]),
      'channel_positions.npy': npy('<f4', [3, 2], [0, 20, 10, 0, 0, 40]),
    }
    const { sd, warnings } = await load(files, { fsHz: 1000 })
    expect(sd.neuronAttributes).toEqual([
      { unit_id: 0, electrode: 9, location: [0, 40], electrode_source: 'spike_positions.npy', median_spike_position: [2, 40] },
      { unit_id: 1, electrode: 8, location: [10, 0], electrode_source: 'spike_positions.npy', median_spike_position: [10, 0] },
    ])
    expect(codes(warnings)).toEqual([])
    const legacy = await load(files, { fsHz: 1000, channelLookup: 'legacy' })
    expect(legacy.sd.neuronAttributes!.map((a) => a.electrode)).toEqual([7, 8])
  })
  it("pc_feature_ind.npy: the dominant template's first channel when there is no better evidence", async () => {
    const { sd } = await load(
      {
        'spike_times.npy': npy('<i8', [4], [1, 2, 3, 4]),
        'spike_clusters.npy': npy('<i4', [4], [5, 5, 5, 6]),
        'spike_templates.npy': npy('<i4', [4], [1, 1, 0, 0]),
        'pc_feature_ind.npy': npy('<u4', [2, 2], [2, 1, 0, 2]),
        'channel_map.npy': npy('<i4', [3], [30, 31, 32]),
      },
      { fsHz: 1000 },
    )
    // cluster 5: template 1 -> row 0 -> 30; cluster 6: template 0 -> row 2 -> 32
    expect(sd.neuronAttributes!.map((a) => [a.electrode, a.electrode_source])).toEqual([
      [30, 'pc_feature_ind.npy'],
      [32, 'pc_feature_ind.npy'],
    ])
  })
  it('templates fallback with Fortran templates; ties go to the smaller template', async () => {
    // templates (3 templates, 2 samples, 3 channels): template t peaks on channel position (2 - t)
    const t = new Float32Array(18)
    for (let k = 0; k < 3; k++) t[k * 6 + 3 + (2 - k)] = -5 // C index (k, 1, 2 - k)
    const f = new Float32Array(18) // Fortran layout of the same array
    for (let k = 0; k < 3; k++) for (let s = 0; s < 2; s++) for (let ch = 0; ch < 3; ch++) f[k + 3 * (s + 2 * ch)] = t[(k * 2 + s) * 3 + ch]
    const { sd, warnings } = await load(
      {
        'spike_times.npy': npy('<u8', [6], [1, 2, 3, 4, 5, 6]),
        'spike_clusters.npy': npy('<i4', [6], [10, 10, 10, 20, 20, 30]),
        'spike_templates.npy': npy('<u4', [6, 1], [2, 2, 0, 0, 1, 1], { fortran: true }),
        'templates.npy': npy('<f4', [3, 2, 3], Array.from(f), { fortran: true }),
        'channel_map.npy': npy('<i4', [3], [100, 101, 102]),
      },
      { fsHz: 1000 },
    )
    // cluster 10: template 2 -> position 0 -> 100; cluster 20: tie 0/1 -> 0 -> position 2 -> 102; cluster 30: template 1 -> 101
    expect(sd.neuronAttributes!.map((a) => a.electrode)).toEqual([100, 102, 101])
    expect(warnings).toEqual([])
  })
  it('unreadable optional files are warnings (ops.npy-style pickled object as channel_map)', async () => {
    const pickle = new Uint8Array([0x80, 0x02, 0x7d, 0x71, 0x00, 0x2e])
    const { sd, warnings } = await load({ ...basic, 'channel_map.npy': npy('|O', [], pickle, { raw: true }), 'channel_positions.npy': npy('<f8', [9], [1], { raw: false }).slice(0, 100) }, { fsHz: 1000 })
    expect(sd.N).toBe(3)
    expect(codes(warnings).sort()).toEqual(['SPIKES_WARN_CHANNEL_MAP', 'SPIKES_WARN_CHANNEL_POSITIONS'])
  })
  it('channelMapFile / channelPositionsFile naming a file the folder lacks: a warning, not silence', async () => {
    const probe = { ...basic, 'channel_map.npy': npy('<i4', [3], [0, 1, 2]), 'channel_positions.npy': npy('<f8', [3, 2], [0, 0, 0, 20, 0, 40]) }
    const { sd, warnings } = await load(probe, { fsHz: 1000, channelMapFile: 'chanMap.npy', channelPositionsFile: 'positions.npy' })
    expect(sd.N).toBe(3)
    expect(warnings.map((w) => [w.code, w.details])).toEqual([
      ['SPIKES_WARN_CHANNEL_MAP', { file: 'chanMap.npy', option: 'channelMapFile' }],
      ['SPIKES_WARN_CHANNEL_POSITIONS', { file: 'positions.npy', option: 'channelPositionsFile' }],
    ])
    expect(warnings[0].message).toBe("channelMapFile names chanMap.npy, which is not in ks: the units get no electrode from the channel map. Check the name, or leave channelMapFile out to use channel_map.npy.")
    // The default names may be absent without a word (many folders have no channel map).
    expect((await load(basic, { fsHz: 1000 })).warnings).toEqual([])
  })
})

describe('bad input', () => {
  it('missing spike_times.npy names the file and the folder', async () => {
    await expect(load({ 'spike_clusters.npy': basic['spike_clusters.npy'] }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'spike_times.npy', folder: 'ks' })
  })
  it('no spike_clusters.npy: spike_templates.npy with a warning, or a missing-file error', async () => {
    const { sd, warnings } = await load({ 'spike_times.npy': basic['spike_times.npy'], 'spike_templates.npy': basic['spike_clusters.npy'] }, { fsHz: 1000 })
    expect(sd.metadata.cluster_ids).toEqual([0, 1, 2])
    expect(codes(warnings)).toEqual(['SPIKES_WARN_CLUSTERS_FROM_TEMPLATES'])
    await expect(load({ 'spike_times.npy': basic['spike_times.npy'] }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'spike_clusters.npy' })
    await expect(load({ 'spike_times.npy': basic['spike_times.npy'], 'spike_templates.npy': basic['spike_clusters.npy'] }, { fsHz: 1, spikeClustersFile: 'curated.npy' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE', file: 'curated.npy' })
  })
  it('arrays of different lengths', async () => {
    await expect(load({ ...basic, 'spike_clusters.npy': npy('<i4', [5], [0, 0, 0, 0, 0]) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', spikeTimes: 6, spikeClusters: 5 })
  })
  it('a header that claims more data than the file holds (before allocating)', async () => {
    const lie = npy('<u8', [1e11], new Uint8Array(16), { raw: true })
    await expect(load({ ...basic, 'spike_times.npy': lie, 'spike_clusters.npy': npy('<i4', [1e11], new Uint8Array(8), { raw: true }) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE' })
  })
  it('non-integer or NaN cluster ids', async () => {
    await expect(load({ ...basic, 'spike_clusters.npy': npy('<f8', [6], [0, 1, 1.5, 0, 0, 0]) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', index: 2 })
    await expect(load({ ...basic, 'spike_clusters.npy': npy('<f4', [6], [0, 1, NaN, 0, 0, 0]) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', index: 2 })
  })
  it('pickled object arrays and matrices as spike arrays', async () => {
    await expect(load({ ...basic, 'spike_times.npy': npy('|O', [6], new Uint8Array([0x80, 0x2e]), { raw: true }) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_UNSUPPORTED', feature: 'npy-object-array' })
    await expect(load({ ...basic, 'spike_times.npy': npy('<f8', [3, 2], [1, 2, 3, 4, 5, 6]) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', shape: [3, 2] })
  })
  it('uint64 sample indices above 2^53', async () => {
    await expect(load({ ...basic, 'spike_times.npy': npy('<u8', [6], [1n, 2n, 3n, 2n ** 53n + 1n, 5n, 6n]) }, { fsHz: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA', index: 3 })
  })
  it('validates options before any I/O', async () => {
    await expect(load({}, { fsHz: 1, timeUnit: 'sec' as never })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'timeUnit' })
    await expect(load({}, { fsHz: -1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHz' })
    await expect(load({}, { fsHZ: 1 } as never)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fsHZ', suggestion: 'fsHz' })
    await expect(load({}, { fs_Hz: -1 } as never)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'fs_Hz' })
    await expect(load({}, { includeNoise: 'yes' as never })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'includeNoise' })
    await expect(load({}, { lengthMs: -3 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'lengthMs' })
  })
  it("accepts SpikeLab's snake_case keywords", async () => {
    const { sd } = await load(basic, { fs_Hz: 1000, time_unit: 'samples', include_noise: true } as never)
    expect(sd.metadata.provenance).toMatchObject({ format: 'kilosort', options: { fs_Hz: 1000 } })
    expect(trains(sd)[0]).toEqual([(20 / 1000) * 1e3, (50 / 1000) * 1e3])
  })
  it('an explicit lengthMs shorter than the spikes is SpikeData’s error', async () => {
    await expect(load(basic, { fsHz: 1000, lengthMs: 1 })).rejects.toMatchObject({ code: 'SPIKES_INVALID_DATA' })
  })
  it('honours an aborted signal', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(load(basic, { fsHz: 1 }, ac.signal)).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })
})

describe('detect', () => {
  const probe = (files: string[]) => kilosortLoader.detect({ kind: 'folder', name: 'x', files, folders: [], source: memoryFolder({}) as never }) as { confidence: number }
  it('scores folders by the files KiloSort writes', () => {
    expect(probe(['spike_times.npy', 'spike_clusters.npy', 'params.py']).confidence).toBe(95)
    expect(probe(['spike_times.npy', 'spike_clusters.npy']).confidence).toBe(85)
    expect(probe(['spike_times.npy', 'spike_templates.npy']).confidence).toBe(80)
    expect(probe(['spike_times.npy']).confidence).toBeLessThan(40)
    expect(probe(['spikes.times.npy', 'spikes.clusters.npy']).confidence).toBe(0)
  })
})
