import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { container as rootContainer, loadSpikeData, type SpikeData, type SpikesWarning } from '@spikes/core'
import { fileSource } from '@spikes/core/node'
import { nwbLoader } from '@spikes/format-nwb'
import { isDandiApiAssetUrl, loadSpikeDataFromDandi, registerDandi } from '../src/index.js'
import { registerRemote } from '@spikes/remote'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { generated, IN_CI, R, REAL } from '@spikes/testing/dandi'

const TOKEN = 'embargo-token-42'
const fast = { backoffMs: 1, retries: 4 }

function comparable(sd: SpikeData): unknown {
  const { dandi_transfer, downloaded_path, ...metadata } = sd.metadata as Record<string, unknown>
  return { times: Array.from(sd.times), offsets: Array.from(sd.offsets), N: sd.N, lengthMs: sd.lengthMs, startTimeMs: sd.startTimeMs, neuronAttributes: sd.neuronAttributes, metadata }
}

describe.runIf(REAL || IN_CI)('loadSpikeDataFromDandi and the dandi loader', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const medium = await generated('medium')
  const chunked = await generated('chunked')
  const emu = await startDandiEmulator({
    token: TOKEN,
    dandisets: {
      '000401': {
        assets: [
          { path: 'sub-4/sub-4_ses-4_ecephys.nwb', file: R.rutishauser },
          { path: 'sub-A8604/sub-A8604_ecephys.nwb', file: R.pynapple },
          { path: 'sub-001/sub-001_ses-1_ecephys.nwb', file: R.spikeglx },
          { path: 'gen/medium.nwb', file: medium.path },
          { path: 'gen/chunked.nwb', file: chunked.path },
          { path: 'bad/wrong-digest.nwb', file: R.pynapple, wrongDigest: true },
          { path: 'bad/no-range.nwb', file: R.pynapple, ignoreRange: true },
          { path: '../../escape/../..', file: R.pynapple },
        ],
      },
      '000402': { embargoed: true, assets: [{ path: 'sub-e/sub-e.nwb', file: R.pynapple }] },
    },
  })
  const id = (path: string) => emu.asset(path).assetId
  const api = { apiBase: emu.apiBase, ...fast }
  let tmp = ''
  let savedTmp: string | undefined
  afterAll(() => emu.close())
  beforeEach(async () => {
    await emu.setFaults([])
    await emu.clearLog()
    // Temporary downloads go under os.tmpdir(): point it at a fresh folder to see what is left behind.
    savedTmp = process.env.TMPDIR
    tmp = mkdtempSync(join(tmpdir(), 'spikes-dandi-load-'))
    process.env.TMPDIR = tmp
  })
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = savedTmp
    rmSync(tmp, { recursive: true, force: true })
  })

  it('reads a real Units table remotely', async () => {
    const a = emu.asset('sub-4/sub-4_ses-4_ecephys.nwb')
    const sd = await loadSpikeDataFromDandi(a.assetId, { ...api, dandisetId: '000401' })
    // h5py on the same file: len(units/id) = 35, len(spike_times) = 214278, spike_times_index[:3] =
    // [19750, 40188, 57382], spike_times[0] = 0.03942225, identifier b'TWH103_CBID4'.
    expect(sd.N).toBe(35)
    expect(sd.totalSpikes).toBe(214278)
    expect(sd.train(0).length).toBe(19750)
    expect(sd.train(1).length).toBe(40188 - 19750)
    expect(sd.train(2).length).toBe(57382 - 40188)
    expect(sd.train(0)[0]).toBe(0.03942225 * 1e3)
    expect(sd.metadata).toMatchObject({
      identifier: 'TWH103_CBID4',
      dandi_asset_id: a.assetId,
      dandi_dandiset_id: '000401',
      dandi_version: 'draft',
      source_reference: `dandi://dandiarchive.org/dandisets/000401/versions/draft/assets/${a.assetId}`,
      dandi_asset_path: a.path,
      source_file: `${emu.apiBase}/assets/${a.assetId}/download/`,
      dandi_transfer: { mode: 'range', asset_size: a.size },
    })
    const t = sd.metadata.dandi_transfer as { bytes_fetched: number; requests: number }
    // The spike times are 1.7 MB of this 2 MB file, so most of it travels; never more than once.
    expect(t.bytes_fetched).toBeLessThanOrEqual(a.size)
    expect(t.requests).toBeLessThanOrEqual(20)
    expect(readdirSync(tmp)).toEqual([])
  })

  it('gives identical SpikeData remotely, downloaded, and from the local file', async () => {
    for (const path of ['sub-4/sub-4_ses-4_ecephys.nwb', 'sub-A8604/sub-A8604_ecephys.nwb']) {
      const remote = await loadSpikeDataFromDandi(id(path), api)
      const downloaded = await loadSpikeDataFromDandi(id(path), { ...api, download: true })
      expect(downloaded.metadata.dandi_transfer).toMatchObject({ mode: 'download', bytes_fetched: emu.asset(path).size })
      expect(comparable(remote)).toEqual(comparable(downloaded))
      const source = await fileSource(emu.asset(path).file!)
      const local = await nwbLoader.load(source, {}, { warn: () => {}, progress: () => {} }).finally(() => source.close())
      expect(Array.from(remote.times)).toEqual(Array.from(local.times))
      expect(remote.neuronAttributes).toEqual(local.neuronAttributes)
    }
    // pynapple-phy file, h5py: units/id = [6, 191, 206], spike_times_index = [11020, 15710, 21354].
    const p = await loadSpikeDataFromDandi(id('sub-A8604/sub-A8604_ecephys.nwb'), api)
    expect(p.neuronAttributes?.map((u) => u.unit_id)).toEqual([6, 191, 206])
    expect(p.spikeCounts()).toEqual([11020, 15710 - 11020, 21354 - 15710])
    expect(readdirSync(tmp)).toEqual([])
  })

  it('loads dandi:// references through loadSpikeData', async () => {
    const c = rootContainer.createChildContainer()
    registerDandi(c)
    const sd = await loadSpikeData('dandi://000401/draft/sub-A8604/sub-A8604_ecephys.nwb', { container: c, options: api })
    expect(sd.N).toBe(3)
    expect(sd.metadata).toMatchObject({ dandi_dandiset_id: '000401', dandi_asset_id: id('sub-A8604/sub-A8604_ecephys.nwb'), provenance: { format: 'dandi', source: 'dandi://000401/draft/sub-A8604/sub-A8604_ecephys.nwb', reason: 'dandi:// URL' } })
    const byId = await loadSpikeData(`dandi://assets/${id('sub-A8604/sub-A8604_ecephys.nwb')}`, { container: c, format: 'dandi', options: api })
    expect(byId.totalSpikes).toBe(21354)
    await expect(loadSpikeData('dandi://000401/draft/sub-A8604/missing.nwb', { container: c, options: api })).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'sub-A8604/missing.nwb' })
  })

  it("an API asset URL (the web app's download link) goes to the dandi loader, not the http resolver, which took it for a folder", async () => {
    const c = rootContainer.createChildContainer()
    registerRemote(c)
    registerDandi(c)
    const a = emu.asset('sub-A8604/sub-A8604_ecephys.nwb')
    const urls = [`${emu.apiBase}/assets/${a.assetId}/download/`, `${emu.apiBase}/assets/${a.assetId}/`, `${emu.apiBase}/dandisets/000401/versions/draft/assets/${a.assetId}/`]
    for (const url of urls) {
      const sd = await loadSpikeData(url, { container: c, options: fast })
      expect(sd.metadata).toMatchObject({ dandi_asset_id: a.assetId, provenance: { format: 'dandi', source: url, reason: 'DANDI web or API link' } })
      expect(sd.spikeCounts()).toEqual([11020, 15710 - 11020, 21354 - 15710])
    }
    // Other URLs that end in '/' are still folders for the http resolver.
    expect(isDandiApiAssetUrl(`${emu.apiBase}/assets/not-a-uuid/download/`)).toBe(false)
    expect(isDandiApiAssetUrl(`${emu.storageUrl}/lab/ks/`)).toBe(false)
    expect(isDandiApiAssetUrl(`https://api.dandiarchive.org/api/assets/${a.assetId}/download/`)).toBe(true)
  })

  it('finds the archive through DANDI_API_URL when no apiBase is given (the token goes to that archive only)', async () => {
    const c = rootContainer.createChildContainer()
    registerDandi(c)
    vi.stubEnv('DANDI_API_URL', emu.apiBase)
    vi.stubEnv('DANDI_API_TOKEN', TOKEN)
    try {
      const sd = await loadSpikeData('dandi://000402/draft/sub-e/sub-e.nwb', { container: c, options: fast })
      expect(sd.N).toBe(3)
      expect(sd.totalSpikes).toBe(21354)
      expect(sd.metadata).toMatchObject({ dandi_dandiset_id: '000402', dandi_asset_id: id('sub-e/sub-e.nwb') })
      expect((await emu.log()).filter((e) => e.kind === 'list' || e.kind === 'asset').every((e) => e.auth === 'present')).toBe(true)
    } finally {
      vi.unstubAllEnvs()
    }
  })

  it('accepts the asset URL and finds the API from it', async () => {
    const a = emu.asset('sub-A8604/sub-A8604_ecephys.nwb')
    const sd = await loadSpikeDataFromDandi(`${emu.apiBase}/assets/${a.assetId}/download/`, fast)
    expect(sd.totalSpikes).toBe(21354)
    expect(sd.metadata.dandi_asset_id).toBe(a.assetId)
    const nested = await loadSpikeDataFromDandi(`${emu.apiBase}/dandisets/000401/versions/draft/assets/${a.assetId}/`, fast)
    expect(nested.metadata).toMatchObject({ dandi_dandiset_id: '000401', dandi_version: 'draft' })
  })

  it('keeps the downloaded file in downloadDir and records downloaded_path', async () => {
    const dir = join(tmp, 'keep')
    const sd = await loadSpikeDataFromDandi(id('sub-A8604/sub-A8604_ecephys.nwb'), { ...api, downloadDir: dir })
    expect(sd.metadata.downloaded_path).toBe(join(dir, 'sub-A8604_ecephys.nwb'))
    expect(readdirSync(dir)).toEqual(['sub-A8604_ecephys.nwb'])
  })

  it('a downloadDir that cannot be created is SPIKES_WRITE_FAILED, before any file request', async () => {
    writeFileSync(join(tmp, 'a-file'), 'x')
    const dir = join(tmp, 'a-file', 'keep')
    await emu.clearLog()
    await expect(loadSpikeDataFromDandi(id('sub-A8604/sub-A8604_ecephys.nwb'), { ...api, download: true, downloadDir: dir })).rejects.toMatchObject({ code: 'SPIKES_WRITE_FAILED', path: dir, errno: 'ENOTDIR' })
    expect((await emu.log()).filter((r) => r.kind === 'download' || r.kind === 'blob')).toEqual([])
  })

  it('never writes outside the download folder, whatever the asset path', async () => {
    const dir = join(tmp, 'keep')
    const a = emu.asset('../../escape/../..')
    const sd = await loadSpikeDataFromDandi(a.assetId, { ...api, downloadDir: dir })
    expect(sd.metadata.downloaded_path).toBe(join(dir, `${a.assetId}.nwb`))
    expect(readdirSync(tmp)).toEqual(['keep'])
  })

  it('asyncReads: the same SpikeData through the asynchronous Range source, its traffic counted', async () => {
    for (const path of ['sub-4/sub-4_ses-4_ecephys.nwb', 'gen/chunked.nwb']) {
      const blocking = await loadSpikeDataFromDandi(id(path), api)
      const viaAsync = await loadSpikeDataFromDandi(id(path), { ...api, asyncReads: true })
      expect(comparable(viaAsync)).toEqual(comparable(blocking))
      const t = viaAsync.metadata.dandi_transfer as { mode: string; bytes_fetched: number; requests: number; asset_size: number }
      expect(t).toMatchObject({ mode: 'range', asset_size: emu.asset(path).size })
      expect(t.bytes_fetched).toBeGreaterThan(0)
      expect(t.requests).toBeGreaterThanOrEqual(2)
    }
    expect(readdirSync(tmp)).toEqual([])
  })

  it('assetId: a dandi:// path known from a listing is not looked up again, and its redirect is resolved once', async () => {
    const path = 'gen/chunked.nwb'
    const input = `dandi://000401/draft/${path}`
    const looked = await loadSpikeDataFromDandi(input, { ...api, asyncReads: true })
    const lookedLog = await emu.log()
    expect(lookedLog.filter((r) => r.kind === 'list')).toHaveLength(1)
    await emu.clearLog()
    const known = await loadSpikeDataFromDandi(input, { ...api, asyncReads: true, assetId: id(path) })
    const log = await emu.log()
    expect(comparable(known)).toEqual(comparable(looked))
    expect(log.filter((r) => r.kind === 'list')).toEqual([])
    expect(log.filter((r) => r.kind === 'asset')).toHaveLength(1)
    // The redirect asked for beside the asset record is the one the reads use: never a second one.
    expect(log.filter((r) => r.kind === 'download')).toHaveLength(1)
    expect((known.metadata.dandi_transfer as { api_requests: number }).api_requests).toBe(1)
  })

  it('assetId: an id whose record has another path is refused, naming both', async () => {
    const wrong = id('gen/medium.nwb')
    await expect(loadSpikeDataFromDandi('dandi://000401/draft/gen/chunked.nwb', { ...api, assetId: wrong })).rejects.toMatchObject({
      code: 'SPIKES_INVALID_ARGUMENT',
      argument: 'assetId',
      message: expect.stringContaining('gen/medium.nwb'),
    })
  })

  it('asyncReads: downloads when the server ignores Range, with a warning', async () => {
    const warnings: SpikesWarning[] = []
    const sd = await loadSpikeDataFromDandi(id('bad/no-range.nwb'), { ...api, asyncReads: true, onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_DANDI_NO_RANGE'])
    expect(sd.metadata.dandi_transfer).toMatchObject({ mode: 'download', fallback: 'range-unsupported' })
    expect(sd.totalSpikes).toBe(21354)
  })

  it('downloads when the server ignores Range, with a warning', async () => {
    const warnings: SpikesWarning[] = []
    const sd = await loadSpikeDataFromDandi(id('bad/no-range.nwb'), { ...api, onWarning: (w) => warnings.push(w) })
    expect(warnings.map((w) => w.code)).toEqual(['SPIKES_WARN_DANDI_NO_RANGE'])
    expect(sd.warnings.map((w) => w.code)).toContain('SPIKES_WARN_DANDI_NO_RANGE')
    expect(sd.metadata.dandi_transfer).toMatchObject({ mode: 'download', fallback: 'range-unsupported' })
    expect(sd.totalSpikes).toBe(21354)
    expect(readdirSync(tmp)).toEqual([])
  })

  it('a wrong digest fails the download with SPIKES_INTEGRITY and leaves nothing', async () => {
    const dir = join(tmp, 'keep')
    await expect(loadSpikeDataFromDandi(id('bad/wrong-digest.nwb'), { ...api, downloadDir: dir })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY', check: 'sha256' })
    expect(readdirSync(dir)).toEqual([])
    await expect(loadSpikeDataFromDandi(id('bad/wrong-digest.nwb'), { ...api, download: true })).rejects.toMatchObject({ code: 'SPIKES_INTEGRITY' })
    expect(readdirSync(tmp)).toEqual(['keep'])
    const unchecked = await loadSpikeDataFromDandi(id('bad/wrong-digest.nwb'), { ...api, download: true, verifyDigest: false })
    expect(unchecked.totalSpikes).toBe(21354)
  })

  it('embargoed assets need the token', async () => {
    const a = emu.asset('sub-e/sub-e.nwb')
    await expect(loadSpikeDataFromDandi(a.assetId, api)).rejects.toMatchObject({ code: 'SPIKES_NETWORK', authRequired: true })
    const remote = await loadSpikeDataFromDandi(a.assetId, { ...api, apiToken: TOKEN })
    const downloaded = await loadSpikeDataFromDandi(a.assetId, { ...api, apiToken: TOKEN, download: true })
    expect(comparable(remote)).toEqual(comparable(downloaded))
    const err = await loadSpikeDataFromDandi(a.assetId, { ...api, apiToken: 'not-the-token-xyz' }).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_NETWORK', status: 401 })
    expect(`${err.message} ${JSON.stringify(err)} ${err.stack}`).not.toContain('not-the-token-xyz')
  })

  it('never records the token in the provenance (spikes inspect --json printed it)', async () => {
    const c = rootContainer.createChildContainer()
    registerDandi(c)
    for (const options of [{ ...api, apiToken: TOKEN }, { ...api, api_token: TOKEN }]) {
      const sd = await loadSpikeData('dandi://000402/draft/sub-e/sub-e.nwb', { container: c, options })
      expect(sd.totalSpikes).toBe(21354)
      expect(sd.metadata.provenance).toMatchObject({ format: 'dandi', options: { apiBase: emu.apiBase } })
      expect(Object.values((sd.metadata.provenance as { options: Record<string, unknown> }).options)).toContain('<redacted>')
      expect(JSON.stringify(sd.metadata)).not.toContain(TOKEN)
    }
  })

  it('survives faults during a remote load, and reports a persistent one as SPIKES_NETWORK', async () => {
    const expected = comparable(await loadSpikeDataFromDandi(id('gen/medium.nwb'), api))
    await emu.setFaults([
      { where: 'asset', kind: '429', retryAfter: 0 },
      { where: 'download', kind: '500' },
      { where: 'blob', kind: '503' },
      { where: 'blob', kind: 'drop', afterBytes: 10_000 },
      { where: 'blob', kind: 'short', afterBytes: 10_000 },
    ])
    expect(comparable(await loadSpikeDataFromDandi(id('gen/medium.nwb'), api))).toEqual(expected)
    await emu.clearLog()
    await emu.setFaults([{ where: 'blob', kind: 'drop', times: null }])
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, retries: 1 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
    await emu.setFaults([{ where: 'blob', kind: '500', times: null }])
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, retries: 1, download: true })).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 500 })
    expect(readdirSync(tmp)).toEqual([])
  })

  it('transfers at most 3x the units bytes in few requests (generated files)', async () => {
    for (const [path, g] of [['gen/medium.nwb', medium], ['gen/chunked.nwb', chunked]] as const) {
      const sd = await loadSpikeDataFromDandi(id(path), api)
      const unitsBytes = g.spikes * 8 + g.units * 8 * 3
      const t = sd.metadata.dandi_transfer as { bytes_fetched: number; requests: number }
      expect(sd.totalSpikes).toBe(g.spikes)
      expect(t.bytes_fetched).toBeLessThanOrEqual(3 * unitsBytes)
      expect(t.requests).toBeLessThanOrEqual(60)
      const downloaded = await loadSpikeDataFromDandi(id(path), { ...api, download: true })
      expect(comparable(sd)).toEqual(comparable(downloaded))
    }
  })

  it('passes allowNoUnits, lengthMs and startTimeMs to the NWB reader', async () => {
    const raw = id('sub-001/sub-001_ses-1_ecephys.nwb')
    await expect(loadSpikeDataFromDandi(raw, api)).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY' })
    const meta = await loadSpikeDataFromDandi(raw, { ...api, allowNoUnits: true })
    expect(meta.N).toBe(0)
    // h5py: acquisition/ElectricalSeriesLF/starting_time.attrs['rate'] = 2500.0.
    expect(meta.metadata.sampling_rate_hz).toBe(2500)
    // Metadata triage of a raw asset must not pull the raw traces (13163 x 384 int16 = 10 MB).
    expect((meta.metadata.dandi_transfer as { bytes_fetched: number }).bytes_fetched).toBeLessThan(2_000_000)
    const sd = await loadSpikeDataFromDandi(id('sub-A8604/sub-A8604_ecephys.nwb'), { ...api, lengthMs: 2_000_000, startTimeMs: 0 })
    expect(sd.lengthMs).toBe(2_000_000)
  })

  it('validates every option before any request', async () => {
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, nope: 1 } as never)).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'nope' })
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, version: 'latest!' })).rejects.toMatchObject({ argument: 'version' })
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, download: false, downloadDir: '/tmp/x' })).rejects.toMatchObject({ argument: 'download' })
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, lengthMs: -1 })).rejects.toMatchObject({ argument: 'lengthMs' })
    await expect(loadSpikeDataFromDandi('not an asset', api)).rejects.toMatchObject({ argument: 'asset' })
    const controller = new AbortController()
    controller.abort()
    await expect(loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, signal: controller.signal })).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    expect((await emu.log()).length).toBe(0)
  })

  it('reports progress', async () => {
    const phases = new Set<string>()
    let last = 0
    await loadSpikeDataFromDandi(id('gen/medium.nwb'), { ...api, download: true, onProgress: (p) => {
      phases.add(p.phase)
      if (p.phase === 'download') last = p.loaded
    } })
    expect(phases.has('download')).toBe(true)
    expect(last).toBe(emu.asset('gen/medium.nwb').size)
  })

  it('leaves no file behind', () => {
    expect(existsSync(tmp)).toBe(true)
    expect(readdirSync(tmp)).toEqual([])
  })
})
