// `spikes inspect https://host/folder/` and `s3://bucket/folder/`: a KiloSort/Phy folder and an ALF folder
// published by a web server (its directory listing) or kept in an S3 bucket are loaded in place; only the
// files the loader needs travel.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { filesOf, IN_CI, realdata, serveFolder, sharedAvailable, startFakeS3 } from '@spikes/testing'
import { main } from '../src/main.js'
import { captureIo } from './support/capture-io.js'

const phy = realdata('kilosort_phy', 'phy-data-template')
const alf = realdata('ibl_alf', 'brainbox-alf')
const present = sharedAvailable(phy) && sharedAvailable(alf)

describe.runIf(present || IN_CI)('spikes inspect <folder URL>', async () => {
  it('has the shared real data', () => expect(present).toBe(true))
  const siZarr = fileURLToPath(new URL('../../format-spikeinterface/test/data/si-zarr-sorting.zarr', import.meta.url))
  const files = { ...filesOf(phy, 'phy/'), ...filesOf(alf, 'alf-session/'), ...filesOf(siZarr, 'si.zarr/') }
  const nginx = await serveFolder(files, 'nginx')
  const json = await serveFolder(files, 'json')
  const none = await serveFolder(files, 'none')
  const key = { accessKeyId: 'AKIDCLI', secretAccessKey: 'cli-secret' }
  const s3 = await startFakeS3({ objects: Object.fromEntries(Object.entries(files).map(([k, v]) => [`lab-bucket/sortings/${k}`, v])), keys: [key], region: 'us-west-2' })
  afterAll(async () => Promise.all([nginx.close(), json.close(), none.close(), s3.close()]))

  it('detects and loads a Phy folder from an nginx listing, as from the local folder, fetching only what it reads', async () => {
    const local = captureIo()
    expect(await main(['inspect', phy, '--json'], local.io), local.stderr()).toBe(0)
    nginx.faults = [{ match: /^\/phy\/$/, status: 503, times: 1 }]
    const remote = captureIo()
    expect(await main(['inspect', `${nginx.url}/phy/`, '--json'], remote.io), remote.stderr()).toBe(0)
    const [a, b] = [JSON.parse(local.stdout()), JSON.parse(remote.stdout())]
    expect(b).toMatchObject({ format: 'kilosort', N: 62, totalSpikes: 314 })
    expect({ ...b, metadata: undefined, reason: undefined }).toEqual({ ...a, metadata: undefined, reason: undefined })
    const fetched = new Set(nginx.requests.map((r) => r.path))
    expect(fetched.has('/phy/spike_times.npy')).toBe(true)
    for (const unread of ['pc_features.npy', 'template_features.npy', 'whitening_mat_inv.npy']) expect(fetched.has(`/phy/${unread}`), unread).toBe(false)
  })

  it('loads an ALF session folder from a JSON listing, following its subfolders', async () => {
    const t = captureIo()
    expect(await main(['load', `${json.url}/alf-session/`, '--json'], t.io), t.stderr()).toBe(0)
    const out = JSON.parse(t.stdout())
    expect(out).toMatchObject({ format: 'alf', N: 289 })
    expect(out.trains.reduce((n: number, tr: number[]) => n + tr.length, 0)).toBe(124_905)
    expect(json.requests.some((r) => r.path === '/alf-session/alf/')).toBe(true)
  })

  it('says how much travelled', async () => {
    const before = nginx.requests.length
    const t = captureIo()
    expect(await main(['inspect', `${nginx.url}/phy/`], t.io), t.stderr()).toBe(0)
    const m = /^ {2}fetched {6}([\d.]+) (B|KiB|MiB) in (\d+) requests$/m.exec(t.stdout())
    expect(m, t.stdout()).not.toBeNull()
    expect(Number(m![3])).toBe(nginx.requests.length - before)
    expect(Number(m![1]) * (m![2] === 'KiB' ? 1024 : m![2] === 'MiB' ? 1048576 : 1)).toBeLessThan(Object.entries(files).filter(([k]) => k.startsWith('phy/')).reduce((n, [, v]) => n + v.length, 0))
  })

  it("suggests the final '/' when a folder URL without it answers with its listing page", async () => {
    const t = captureIo()
    expect(await main(['inspect', `${nginx.url}/phy/`.replace(/\/$/, '')], t.io)).toBe(1)
    expect(t.stderr()).toMatch(new RegExp(`^error\\[SPIKES_UNKNOWN_FORMAT\\]: .*a web page\\. .*Run 'spikes inspect ${nginx.url}/phy/' if it is a folder: a URL that ends in '/' is read through the folder's listing\\.$`, 'm'))
  })

  it('loads a SpikeInterface Zarr sorting from a web server and from S3, as from the local folder', async () => {
    const local = captureIo()
    expect(await main(['inspect', siZarr, '--json'], local.io), local.stderr()).toBe(0)
    const expected = JSON.parse(local.stdout())
    expect(expected).toMatchObject({ format: 'spikeinterface', N: 7 })
    const web = captureIo()
    expect(await main(['inspect', `${nginx.url}/si.zarr/`, '--json'], web.io), web.stderr()).toBe(0)
    const saved = { ...process.env }
    Object.assign(process.env, { AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey })
    const bucket = captureIo()
    try {
      expect(await main(['inspect', 's3://lab-bucket/sortings/si.zarr/', '--json'], bucket.io), bucket.stderr()).toBe(0)
    } finally {
      process.env = saved
    }
    for (const out of [web, bucket]) {
      const got = JSON.parse(out.stdout())
      const codes = (w: { code: string }[]) => w.map((x) => x.code)
      expect({ ...got, metadata: undefined, warnings: codes(got.warnings) }).toEqual({ ...expected, metadata: undefined, warnings: codes(expected.warnings) })
    }
  })

  it('tells what to do when the server lists no folders', async () => {
    const t = captureIo()
    expect(await main(['inspect', `${none.url}/phy/`], t.io)).toBe(1)
    expect(t.stderr()).toMatch(/^error\[SPIKES_NETWORK\]: .*HTTP 403.*files option/m)
  })

  it('loads a Phy folder from an S3 bucket (credentials and endpoint from the environment), signed Range reads only', async () => {
    const saved = { ...process.env }
    Object.assign(process.env, { AWS_ENDPOINT_URL: s3.endpoint, AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey })
    try {
      const t = captureIo()
      expect(await main(['inspect', 's3://lab-bucket/sortings/phy/', '--json'], t.io), t.stderr()).toBe(0)
      expect(JSON.parse(t.stdout())).toMatchObject({ format: 'kilosort', N: 62, totalSpikes: 314 })
      expect(s3.requests.every((r) => r.outcome === 200 || r.outcome === 206)).toBe(true)
      expect(s3.requests.some((r) => r.path.includes('pc_features'))).toBe(false)
      process.env.AWS_SECRET_ACCESS_KEY = 'wrong'
      const denied = captureIo()
      expect(await main(['inspect', 's3://lab-bucket/sortings/phy/'], denied.io)).toBe(1)
      expect(denied.stderr()).toMatch(/^error\[SPIKES_NETWORK\]: S3 refused to list .*403/m)
    } finally {
      process.env = saved
    }
  })
})
