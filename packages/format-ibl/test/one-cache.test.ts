import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { container, loadSpikeData, type DependencyContainer, type SpikesWarning } from '@spikes/core'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { registerIbl } from '../src/index.js'
import { uuidFromInt64Pair } from '../src/ibl/one-tables.js'
import { npyBytes } from '@spikes/testing/ibl'
import { writeParquet } from '@spikes/testing/ibl'

const TABLES = realdata('ibl_alf', 'ONE-test-fixtures', 'cache_tables')
const present = sharedAvailable(TABLES)
if (!present && IN_CI) it('ONE cache tables are present', () => expect(present).toBe(true))

// Session b1c968ad-4874-468d-b2e4-5ffa9b9964e9 = mainenlab/Subjects/ZM_1150/2019-05-07/001 in the recorded
// ONE cache tables (legacy int64-pair ids). Its datasets.pqt rows give the file sizes the cache must match:
// alf/spikes.times.npy 8826208 (1103260 float64), alf/spikes.clusters.npy 4413168, trials 1880 (219 trials),
// _ibl_trials.intervals.npy 3632. We write generated files of exactly those sizes.
const EID = 'b1c968ad-4874-468d-b2e4-5ffa9b9964e9'
const PID = '11111111-2222-4333-8444-555555555555'
const N = 1103260
const TRIALS = 219

function registry(): DependencyContainer {
  const c = container.createChildContainer()
  registerIbl(c)
  return c
}

describe.skipIf(!present)('ibl loader on a cache filled by ONE (its sessions.pqt / datasets.pqt)', () => {
  let cacheDir: string
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'spikes-one-'))
    await copyFile(join(TABLES, 'sessions.pqt'), join(cacheDir, 'sessions.pqt'))
    await copyFile(join(TABLES, 'datasets.pqt'), join(cacheDir, 'datasets.pqt'))
    const alf = join(cacheDir, 'mainenlab/Subjects/ZM_1150/2019-05-07/001/alf')
    await mkdir(alf, { recursive: true })
    await writeFile(join(alf, 'spikes.times.npy'), npyBytes('<f8', [N], Float64Array.from({ length: N }, (_, i) => i * 0.001)))
    await writeFile(join(alf, 'spikes.clusters.npy'), npyBytes('<u4', [N], Uint32Array.from({ length: N }, (_, i) => i % 256)))
    const trial = (f: (i: number) => number) => Float64Array.from({ length: TRIALS }, (_, i) => f(i))
    for (const [name, f] of Object.entries({ goCue_times: (i: number) => i * 5 + 1, stimOn_times: (i: number) => i * 5 + 1.1, response_times: (i: number) => i * 5 + 2, feedback_times: (i: number) => i * 5 + 2.5, choice: (i: number) => (i % 2 ? 1 : -1), feedbackType: () => 1, contrastLeft: () => NaN, contrastRight: () => 0.25, probabilityLeft: () => 0.5 }))
      await writeFile(join(alf, `_ibl_trials.${name}.npy`), npyBytes('<f8', [TRIALS], trial(f)))
    await writeFile(join(alf, '_ibl_trials.intervals.npy'), npyBytes('<f8', [TRIALS, 2], Float64Array.from({ length: 2 * TRIALS }, (_, k) => Math.floor(k / 2) * 5 + (k % 2) * 4)))
    await mkdir(join(cacheDir, 'bwm_tables'))
    await writeFile(
      join(cacheDir, 'bwm_tables', 'units.pqt'),
      writeParquet([
        { name: 'eid', type: 'string', values: [EID, EID, EID, EID] },
        { name: 'pid', type: 'string', values: [PID, PID, PID, PID] },
        { name: 'cluster_id', type: 'int64', values: [7, 5, 300, 9] },
        { name: 'label', type: 'double', values: [1, 1, 1, 0] },
        { name: 'Beryl', type: 'string', values: ['MOs', 'MOp', 'CA1', 'VISp'] },
      ]),
    )
  })
  afterAll(() => rm(cacheDir, { recursive: true, force: true }))

  it('reads legacy int64-pair ids as ONE wrote them', () => {
    // sessions.pqt row 0 of the recorded table: id_0 = 8737712210713458643, id_1 = -4920882604093676133 is the
    // ZFM-01935 session d3372b15-... that the recorded Alyx dataset record (47893cf...) points to.
    expect(uuidFromInt64Pair(8737712210713458643n, -4920882604093676133n)).toBe('d3372b15-f696-4279-9be5-98f15783b5bb')
  })

  // No Alyx answer is recorded for this pid, so its insertion record (which names the probe) cannot be read:
  // the collection is given, as the IBL's loaders need eid and pname offline too.
  const options = (extra: Record<string, unknown>) => ({ cacheDir, unitsTable: 'https://example.invalid/units.pqt', collection: 'alf', retries: 0, timeoutMs: 2000, ...extra })

  it("mode 'local': the session's files found through ONE's tables, no request", async () => {
    const warnings: SpikesWarning[] = []
    const sd = await loadSpikeData(`ibl://${EID}/${PID}`, { container: registry(), options: options({ mode: 'local' }), onWarning: (w) => warnings.push(w) })
    // Spike i belongs to cluster i % 256 at i ms: cluster 7 has ceil((N - 7) / 256) = 4310 spikes, cluster 5 4310, 300 none.
    expect(sd.N).toBe(3)
    expect(sd.trains.map((t) => t.length)).toEqual([4310, 4310, 0])
    expect(sd.train(0)[1]).toBe(263 * 0.001 * 1000)
    expect(sd.neuronAttributes!.map((a) => a.region)).toEqual(['MOs', 'MOp', 'CA1'])
    expect(sd.metadata).toMatchObject({ n_trials: TRIALS, session_path: 'mainenlab/Subjects/ZM_1150/2019-05-07/001', collection: 'alf' })
    expect((sd.metadata.trial_end_times as Float64Array)[1]).toBe(9000)
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_IBL_TRIALS_INCOMPLETE'])
    expect(warnings[0].details?.missing).toEqual(['stimOff_times', 'firstMovement_times'])
  })

  it('without a collection and without the insertion record it refuses to guess the probe', async () => {
    await expect(loadSpikeData(`ibl://${EID}/${PID}`, { container: registry(), options: options({ mode: 'local', collection: null }) })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'collection' })
  })

  it("mode 'remote' with no server: the same, with the offline warning", async () => {
    const warnings: SpikesWarning[] = []
    const sd = await loadSpikeData(`ibl://${EID}/${PID}`, { container: registry(), options: options({ baseUrl: 'http://127.0.0.1:9' }), onWarning: (w) => warnings.push(w) })
    expect(sd.trains.map((t) => t.length)).toEqual([4310, 4310, 0])
    expect(warnings.map((w) => w.code)).toContain('SPIKES_WARN_IBL_OFFLINE')
  })
})
