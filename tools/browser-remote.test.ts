// End to end in a real browser, remote inputs: an NWB file read in place from a Web Worker, a DANDI asset
// (in place from a worker, into memory on the page), a Phy folder through a directory listing and from
// an S3-compatible store, and an ibl:// probe, each from a server on another origin on 127.0.0.1 with
// faults injected (tools/support/chromium.ts runs the pages).
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROMIUM, IN_CI, ROOT, page, rangeRoutes, runInChromium } from './support/chromium.js'

describe('remote HDF5 in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('reads an NWB file in place with Range requests from a Web Worker, retrying faults; refuses the main thread', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const nwb = readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb'))
    const log: (string | null)[] = []
    const worker = `import { container, loadSpikeData } from '@spikes/core'
import { registerNwb } from '@spikes/format-nwb'
import { RemoteFile, registerRemoteHdf5 } from '@spikes/hdf5'
let result
try {
  const c = container.createChildContainer()
  registerNwb(c)
  registerRemoteHdf5(c)
  const remote = await RemoteFile.open(new URL('range/sample.nwb', location.href).href, { backoffMs: 5, blockSize: 4096, firstReadBytes: 4096, maxReadaheadBytes: 8192 })
  const sd = await loadSpikeData(remote, { container: c })
  const counts = Array.from({ length: sd.N }, (_, i) => sd.train(i).length)
  let norange
  try {
    await RemoteFile.open(new URL('norange/sample.nwb', location.href).href)
  } catch (e) {
    norange = { code: e.code, rangeUnsupported: e.details.rangeUnsupported }
  }
  result = { N: sd.N, spikes: counts.reduce((a, b) => a + b, 0), lengthMs: sd.lengthMs, format: sd.metadata.provenance.format, stats: { ...remote.stats }, norange }
  remote.closeSync()
} catch (e) {
  result = { error: String(e && e.code), message: String(e && e.message) }
}
self.postMessage(result)`
    const script = page(
      `import { RemoteFile } from '@spikes/hdf5'`,
      `  let mainThread
  try {
    await RemoteFile.open(new URL('range/sample.nwb', location.href).href)
  } catch (e) {
    mainThread = { code: e.code, feature: e.details.feature }
  }
  const w = new Worker('worker.js', { type: 'module' })
  const inWorker = await new Promise((resolve) => (w.onmessage = (event) => resolve(event.data)))
  result = { mainThread, inWorker }`,
    )
    const result = (await runInChromium(script, {}, { worker, routes: rangeRoutes('sample.nwb', nwb, ['503', 'drop'], log) })) as { inWorker: { stats: { requests: number; bytes: number; retried: number; size: number } } }
    expect(result).toEqual({
      mainThread: { code: 'SPIKES_UNSUPPORTED', feature: 'remote-hdf5-main-thread' },
      inWorker: { N: 32, spikes: 10290, lengthMs: 60000, format: 'nwb', stats: expect.any(Object), norange: { code: 'SPIKES_NETWORK', rangeUnsupported: true } },
    })
    const { stats } = result.inWorker
    // Both faults were retried; every request the server saw was a Range request, and no byte travelled twice
    // (the 73 kB sample is smaller than the first read plus the metadata reads, so all of it may travel once).
    expect(stats.retried).toBe(2)
    expect(stats.size).toBe(nwb.length)
    expect(stats.requests).toBe(log.length)
    expect(log.every((range) => range !== null && /^bytes=\d+-\d+$/.test(range))).toBe(true)
    expect(stats.bytes).toBeGreaterThan(0)
    expect(stats.bytes).toBeLessThanOrEqual(nwb.length)
  }, 120_000)
})

describe('a folder on a web server, in a browser', () => {
  it.runIf((CHROMIUM || IN_CI) && (existsSync(join(ROOT, '..', 'shared', 'realdata', 'kilosort_phy')) || IN_CI))('loads a Phy folder from a cross-origin server through its directory listing, fetching only what it reads', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { serveFolder } = await import('@spikes/testing')
    const phy = join(ROOT, '..', 'shared', 'realdata', 'kilosort_phy', 'phy-data-template')
    const files = Object.fromEntries(readdirSync(phy).map((f) => [`phy/${f}`, readFileSync(join(phy, f))]))
    const server = await serveFolder(files, 'nginx', { cors: true })
    try {
      const script = page(
        `import { container, loadSpikeData } from '@spikes/core'
import { registerRemote } from '@spikes/remote'
import { registerKilosort } from '@spikes/format-kilosort'`,
        `  const c = container.createChildContainer()
  registerRemote(c)
  registerKilosort(c)
  const sd = await loadSpikeData(${JSON.stringify(`${server.url}/phy/`)}, { container: c })
  result = { format: sd.metadata.provenance.format, N: sd.N, spikes: sd.totalSpikes, requests: sd.metadata.provenance.requests }`,
      )
      const result = await runInChromium(script, {})
      expect(result).toEqual({ format: 'kilosort', N: 62, spikes: 314, requests: expect.any(Number) })
      const fetched = new Set(server.requests.filter((r) => r.path.startsWith('/phy/')).map((r) => r.path))
      expect(fetched.has('/phy/spike_times.npy')).toBe(true)
      expect(fetched.has('/phy/pc_features.npy')).toBe(false)
    } finally {
      await server.close()
    }
  }, 120_000)
})

describe('an S3 folder, in a browser', () => {
  it.runIf((CHROMIUM || IN_CI) && (existsSync(join(ROOT, '..', 'shared', 'realdata', 'kilosort_phy')) || IN_CI))('lists and reads a Phy folder in an S3-compatible store with SigV4 signed by Web Crypto', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { startFakeS3 } = await import('@spikes/testing')
    const phy = join(ROOT, '..', 'shared', 'realdata', 'kilosort_phy', 'phy-data-template')
    const objects = Object.fromEntries(readdirSync(phy).map((f) => [`lab-bucket/phy/${f}`, readFileSync(join(phy, f))]))
    const key = { accessKeyId: 'AKIDBROWSER', secretAccessKey: 'browser/secret' }
    const s3 = await startFakeS3({ objects, keys: [key], region: 'eu-west-1', cors: true })
    try {
      const options = JSON.stringify({ endpointUrl: s3.endpoint, region: 'eu-west-1', ...key })
      const script = page(
        `import { container, loadSpikeData } from '@spikes/core'
import { s3Folder } from '@spikes/remote'
import { registerKilosort } from '@spikes/format-kilosort'`,
        `  const c = container.createChildContainer()
  registerKilosort(c)
  const sd = await loadSpikeData(s3Folder('s3://lab-bucket/phy/', ${options}), { container: c })
  let denied
  try {
    await s3Folder('s3://lab-bucket/phy/', { ...${options}, secretAccessKey: 'wrong' }).list()
  } catch (e) {
    denied = { code: e.code, s3Code: e.details.s3Code }
  }
  result = { format: sd.metadata.provenance.format, N: sd.N, spikes: sd.totalSpikes, denied }`,
      )
      const result = await runInChromium(script, {})
      expect(result).toEqual({ format: 'kilosort', N: 62, spikes: 314, denied: { code: 'SPIKES_NETWORK', s3Code: 'SignatureDoesNotMatch' } })
      const gets = s3.requests.filter((r) => r.method === 'GET')
      expect(gets.filter((r) => r.outcome === 403)).toHaveLength(1)
      expect(gets.some((r) => r.path.includes('pc_features'))).toBe(false)
    } finally {
      await s3.close()
    }
  }, 120_000)
})

describe('DANDI in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('streams an asset from a Web Worker, downloads it into memory on the page, and refuses in-place reads on the page', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { startDandiEmulator } = await import('@spikes/testing/dandi')
    const { generated } = await import('@spikes/testing/dandi')
    // ~20 MB: raw traces, then a Units table of 100,000 spikes in 50 units.
    const medium = await generated('medium')
    // A cross-origin archive (another port) that answers CORS as the real one does, with faults on the way:
    // blobs come from a third origin (the bucket), whose CORS exposes ETag only, behind presigned URLs that
    // expire during the worker's reads.
    const emu = await startDandiEmulator({ dandisets: { '000999': { assets: [{ path: 'sub-1/sub-1_ecephys.nwb', file: medium.path }] } } })
    try {
      await emu.setFaults([
        { where: 'asset', kind: '429', retryAfter: 0 },
        { where: 'blob', kind: '503', times: 2 },
        // After the page's download and the worker's first two reads, every URL issued so far expires.
        { where: 'blob', kind: 'expire-urls', after: 3 },
      ])
      const assetId = emu.asset('sub-1/sub-1_ecephys.nwb').assetId
      const options = JSON.stringify({ apiBase: emu.apiBase, backoffMs: 5 })
      const summary = `const summary = (sd) => ({ N: sd.N, spikes: Array.from({ length: sd.N }, (_, i) => sd.train(i).length).reduce((a, b) => a + b, 0), lengthMs: sd.lengthMs, assetId: sd.metadata.dandi_asset_id, mode: sd.metadata.dandi_transfer.mode, bytes: sd.metadata.dandi_transfer.bytes_fetched, requests: sd.metadata.dandi_transfer.requests })`
      const worker = `import { loadSpikeDataFromDandi } from '@spikes/format-dandi'
${summary}
let result
try {
  result = summary(await loadSpikeDataFromDandi(${JSON.stringify(assetId)}, ${options}))
} catch (e) {
  result = { error: String(e && e.code), message: String(e && e.message) }
}
self.postMessage(result)`
      const script = page(
        `import { exportRecordingFromDandi, loadSpikeDataFromDandi } from '@spikes/format-dandi'
${summary}`,
        `  let inPlace
  try {
    await loadSpikeDataFromDandi(${JSON.stringify(assetId)}, ${options})
  } catch (e) {
    inPlace = { code: e.code, feature: e.details.feature }
  }
  let exported
  try {
    await exportRecordingFromDandi(${JSON.stringify(assetId)}, 'out.zarr', ${options})
  } catch (e) {
    exported = { code: e.code, feature: e.details.feature }
  }
  const downloaded = summary(await loadSpikeDataFromDandi(${JSON.stringify(assetId)}, { ...${options}, download: true }))
  const w = new Worker('worker.js', { type: 'module' })
  const streamed = await new Promise((resolve) => (w.onmessage = (event) => resolve(event.data)))
  result = { inPlace, exported, downloaded, streamed }`,
      )
      const result = (await runInChromium(script, {}, { worker })) as Record<string, Record<string, number>>
      const size = medium.size
      const data = { N: medium.units, spikes: medium.spikes, lengthMs: result.downloaded.lengthMs, assetId }
      expect(result).toEqual({
        inPlace: { code: 'SPIKES_UNSUPPORTED', feature: 'dandi-main-thread' },
        exported: { code: 'SPIKES_UNSUPPORTED', feature: 'node-file-system' },
        downloaded: { ...data, mode: 'download', bytes: size, requests: expect.any(Number) },
        streamed: { ...data, mode: 'range', bytes: expect.any(Number), requests: expect.any(Number) },
      })
      // In place, a small part of the file travels (the Units table is 0.8 MB of 20 MB).
      expect(result.streamed.bytes).toBeLessThan(size / 5)
      const log = await emu.log()
      const blobReads = log.filter((e) => e.kind === 'blob')
      // The two injected 503s were retried by the in-memory download; every blob read of the worker was a Range read.
      expect(blobReads.filter((e) => e.status === 503)).toHaveLength(2)
      expect(log.filter((e) => e.kind === 'asset' && e.status === 429)).toHaveLength(1)
      // The worker's requests: one to resolve the redirect (the page cannot see it), the first read to the
      // archive's URL (the browser follows the redirect), Range reads straight to the bucket, without a
      // visible Content-Range (sizes from the asset record); the expired URL (403), and the archive again (302, 206).
      const workerReads = blobReads.filter((e) => e.status === 206)
      expect(blobReads.filter((e) => e.status === 403)).toHaveLength(1)
      expect(log.filter((e) => e.kind === 'download').map((e) => e.status)).toEqual([302, 302, 302, 302])
      expect(workerReads.length).toBe(result.streamed.requests - 4)
      expect(workerReads.every((e) => /^bytes=\d+-\d+$/.test(e.range ?? ''))).toBe(true)
    } finally {
      await emu.close()
    }
  }, 120_000)
})

describe('IBL in a browser', () => {
  it.runIf((CHROMIUM || IN_CI) && (existsSync(join(ROOT, '..', 'shared', 'realdata', 'ibl_alf')) || IN_CI))('loads an ibl:// probe from a cross-origin Alyx and file server, as under Node', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { startAlyxEmulator } = await import('@spikes/testing/ibl')
    const { iblWorld, S1, UNITS_PATH } = await import('@spikes/testing/ibl')
    const emu = await startAlyxEmulator(iblWorld())
    try {
      const options = JSON.stringify({ baseUrl: emu.url, dataServer: emu.dataServer, unitsTable: emu.bucketUrl + UNITS_PATH, collection: 'alf/probe00', timeoutMs: 5000, retries: 1 })
      const script = page(
        `import { container, loadSpikeData } from '@spikes/core'
import { registerIbl } from '@spikes/format-ibl'`,
        `  const c = container.createChildContainer()
  registerIbl(c)
  const warnings = []
  try {
    const sd = await loadSpikeData(${JSON.stringify(`ibl://${S1.eid}/${S1.pid}`)}, { container: c, options: ${options}, onWarning: (w) => warnings.push(w.code) })
    result = { format: sd.metadata.provenance.format, counts: sd.trains.map((t) => t.length), lengthMs: sd.lengthMs, warnings }
  } catch (e) {
    result = { code: e.code, check: e.details.check, file: e.details.file }
  }`,
      )
      const result = await runInChromium(script, {})
      // The same probe the Node test loads (packages/format-ibl/test/ibl-loader.test.ts).
      expect(result).toEqual({ format: 'ibl', counts: [1, 1, 102, 11, 5, 2, 334, 10, 337, 56, 206, 343, 500, 300, 1, 2401, 0], lengthMs: 119998.85069650042, warnings: [] })
      // The page logged in (POST /auth-token, cross-origin) and sent the token to Alyx only.
      expect(emu.log.filter((r) => r.server === 'alyx' && r.method === 'POST').map((r) => r.path)).toEqual(['/auth-token'])
      expect(emu.log.filter((r) => r.server === 'alyx' && r.method === 'GET').every((r) => r.authorization === `Token ${emu.tokens[0]}`)).toBe(true)
      expect(emu.log.filter((r) => r.server !== 'alyx').every((r) => r.authorization === undefined)).toBe(true)
      // Web Crypto has no MD5: the memory cache checks Alyx's hash with its own, so bytes corrupted in transit (same size) are caught.
      emu.faults = [{ match: /spikes\.times\./, kind: 'corrupt' }]
      const corrupted = await runInChromium(script, {})
      expect(corrupted).toEqual({ code: 'SPIKES_INTEGRITY', check: 'md5', file: expect.stringMatching(/spikes\.times\.[\w.]*npy$/) })
    } finally {
      await emu.close()
    }
  }, 120_000)
})
