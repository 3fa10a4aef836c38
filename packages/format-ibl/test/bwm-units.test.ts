// The Brain-Wide Map unit table as brainwidemap.bwm_units builds it from the release aggregates, and the
// bundled Allen -> Beryl / Cosmos mapping checked against iblatlas's own remap.
import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { container, loadSpikeData, type DependencyContainer, type SpikesWarning } from '@spikes/core'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { brainboxClusters, RELEASE_CLUSTERS, RELEASE_PROBES, releaseClusterIds, S1, useAlyxEmulator, type AlyxEmulator } from '@spikes/testing/ibl'
import { atlasRegions, queryIblProbes, registerIbl } from '../src/index.js'

const ATLAS = realdata('ibl_atlas', 'allen_to_beryl_cosmos.csv')
const atlasPresent = sharedAvailable(ATLAS)
const present = sharedAvailable(realdata('ibl_alf', 'brainbox-alf')) && sharedAvailable(realdata('ibl_alf', 'ONE-test-fixtures'))
if ((!present || !atlasPresent) && IN_CI) it('IBL real data is present', () => expect(present && atlasPresent).toBe(true))

describe.skipIf(!atlasPresent)('the bundled Allen -> Beryl / Cosmos mapping', () => {
  it("gives iblatlas's BrainRegions.remap for every id of the structure tree (allen_to_beryl_cosmos.csv)", () => {
    const lines = readFileSync(ATLAS, 'utf8').trim().split(/\r?\n/).slice(1)
    expect(lines.length).toBe(1328)
    for (const line of lines) {
      const [id, , , beryl, , cosmos] = line.split(',')
      expect(atlasRegions(Number(id)), `atlas id ${id}`).toEqual({ beryl, cosmos })
    }
    // PROVENANCE's examples, and a left-hemisphere (negative) id.
    expect(atlasRegions(407)).toEqual({ beryl: 'CA1', cosmos: 'HPF' })
    expect(atlasRegions(-767)).toEqual({ beryl: 'MOs', cosmos: 'Isocortex' })
    expect(atlasRegions(778n)?.beryl).toBe('VISp')
    expect(atlasRegions(999999)).toBeUndefined()
    expect(atlasRegions(Number.NaN)).toBeUndefined()
  })
})

describe.skipIf(!present || !atlasPresent)('bwm_units over the release aggregates', () => {
  let emu: AlyxEmulator
  let cacheDir: string
  useAlyxEmulator('spikes-bwm-', (bed) => ({ emu, cacheDir } = bed))
  const clusters = () => emu.bucketUrl + RELEASE_CLUSTERS
  const q = (o: Record<string, unknown> = {}) => queryIblProbes({ unitsTable: clusters(), cacheDir, retries: 0, ...o })
  const { E1, E2, E3, E4, E5 } = RELEASE_PROBES

  it('keeps the sessions with 3 error trials, the regions with 10 units in 2 sessions, never void/root: MOs and VISp', async () => {
    // E1: 10 MOs5 -> MOs, 10 VISp5 -> VISp (CA1 has 10 units in E1 but 9 in E2: one session, dropped);
    // E2: 10 MOs; E4: 10 VISp; E3 fails the trials criterion, E5 is not in the trials table.
    const r = await q({ targetRegions: ['MOs'] })
    expect(r.stats).toEqual([
      { eid: E1[0], pid: E1[1], n_good_units: 20, n_in_target: 10, fraction_in_target: 0.5 },
      { eid: E2[0], pid: E2[1], n_good_units: 10, n_in_target: 10, fraction_in_target: 1 },
      { eid: E4[0], pid: E4[1], n_good_units: 10, n_in_target: 0, fraction_in_target: 0 },
    ])
  })

  it('each criterion can be changed or turned off, as bwm_units keyword arguments', async () => {
    // Without the trials table E3 and E5 count: MOs has 4 sessions.
    const noTrials = await q({ trialsTable: null })
    expect(noTrials.stats.map((s) => [s.pid, s.n_good_units])).toEqual([
      [E1[1], 20],
      [E3[1], 12],
      [E5[1], 11],
      [E2[1], 10],
      [E4[1], 10],
    ])
    // No region minimums: CA1 comes back (E1 10 + E2 9), void/root and unknown ids still go.
    const r = await q({ targetRegions: ['CA1'], bwmUnits: { minUnitsSessions: null } })
    expect(r.stats.find((s) => s.pid === E2[1])).toEqual({ eid: E2[0], pid: E2[1], n_good_units: 19, n_in_target: 9, fraction_in_target: 9 / 19 })
    expect(r.stats.find((s) => s.pid === E1[1])).toMatchObject({ n_good_units: 30, n_in_target: 10 })
    // No criteria at all: every row keeps its Beryl region (label 1/3 rows are not good units).
    const all = await q({ bwmUnits: false })
    expect(all.stats.find((s) => s.pid === E1[1])!.n_good_units).toBe(20 + 3 + 2 + 10 + 1)
    await expect(q({ bwmUnits: { minErrors: 'three' } })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'bwmUnits.minErrors' })
  })

  it('loads a probe with its units in bwm_units order (by region, then table order) and Beryl / Cosmos from atlas_id', async () => {
    const warnings: SpikesWarning[] = []
    const c = container.createChildContainer()
    registerIbl(c as DependencyContainer)
    const sd = await loadSpikeData(`ibl://${S1.eid}/${S1.pid}`, { container: c, options: { baseUrl: emu.url, dataServer: emu.dataServer, unitsTable: clusters(), collection: 'alf/probe00', cacheDir, retries: 0 }, onWarning: (w) => warnings.push(w) })
    const { mos, visp } = releaseClusterIds(brainboxClusters().present)
    expect(sd.neuronAttributes!.map((a) => a.cluster_id)).toEqual([...mos, ...visp])
    expect(sd.neuronAttributes!.map((a) => a.region)).toEqual([...Array(10).fill('MOs'), ...Array(10).fill('VISp')])
    expect(sd.neuronAttributes![0]).toMatchObject({ cosmos: 'Isocortex', atlas_id: 767, acronym: 'MOs5' })
    expect(sd.metadata.unit_selection).toBe('bwm_units')
    expect(warnings.map((w) => w.code)).toEqual([])
  })

  it("checks the table's MD5: the bucket's ETag, or the unitsTableMd5 option", async () => {
    emu.faults = [{ match: /clusters\.pqt/, kind: 'corrupt' }]
    await expect(q()).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', details: { check: 'md5' } })
    emu.faults = []
    await expect(q({ unitsTableMd5: '0'.repeat(32) })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', details: { check: 'md5', expected: '0'.repeat(32) } })
    expect((await q()).stats.length).toBe(3)
  })

  it('a release tag picks the aggregates of that release on the public bucket', async () => {
    const seen: string[] = []
    const fetchLogged: typeof fetch = async (input, init) => {
      seen.push(String(input))
      throw new TypeError('offline in this test')
    }
    await expect(queryIblProbes({ release: '2023_Q4_IBL_et_al_BWM_2', cacheDir, retries: 0, fetch: fetchLogged })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
    expect(seen).toEqual(['https://ibl-brain-wide-map-public.s3.amazonaws.com/aggregates/2023_Q4_IBL_et_al_BWM_2/clusters.pqt'])
  })
})
