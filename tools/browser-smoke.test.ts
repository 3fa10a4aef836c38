// End to end in a real browser: core + format-nwb bundled for browsers (esbuild), served on 127.0.0.1,
// loading the CLI's bundled NWB sample from a Blob in headless Chromium (Debian's package; .ci/run
// installs it). Locally the test runs when Chromium is installed; under CI its absence is a failure.
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

const PAGE_SCRIPT = `
import { container, loadSpikeData } from '@spikes/core'
import { registerNwb } from '@spikes/format-nwb'
const out = document.getElementById('out')
try {
  const bytes = new Uint8Array(await (await fetch('sample.nwb')).arrayBuffer())
  const c = container.createChildContainer()
  registerNwb(c)
  const sd = await loadSpikeData(new Blob([bytes]), { container: c })
  out.textContent = JSON.stringify({ N: sd.N, spikes: sd.totalSpikes, lengthMs: sd.lengthMs, first: sd.train(0)[0], format: sd.metadata.provenance.format })
} catch (e) {
  out.textContent = JSON.stringify({ error: String(e && e.code), message: String(e && e.message) })
}
`

let server: Server | undefined
afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())))

describe('in a browser', () => {
  it.runIf(CHROMIUM || IN_CI)('loads an NWB file from a Blob with @spikes/core + @spikes/format-nwb', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const bundled = await build({
      stdin: { contents: PAGE_SCRIPT, resolveDir: ROOT, sourcefile: 'page.js', loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      conditions: ['@spikes/source'],
      logLevel: 'silent',
    })
    const files: Record<string, [string, Uint8Array | string]> = {
      '/index.html': ['text/html', '<!doctype html><html><body><pre id="out">loading</pre><script type="module" src="bundle.js"></script></body></html>'],
      '/bundle.js': ['text/javascript', bundled.outputFiles[0].contents],
      '/sample.nwb': ['application/octet-stream', readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb'))],
    }
    server = createServer((req, res) => {
      const file = files[req.url ?? '']
      if (!file) return res.writeHead(404).end()
      res.writeHead(200, { 'content-type': file[0] }).end(file[1])
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/index.html`
    const profile = mkdtempSync(join(tmpdir(), 'spikes-chromium-'))
    try {
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--virtual-time-budget=30000', '--dump-dom', url]
      const child = await runChromium(CHROMIUM!, flags)
      const match = /<pre id="out">(.*?)<\/pre>/s.exec(child)
      expect(match, child.slice(0, 500)).not.toBeNull()
      const result = JSON.parse(match![1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'))
      expect(result).toEqual({ N: 32, spikes: 10290, lengthMs: 60000, first: expect.any(Number), format: 'nwb' })
    } finally {
      rmSync(profile, { recursive: true, force: true })
    }
  }, 120_000)
})

/** Runs Chromium asynchronously: the test's HTTP server must keep answering while it loads the page. */
function runChromium(binary: string, flags: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, flags, { timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout) => (stdout ? resolve(stdout) : reject(error ?? new Error('Chromium printed nothing'))))
  })
}
