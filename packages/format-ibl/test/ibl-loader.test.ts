import { describe, expect, it } from 'vitest'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { container, loadSpikeData, type DependencyContainer, type SpikesWarning } from '@spikes/core'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { candidateCollections, iblLoader, iblSource, registerIbl } from '../src/index.js'
import { useAlyxEmulator, type AlyxEmulator } from '@spikes/testing/ibl'
import { S1, S2, S4, s1Units, brainboxClusters, trialsColumns, UNITS_PATH, S2_SPIKES, N_CHANNELS } from '@spikes/testing/ibl'

const present = sharedAvailable(realdata('ibl_alf', 'brainbox-alf')) && sharedAvailable(realdata('ibl_alf', 'ONE-test-fixtures'))

function registry(): DependencyContainer {
  const c = container.createChildContainer()
  registerIbl(c)
  return c
}

describe('candidate collections (the IBL loaders\' order)', () => {
  it('the probe named by the insertion record: iblsorter, pykilosort, then the probe folder; or the given collection only', () => {
    expect(candidateCollections('probe01')).toEqual(['alf/probe01/iblsorter', 'alf/probe01/pykilosort', 'alf/probe01'])
    expect(candidateCollections('probe00', 'alf/probe00')).toEqual(['alf/probe00'])
    expect(candidateCollections(undefined, 'alf')).toEqual(['alf'])
    expect(candidateCollections(undefined)).toEqual([])
  })
  it('answers ibl:// URLs only', () => {
    expect(iblLoader.detect({ kind: 'remote', name: 'x', url: 'ibl://a/b', scheme: 'ibl' })).toMatchObject({ confidence: 100 })
    expect(iblLoader.detect({ kind: 'remote', name: 'x', url: 'dandi://a/b', scheme: 'dandi' })).toMatchObject({ confidence: 0 })
  })
})

describe.skipIf(!present)('ibl loader against an Alyx + file server emulator', () => {
  let emu: AlyxEmulator
  let cacheDir: string
  useAlyxEmulator('spikes-ibl-', (bed) => ({ emu, cacheDir } = bed))
  const opts = (extra: Record<string, unknown> = {}) => ({ baseUrl: emu.url, dataServer: emu.dataServer, unitsTable: emu.bucketUrl + UNITS_PATH, cacheDir, timeoutMs: 2000, retries: 1, ...extra })
  const load = (eid: string, pid: string, extra: Record<string, unknown> = {}, warnings: SpikesWarning[] = []) =>
    loadSpikeData(`ibl://${eid}/${pid}`, { container: registry(), options: opts(extra), onWarning: (w) => warnings.push(w) })

  it('falls back to a memory cache, with a warning, when the default cache folder cannot be used', async () => {
    // HOME under a regular file: ~/Downloads/ONE cannot be created. Before the fix, files downloaded into
    // the memory cache were invisible to the session folder opened first (MissingFileError).
    const savedHome = process.env.HOME
    const blocker = join(cacheDir, 'not-a-folder')
    await writeFile(blocker, 'x')
    process.env.HOME = join(blocker, 'home')
    try {
      const warnings: SpikesWarning[] = []
      const sd = await load(S1.eid, S1.pid, { collection: 'alf/probe00', cacheDir: undefined }, warnings)
      expect(sd.trains.map((t) => t.length)).toEqual([1, 1, 102, 11, 5, 2, 334, 10, 337, 56, 206, 343, 500, 300, 1, 2401, 0])
      expect(warnings.map((w) => w.code)).toContain('SPIKES_WARN_IBL_CACHE_IN_MEMORY')
      // The memory cache checks MD5 too (the browsers' path): bytes corrupted in transit, twice, are refused.
      emu.faults = [{ match: /spikes\.times\./, kind: 'corrupt' }]
      await expect(load(S1.eid, S1.pid, { collection: 'alf/probe00', cacheDir: undefined })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', details: { check: 'md5' } })
    } finally {
      process.env.HOME = savedHome
    }
  })

  it("SpikeLab's unit selection, trials and metadata (real brainbox spikes, recorded insertion)", async () => {
    const warnings: SpikesWarning[] = []
    const sd = await load(S1.eid, S1.pid, { collection: 'alf/probe00' }, warnings)
    // Good rows of the unit table in table order (label == 1): clusters computed with numpy at authoring
    // time from spikes.clusters: [50, 47, 45, 41, 39, 37, 35, 33, 26, 24, 21, 19, 14, 12, 3, 0, 1] with
    // (c == id).sum() = [1, 1, 102, 11, 5, 2, 334, 10, 337, 56, 206, 343, 500, 300, 1, 2401, 0]; max t*1e3 = 119998.85069650042.
    expect(sd.N).toBe(17)
    expect(sd.trains.map((t) => t.length)).toEqual([1, 1, 102, 11, 5, 2, 334, 10, 337, 56, 206, 343, 500, 300, 1, 2401, 0])
    expect(sd.train(0)[0]).toBe(101620.4376094365)
    expect(sd.lengthMs).toBe(119998.85069650042)
    const rows = s1Units(brainboxClusters().present).filter((r) => r.label === 1)
    expect(sd.neuronAttributes!.map((a) => a.cluster_id)).toEqual([50, 47, 45, 41, 39, 37, 35, 33, 26, 24, 21, 19, 14, 12, 3, 0, 1])
    expect(sd.neuronAttributes!.map((a) => a.region)).toEqual(rows.map((r) => r.beryl))
    expect(sd.neuronAttributes![0]).toMatchObject({ region: rows[0].beryl, cosmos: expect.any(String), atlas_id: expect.any(Number) })
    const indexed = s1Units(brainboxClusters().present).map((r, idx) => ({ ...r, idx })).filter((r) => r.label === 1)
    indexed.forEach((r, k) => {
      // firing_rate is NaN on every 5th table row: left out, as SpikeLab does
      if (r.idx % 5 === 0) expect(sd.neuronAttributes![k]).not.toHaveProperty('firing_rate')
      else expect(sd.neuronAttributes![k].firing_rate).toBe(r.idx * 0.5)
    })
    expect(sd.neuronAttributes![16]).toEqual({ region: null, atlas_id: 993, firing_rate: 12, cluster_id: 1 })

    const m = sd.metadata
    const t = trialsColumns()
    expect(m).toMatchObject({ eid: S1.eid, pid: S1.pid, n_trials: 500, identifier: S1.eid, format: 'IBL', unit_count: 17, duration_seconds: 119.99885069650042, collection: 'alf/probe00' })
    expect(Array.from(m.trial_start_times as Float64Array)).toEqual(Array.from(t.intervals_0, (v) => v * 1000))
    expect(Array.from(m.stim_on_times as Float64Array).slice(0, 2)).toEqual([25.135133333333332 * 1000, 28.785166666666665 * 1000])
    expect(Array.from(m.contrast_left as Float64Array).slice(0, 2)).toEqual([1, NaN])
    expect(Array.from(m.feedback_type as Float64Array).slice(0, 2)).toEqual([1, -1])
    for (const key of ['trial_end_times', 'stim_off_times', 'go_cue_times', 'response_times', 'feedback_times', 'first_movement_times', 'choice', 'contrast_right', 'probability_left']) expect((m[key] as Float64Array).length).toBe(500)
    // Best-effort metadata: session + subject (generated records), insertion (the recorded Alyx answer).
    // Alyx sessions carry `projects`, a list (there is no `project`).
    expect(m.projects).toEqual(['ibl_neuropixel_brainwide_01'])
    expect(m).toMatchObject({ session_start_time: '2021-05-10T12:00:00', session_end_time: '2021-05-10T19:02:11', lab: 'cortexlab', task_protocol: '_iblrig_tasks_ephysChoiceWorld6.4.2', project: 'ibl_neuropixel_brainwide_01', session_number: 1, qc: 'PASS', subject_id: 'KS055', species: 'Mus musculus', sex: 'M', date_of_birth: '2020-12-01', strain: 'C57BL/6J', responsible_user: 'emulator', probe_name: 'probe00', probe_model: '3B2' })
    expect(m).not.toHaveProperty('insertion_x')
    const e = m.electrodes_by_channel as Record<string, Record<string, number>>
    expect(Object.keys(e).length).toBe(N_CHANNELS)
    expect(e['2']).toEqual({ atlas_id: 993, x: -1198, y: -2000, z: -20, local_x: 59, local_y: 20, raw_index: 2 })
    expect(warnings.map((w) => w.code)).toEqual([])
    // The files are in a ONE-style cache folder, without the dataset UUIDs.
    expect((await stat(join(cacheDir, 'cortexlab/Subjects/KS055/2021-05-10/001/alf/probe00/spikes.times.npy'))).size).toBe(999368)
    expect((await stat(join(cacheDir, 'cortexlab/Subjects/KS055/2021-05-10/001/alf/_ibl_trials.intervals.npy'))).isFile()).toBe(true)
  })

  it('falls back through the probe\'s collections, takes the pinned revision from the public file records, reads a trials table (the options form)', async () => {
    const warnings: SpikesWarning[] = []
    const sd = await loadSpikeData(iblSource(S2.eid, S2.pid), { container: registry(), format: 'ibl', options: opts(), onWarning: (w) => warnings.push(w) })
    expect(sd.N).toBe(6)
    expect(sd.trains.map((t) => t.length)).toEqual([50, 50, 50, 50, 50, 50])
    expect(sd.train(0)[0]).toBe(S2_SPIKES.times[0] * 1000)
    expect(sd.metadata).toMatchObject({ collection: 'alf/probe00', revision: '2024-05-06' })
    expect(sd.metadata.n_trials).toBe(500)
    expect((sd.metadata.stim_off_times as Float64Array)[0]).toBe(trialsColumns().stimOff_times[0] * 1000)
    expect(sd.metadata).toMatchObject({ probe_name: 'probe00', insertion_x: -2243.1, insertion_depth: 4000, task_protocol: '_iblrig_tasks_ephysChoiceWorld6.4.2' })
    expect(sd.metadata.species).toBe('Mus musculus')
    expect(warnings).toEqual([])
    // iblsorter and pykilosort were looked for, then alf/probe00 had them, in revision 2024-05-06.
    expect(emu.requests.some((r) => r.includes('/alf/probe00/%232024-05-06%23/spikes.times.'))).toBe(true)
    // Every file record lists a private bucket copy first; ONE takes the public file server's.
    expect(emu.log.filter((r) => r.server === 'private')).toEqual([])
  })

  it('warns when every collection fails and refuses to guess the length (a subject name with a dot)', async () => {
    const warnings: SpikesWarning[] = []
    // The error alone is what a CLI user sees (a failed load prints no warnings): it must say the spikes were not found.
    await expect(load(S4.eid, S4.pid, {}, warnings)).rejects.toMatchObject({
      code: 'SPIKES_INVALID_ARGUMENT',
      argument: 'lengthMs',
      message: expect.stringContaining(`no spikes could be loaded for probe ${S4.pid} from any of the candidate collections (alf/probe00/iblsorter, alf/probe00/pykilosort, alf/probe00)`),
    })
    expect(warnings.map((w) => w.code)).toContain('SPIKES_WARN_IBL_NO_SPIKES')
    expect(warnings.find((w) => w.code === 'SPIKES_WARN_IBL_NO_SPIKES')!.details?.collections).toEqual(['alf/probe00/iblsorter', 'alf/probe00/pykilosort', 'alf/probe00'])
    const sd = await load(S4.eid, S4.pid, { lengthMs: 60_000 })
    expect(sd.N).toBe(3)
    expect(sd.times.length).toBe(0)
    expect(sd.lengthMs).toBe(60_000)
    expect(sd.warnings.map((w) => w.code)).toContain('SPIKES_WARN_IBL_NO_SPIKES')
    expect(sd.metadata).not.toHaveProperty('electrodes_by_channel')
    // ALF allows dots in subject names: DY.020's session folder is found in the file URLs.
    expect(sd.metadata).toMatchObject({ session_path: 'danlab/Subjects/DY.020/2020-09-29/001', n_trials: 500 })
    // S4 lists 263 datasets: Alyx pages of 250, the second by its absolute `next` URL.
    expect(emu.log.filter((r) => r.server === 'alyx' && r.path.startsWith(`/datasets?session=${S4.eid}`)).map((r) => new URL(r.path, emu.url).searchParams.get('offset'))).toEqual([null, '250', null, '250'])
  })

  it('best-effort calls may fail without failing the load', async () => {
    emu.faults = [{ match: /^\/(sessions|subjects|insertions)\//, kind: 'status', status: 500 }]
    const sd = await load(S1.eid, S1.pid, { collection: 'alf/probe00', retries: 0 })
    expect(sd.N).toBe(17)
    for (const k of ['session_start_time', 'lab', 'subject_id', 'species', 'probe_name']) expect(sd.metadata).not.toHaveProperty(k)
    expect(sd.metadata.n_trials).toBe(500)
  })

  it('survives a slow endpoint and retries a failing one', async () => {
    emu.faults = [
      { match: /^\/datasets\?/, kind: 'slow', delayMs: 600, times: 1 },
      { match: /spikes\.clusters\./, kind: 'status', status: 503, times: 1 },
    ]
    const sd = await load(S2.eid, S2.pid)
    expect(sd.N).toBe(6)
    expect(emu.count(/spikes\.clusters\./)).toBeGreaterThanOrEqual(2)
  })

  it('a request slower than the timeout fails with SPIKES_NETWORK when nothing is cached', async () => {
    emu.faults = [{ match: /^\/datasets\?/, kind: 'slow', delayMs: 1500 }]
    await expect(load(S2.eid, S2.pid, { timeoutMs: 300, retries: 0 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
  })

  it('a corrupted download is fetched again; corrupted twice it is an integrity error and nothing is kept', async () => {
    emu.faults = [{ match: /probe00\/%232024-05-06%23\/spikes\.times\./, kind: 'corrupt', times: 1 }]
    const ok = await load(S2.eid, S2.pid)
    expect(ok.train(0)[0]).toBe(S2_SPIKES.times[0] * 1000)
    const other = await mkdtemp(join(tmpdir(), 'spikes-ibl-'))
    try {
      emu.faults = [{ match: /probe00\/%232024-05-06%23\/spikes\.times\./, kind: 'corrupt' }]
      await expect(load(S2.eid, S2.pid, { cacheDir: other })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'md5' })
      await expect(stat(join(other, 'cortexlab/Subjects/KS055/2021-05-03/001/alf/probe00/#2024-05-06#/spikes.times.npy'))).rejects.toThrow()
    } finally {
      await rm(other, { recursive: true, force: true })
    }
  })

  it('reuses the cache offline: mode local, and remote with the network gone (warning)', async () => {
    await load(S1.eid, S1.pid, { collection: 'alf/probe00' })
    const before = emu.requests.length
    const local = await load(S1.eid, S1.pid, { collection: 'alf/probe00', mode: 'local' })
    expect(emu.requests.length).toBe(before)
    expect(local.N).toBe(17)
    expect(local.metadata).toMatchObject({ lab: 'cortexlab', probe_name: 'probe00' })
    emu.faults = [{ match: /./, kind: 'drop' }]
    const warnings: SpikesWarning[] = []
    const offline = await load(S1.eid, S1.pid, { collection: 'alf/probe00', retries: 0 }, warnings)
    expect(offline.trains.map((t) => t.length)).toEqual(local.trains.map((t) => t.length))
    expect(warnings.map((w) => w.code)).toContain('SPIKES_WARN_IBL_OFFLINE')
    expect(offline.metadata.species).toBe('Mus musculus')
  })

  it('follows paginated dataset lists', async () => {
    emu.pageSize = 3
    const sd = await load(S2.eid, S2.pid)
    expect(sd.N).toBe(6)
    expect(emu.count(/^\/datasets\?.*offset=3/)).toBeGreaterThan(0)
  })

  it('stops when aborted', async () => {
    const controller = new AbortController()
    emu.faults = [{ match: /^\/datasets\?/, kind: 'slow', delayMs: 800 }]
    setTimeout(() => controller.abort(), 100)
    await expect(loadSpikeData(iblSource(S2.eid, S2.pid), { container: registry(), options: opts(), signal: controller.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
  })

  it('a cache folder that cannot be written is a typed error naming it', async () => {
    const blocker = join(cacheDir, 'a-file')
    await (await import('node:fs/promises')).writeFile(blocker, 'x')
    const bad = join(blocker, 'cache')
    await expect(load(S1.eid, S1.pid, { collection: 'alf/probe00', cacheDir: bad })).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', path: bad, errno: 'ENOTDIR', message: expect.stringContaining(bad) })
  })

  it('mode local with a cold cache says what is missing', async () => {
    await expect(load(S1.eid, S1.pid, { mode: 'local' })).rejects.toMatchObject({ code: 'SPIKES_MISSING_FILE' })
  })

  it('checks eid/pid before any request', async () => {
    const n = emu.requests.length
    await expect(loadSpikeData('ibl://not-a-uuid/x', { container: registry(), options: opts() })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'eid' })
    await expect(loadSpikeData(iblSource(S1.eid, S1.pid), { container: registry(), options: opts({ mode: 'offline' }) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'mode' })
    await expect(loadSpikeData(iblSource(S1.eid, S1.pid), { container: registry(), options: opts({ pid: S2.pid }) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'pid' })
    expect(emu.requests.length).toBe(n)
  })
})

if (!present && IN_CI) it('IBL real data is present', () => expect(present).toBe(true))
