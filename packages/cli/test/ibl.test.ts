// `spikes ibl probes` and `spikes inspect ibl://…` against the Alyx + file-server emulator of the
// format-ibl tests, on 127.0.0.1.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { main } from '../src/main.js'
import { startAlyxEmulator, type AlyxEmulator } from '@spikes/testing/ibl'
import { iblWorld, QUERY, QUERY_PATH, S1, UNITS_PATH } from '@spikes/testing/ibl'
import { captureIo } from './support/capture-io.js'

const present = sharedAvailable(realdata('ibl_alf', 'brainbox-alf'))
if (!present && IN_CI) it('IBL real data is present', () => expect(present).toBe(true))

describe.skipIf(!present)('spikes ibl', () => {
  let emu: AlyxEmulator
  let cacheDir: string
  beforeAll(async () => {
    emu = await startAlyxEmulator(iblWorld())
    cacheDir = await mkdtemp(join(tmpdir(), 'spikes-cli-ibl-'))
  })
  afterAll(async () => {
    await emu?.close()
    await rm(cacheDir, { recursive: true, force: true })
  })

  it('probes: filters and orders as SpikeLab', async () => {
    const t = captureIo()
    const argv = ['ibl', 'probes', '--regions', 'MOs,MOp', '--min-units', '5', '--min-fraction', '0.5', '--units-table', emu.bucketUrl + QUERY_PATH, '--cache-dir', cacheDir]
    expect(await main([...argv, '--json'], t.io), t.stderr()).toBe(0)
    expect(JSON.parse(t.stdout()).map((s: { pid: string; n_good_units: number }) => [s.pid, s.n_good_units])).toEqual([
      [QUERY.D[1], 12],
      [QUERY.B[1], 8],
      [QUERY.A[1], 5],
    ])
    const text = captureIo()
    expect(await main(argv, text.io)).toBe(0)
    expect(text.stdout()).toContain(`3 probes\nibl://${QUERY.D[0]}/${QUERY.D[1]}  12 good units  6 in target (50%)`)
  })

  it('probes: bad arguments are typed errors', async () => {
    const t = captureIo()
    expect(await main(['ibl', 'probes', '--min-units', 'ten', '--json'], t.io)).toBe(1)
    expect(JSON.parse(t.stdout()).error.code).toBe('SPIKES_INVALID_ARGUMENT')
    const u = captureIo()
    expect(await main(['ibl', 'sessions', '--json'], u.io)).toBe(1)
    expect(JSON.parse(u.stdout()).error.code).toBe('SPIKES_INVALID_ARGUMENT')
  })

  it('inspect ibl://eid/pid loads the probe through the emulator', async () => {
    const t = captureIo()
    const options = JSON.stringify({ baseUrl: emu.url, dataServer: emu.dataServer, unitsTable: emu.bucketUrl + UNITS_PATH, cacheDir, collection: 'alf/probe00', timeoutMs: 2000, retries: 1 })
    expect(await main(['inspect', `ibl://${S1.eid}/${S1.pid}`, '--options', options, '--json'], t.io), t.stdout()).toBe(0)
    const s = JSON.parse(t.stdout())
    // Per-unit counts from format-ibl's ibl-loader test (numpy at authoring time) sum to 4610.
    expect([s.format, s.N, s.totalSpikes]).toEqual(['ibl', 17, 4610])
  })
})
