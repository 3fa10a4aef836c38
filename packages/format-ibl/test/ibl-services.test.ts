// The ibl loader against an Alyx that requires login, a separate file server and a bucket that refuses
// foreign credentials (@spikes/testing/ibl): the failures the real services would show the old client.
import { describe, expect, it } from 'vitest'
import { mkdtemp, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { container, loadSpikeData, type DependencyContainer } from '@spikes/core'
import { IN_CI, realdata, sharedAvailable } from '@spikes/testing'
import { S1, S2, S3, S3_SPIKES, UNITS_PATH, useAlyxEmulator, type AlyxEmulator } from '@spikes/testing/ibl'
import { registerIbl } from '../src/index.js'

const present = sharedAvailable(realdata('ibl_alf', 'brainbox-alf')) && sharedAvailable(realdata('ibl_alf', 'ONE-test-fixtures'))
if (!present && IN_CI) it('IBL real data is present', () => expect(present).toBe(true))

function registry(): DependencyContainer {
  const c = container.createChildContainer()
  registerIbl(c)
  return c
}

describe.skipIf(!present)('ibl loader against services that answer as the real ones', () => {
  let emu: AlyxEmulator
  let cacheDir: string
  useAlyxEmulator('spikes-ibl-svc-', (bed) => ({ emu, cacheDir } = bed))
  const opts = (extra: Record<string, unknown> = {}) => ({ baseUrl: emu.url, dataServer: emu.dataServer, unitsTable: emu.bucketUrl + UNITS_PATH, cacheDir, timeoutMs: 2000, retries: 0, ...extra })
  const load = (eid: string, pid: string, extra: Record<string, unknown> = {}) => loadSpikeData(`ibl://${eid}/${pid}`, { container: registry(), options: opts(extra) })
  const alyx = () => emu.log.filter((r) => r.server === 'alyx')
  const elsewhere = () => emu.log.filter((r) => r.server !== 'alyx')

  it('logs in with the public credentials, keeps the token in the cache folder and sends it to Alyx only', async () => {
    const before = emu.tokens.length
    const sd = await load(S2.eid, S2.pid, { username: 'intbrainlab', password: 'international' })
    expect(sd.N).toBe(6)
    expect(emu.tokens.length).toBe(before + 1)
    const token = emu.tokens.at(-1)!
    const [login, ...rest] = alyx()
    expect(login).toMatchObject({ method: 'POST', path: '/auth-token', status: 200, authorization: undefined })
    expect(rest.length).toBeGreaterThan(0)
    expect(rest.every((r) => r.authorization === `Token ${token}` && r.status !== 403)).toBe(true)
    // Downloads went to the file server and the bucket, without the token.
    expect(elsewhere().length).toBeGreaterThan(0)
    expect(elsewhere().every((r) => r.authorization === undefined)).toBe(true)
    const file = join(cacheDir, '.spikes-ibl', 'tokens', `intbrainlab@${new URL(emu.url).host.replace(':', '_')}.json`)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
  })

  it('logs in again when Alyx answers 403 "Invalid token."', async () => {
    await load(S2.eid, S2.pid)
    const before = emu.tokens.length
    emu.revokeTokens()
    emu.log.length = 0
    const sd = await load(S2.eid, S2.pid)
    expect(sd.N).toBe(6)
    expect(emu.tokens.length).toBe(before + 1)
    expect(alyx().filter((r) => r.status === 403).length).toBe(1)
    expect(alyx().filter((r) => r.path === '/auth-token').length).toBe(1)
  })

  it('a token given as an option goes to Alyx only, never to the file server or the public bucket (which refuses it)', async () => {
    await load(S2.eid, S2.pid)
    const token = emu.tokens.at(-1)!
    emu.log.length = 0
    const sd = await load(S2.eid, S2.pid, { token, unitsTable: emu.bucketUrl + UNITS_PATH, cacheDir: await mkdtemp(join(tmpdir(), 'spikes-ibl-svc-')) })
    expect(sd.N).toBe(6)
    expect(alyx().every((r) => r.authorization === `Token ${token}`)).toBe(true)
    expect(elsewhere().filter((r) => r.server === 'bucket').length).toBe(1)
    expect(elsewhere().every((r) => r.authorization === undefined && r.status === 200)).toBe(true)
  })

  it('wrong credentials are a network error that says what to check, without the password', async () => {
    const error = await load(S2.eid, S2.pid, { username: 'someone', password: 'not-the-password', cacheDir: await mkdtemp(join(tmpdir(), 'spikes-ibl-svc-')) }).catch((e) => e)
    expect(error).toMatchObject({ code: 'SPIKES_NETWORK', details: { status: 400, authRequired: true, username: 'someone' } })
    expect(error.message).toContain("user 'someone'")
    expect(error.message).not.toContain('not-the-password')
  })

  it("probe01 of a two-probe session loads probe01's spikes (iblsorter, revision 2024-05-06), though its pid ends in 00", async () => {
    const probe01 = await load(S3.eid, S3.pid)
    const expected = S3_SPIKES['alf/probe01/iblsorter#2024-05-06']
    expect(probe01.metadata).toMatchObject({ probe_name: 'probe01', collection: 'alf/probe01/iblsorter', revision: '2024-05-06' })
    expect(probe01.trains.map((t) => t.length)).toEqual([30, 30, 30, 30, 30, 30])
    expect(Array.from(probe01.train(2)).slice(0, 3)).toEqual(Array.from(expected.times.filter((_, i) => expected.clusters[i] === 2).slice(0, 3), (t) => t * 1000))
    // probe00 (pid ending in 01): its own sorting, the pinned revision of pykilosort.
    const probe00 = await load(S3.eid, S3.pid00)
    expect(probe00.metadata).toMatchObject({ probe_name: 'probe00', collection: 'alf/probe00/pykilosort', revision: '2024-05-06' })
    expect(probe00.trains.map((t) => t.length)).toEqual([20, 20, 20, 20, 20, 20])
    // Other revisions on request: the latest (a label with dots), or the default dataset.
    const latest = await load(S3.eid, S3.pid, { revision: null })
    expect(latest.trains.map((t) => t.length)).toEqual([40, 40, 40, 40, 40, 40])
    const older = await load(S3.eid, S3.pid, { revision: '2024-01-01' })
    expect(older.metadata.collection).toBe('alf/probe01/pykilosort')
    expect(older.trains.map((t) => t.length)).toEqual([7, 7, 7, 7, 7, 7])
  })

  it('refuses a pid of another session, and a pid Alyx does not know', async () => {
    await expect(load(S1.eid, S3.pid)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'eid' })
    await expect(load(S1.eid, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY' })
  })
})
