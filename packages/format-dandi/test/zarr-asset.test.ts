// A DANDI Zarr asset (an NWB file stored as Zarr by hdmf-zarr) read through the NWB-Zarr reader from the
// archive's bucket: the asset record's contentUrl names https://<bucket>/zarr/<zarr_id>/, the bucket answers
// ListObjectsV2 and object GETs anonymously with its CORS. The store is ../shared/realdata/nwb-zarr's.
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { container as rootContainer, loadSpikeData, type SpikeData } from '@spikes/core'
import { registerNodeSources } from '@spikes/core/node'
import { registerNwb } from '@spikes/format-nwb'
import { registerRemote } from '@spikes/remote'
import { IN_CI, sharedAvailable } from '@spikes/testing'
import { R, startDandiEmulator } from '@spikes/testing/dandi'
import { exportRecordingFromDandi, loadSpikeDataFromDandi, registerDandi } from '../src/index.js'

const PRESENT = sharedAvailable(R.nwbZarr)
const STORE = 'sub-Z/sub-Z_ecephys.nwb.zarr'
const c = rootContainer.createChildContainer()
registerNwb(c)
registerDandi(c)
registerRemote(c)
registerNodeSources(c)

function summary(sd: SpikeData): unknown {
  return { N: sd.N, counts: sd.spikeCounts(), times: Array.from(sd.times), units: sd.neuronAttributes!.map((a) => [a.unit_id, a.electrode, a.quality]) }
}

describe.runIf(PRESENT || IN_CI)('DANDI Zarr assets, read from the bucket', async () => {
  it('has the shared real data', () => expect(PRESENT).toBe(true))
  const emu = await startDandiEmulator({
    listPageSize: 3, // several ListObjectsV2 pages per folder, with continuation tokens
    dandisets: {
      '000999': {
        assets: [
          { path: STORE, zarr: true, folder: R.nwbZarr },
          { path: 'sub-Z/torn.nwb.zarr', zarr: true, folder: R.nwbZarr, zarrOmit: ['units/spike_times/.zarray'] },
          { path: 'sub-Z/gap.nwb.zarr', zarr: true, folder: R.nwbZarr, zarrOmit: ['units/spike_times/0'] },
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
  const local = await loadSpikeData(R.nwbZarr, { container: c })

  it('loads as the local read of the same store does, listing and reading the bucket anonymously', async () => {
    expect(local.N).toBe(12)
    expect(local.times.length).toBe(2804)
    const sd = await loadSpikeDataFromDandi(`dandi://000999/draft/${STORE}`, api)
    expect(summary(sd)).toEqual(summary(local))
    const zarrId = emu.asset(STORE).zarr!
    expect(sd.metadata).toMatchObject({
      nwb_storage: 'zarr',
      identifier: 'zarr-1',
      dandi_dandiset_id: '000999',
      dandi_asset_path: STORE,
      dandi_zarr_id: zarrId,
      source_file: `${emu.storageUrl}/zarr/${zarrId}/`,
      dandi_transfer: { mode: 'zarr', api_requests: 2 },
    })
    const log = await emu.log()
    const storage = log.filter((l) => l.kind === 'zarr' || l.kind === 'zarr-list')
    expect(storage.filter((l) => l.auth !== null || (l.status !== 200 && l.status !== 206))).toEqual([])
    expect(storage.some((l) => l.kind === 'zarr-list')).toBe(true)
    expect(storage.map((l) => l.path)).toContain(`/zarr/${zarrId}/units/spike_times/0`)
    // Never the API's /download/ (it answers 400 for a Zarr), nothing below /specifications read.
    expect(log.filter((l) => l.kind === 'download')).toEqual([])
    expect(storage.filter((l) => l.path.includes('/specifications/') && l.kind === 'zarr')).toEqual([])
    expect((sd.metadata.dandi_transfer as { requests: number }).requests).toBe(storage.length)
  })

  it('through loadSpikeData with a dandi:// reference and with the asset id', async () => {
    const byPath = await loadSpikeData(`dandi://000999/draft/${STORE}`, { container: c, options: api })
    expect(summary(byPath)).toEqual(summary(local))
    const byId = await loadSpikeDataFromDandi(emu.asset(STORE).assetId, api)
    expect(byId.spikeCounts()).toEqual(local.spikeCounts())
  })

  it("a web-app link (…/dandiset/<id>/<version>/files?location=<path>) goes to the dandi loader, not the http resolver", async () => {
    const link = `https://dandiarchive.org/dandiset/000999/draft/files?location=${encodeURIComponent(STORE)}`
    // apiBase points the archive at the emulator: the link itself is never fetched.
    const sd = await loadSpikeData(link, { container: c, options: api })
    expect(sd.metadata.provenance).toMatchObject({ format: 'dandi' })
    expect(summary(sd)).toEqual(summary(local))
    const old = await loadSpikeData(`https://dandiarchive.org/#/dandiset/000999/draft/files?location=${STORE}`, { container: c, options: api })
    expect(old.spikeCounts()).toEqual(local.spikeCounts())
    const folderLink = await loadSpikeData('https://dandiarchive.org/dandiset/000999/draft/files?location=sub-Z/', { container: c, options: api }).catch((e) => e)
    expect(folderLink).toMatchObject({ code: 'SPIKES_INVALID_ARGUMENT' })
  })

  it('as a browser sees the bucket (its CORS exposes ETag only: no Content-Range), the store loads from the listing sizes', async () => {
    const zarrId = emu.asset(STORE).zarr!
    const listing = await fetch(`${emu.storageUrl}/?list-type=2&delimiter=%2F&prefix=zarr%2F${zarrId}%2F`, { headers: { Origin: 'https://app.example' } })
    expect([listing.status, listing.headers.get('access-control-allow-origin'), listing.headers.get('access-control-expose-headers')]).toEqual([200, '*', 'ETag'])
    expect(await listing.text()).toMatch(/<IsTruncated>true<\/IsTruncated><NextContinuationToken>/)
    // What page code can read of a cross-origin answer: the body, the CORS-safelisted headers and the exposed ETag.
    let bucketAnswers = 0
    const corsView: typeof fetch = async (input, init) => {
      const r = await fetch(input, init)
      if (String(input).startsWith(emu.storageUrl) && r.status === 206) bucketAnswers++
      const headers = new Headers()
      for (const name of ['etag', 'content-length', 'content-type']) if (r.headers.has(name)) headers.set(name, r.headers.get(name)!)
      return new Response(r.body, { status: r.status, headers })
    }
    const sd = await loadSpikeDataFromDandi(`dandi://000999/draft/${STORE}`, { ...api, fetch: corsView })
    expect(summary(sd)).toEqual(summary(local))
    expect(bucketAnswers).toBeGreaterThan(10)
  })

  it('a 503 on one chunk is retried', async () => {
    await emu.setFaults([{ where: 'zarr', kind: '503', key: 'units/spike_times/0', times: 2 }])
    const sd = await loadSpikeDataFromDandi(`dandi://000999/draft/${STORE}`, api)
    expect(sd.spikeCounts()).toEqual(local.spikeCounts())
    const hits = (await emu.log()).filter((l) => l.path.endsWith('/units/spike_times/0')).map((l) => l.status)
    expect(hits.slice(0, 2)).toEqual([503, 503])
    expect([200, 206]).toContain(hits.at(-1))
  })

  it('a 503 that outlasts the retries is a network error naming the status', async () => {
    await emu.setFaults([{ where: 'zarr', kind: '503', key: 'units/spike_times/0', times: null }])
    const error = await loadSpikeDataFromDandi(`dandi://000999/draft/${STORE}`, { ...api, retries: 1 }).catch((e) => e)
    expect(error).toMatchObject({ code: 'SPIKES_NETWORK', details: { status: 503 } })
  })

  it('a store missing a spike_times chunk is a MissingFileError naming the chunk, not trains of zeros', async () => {
    const error = await loadSpikeDataFromDandi('dandi://000999/draft/sub-Z/gap.nwb.zarr', api).catch((e) => e)
    expect(error).toMatchObject({ code: 'SPIKES_MISSING_FILE', details: { file: 'units/spike_times/0' } })
    expect(error.message).toContain('incomplete')
  })

  it('a store whose upload lost an object (spike_times/.zarray) is a typed error', async () => {
    const error = await loadSpikeDataFromDandi('dandi://000999/draft/sub-Z/torn.nwb.zarr', api).catch((e) => e)
    expect(error.code).toBe('SPIKES_MISSING_ENTRY')
    expect(error.message).toContain('spike_times')
  })

  it('the recording export refuses a Zarr asset with a typed error naming its store', async () => {
    const error = await exportRecordingFromDandi(`dandi://000999/draft/${STORE}`, '/nonexistent/never-written.zarr', api).catch((e) => e)
    expect(error).toMatchObject({ code: 'SPIKES_UNSUPPORTED', details: { feature: 'dandi-zarr-asset', zarrUrl: `${emu.storageUrl}/zarr/${emu.asset(STORE).zarr}/` } })
  })
})
