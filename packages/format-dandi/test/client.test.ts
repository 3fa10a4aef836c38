import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { DandiClient, getAsset, listAssets, type DandiAsset } from '../src/index.js'
import { startDandiEmulator } from '@spikes/testing/dandi'
import { IN_CI, R, REAL, readJson, schemaAssetDocs } from '@spikes/testing/dandi'

const TOKEN = 'sekrit-token-0123456789'
const fast = { backoffMs: 1, retries: 3 }

async function all(it: AsyncIterable<DandiAsset>): Promise<DandiAsset[]> {
  const out: DandiAsset[] = []
  for await (const a of it) out.push(a)
  return out
}

describe.runIf(REAL || IN_CI)('DANDI API client against the emulator', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const rawResults = REAL ? (readJson(R.bidsAssets) as unknown[]) : []
  const emu = await startDandiEmulator({
    token: TOKEN,
    dandisets: {
      '000101': {
        assets: [
          { path: 'sub-01/sub-01_ecephys.nwb', file: R.pynapple },
          { path: 'sub-02/sub-02_ecephys.nwb', file: R.dandi9 },
          { path: 'sub-03/sub-03_ecephys.nwb', file: R.rutishauser },
          { path: 'sub-03/sub-03_image.nwb', file: R.testES },
          { path: 'dataset_description.json', file: R.bidsAssets },
        ],
      },
      '000102': { embargoed: true, assets: [{ path: 'sub-x/sub-x.nwb', file: R.pynapple }] },
      '000064': { rawResults, assets: [] },
    },
    rawAssetDocs: REAL ? schemaAssetDocs() : [],
  })
  afterAll(() => emu.close())
  beforeEach(async () => {
    await emu.setFaults([])
    await emu.clearLog()
  })

  it('lists every page, in path order, with the download-URL fallback', async () => {
    const assets = await all(listAssets('000101', { apiBase: emu.apiBase, pageSize: 2 }))
    expect(assets.map((a) => a.path)).toEqual(['dataset_description.json', 'sub-01/sub-01_ecephys.nwb', 'sub-02/sub-02_ecephys.nwb', 'sub-03/sub-03_ecephys.nwb', 'sub-03/sub-03_image.nwb'])
    const first = assets[1]
    expect(first).toEqual({
      assetId: emu.asset('sub-01/sub-01_ecephys.nwb').assetId,
      path: 'sub-01/sub-01_ecephys.nwb',
      size: emu.asset('sub-01/sub-01_ecephys.nwb').size,
      downloadUrl: `${emu.apiBase}/assets/${first.assetId}/download/`,
      dandisetId: '000101',
      version: 'draft',
      zarr: false,
    })
    const log = await emu.log()
    expect(log.filter((l) => l.kind === 'list').length).toBe(3)
  })

  it('filters with a server-side glob', async () => {
    const nwb = await all(listAssets('000101', { apiBase: emu.apiBase, glob: '*.nwb' }))
    expect(nwb.length).toBe(4)
    const sub3 = await all(new DandiClient({ apiBase: emu.apiBase }).listAssets('000101', { glob: 'sub-03/*' }))
    expect(sub3.map((a) => a.path)).toEqual(['sub-03/sub-03_ecephys.nwb', 'sub-03/sub-03_image.nwb'])
  })

  it('reads the listing records of the real API (bids-dandisets 000064 dump)', async () => {
    const assets = await all(listAssets('000064', { apiBase: emu.apiBase }))
    // Values as written in ../shared/realdata/dandi_api/bids-dandisets-000064-assets-dump/assets.json.
    expect(assets).toEqual([
      {
        assetId: 'bb61e86d-e28f-4da7-b07a-44dfa377cf32',
        path: 'sub-001/sub-001.nwb',
        size: 218366752,
        downloadUrl: `${emu.apiBase}/assets/bb61e86d-e28f-4da7-b07a-44dfa377cf32/download/`,
        dandisetId: '000064',
        version: 'draft',
        zarr: false,
      },
    ])
  })

  it('reads real asset metadata documents (dandi-schema test data): digest, size, contentUrl', async () => {
    const docs = schemaAssetDocs() as Record<string, any>[]
    const doc = docs.find((d) => d.digest?.['dandi:sha2-256'] && d.contentUrl) ?? docs[0]
    const id = String(doc.identifier ?? doc.id).replace(/^dandiasset:/, '')
    const detail = await getAsset(id, { apiBase: emu.apiBase })
    expect(detail.path).toBe(doc.path)
    expect(detail.size).toBe(doc.contentSize)
    expect(detail.downloadUrl).toBe(doc.contentUrl[0])
    expect(detail.contentUrls).toEqual(doc.contentUrl)
    expect(detail.sha256).toBe(doc.digest['dandi:sha2-256'])
    expect(detail.dandiEtag).toBe(doc.digest['dandi:dandi-etag'])
  })

  it('gets an asset with its SHA-256 digest', async () => {
    const a = emu.asset('sub-02/sub-02_ecephys.nwb')
    const detail = await getAsset(a.assetId, { apiBase: emu.apiBase })
    expect(detail.path).toBe(a.path)
    expect(detail.size).toBe(a.size)
    expect(detail.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(detail.downloadUrl).toBe(`${emu.apiBase}/assets/${a.assetId}/download/`)
  })

  it('reports an unknown asset or dandiset as SPIKES_MISSING_ENTRY', async () => {
    await expect(getAsset('00000000-0000-4000-a000-000000000000', { apiBase: emu.apiBase })).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY', entry: 'asset 00000000-0000-4000-a000-000000000000' })
    await expect(all(listAssets('999999', { apiBase: emu.apiBase }))).rejects.toMatchObject({ code: 'SPIKES_MISSING_ENTRY' })
  })

  it('needs the token for an embargoed dandiset, and never shows it', async () => {
    const err = await all(listAssets('000102', { apiBase: emu.apiBase })).catch((e) => e)
    expect(err).toMatchObject({ code: 'SPIKES_NETWORK', status: 401, authRequired: true, tokenSent: false })
    const wrong = await all(listAssets('000102', { apiBase: emu.apiBase, apiToken: 'wrong-token-value' })).catch((e) => e)
    expect(wrong).toMatchObject({ code: 'SPIKES_NETWORK', status: 401, tokenSent: true })
    expect(JSON.stringify(wrong) + wrong.message + String(wrong.stack)).not.toContain('wrong-token-value')
    const ok = await all(listAssets('000102', { apiBase: emu.apiBase, apiToken: TOKEN }))
    expect(ok.map((a) => a.path)).toEqual(['sub-x/sub-x.nwb'])
    const log = await emu.log()
    expect(log.at(-1)).toMatchObject({ status: 200, auth: 'present' })
  })

  it('takes the token from DANDI_API_TOKEN', async () => {
    const before = process.env.DANDI_API_TOKEN
    process.env.DANDI_API_TOKEN = TOKEN
    try {
      const ok = await all(listAssets('000102', { apiBase: emu.apiBase }))
      expect(ok.length).toBe(1)
    } finally {
      if (before === undefined) delete process.env.DANDI_API_TOKEN
      else process.env.DANDI_API_TOKEN = before
    }
  })

  it('survives 429 with Retry-After and 500s', async () => {
    await emu.setFaults([
      { where: 'list', kind: '429', times: 1, retryAfter: 1 },
      { where: 'asset', kind: '500', times: 2 },
    ])
    const t = performance.now()
    const assets = await all(listAssets('000101', { apiBase: emu.apiBase, ...fast }))
    expect(performance.now() - t).toBeGreaterThanOrEqual(900)
    expect(assets.length).toBe(5)
    const detail = await getAsset(assets[1].assetId, { apiBase: emu.apiBase, ...fast })
    expect(detail.path).toBe(assets[1].path)
    const statuses = (await emu.log()).map((l) => l.status)
    expect(statuses).toEqual([429, 200, 500, 500, 200])
  })

  it('gives up with SPIKES_NETWORK after the retries', async () => {
    await emu.setFaults([{ where: 'list', kind: '503', times: null }])
    await expect(all(listAssets('000101', { apiBase: emu.apiBase, retries: 2, backoffMs: 1 }))).rejects.toMatchObject({ code: 'SPIKES_NETWORK', status: 503 })
    expect((await emu.log()).length).toBe(3)
  })

  it('times out a request that hangs', async () => {
    await emu.setFaults([{ where: 'asset', kind: 'slow', delayMs: 3000, times: null }])
    const a = emu.asset('sub-01/sub-01_ecephys.nwb')
    await expect(getAsset(a.assetId, { apiBase: emu.apiBase, requestTimeoutSeconds: 0.2, retries: 0 })).rejects.toMatchObject({ code: 'SPIKES_NETWORK' })
  })

  it('honours an AbortSignal', async () => {
    const controller = new AbortController()
    controller.abort()
    await expect(all(listAssets('000101', { apiBase: emu.apiBase, signal: controller.signal }))).rejects.toMatchObject({ code: 'SPIKES_ABORTED' })
    expect((await emu.log()).length).toBe(0)
  })

  it('checks its arguments before any request', async () => {
    await expect(all(listAssets('6', { apiBase: emu.apiBase }))).rejects.toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'dandisetId' })
    await expect(all(listAssets('000101', { apiBase: emu.apiBase, pageSize: 0 }))).rejects.toMatchObject({ argument: 'pageSize' })
    await expect(all(listAssets('000101', { apiBase: 'ftp://x' }))).rejects.toMatchObject({ argument: 'apiBase' })
    await expect(all(listAssets('000101', { apiBase: emu.apiBase, version: 'a/b' }))).rejects.toMatchObject({ argument: 'version' })
    await expect(getAsset('../x', { apiBase: emu.apiBase })).rejects.toMatchObject({ argument: 'assetId' })
    const bad = await all(listAssets('000101', { apiBase: emu.apiBase, apiToken: '' })).catch((e) => e)
    expect(bad).toMatchObject({ argument: 'apiToken' })
    expect((await emu.log()).length).toBe(0)
  })
})
