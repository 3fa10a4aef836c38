import { writeParquet } from './parquet-writer.js'

/**
 * A Brain-Wide Map release as the public bucket holds it: `aggregates/<tag>/clusters.pqt` (atlas_id, no Beryl)
 * and `aggregates/<tag>/trials.pqt` (eid, bwm_include, feedbackType), built so that each of bwm_units'
 * criteria decides something. Allen ids: MOs5 767 -> MOs, VISp5 778 -> VISp, CA1sp 407 -> CA1, MOs 993, CA1 382
 * (iblatlas's mapping); 0 void, 997 root; 999999 is no Allen id.
 *
 * Sessions: E1 (= the world's S1, 5 error trials) 10 MOs5 + 10 VISp5 interleaved, then void x3, root x2,
 * CA1sp x10, MOs x2 at label 1/3, one unknown id; E2 (4 errors kept, 3 more not bwm_include) 10 MOs + 9 CA1;
 * E3 (2 errors kept, 5 not included: fails) 12 MOs; E4 (3 errors) 10 VISp5; E5 (no trials at all) 11 MOs.
 * bwm_units keeps MOs (E1, E2) and VISp (E1, E4); CA1 has one session with 10 units (E2 has 9): dropped.
 */
export const RELEASE = 'TEST_BWM'
export const RELEASE_CLUSTERS = `/aggregates/${RELEASE}/clusters.pqt`
export const RELEASE_TRIALS = `/aggregates/${RELEASE}/trials.pqt`

const U = (c: string) => `${c.repeat(8)}-${c.repeat(4)}-4${c.repeat(3)}-8${c.repeat(3)}-${c.repeat(12)}`
export const RELEASE_PROBES = {
  E1: ['fc737f3c-2a57-4165-9763-905413e7e341', 'b529f2d8-cdae-4d59-aba2-cbd1b5572e36'],
  E2: [U('2'), U('7')],
  E3: [U('3'), U('8')],
  E4: [U('4'), U('9')],
  E5: [U('5'), U('6')],
} as const

/** E1's cluster ids: the first 20 present brainbox clusters for the MOs5/VISp5 rows (even rows MOs5), then 200+. */
export function releaseClusterIds(present: readonly number[]): { mos: number[]; visp: number[] } {
  const first = present.slice(0, 20)
  return { mos: first.filter((_, i) => i % 2 === 0), visp: first.filter((_, i) => i % 2 === 1) }
}

export function releaseTables(present: readonly number[] = Array.from({ length: 20 }, (_, i) => i)): Record<string, Uint8Array> {
  const rows: [string, string, number, number, number][] = []
  const add = (probe: readonly [string, string], atlasId: number, n: number, label = 1, firstCluster = 200 + rows.length) => {
    for (let i = 0; i < n; i++) rows.push([probe[0], probe[1], firstCluster + i, label, atlasId])
  }
  const { E1, E2, E3, E4, E5 } = RELEASE_PROBES
  add(E2, 993, 10)
  add(E2, 382, 9)
  present.slice(0, 20).forEach((cluster, i) => rows.push([E1[0], E1[1], cluster, 1, i % 2 === 0 ? 767 : 778]))
  add(E1, 0, 3)
  add(E1, 997, 2)
  add(E1, 407, 10)
  add(E1, 993, 2, 1 / 3)
  add(E1, 999999, 1)
  add(E3, 993, 12)
  add(E4, 778, 10)
  add(E5, 993, 11)
  const clusters = writeParquet([
    { name: 'eid', type: 'string', values: rows.map((r) => r[0]) },
    { name: 'pid', type: 'string', values: rows.map((r) => r[1]) },
    { name: 'cluster_id', type: 'int64', values: rows.map((r) => r[2]) },
    { name: 'label', type: 'double', values: rows.map((r) => r[3]) },
    { name: 'atlas_id', type: 'int64', values: rows.map((r) => r[4]) },
    { name: 'acronym', type: 'string', values: rows.map((r) => ({ 767: 'MOs5', 778: 'VISp5', 407: 'CA1sp', 993: 'MOs', 382: 'CA1', 0: 'void', 997: 'root' })[r[4]] ?? null) },
  ])
  const trials: [string, boolean, number][] = []
  const session = (eid: string, kept: number, excluded: number, correct = 10) => {
    for (let i = 0; i < kept; i++) trials.push([eid, true, -1])
    for (let i = 0; i < excluded; i++) trials.push([eid, false, -1])
    for (let i = 0; i < correct; i++) trials.push([eid, true, 1])
  }
  session(E1[0], 5, 0)
  session(E2[0], 4, 3)
  session(E3[0], 2, 5)
  session(E4[0], 3, 0)
  const trialsTable = writeParquet([
    { name: 'eid', type: 'string', values: trials.map((t) => t[0]) },
    { name: 'bwm_include', type: 'boolean', values: trials.map((t) => t[1]) },
    { name: 'feedbackType', type: 'double', values: trials.map((t) => t[2]) },
  ])
  return { [RELEASE_CLUSTERS]: clusters, [RELEASE_TRIALS]: trialsTable }
}
