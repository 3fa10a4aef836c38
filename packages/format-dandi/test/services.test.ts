// The DANDI client against an archive that answers as the real one: blobs on a separate storage origin
// behind presigned URLs that expire, a dandi-etag for every blob and a SHA-256 only sometimes, Zarr assets,
// and dandi-cli's URL forms.
import { readFileSync } from 'node:fs'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { RemoteFile } from '@spikes/hdf5'
import { generated, IN_CI, R, REAL, startDandiEmulator } from '@spikes/testing/dandi'
import { listAssets, loadSpikeDataFromDandi, parseDandiInput } from '../src/index.js'
import { downloadToMemory } from '../src/lib/download.js'

describe.runIf(REAL || IN_CI)('DANDI as the archive answers', async () => {
  it('has the shared real data', () => expect(REAL).toBe(true))
  const medium = await generated('medium')
  const emu = await startDandiEmulator({
    urlTtlSeconds: 3600,
    dandisets: {
      '000027': {
        assets: [
          { path: 'sub-1/sub-1_ecephys.nwb', file: medium.path },
          { path: 'sub-1/late-sha.nwb', file: R.pynapple, noSha256: true },
          { path: 'sub-1/bad-etag.nwb', file: R.pynapple, noSha256: true, wrongEtag: true },
          { path: 'sub-2/sub-2.nwb.zarr', zarr: true, size: 123456 },
        ],
      },
    },
  })
  afterAll(() => emu.close())
  beforeEach(async () => {
    await emu.setFaults([])
    await emu.clearLog()
  })
  const api = { apiBase: emu.apiBase, backoffMs: 1, retries: 3 }
  const downloadUrl = (path: string) => `${emu.apiBase}/assets/${emu.asset(path).assetId}/download/`

  it('checks the dandi-etag on downloads when the archive has no SHA-256 yet', async () => {
    const ok = await loadSpikeDataFromDandi('dandi://000027/draft/sub-1/late-sha.nwb', { ...api, download: true })
    expect(ok.N).toBeGreaterThan(0)
    const bad = await loadSpikeDataFromDandi('dandi://000027/draft/sub-1/bad-etag.nwb', { ...api, download: true }).catch((e) => e)
    expect(bad).toMatchObject({ code: 'SPIKES_INTEGRITY', details: { check: 'dandi-etag' } })
    const memory = await downloadToMemory(downloadUrl('sub-1/sub-1_ecephys.nwb'), { expectedSize: medium.size, dandiEtag: emu.asset('sub-1/sub-1_ecephys.nwb').dandiEtag!, backoffMs: 1 })
    expect(memory).toMatchObject({ verified: true, dandiEtag: emu.asset('sub-1/sub-1_ecephys.nwb').dandiEtag })
  })

  it('a download resumed after the presigned URL expired asks the archive for a fresh one', async () => {
    await emu.setFaults([
      { where: 'blob', kind: 'drop', afterBytes: 2_000_000 },
      { where: 'blob', kind: 'expire-urls' },
    ])
    const sd = await loadSpikeDataFromDandi('dandi://000027/draft/sub-1/sub-1_ecephys.nwb', { ...api, download: true })
    expect(sd.N).toBe(medium.units)
    const log = (await emu.log()).map((l) => `${l.kind} ${l.status}`)
    expect(log.filter((l) => l.startsWith('download') || l.startsWith('blob'))).toEqual(['download 302', 'blob 200', 'blob 403', 'download 302', 'blob 206'])
  })

  /**
   * Loads sub-1 in place with its presigned URLs expiring after the first storage read; checks the load and
   * that one redirect was resolved before the 403, and returns the log and the 403's place in it.
   */
  async function loadAcrossExpiry(options: typeof api & { asyncReads?: boolean }) {
    const assetId = emu.asset('sub-1/sub-1_ecephys.nwb').assetId
    await emu.setFaults([{ where: 'blob', kind: 'expire-urls', after: 1 }])
    const sd = await loadSpikeDataFromDandi(assetId, options)
    expect(sd.N).toBe(medium.units)
    expect(sd.metadata.dandi_transfer).toMatchObject({ mode: 'range' })
    const log = await emu.log()
    const expired = log.findIndex((l) => l.kind === 'blob' && l.status === 403)
    expect(expired).toBeGreaterThan(0)
    expect(log.slice(0, expired).filter((l) => l.kind === 'download').length).toBe(1)
    return { log, expired }
  }

  it('Range reads go straight to the storage URL, and back to the archive once it has expired', async () => {
    const { log, expired } = await loadAcrossExpiry(api)
    // Before: one redirect resolved by hand, then the storage; after: the archive again, then the storage.
    expect(log[expired + 1]).toMatchObject({ kind: 'download', status: 302 })
    expect(log.slice(expired + 2).every((l) => l.kind === 'blob' && l.status === 206)).toBe(true)
  })

  it('asyncReads: Range reads go back to the archive once the presigned URL has expired', async () => {
    const { log, expired } = await loadAcrossExpiry({ ...api, asyncReads: true })
    // Reads run several at once, so a read sent before the expiry may still end after it: what counts is one
    // fresh redirect after the 403, and every storage read after that succeeding.
    const after = log.slice(expired + 1)
    expect(after.filter((l) => l.kind === 'download').map((l) => l.status)).toEqual([302])
    expect(after.filter((l) => l.kind === 'blob').every((l) => l.status === 206)).toBe(true)
    expect(log.filter((l) => l.kind === 'blob' && l.status === 403)).toHaveLength(1)
  })

  it("reads with the asset record's size when Content-Range is hidden (the bucket's CORS), checking each body's length", async () => {
    const url = downloadUrl('sub-1/sub-1_ecephys.nwb')
    const located = (await fetch(url, { redirect: 'manual' })).headers.get('location')!
    const remote = await RemoteFile.open(url, { resolvedUrl: located, size: medium.size, backoffMs: 1 })
    try {
      const out = new Uint8Array(1000)
      remote.readSync(medium.size - 1000, 1000, out, 0)
      expect(Buffer.from(out).equals(readFileSync(medium.path).subarray(medium.size - 1000))).toBe(true)
      expect(remote.totalSize).toBe(medium.size)
    } finally {
      remote.closeSync()
    }
    // A record that disagrees with the storage is refused.
    await expect(RemoteFile.open(url, { size: medium.size + 1, backoffMs: 1 })).rejects.toMatchObject({ code: 'SPIKES_CORRUPT_FILE', details: { expected: medium.size + 1, actual: medium.size } })
  })

  it('a download resumes without a visible Content-Range (a browser on the real bucket)', async () => {
    const corsView: typeof fetch = async (input, init) => {
      const r = await fetch(input, init)
      const headers = new Headers()
      for (const name of ['etag', 'content-length', 'location', 'content-type']) if (r.headers.has(name)) headers.set(name, r.headers.get(name)!)
      return new Response(r.status === 302 || r.status === 204 ? null : r.body, { status: r.status, headers })
    }
    await emu.setFaults([{ where: 'blob', kind: 'drop', afterBytes: 3_000_000 }])
    const result = await downloadToMemory(downloadUrl('sub-1/sub-1_ecephys.nwb'), { expectedSize: medium.size, dandiEtag: emu.asset('sub-1/sub-1_ecephys.nwb').dandiEtag!, backoffMs: 1, fetch: corsView })
    expect(result).toMatchObject({ bytes: medium.size, resumed: 1, verified: true })
  })

  it('a Zarr asset is recognised: listed as one, and read from its storage folder (here empty: the missing .zgroup is named)', async () => {
    const listed = []
    for await (const a of listAssets('000027', { apiBase: emu.apiBase, pageSize: 2 })) listed.push(a)
    expect(listed.find((a) => a.path === 'sub-2/sub-2.nwb.zarr')).toMatchObject({ zarr: true, size: 123456 })
    expect(listed.filter((a) => a.zarr).length).toBe(1)
    const error = await loadSpikeDataFromDandi('dandi://000027/draft/sub-2/sub-2.nwb.zarr', api).catch((e) => e)
    expect(error).toMatchObject({ code: 'SPIKES_MISSING_FILE', details: { file: '.zgroup', folder: emu.asset('sub-2/sub-2.nwb.zarr').zarr } })
    // The storage folder was listed at the bucket named by the record's contentUrl, never the API's /download/.
    const log = await emu.log()
    expect(log.filter((l) => l.kind === 'zarr-list').length).toBeGreaterThan(0)
    expect(log.filter((l) => l.kind === 'download')).toEqual([])
    // The archive itself refuses to download it.
    expect((await fetch(downloadUrl('sub-2/sub-2.nwb.zarr'))).status).toBe(400)
  })

  it("lists with `count` on the first page only (the archive's pagination)", async () => {
    const first = await (await fetch(`${emu.apiBase}/dandisets/000027/versions/draft/assets/?page_size=2`)).json()
    const second = await (await fetch(first.next)).json()
    expect(first.count).toBe(4)
    expect(second).not.toHaveProperty('count')
    expect(second.results[0]).not.toHaveProperty('metadata')
  })

  it("accepts dandi-cli's dandi://DANDI/<dandiset>@<version>/<path>", async () => {
    const sd = await loadSpikeDataFromDandi('dandi://DANDI/000027@draft/sub-1/late-sha.nwb', api)
    expect(sd.metadata).toMatchObject({ dandi_dandiset_id: '000027', dandi_version: 'draft', dandi_asset_path: 'sub-1/late-sha.nwb' })
  })

  it("accepts dandi-cli's API asset-by-path URL, taking the archive from it", async () => {
    const sd = await loadSpikeDataFromDandi(`${emu.apiBase}/dandisets/000027/versions/draft/assets/?path=sub-1%2Flate-sha.nwb`, { backoffMs: 1, retries: 3 })
    expect(sd.metadata).toMatchObject({ dandi_dandiset_id: '000027', dandi_version: 'draft', dandi_asset_path: 'sub-1/late-sha.nwb', dandi_asset_id: emu.asset('sub-1/late-sha.nwb').assetId })
  })
})

describe("dandi-cli's URL forms", () => {
  it('parses instance URLs and DANDI: identifiers; refuses folders and unknown instances', () => {
    expect(parseDandiInput('dandi://DANDI/000027@draft/sub-RAT123/sub-RAT123.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: 'draft', path: 'sub-RAT123/sub-RAT123.nwb' })
    expect(parseDandiInput('dandi://dandi/000027/sub-RAT123/sub-RAT123.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: 'draft', path: 'sub-RAT123/sub-RAT123.nwb' })
    expect(parseDandiInput('dandi://DANDI-SANDBOX/000027@0.210831.2033/a.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: '0.210831.2033', path: 'a.nwb', apiBase: 'https://api.sandbox.dandiarchive.org/api' })
    expect(parseDandiInput('DANDI:000027/0.210831.2033/a.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: '0.210831.2033', path: 'a.nwb' })
    expect(() => parseDandiInput('dandi://DANDI/000027@draft/sub-RAT123/')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    expect(() => parseDandiInput('dandi://EMBER/000027@draft/a.nwb')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', message: expect.stringContaining('DANDI-SANDBOX') }))
    expect(() => parseDandiInput('dandi://DANDI/000027@latest/a.nwb')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    // The API's asset-by-path URL and the web app's files?location= (with or without the old '#/' route).
    expect(parseDandiInput('https://api.dandiarchive.org/api/dandisets/000027/versions/draft/assets/?path=sub-RAT123/sub-RAT123.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: 'draft', path: 'sub-RAT123/sub-RAT123.nwb', apiBase: 'https://api.dandiarchive.org/api' })
    expect(parseDandiInput('https://dandiarchive.org/dandiset/000027/0.210831.2033/files?location=sub-RAT123%2Fsub-RAT123.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: '0.210831.2033', path: 'sub-RAT123/sub-RAT123.nwb' })
    expect(parseDandiInput('https://gui.dandiarchive.org/#/dandiset/000027/draft/files?location=a.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: 'draft', path: 'a.nwb' })
    expect(parseDandiInput('https://sandbox.dandiarchive.org/dandiset/000027/files?location=a.nwb')).toEqual({ kind: 'path', dandisetId: '000027', version: 'draft', path: 'a.nwb', apiBase: 'https://api.sandbox.dandiarchive.org/api' })
    for (const folderOrMany of [
      'https://dandiarchive.org/dandiset/000027/draft/files?location=sub-RAT123%2F',
      'https://dandiarchive.org/dandiset/000027/draft',
      'https://api.dandiarchive.org/api/dandisets/000027/versions/draft/assets/?glob=*.nwb',
      'https://api.dandiarchive.org/api/dandisets/000027/versions/draft/assets/?path=../x.nwb',
      'https://dandiarchive.org/dandiset/000027/latest/files?location=a.nwb',
    ]) {
      expect(() => parseDandiInput(folderOrMany), folderOrMany).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: 'asset' }))
    }
    // A route after '#' never names another host ('//evil.example/...' stays a path of the archive's own origin).
    expect(parseDandiInput('https://gui.dandiarchive.org/#//evil.example/dandiset/000027/files?location=a.nwb')).toMatchObject({ kind: 'url', url: 'https://gui.dandiarchive.org/#//evil.example/dandiset/000027/files?location=a.nwb' })
    expect(parseDandiInput('https://gui.dandiarchive.org/#//[')).toMatchObject({ kind: 'url' })
    // Other URLs are still read as they are.
    expect(parseDandiInput('https://example.org/files/x.nwb')).toEqual({ kind: 'url', url: 'https://example.org/files/x.nwb', assetId: 'x.nwb' })
    // The existing forms still work.
    expect(parseDandiInput('dandi://000006/draft/sub-1/x.nwb')).toEqual({ kind: 'path', dandisetId: '000006', version: 'draft', path: 'sub-1/x.nwb' })
  })
})
