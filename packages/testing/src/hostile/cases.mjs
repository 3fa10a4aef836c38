// The hostile inputs: each case writes its input under a folder and says how it must end, as an exact error code
// (with detail fields) or as loaded values and warnings. The tests (packages/testing/test/hostile-*.test.ts) and
// the bench (bench/hostile/run.mjs, peak memory and time per case) share this list.
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join as joinPath } from 'node:path'
import { deflateRawSync, constants } from 'node:zlib'
import { join, zerosDeflateRaw, zerosGzipUnchecked, zerosZlib, zerosZstdWithoutSize } from './deflate.mjs'
import { crc32 as crc, f8, forgeEndRecord, i8, npy, u4, writeTree, zarray, zip } from './files.mjs'
import { writeNwb, writeNwbCycle, writeNwbDamagedFletcher, writeNwbDeflateChunk } from './hdf5.mjs'

const GiB = 1024 ** 3

/**
 * @typedef {{ code: string, fields?: Record<string, unknown> }} ExpectError
 * @typedef {{ N: number, trains?: number[][], warnings?: string[] }} ExpectLoad
 * @typedef {{ id: string, klass: 'bombs' | 'walks' | 'integrity' | 'shapes', format: string, auto: boolean, posix?: boolean,
 *   build: (dir: string) => Promise<{ input: string, options?: Record<string, unknown> }>, error?: ExpectError, loads?: ExpectLoad }} HostileCase
 */

/** A SpikeInterface Zarr sorting (ZarrSortingExtractor) with 2 units and 6 spikes; `override` replaces files. */
function siZarr(dir, override = {}) {
  const folder = joinPath(dir, 'sorting.zarr')
  writeTree(folder, {
    '.zgroup': { zarr_format: 2 },
    '.zattrs': { sampling_frequency: 30000, num_segments: 1 },
    'unit_ids/.zarray': zarray('<i8', [2], [2]),
    'unit_ids/0': i8([3, 7]),
    'spikes/.zgroup': { zarr_format: 2 },
    'spikes/segment_slices/.zarray': zarray('<i8', [1, 2], [1, 2]),
    'spikes/segment_slices/0.0': i8([0, 6]),
    'spikes/sample_index/.zarray': zarray('<i8', [6], [6]),
    'spikes/sample_index/0': i8([30, 60, 90, 120, 150, 180]),
    'spikes/unit_index/.zarray': zarray('<i8', [6], [6]),
    'spikes/unit_index/0': i8([0, 1, 0, 1, 0, 1]),
    ...override,
  })
  return folder
}

/** SpikeInterface's NpzSortingExtractor members (2 units, 6 spikes at 30 kHz); `patch` alters members. */
function siNpzMembers(fs = 30000) {
  return [
    { name: 'unit_ids.npy', data: npy('<i8', '(2,)', i8([3, 7])) },
    { name: 'num_segment.npy', data: npy('<i8', '(1,)', i8([1])) },
    { name: 'sampling_frequency.npy', data: npy('<f8', '(1,)', f8([fs])) },
    { name: 'spike_indexes_seg0.npy', data: npy('<i8', '(6,)', i8([30, 60, 90, 120, 150, 180])), deflate: true },
    { name: 'spike_labels_seg0.npy', data: npy('<i8', '(6,)', i8([3, 7, 3, 7, 3, 7])), deflate: true },
  ]
}

/** A KiloSort / Phy folder: 5 clusters, 10 spikes (samples at 30 kHz); `override` replaces files. */
function kilosort(dir, override = {}) {
  const folder = joinPath(dir, 'ks')
  writeTree(folder, {
    'spike_times.npy': npy('<u8', '(10,)', i8([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])),
    'spike_clusters.npy': npy('<i4', '(10,)', new Uint8Array(Int32Array.of(0, 1, 2, 3, 4, 0, 1, 2, 3, 4).buffer)),
    'params.py': 'sample_rate = 30000.0\n',
    ...override,
  })
  return folder
}

/** An ALF folder (alf/probe00): 289 clusters with one spike each, clusters.* given by `clusterFiles`. */
function alf(dir, clusterFiles) {
  const folder = joinPath(dir, 'session')
  const n = 289
  writeTree(folder, {
    'alf/probe00/spikes.times.npy': npy('<f8', `(${n},)`, f8(Array.from({ length: n }, (_, i) => i * 0.01))),
    'alf/probe00/spikes.clusters.npy': npy('<u4', `(${n},)`, u4(Array.from({ length: n }, (_, i) => i))),
    ...clusterFiles,
  })
  return folder
}

/** @param {string} path */
function mkfifo(path) {
  execFileSync('mkfifo', [path])
}

/** @type {HostileCase[]} */
export const HOSTILE_CASES = [
  // ---- decompression bombs and limits hit by the data
  { id: 'zarr-zlib-bomb', klass: 'bombs', format: 'spikeinterface', auto: true, build: async (d) => ({ input: siZarr(d, { 'spikes/sample_index/.zarray': zarray('<i8', [6], [6], { id: 'zlib', level: 1 }), 'spikes/sample_index/0': zerosZlib(4 * GiB) }) }), error: { code: 'SPIKES_CORRUPT_FILE', fields: { codec: 'zlib', file: 'spikes/sample_index/0' } } },
  { id: 'zarr-gzip-bomb', klass: 'bombs', format: 'spikeinterface', auto: true, build: async (d) => ({ input: siZarr(d, { 'spikes/sample_index/.zarray': zarray('<i8', [6], [6], { id: 'gzip', level: 1 }), 'spikes/sample_index/0': zerosGzipUnchecked(60 * 1024 * 1024) }) }), error: { code: 'SPIKES_CORRUPT_FILE', fields: { codec: 'gzip', expected: 48 } } },
  { id: 'zarr-zstd-rle-bomb', klass: 'bombs', format: 'spikeinterface', auto: true, build: async (d) => ({ input: siZarr(d, { 'spikes/sample_index/.zarray': zarray('<i8', [6], [6], { id: 'zstd', level: 1 }), 'spikes/sample_index/0': zerosZstdWithoutSize(15_000 * 128 * 1024) }) }), error: { code: 'SPIKES_CORRUPT_FILE', fields: { codec: 'zstd', expected: 48 } } },
  { id: 'zarr-zstd-unsized-ok', klass: 'bombs', format: 'spikeinterface', auto: true, build: async (d) => ({ input: siZarr(d, { 'spikes/sample_index/.zarray': zarray('<i8', [6], [6], { id: 'zstd', level: 1 }), 'spikes/sample_index/0': zerosZstdWithoutSize(48) }) }), loads: { N: 2, trains: [[0, 0, 0], [0, 0, 0]] } },
  { id: 'zarr-huge-shape', klass: 'bombs', format: 'spikeinterface', auto: true, build: async (d) => ({ input: siZarr(d, { 'unit_ids/.zarray': zarray('<i8', [2 ** 40], [2 ** 20]) }) }), error: { code: 'SPIKES_LIMIT_EXCEEDED', fields: { option: 'maxBytes', actual: 2 ** 43 } } },
  { id: 'zarr-large-chunk-ok', klass: 'bombs', format: 'spikeinterface', auto: true, build: async (d) => ({ input: siZarr(d, { 'spikes/sample_index/.zarray': zarray('<i8', [6], [2 ** 24], { id: 'zlib', level: 1 }), 'spikes/sample_index/0': zerosZlib(2 ** 27) }) }), loads: { N: 2, trains: [[0, 0, 0], [0, 0, 0]] } },
  {
    id: 'npz-deflate-bomb', klass: 'bombs', format: 'spikeinterface-npz', auto: true,
    build: async (d) => {
      const header = npy('<i8', '(6,)', new Uint8Array(0))
      const raw = join([new Uint8Array(deflateRawSync(header, { finishFlush: constants.Z_SYNC_FLUSH })), zerosDeflateRaw(4 * GiB)])
      const members = siNpzMembers().map((m) => (m.name === 'spike_indexes_seg0.npy' ? { name: m.name, raw, size: header.length + 48, crc: 0 } : m))
      const input = joinPath(d, 'bomb.npz')
      writeFileSync(input, zip(members).bytes)
      return { input }
    },
    error: { code: 'SPIKES_CORRUPT_FILE', fields: { expected: 128 + 48 } },
  },
  { id: 'nwb-deflate-bomb', klass: 'bombs', format: 'nwb', auto: true, build: async (d) => { const input = joinPath(d, 'bomb.nwb'); await writeNwbDeflateChunk(input, { chunkElements: 6, inflatedBytes: 4 * GiB }); return { input } }, error: { code: 'SPIKES_CORRUPT_FILE', fields: { dataset: '/units/spike_times', expected: 48 } } },
  { id: 'nwb-2gib-chunk', klass: 'bombs', format: 'nwb', auto: true, build: async (d) => { const input = joinPath(d, 'big.nwb'); await writeNwbDeflateChunk(input, { chunkElements: 2 ** 28, inflatedBytes: 2 * GiB, length: 3 }); return { input } }, error: { code: 'SPIKES_LIMIT_EXCEEDED', fields: { what: 'chunk', actual: 2 * GiB } } },
  { id: 'nwb-128mib-chunk-ok', klass: 'bombs', format: 'nwb', auto: true, build: async (d) => { const input = joinPath(d, 'mid.nwb'); await writeNwbDeflateChunk(input, { chunkElements: 2 ** 24, inflatedBytes: 2 ** 27, length: 3 }); return { input } }, loads: { N: 3, trains: [[0], [0], [0]] } },

  // ---- walks: cycles, depth, special files
  { id: 'nwb-hardlink-cycle', klass: 'walks', format: 'nwb', auto: true, build: async (d) => { const input = joinPath(d, 'cycle.nwb'); await writeNwbCycle(input); return { input } }, loads: { N: 3, trains: [[100, 200], [300, 400], [500, 600]] } },
  {
    id: 'nwb-deep-groups', klass: 'walks', format: 'nwb', auto: true,
    build: async (d) => {
      const input = joinPath(d, 'deep.nwb')
      await writeNwb(input, { extra: (file) => { let g = file.get('general'); for (let i = 0; i < 48; i++) g = g.create_group(`level${i}`) } })
      return { input }
    },
    loads: { N: 3 },
  },
  { id: 'zarr-fifo-chunk', klass: 'walks', format: 'spikeinterface', auto: true, posix: true, build: async (d) => { const input = siZarr(d, { 'spikes/sample_index/0': undefined }); mkfifo(joinPath(input, 'spikes/sample_index/0')); return { input } }, error: { code: 'SPIKES_INVALID_SOURCE', fields: { kind: 'named pipe (FIFO)' } } },
  { id: 'kilosort-fifo-times', klass: 'walks', format: 'kilosort', auto: false, posix: true, build: async (d) => { const input = kilosort(d, { 'spike_times.npy': undefined }); mkfifo(joinPath(input, 'spike_times.npy')); return { input } }, error: { code: 'SPIKES_MISSING_FILE', fields: { file: 'spike_times.npy' } } },
  {
    id: 'alf-symlink-loop', klass: 'walks', format: 'alf', auto: true, posix: true,
    build: async (d) => {
      const input = alf(d, { 'alf/probe00/clusters.depths.npy': npy('<f8', '(289,)', f8(Array.from({ length: 289 }, (_, i) => i))) })
      symlinkSync('..', joinPath(input, 'alf/probe00/loop'))
      symlinkSync('.', joinPath(input, 'alf/self'))
      return { input }
    },
    loads: { N: 289 },
  },

  // ---- integrity: checksums and directory consistency
  {
    id: 'npz-crc-mismatch', klass: 'integrity', format: 'spikeinterface-npz', auto: true,
    build: async (d) => {
      const members = siNpzMembers()
      const honest = members[2].data
      const halved = npy('<f8', '(1,)', f8([15000]))
      members[2] = { name: members[2].name, data: halved, crc: crc(honest) }
      const input = joinPath(d, 'crc.npz')
      writeFileSync(input, zip(members).bytes)
      return { input }
    },
    error: { code: 'SPIKES_INTEGRITY' },
  },
  {
    id: 'npz-crc-mismatch-deflated', klass: 'integrity', format: 'spikeinterface-npz', auto: true,
    build: async (d) => {
      const members = siNpzMembers()
      const honest = members[3].data
      members[3] = { name: members[3].name, data: npy('<i8', '(6,)', i8([60, 120, 180, 240, 300, 360])), deflate: true, crc: crc(honest) }
      const input = joinPath(d, 'crc-deflated.npz')
      writeFileSync(input, zip(members).bytes)
      return { input }
    },
    error: { code: 'SPIKES_INTEGRITY' },
  },
  {
    id: 'npz-forged-end-record', klass: 'integrity', format: 'spikeinterface-npz', auto: false,
    build: async (d) => {
      const input = joinPath(d, 'forged.npz')
      writeFileSync(input, forgeEndRecord(zip(siNpzMembers()), zip(siNpzMembers(15000))))
      return { input }
    },
    error: { code: 'SPIKES_CORRUPT_FILE' },
  },

  { id: 'nwb-fletcher32-mismatch', klass: 'integrity', format: 'nwb', auto: true, build: async (d) => { const input = joinPath(d, 'fletcher.nwb'); await writeNwbDamagedFletcher(input); return { input } }, error: { code: 'SPIKES_INTEGRITY', fields: { dataset: '/units/spike_times', chunk: [2] } } },

  // ---- shapes and ranges
  { id: 'nwb-2d-spike-times', klass: 'shapes', format: 'nwb', auto: true, build: async (d) => { const input = joinPath(d, '2d.nwb'); await writeNwb(input, { spikeTimes: { data: Float64Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6), shape: [3, 2] } }); return { input } }, error: { code: 'SPIKES_INVALID_DATA', fields: { dataset: '/units/spike_times', shape: [3, 2] } } },
  { id: 'npy-float-shape', klass: 'shapes', format: 'kilosort', auto: true, build: async (d) => ({ input: kilosort(d, { 'spike_times.npy': npy('<u8', '(10.0,)', i8([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])) }) }), error: { code: 'SPIKES_CORRUPT_FILE', fields: { field: 'shape', found: '10.0' } } },
  { id: 'params-rate-1e308', klass: 'shapes', format: 'kilosort', auto: true, build: async (d) => ({ input: kilosort(d, { 'params.py': 'sample_rate = 1e308\n' }) }), error: { code: 'SPIKES_INVALID_DATA', fields: { field: 'sample_rate', found: 1e308 } } },
  { id: 'params-rate-zero', klass: 'shapes', format: 'kilosort', auto: true, build: async (d) => ({ input: kilosort(d, { 'params.py': 'sample_rate = 0\n' }) }), error: { code: 'SPIKES_INVALID_DATA', fields: { field: 'sample_rate', found: 0 } } },
  { id: 'params-rate-negative', klass: 'shapes', format: 'kilosort', auto: true, build: async (d) => ({ input: kilosort(d, { 'params.py': 'sample_rate = -30000\n' }) }), error: { code: 'SPIKES_INVALID_DATA', fields: { field: 'sample_rate', found: -30000 } } },
  { id: 'phy-tsv-rows', klass: 'shapes', format: 'kilosort', auto: true, build: async (d) => ({ input: kilosort(d, { 'cluster_KSLabel.tsv': 'cluster_id\tKSLabel\n0\tgood\n1\tgood\n1\tmua\n' }) }), loads: { N: 5, warnings: ['SPIKES_WARN_TSV_ROWS'] } },
  { id: 'alf-clusters-rows', klass: 'shapes', format: 'alf', auto: true, build: async (d) => ({ input: alf(d, { 'alf/probe00/clusters.depths.npy': npy('<f8', '(3,)', f8([1, 2, 3])), 'alf/probe00/clusters.channels.npy': npy('<i8', '(2,)', i8([4, 5])) }) }), loads: { N: 289, warnings: ['SPIKES_WARN_ALF_CLUSTER_ROWS', 'SPIKES_WARN_ALF_CLUSTER_ROWS'] } },
  {
    id: 'si-sampling-frequency-1e308', klass: 'shapes', format: 'spikeinterface-npz', auto: true,
    build: async (d) => {
      const input = joinPath(d, 'fs.npz')
      writeFileSync(input, zip(siNpzMembers(1e308)).bytes)
      return { input }
    },
    error: { code: 'SPIKES_INVALID_DATA', fields: { field: 'sampling_frequency', found: 1e308 } },
  },
]

/**
 * Builds one case in a fresh folder under `root`.
 * @param {HostileCase} c @param {string} root
 */
export async function buildHostileCase(c, root) {
  const dir = joinPath(root, c.id)
  mkdirSync(dir, { recursive: true })
  return c.build(dir)
}
