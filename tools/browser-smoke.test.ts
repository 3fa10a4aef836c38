// End to end in a real browser: @spikes packages bundled for browsers (esbuild), served on 127.0.0.1,
// loading real inputs from Blobs and in-memory folders in headless Chromium (Debian's package; .ci/run
// installs it). Locally the tests run when Chromium is installed; under CI its absence is a failure.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { bundleScript } from './browser-bundle.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CORPUS = join(ROOT, '..', 'shared', 'corpus')
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

/** Page code around `body`, which sets `result`; the page POSTs it (or the error's code) back. */
const page = (imports: string, body: string) => `
${imports}
const bytes = async (path) => new Uint8Array(await (await fetch(path)).arrayBuffer())
let result
try {
${body}
} catch (e) {
  result = { error: String(e && e.code), message: String(e && e.message) }
}
await fetch('result', { method: 'POST', body: JSON.stringify(result) })
`

/** Routes of the page's server before its static files: returns true when it answered the request. */
type ExtraRoutes = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * Bundles `script` for browsers, serves it with `files` on 127.0.0.1, and returns what the page reported.
 * With `worker`, that script is bundled too and served as /worker.js (the page starts it as a module
 * worker; a `page()` body reports from there just as well).
 */
async function runInChromium(script: string, files: Record<string, Uint8Array>, extra: { worker?: string; routes?: ExtraRoutes } = {}): Promise<unknown> {
  const served: Record<string, [string, Uint8Array | string]> = {
    '/index.html': ['text/html', '<!doctype html><html><body><script type="module" src="bundle.js"></script></body></html>'],
    '/bundle.js': ['text/javascript', await bundleScript(script, 'page.js')],
  }
  if (extra.worker !== undefined) served['/worker.js'] = ['text/javascript', await bundleScript(extra.worker, 'worker.js')]
  for (const [name, content] of Object.entries(files)) served[`/${name}`] = ['application/octet-stream', content]
  let report: (body: string) => void = () => {}
  const reported = new Promise<string>((resolve) => (report = resolve))
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/result') {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        res.writeHead(204).end()
        report(body)
      })
      return
    }
    if (extra.routes?.(req, res)) return
    const file = served[req.url ?? '']
    if (!file) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': file[0] }).end(file[1])
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/index.html`
  const profile = mkdtempSync(join(tmpdir(), 'spikes-chromium-'))
  try {
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, url]
    // The page posts its result back; Chromium runs until then (or the deadline) and is killed.
    const browser = spawn(CHROMIUM!, flags, { stdio: 'ignore', detached: true })
    try {
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page did not report within 90 s')), 90_000).unref())
      return JSON.parse(await Promise.race([reported, deadline]))
    } finally {
      // Chromium's renderer and helper processes share its process group: end them all.
      const exited = new Promise((r) => (browser.exitCode !== null ? r(null) : browser.once('exit', r)))
      try {
        process.kill(-browser.pid!, 'SIGKILL')
      } catch {
        browser.kill('SIGKILL')
      }
      await exited
    }
  } finally {
    rmSync(profile, { recursive: true, force: true })
    await new Promise<void>((r) => server.close(() => r()))
  }
}

const corpusCase = (name: string) => JSON.parse(readFileSync(join(CORPUS, name, 'expected.json'), 'utf8'))
const summary = (name: string) => {
  const e = corpusCase(name)
  return { N: e.N, counts: e.spike_counts, lengthMs: e.length_ms }
}

describe('in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('loads an NWB file from a Blob with @spikes/core + @spikes/format-nwb', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const script = page(
      `import { container, loadSpikeData } from '@spikes/core'
import { registerNwb } from '@spikes/format-nwb'`,
      `  const c = container.createChildContainer()
  registerNwb(c)
  const sd = await loadSpikeData(new Blob([await bytes('sample.nwb')]), { container: c })
  result = { N: sd.N, spikes: sd.totalSpikes, lengthMs: sd.lengthMs, first: sd.train(0)[0], format: sd.metadata.provenance.format }`,
    )
    const result = await runInChromium(script, { 'sample.nwb': readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb')) })
    expect(result).toEqual({ N: 32, spikes: 10290, lengthMs: 60000, first: expect.any(Number), format: 'nwb' })
  }, 120_000)

  it.runIf((CHROMIUM || IN_CI) && (existsSync(CORPUS) || IN_CI))('loads KiloSort and ALF (in-memory folders), pickle, SpikeLab .npz and HDF5 inputs, detecting each format', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const ks = join(CORPUS, 'ks_basic_uint64', 'ks')
    const ksFiles = readdirSync(ks)
    const files: Record<string, Uint8Array> = {
      'sd.pkl': readFileSync(join(CORPUS, 'pkl_basic_protocol4', 'sd.pkl')),
      'sorted.npz': readFileSync(join(CORPUS, 'npz_full_units', 'sorted.npz')),
      'data.h5': readFileSync(join(CORPUS, 'h5_ragged_leading_zero_ms', 'data.h5')),
    }
    for (const f of ksFiles) files[`ks/${f}`] = readFileSync(join(ks, f))
    const alf = join(ROOT, '..', 'shared', 'realdata', 'ibl_alf', 'brainbox-alf', 'alf', 'probe00')
    const alfFiles = readdirSync(alf)
    for (const f of alfFiles) files[`alf/${f}`] = readFileSync(join(alf, f))
    const script = page(
      `import { container, loadSpikeData, memoryFolder } from '@spikes/core'
import { registerKilosort } from '@spikes/format-kilosort'
import { registerPickle } from '@spikes/format-pickle'
import { registerHdf5 } from '@spikes/format-hdf5'
import { registerIbl } from '@spikes/format-ibl'`,
      `  const c = container.createChildContainer()
  for (const register of [registerKilosort, registerPickle, registerHdf5, registerIbl]) register(c)
  const show = (sd) => ({ format: sd.metadata.provenance.format, N: sd.N, counts: Array.from({ length: sd.N }, (_, i) => sd.train(i).length), lengthMs: sd.lengthMs })
  const folder = {}
  for (const name of ${JSON.stringify(ksFiles)}) folder[name] = await bytes('ks/' + name)
  const alfFolder = {}
  for (const name of ${JSON.stringify(alfFiles)}) alfFolder[name] = await bytes('alf/' + name)
  result = {
    kilosort: show(await loadSpikeData(memoryFolder(folder, 'ks'), { container: c, options: { fsHz: 20000 } })),
    pickle: show(await loadSpikeData(new Blob([await bytes('sd.pkl')]), { container: c })),
    npz: show(await loadSpikeData(new Blob([await bytes('sorted.npz')]), { container: c })),
    hdf5: show(await loadSpikeData(new Blob([await bytes('data.h5')]), { container: c, options: { spikeTimesDataset: 'st', spikeTimesIndexDataset: 'sti', spikeTimesUnit: 'ms' } })),
    alf: (({ format, N, counts }) => ({ format, N, spikes: counts.reduce((a, b) => a + b, 0) }))(show(await loadSpikeData(memoryFolder(alfFolder, 'probe00'), { container: c }))),
  }`,
    )
    const result = await runInChromium(script, files)
    expect(result).toEqual({
      kilosort: { format: 'kilosort', ...summary('ks_basic_uint64') },
      pickle: { format: 'pickle', ...summary('pkl_basic_protocol4') },
      npz: { format: 'spikelab-npz', ...summary('npz_full_units') },
      hdf5: { format: 'hdf5', ...summary('h5_ragged_leading_zero_ms') },
      // The real brainbox ALF folder (PROVENANCE.md): 289 clusters, 124,905 spikes, as the ALF loader test reads it in Node.
      alf: { format: 'alf', N: 289, spikes: 124905 },
    })
  }, 120_000)
})

/**
 * Serves `bytes` under /range/<name> with HTTP Range (and under /norange/<name> ignoring it), applying
 * `faults` to the first requests one by one: '503' answers 503, 'drop' sends half the body and cuts the
 * connection. `log` receives every request's Range header.
 */
function rangeRoutes(name: string, bytes: Uint8Array, faults: ('503' | 'drop')[], log: (string | null)[]): ExtraRoutes {
  return (req, res) => {
    if (req.url === `/norange/${name}`) {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length }).end(bytes)
      return true
    }
    if (req.url !== `/range/${name}`) return false
    log.push(req.headers.range ?? null)
    const fault = faults.shift()
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '')
    if (fault === '503') {
      res.writeHead(503, { 'retry-after': '0' }).end('busy')
      return true
    }
    if (!m) {
      res.writeHead(200, { 'content-length': bytes.length }).end(bytes)
      return true
    }
    const start = Number(m[1])
    const end = Math.min(Number(m[2]), bytes.length - 1)
    const body = bytes.subarray(start, end + 1)
    res.writeHead(206, { 'content-type': 'application/octet-stream', 'content-length': body.length, 'content-range': `bytes ${start}-${end}/${bytes.length}` })
    if (fault === 'drop') {
      res.write(body.subarray(0, body.length >> 1))
      setTimeout(() => res.socket?.destroy(), 20)
    } else res.end(body)
    return true
  }
}

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
  registerRemoteHdf5()
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
    // Both faults were retried; every request the server saw was a Range request, and fewer bytes travelled than the file holds.
    expect(stats.retried).toBe(2)
    expect(stats.size).toBe(nwb.length)
    expect(stats.requests).toBe(log.length)
    expect(log.every((range) => range !== null && /^bytes=\d+-\d+$/.test(range))).toBe(true)
    expect(stats.bytes).toBeGreaterThan(0)
    expect(stats.bytes).toBeLessThan(nwb.length)
  }, 120_000)
})

describe('DANDI in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('streams an asset from a Web Worker, downloads it into memory on the page, and refuses in-place reads on the page', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { startDandiEmulator } = await import('../packages/format-dandi/test/support/emulator.js')
    const { generated } = await import('../packages/format-dandi/test/support/fixtures.js')
    // ~20 MB: raw traces, then a Units table of 100,000 spikes in 50 units.
    const medium = await generated('medium')
    // A cross-origin archive (another port) that answers CORS as the real one does, with faults on the way.
    const emu = await startDandiEmulator({ dandisets: { '000999': { assets: [{ path: 'sub-1/sub-1_ecephys.nwb', file: medium.path }] } } })
    try {
      await emu.setFaults([
        { where: 'asset', kind: '429', retryAfter: 0 },
        { where: 'blob', kind: '503', times: 2 },
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
        `import { loadSpikeDataFromDandi } from '@spikes/format-dandi'
${summary}`,
        `  let inPlace
  try {
    await loadSpikeDataFromDandi(${JSON.stringify(assetId)}, ${options})
  } catch (e) {
    inPlace = { code: e.code, feature: e.details.feature }
  }
  const downloaded = summary(await loadSpikeDataFromDandi(${JSON.stringify(assetId)}, { ...${options}, download: true }))
  const w = new Worker('worker.js', { type: 'module' })
  const streamed = await new Promise((resolve) => (w.onmessage = (event) => resolve(event.data)))
  result = { inPlace, downloaded, streamed }`,
      )
      const result = (await runInChromium(script, {}, { worker })) as Record<string, Record<string, number>>
      const size = medium.size
      const data = { N: medium.units, spikes: medium.spikes, lengthMs: result.downloaded.lengthMs, assetId }
      expect(result).toEqual({
        inPlace: { code: 'SPIKES_UNSUPPORTED', feature: 'dandi-main-thread' },
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
      // archive's URL (the browser follows the redirect), then Range reads straight to the blob store.
      const workerReads = blobReads.filter((e) => e.status === 206)
      expect(workerReads.length).toBe(result.streamed.requests - 2)
      expect(workerReads.every((e) => /^bytes=\d+-\d+$/.test(e.range ?? ''))).toBe(true)
    } finally {
      await emu.close()
    }
  }, 120_000)
})

describe('IBL in a browser', () => {
  it.runIf((CHROMIUM || IN_CI) && (existsSync(join(ROOT, '..', 'shared', 'realdata', 'ibl_alf')) || IN_CI))('loads an ibl:// probe from a cross-origin Alyx and file server, as under Node', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const { startEmulator } = await import('../packages/format-ibl/test/support/emulator.js')
    const { iblWorld, S1, UNITS_PATH } = await import('../packages/format-ibl/test/support/ibl-fixtures.js')
    const emu = await startEmulator(iblWorld())
    try {
      const options = JSON.stringify({ baseUrl: emu.url, unitsTable: emu.url + UNITS_PATH, collection: 'alf/probe00', timeoutMs: 5000, retries: 1 })
      const script = page(
        `import { container, loadSpikeData } from '@spikes/core'
import { registerIbl } from '@spikes/format-ibl'`,
        `  const c = container.createChildContainer()
  registerIbl(c)
  const warnings = []
  const sd = await loadSpikeData(${JSON.stringify(`ibl://${S1.eid}/${S1.pid}`)}, { container: c, options: ${options}, onWarning: (w) => warnings.push(w.code) })
  result = { format: sd.metadata.provenance.format, counts: sd.trains.map((t) => t.length), lengthMs: sd.lengthMs, warnings }`,
      )
      const result = await runInChromium(script, {})
      // The same probe the Node test loads (packages/format-ibl/test/ibl-loader.test.ts).
      expect(result).toEqual({ format: 'ibl', counts: [1, 1, 102, 11, 5, 2, 334, 10, 337, 56, 206, 343, 500, 300, 1, 2401, 0], lengthMs: 119998.85069650042, warnings: [] })
    } finally {
      await emu.close()
    }
  }, 120_000)
})
