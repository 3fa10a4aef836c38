import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandSources, scanSetup } from '../src/index.js'

describe('ibl://probes sources', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-ibl-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const E1 = '11111111-1111-4111-8111-111111111111'
  const E2 = '22222222-2222-4222-8222-222222222222'
  const P1 = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa'
  const P2 = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb'
  const P3 = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc'
  // A Brain-Wide Map unit table: probe P1 has 3 good units in MOs/MOp, P2 3 good units elsewhere, P3 1 good unit.
  const rows = [
    [E1, P1, 0, 1, 'MOs'], [E1, P1, 1, 1, 'MOp'], [E1, P1, 2, 1, 'MOs'], [E1, P1, 3, 0, 'MOs'],
    [E1, P2, 0, 1, 'CA1'], [E1, P2, 1, 1, 'CA1'], [E1, P2, 2, 1, 'MOs'],
    [E2, P3, 0, 1, 'MOp'],
  ]
  const table = join(root, 'units.csv')
  writeFileSync(table, ['eid,pid,cluster_id,label,Beryl', ...rows.map((r) => r.join(','))].join('\n') + '\n')

  it('expands a probe query into ibl://<eid>/<pid> recordings for the ibl loader', async () => {
    const container = await scanSetup()
    const query = `ibl://probes?regions=MOs,MOp&minUnits=2&minFraction=0.5&unitsTable=${encodeURIComponent(table)}&cacheDir=${encodeURIComponent(join(root, 'cache'))}`
    const { items } = await expandSources([query], { container, options: { cacheDir: join(root, 'cache') } })
    expect(items).toEqual([{ source: `ibl://${E1}/${P1}`, format: 'ibl', options: { cacheDir: join(root, 'cache') } }])
    const all = await expandSources([`ibl://probes?minUnits=1&unitsTable=${encodeURIComponent(table)}&cacheDir=${encodeURIComponent(join(root, 'cache'))}`], { container })
    expect(all.items.map((i) => i.source)).toEqual([`ibl://${E1}/${P1}`, `ibl://${E1}/${P2}`, `ibl://${E2}/${P3}`])
  })

  it('refuses query keys it does not know, naming them', async () => {
    const container = await scanSetup()
    await expect(expandSources(['ibl://probes?region=MOs'], { container })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'IBL query key', received: 'region' })
    await expect(expandSources(['ibl://probes?minUnits=ten'], { container })).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'IBL query minUnits' })
  })
})
