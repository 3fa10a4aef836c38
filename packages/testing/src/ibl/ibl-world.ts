import { readFileSync } from 'node:fs'
import { realdata } from '../paths.js'
import type { EmulatedFile, EmulatedSession, AlyxSetup } from './alyx-emulator.js'
import { releaseTables } from './bwm-release.js'
import { npyBytes } from './npy-writer.js'
import { writeParquet, type ParquetColumn } from './parquet-writer.js'

/**
 * The emulated IBL world of the tests. Real pieces: the brainbox spikes (ibllib fixture, as ALF),
 * the recorded Alyx insertion of KS055 probe00, the recorded dataset-types/labs answers, real
 * session/probe UUIDs of the Brain-Wide Map release, and the trials of trials_df_test.csv.
 * Generated pieces (deterministic): channels, cluster attributes, small spike sets, the unit tables.
 */
export const S1 = { eid: 'fc737f3c-2a57-4165-9763-905413e7e341', pid: 'b529f2d8-cdae-4d59-aba2-cbd1b5572e36', lab: 'cortexlab', subject: 'KS055', date: '2021-05-10', number: 1 }
export const S2 = { eid: '872ce8ff-9fb3-485c-be00-bc5479e0095b', pid: '0a0184b3-9e1a-4c36-98f4-00ae3beb8f01', lab: 'cortexlab', subject: 'KS055', date: '2021-05-03', number: 1 }
/** A two-probe session of the release: probe01's pid ends in 00 and probe00's in 01 (a pid says nothing about its probe). */
export const S3 = { eid: '4b7fbad4-f6de-43b4-9b15-c7c7ef44db4b', pid: 'fd555d39-b728-44aa-90d2-796b8bb58300', pid00: 'f86e9571-63ff-4116-9c40-aa44d57d2da9', lab: 'churchlandlab', subject: 'CSHL049', date: '2020-01-08', number: 1 }
/** A session whose subject name has a dot, with trials but no spike sorting. */
export const S4 = { eid: '5d6aa933-4b00-4e99-ae2d-5003657592e9', pid: 'a12c8ae8-d5ad-4d15-b805-436ad23e5ad1', lab: 'danlab', subject: 'DY.020', date: '2020-09-29', number: 1 }
/** A unit table saved from bwm_units (it has Beryl: used as it is), on the bucket. */
export const UNITS_PATH = '/saved/bwm_units.pqt'
export const QUERY_PATH = '/aggregates/query-test/units.pqt'

const REST = realdata('ibl_alf', 'ONE-test-fixtures', 'rest_responses')
const BRAINBOX = realdata('ibl_alf', 'brainbox-alf', 'alf', 'probe00')
const TRIALS_CSV = realdata('ibl_alf', 'ibllib-brainbox-fixtures', 'trials_df_test.csv')

function recorded(name: string): unknown {
  return (JSON.parse(readFileSync(`${REST}/${name}`, 'utf8')) as [unknown, string])[0]
}

/** Present cluster ids of the brainbox spikes, ascending (numpy.unique; 289 of 0..499). */
export function brainboxClusters(): { times: Float64Array; clusters: Uint32Array; present: number[] } {
  const t = readFileSync(`${BRAINBOX}/spikes.times.npy`)
  const c = readFileSync(`${BRAINBOX}/spikes.clusters.npy`)
  const hdr = (b: Buffer) => 10 + b.readUInt16LE(8)
  const times = new Float64Array(t.buffer.slice(t.byteOffset + hdr(t), t.byteOffset + t.length))
  const clusters = new Uint32Array(c.buffer.slice(c.byteOffset + hdr(c), c.byteOffset + c.length))
  const seen = new Set<number>()
  for (const id of clusters) seen.add(id)
  return { times, clusters, present: [...seen].sort((a, b) => a - b) }
}

/** trials_df_test.csv columns (empty cell = NaN), plus derived columns the BWM trials have. */
export function trialsColumns(): Record<string, Float64Array> {
  const lines = readFileSync(TRIALS_CSV, 'utf8').trim().split(/\r?\n/)
  const header = lines[0].split(',')
  const rows = lines.slice(1).map((l) => l.split(','))
  const col = (name: string) => Float64Array.from(rows, (r) => (r[header.indexOf(name)] === '' ? NaN : Number(r[header.indexOf(name)])))
  const stimOn = col('stimOn_times')
  const feedback = col('feedback_times')
  const goCue = col('goCue_times')
  return {
    stimOn_times: stimOn,
    feedback_times: feedback,
    goCue_times: goCue,
    probabilityLeft: col('probabilityLeft'),
    contrastLeft: col('contrastLeft'),
    contrastRight: col('contrastRight'),
    feedbackType: col('feedbackType'),
    choice: col('choice'),
    intervals_0: goCue.map((v) => v - 0.5),
    intervals_1: feedback.map((v) => v + 1.5),
    response_times: feedback.map((v) => v - 0.01),
    firstMovement_times: stimOn.map((v) => v + 0.2),
    stimOff_times: feedback.map((v) => v + 1),
  }
}

function interleave(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length * 2)
  for (let i = 0; i < a.length; i++) {
    out[2 * i] = a[i]
    out[2 * i + 1] = b[i]
  }
  return out
}

export const N_CHANNELS = 384
export const CHANNEL_IDS = [0, 997, 993, 382, 1004]
export const CHANNEL_ACRONYMS = ['void', 'root', 'MOs', 'CA1', 'VISp']

function channelFiles(collection: string): EmulatedFile[] {
  const ids = Float64Array.from({ length: N_CHANNELS }, (_, i) => CHANNEL_IDS[i % CHANNEL_IDS.length])
  const mlapdv = Float64Array.from({ length: N_CHANNELS * 3 }, (_, k) => (k % 3 === 0 ? -1200 + Math.floor(k / 3) : k % 3 === 1 ? -2000 : -Math.floor(k / 3) * 10))
  const local = Float64Array.from({ length: N_CHANNELS * 2 }, (_, k) => (k % 2 === 0 ? [43, 11, 59, 27][(k / 2) % 4] : 20 * Math.floor(k / 4)))
  return [
    { collection, name: 'channels.brainLocationIds_ccf_2017.npy', bytes: npyBytes('<i8', [N_CHANNELS], ids) },
    { collection, name: 'channels.mlapdv.npy', bytes: npyBytes('<f8', [N_CHANNELS, 3], mlapdv) },
    { collection, name: 'channels.localCoordinates.npy', bytes: npyBytes('<f8', [N_CHANNELS, 2], local) },
    { collection, name: 'channels.rawInd.npy', bytes: npyBytes('<i8', [N_CHANNELS], Float64Array.from({ length: N_CHANNELS }, (_, i) => i)) },
  ]
}

function trialsNpyFiles(collection: string): EmulatedFile[] {
  const t = trialsColumns()
  const one = (attr: string, v: Float64Array): EmulatedFile => ({ collection, name: `_ibl_trials.${attr}.npy`, bytes: npyBytes('<f8', [v.length], v) })
  return [
    { collection, name: '_ibl_trials.intervals.npy', bytes: npyBytes('<f8', [t.intervals_0.length, 2], interleave(t.intervals_0, t.intervals_1)) },
    ...['stimOn_times', 'stimOff_times', 'goCue_times', 'response_times', 'feedback_times', 'firstMovement_times', 'choice', 'feedbackType', 'contrastLeft', 'contrastRight', 'probabilityLeft'].map((k) => one(k, t[k])),
  ]
}

function trialsTableFiles(collection: string): EmulatedFile[] {
  const t = trialsColumns()
  const cols: ParquetColumn[] = ['intervals_0', 'intervals_1', 'stimOn_times', 'goCue_times', 'response_times', 'feedback_times', 'firstMovement_times', 'choice', 'feedbackType', 'contrastLeft', 'contrastRight', 'probabilityLeft'].map((name) => ({ name, type: 'double', values: t[name] }))
  return [
    { collection, name: '_ibl_trials.table.pqt', bytes: writeParquet(cols) },
    { collection, name: '_ibl_trials.stimOff_times.npy', bytes: npyBytes('<f8', [t.stimOff_times.length], t.stimOff_times) },
  ]
}

/** A small deterministic spike set: `nClusters` clusters, spike i of cluster c at (c + 1) * 0.01 + i * step seconds. */
export function smallSpikes(nClusters: number, perCluster: number, step: number): { times: Float64Array; clusters: Float64Array } {
  const n = nClusters * perCluster
  const pairs: [number, number][] = []
  for (let c = 0; c < nClusters; c++) for (let i = 0; i < perCluster; i++) pairs.push([(c + 1) * 0.01 + i * step, c])
  pairs.sort((a, b) => a[0] - b[0])
  return { times: Float64Array.from(pairs, (p) => p[0]), clusters: Float64Array.from(pairs, (p) => p[1]) }
}

export const S1_ROWS = 24
/** S1 unit table rows: the first 24 present brainbox clusters, in reverse order; label 1 unless i % 3 == 2; then cluster 1 (no spikes), good. */
export function s1Units(present: number[]): { cluster: number; label: number; beryl: string | null }[] {
  const rows = Array.from({ length: S1_ROWS }, (_, i) => ({ cluster: present[i], label: i % 3 === 2 ? 2 / 3 : 1, beryl: ['MOs', 'MOp', 'CA1', 'VISp'][i % 4] as string | null }))
  rows.reverse()
  rows.push({ cluster: 1, label: 1, beryl: null })
  return rows
}

function unitsTable(present: number[]): Uint8Array {
  const rows: { eid: string; pid: string; cluster: number; label: number; beryl: string | null; fr: number }[] = []
  s1Units(present).forEach((r, i) => rows.push({ eid: S1.eid, pid: S1.pid, cluster: r.cluster, label: r.label, beryl: r.beryl, fr: i % 5 === 0 ? NaN : i * 0.5 }))
  for (let c = 0; c < 8; c++) rows.push({ eid: S2.eid, pid: S2.pid, cluster: c, label: c < 6 ? 1 : 1 / 3, beryl: 'MOs', fr: 1 })
  for (const pid of [S3.pid, S3.pid00]) for (let c = 0; c < 6; c++) rows.push({ eid: S3.eid, pid, cluster: c, label: 1, beryl: 'CA1', fr: 2 })
  for (let c = 0; c < 3; c++) rows.push({ eid: S4.eid, pid: S4.pid, cluster: c, label: 1, beryl: 'CA1', fr: 2 })
  return writeParquet([
    { name: 'eid', type: 'string', values: rows.map((r) => r.eid) },
    { name: 'pid', type: 'string', values: rows.map((r) => r.pid) },
    { name: 'cluster_id', type: 'int64', values: rows.map((r) => r.cluster) },
    { name: 'label', type: 'double', values: rows.map((r) => r.label) },
    { name: 'Beryl', type: 'string', values: rows.map((r) => r.beryl) },
    { name: 'Cosmos', type: 'string', values: rows.map((r) => (r.beryl === 'CA1' ? 'HPF' : r.beryl ? 'Isocortex' : null)) },
    { name: 'atlas_id', type: 'int64', values: rows.map((r) => ({ MOs: 993, MOp: 985, CA1: 382, VISp: 385 })[r.beryl ?? 'MOs'] ?? 0) },
    { name: 'firing_rate', type: 'double', values: rows.map((r) => r.fr) },
  ])
}

const U = (c: string) => `${c.repeat(8)}-${c.repeat(4)}-4${c.repeat(3)}-8${c.repeat(3)}-${c.repeat(12)}`
/** The query test table: probes with known good-unit counts and regions (answers in the test). */
export const QUERY = { A: [U('a'), U('1')], B: [U('a'), U('2')], C: [U('b'), U('3')], D: [U('c'), U('4')], E: [U('d'), U('5')], F: [U('e'), U('6')] } as const
export function queryTable(): Uint8Array {
  const rows: [string, string, number, number, string | null][] = []
  const add = (p: readonly [string, string], label: number, regions: (string | null)[]) => regions.forEach((r) => rows.push([p[0], p[1], rows.length, label, r]))
  add(QUERY.A, 1, ['MOs', 'MOs', 'MOs', 'CA1', 'CA1'])
  add(QUERY.A, 1 / 3, ['MOs', 'MOs'])
  add(QUERY.B, 1, Array(8).fill('MOp'))
  add(QUERY.C, 1, Array(5).fill('VISp'))
  add(QUERY.D, 1, [...Array(6).fill('MOs'), ...Array(6).fill('VISp')])
  add(QUERY.E, 2 / 3, Array(9).fill('MOs'))
  add(QUERY.F, 1, ['MOs', 'MOp', 'CA1', 'CA1', null])
  // Interleave the rows so that grouping, not file order, decides.
  const order = rows.map((_, i) => i).sort((a, b) => ((a * 7919) % 53) - ((b * 7919) % 53))
  const sorted = order.map((i) => rows[i])
  return writeParquet([
    { name: 'eid', type: 'string', values: sorted.map((r) => r[0]) },
    { name: 'pid', type: 'string', values: sorted.map((r) => r[1]) },
    { name: 'cluster_id', type: 'int64', values: sorted.map((r) => r[2]) },
    { name: 'label', type: 'double', values: sorted.map((r) => r[3]) },
    { name: 'Beryl', type: 'string', values: sorted.map((r) => r[4]) },
  ])
}

export const S2_SPIKES = smallSpikes(8, 50, 0.1)
export const S2_OLD_SPIKES = smallSpikes(8, 10, 0.5)
/** S3's spike sortings by `collection#revision`: each with its own spike count per cluster (6 clusters, ids 0..5 on both probes). */
export const S3_SPIKES = {
  'alf/probe00/pykilosort#': smallSpikes(6, 5, 1),
  'alf/probe00/pykilosort#2024-05-06': smallSpikes(6, 20, 0.2),
  'alf/probe01/pykilosort#': smallSpikes(6, 7, 0.3),
  'alf/probe01/iblsorter#2024-05-06': smallSpikes(6, 30, 0.07),
  'alf/probe01/iblsorter#2025.01.01': smallSpikes(6, 40, 0.05),
} as const

function spikeFiles(collection: string, revision: string | undefined, spikes: { times: Float64Array; clusters: Float64Array }, extra: Partial<EmulatedFile>): EmulatedFile[] {
  return [
    { collection, revision, name: 'spikes.times.npy', bytes: npyBytes('<f8', [spikes.times.length], spikes.times), ...extra },
    { collection, revision, name: 'spikes.clusters.npy', bytes: npyBytes('<i8', [spikes.clusters.length], spikes.clusters), ...extra },
  ]
}

export function iblWorld(): AlyxSetup {
  const bb = brainboxClusters()
  const s1Files: EmulatedFile[] = [
    { collection: 'alf/probe00', name: 'spikes.times.npy', bytes: readFileSync(`${BRAINBOX}/spikes.times.npy`) },
    { collection: 'alf/probe00', name: 'spikes.clusters.npy', bytes: readFileSync(`${BRAINBOX}/spikes.clusters.npy`) },
    { collection: 'alf/probe00', name: 'clusters.depths.npy', bytes: npyBytes('<f8', [500], Float64Array.from({ length: 500 }, (_, i) => 20 + i * 7)) },
    { collection: 'alf/probe00', name: 'clusters.channels.npy', bytes: npyBytes('<i8', [500], Float64Array.from({ length: 500 }, (_, i) => i % N_CHANNELS)) },
    ...channelFiles('alf/probe00'),
    ...trialsNpyFiles('alf'),
  ]
  // S2's files have a private copy listed first (the public file server's record must be chosen).
  const s2Files: EmulatedFile[] = [
    ...spikeFiles('alf/probe00', undefined, S2_OLD_SPIKES, { defaultDataset: false, privateCopyFirst: true }),
    ...spikeFiles('alf/probe00', '2024-05-06', S2_SPIKES, { privateCopyFirst: true }),
    ...trialsTableFiles('alf'),
  ]
  const s3Files: EmulatedFile[] = [
    ...trialsNpyFiles('alf'),
    { collection: 'raw_ephys_data/probe00', name: '_spikeglx_sync.times.probe00.npy', bytes: npyBytes('<f8', [3], [1, 2, 3]) },
    ...Object.entries(S3_SPIKES).flatMap(([key, spikes]) => {
      const [collection, revision] = key.split('#')
      return spikeFiles(collection!, revision || undefined, spikes, {})
    }),
  ]
  const sessions: EmulatedSession[] = [
    { ...S1, record: { end_time: '2021-05-10T19:02:11', task_protocol: '_iblrig_tasks_ephysChoiceWorld6.4.2', projects: ['ibl_neuropixel_brainwide_01'], procedures: ['Ephys recording with acute probe(s)'], qc: 'PASS' }, files: s1Files },
    { ...S2, record: { task_protocol: '_iblrig_tasks_ephysChoiceWorld6.4.2' }, files: s2Files },
    { ...S3, files: s3Files },
    // 263 datasets: more than one Alyx page of 250.
    { ...S4, files: [...trialsNpyFiles('alf'), ...Array.from({ length: 251 }, (_, i): EmulatedFile => ({ collection: 'alf/extra', name: `extra.a${i}.npy`, bytes: npyBytes('<f8', [1], [i]) }))] },
  ]
  return {
    sessions,
    subjects: { KS055: { nickname: 'KS055', species: 'Mus musculus', sex: 'M', birth_date: '2020-12-01', strain: 'C57BL/6J', genotype: [], responsible_user: 'emulator', lab: 'cortexlab' } },
    insertions: {
      [S1.pid]: recorded('f530d6022f61cdc9e38cc66beb3cb71f3003c9a1') as Record<string, unknown>,
      [S2.pid]: { id: S2.pid, session: S2.eid, name: 'probe00', model: '3B2', json: { qc: 'PASS', x: -2243.1, y: -1950.2, z: -427.0, theta: 15, phi: 180, depth: 4000 } },
      [S3.pid]: { id: S3.pid, session: S3.eid, name: 'probe01', model: '3B2', json: {} },
      [S3.pid00]: { id: S3.pid00, session: S3.eid, name: 'probe00', model: '3B2', json: {} },
      [S4.pid]: { id: S4.pid, session: S4.eid, name: 'probe00', model: '3B2', json: {} },
    },
    rest: { '/dataset-types': recorded('535d0e9a1e2c1efbdeba0d673b131e00361a2edb'), '/labs': recorded('3f51aa2e0baa42438467906f56a457c91a221898') },
    files: { [UNITS_PATH]: unitsTable(bb.present), [QUERY_PATH]: queryTable(), ...releaseTables(bb.present) },
  }
}
