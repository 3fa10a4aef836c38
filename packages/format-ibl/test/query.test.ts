import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { queryIblProbes } from '../src/index.js'
import { startAlyxEmulator, type AlyxEmulator } from '@spikes/testing/ibl'
import { iblWorld, QUERY, QUERY_PATH } from '@spikes/testing/ibl'

const present = sharedAvailable(realdata('ibl_alf', 'brainbox-alf'))
if (!present && IN_CI) it('IBL real data is present', () => expect(present).toBe(true))

describe.skipIf(!present)('queryIblProbes (SpikeLab query_ibl_probes)', () => {
  let emu: AlyxEmulator
  let cacheDir: string
  beforeAll(async () => {
    emu = await startAlyxEmulator(iblWorld())
    cacheDir = await mkdtemp(join(tmpdir(), 'spikes-ibl-q-'))
  })
  afterAll(async () => {
    await emu?.close()
    await rm(cacheDir, { recursive: true, force: true })
  })
  const q = (o: Record<string, unknown>) => queryIblProbes({ unitsTable: emu.bucketUrl + QUERY_PATH, cacheDir, ...o })

  // The table (@spikes/testing/ibl, ibl-world.ts queryTable): good units (label == 1) per probe
  // A: 5 (MOs x3, CA1 x2; plus 2 MOs at label 1/3), B: 8 MOp, C: 5 VISp, D: 12 (MOs x6, VISp x6),
  // E: none good (9 at label 2/3), F: 5 (MOs, MOp, CA1, CA1, no region). Keys sort A < B < C < D < F.
  it('targets MOs+MOp, at least 5 units, at least half in target: D, B, A', async () => {
    const r = await q({ targetRegions: ['MOs', 'MOp'], minUnits: 5, minFractionInTarget: 0.5 })
    expect(r.probes).toEqual([QUERY.D, QUERY.B, QUERY.A])
    expect(r.stats).toEqual([
      { eid: QUERY.D[0], pid: QUERY.D[1], n_good_units: 12, n_in_target: 6, fraction_in_target: 0.5 },
      { eid: QUERY.B[0], pid: QUERY.B[1], n_good_units: 8, n_in_target: 8, fraction_in_target: 1 },
      { eid: QUERY.A[0], pid: QUERY.A[1], n_good_units: 5, n_in_target: 3, fraction_in_target: 0.6 },
    ])
  })

  it('no region filter: every probe with a good unit, ties kept in (eid, pid) order, no region columns', async () => {
    const r = await q({})
    expect(r.probes).toEqual([QUERY.D, QUERY.B, QUERY.A, QUERY.C, QUERY.F])
    expect(r.stats[0]).toEqual({ eid: QUERY.D[0], pid: QUERY.D[1], n_good_units: 12 })
    expect((await q({ minUnits: 6 })).probes).toEqual([QUERY.D, QUERY.B])
    expect((await q({ minUnits: 13 })).probes).toEqual([])
  })

  it('an empty region list counts nothing in target; the fraction filter then keeps only minFraction 0', async () => {
    const r = await q({ targetRegions: [] })
    expect(r.stats.map((s) => s.n_in_target)).toEqual([0, 0, 0, 0, 0])
    expect((await q({ targetRegions: ['CA1'], minFractionInTarget: 0.4 })).stats).toEqual([
      { eid: QUERY.A[0], pid: QUERY.A[1], n_good_units: 5, n_in_target: 2, fraction_in_target: 0.4 },
      { eid: QUERY.F[0], pid: QUERY.F[1], n_good_units: 5, n_in_target: 2, fraction_in_target: 0.4 },
    ])
  })

  it('works offline from the cached table and validates its options', async () => {
    const r = await q({ mode: 'local', targetRegions: ['MOp'], minFractionInTarget: 1 })
    expect(r.probes).toEqual([QUERY.B])
    await expect(q({ targetRegions: 'MOs' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'targetRegions' })
    await expect(q({ minUnits: 'ten' })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'minUnits' })
  })
})
