// End to end in a real browser: core + format-nwb bundled for browsers (esbuild), served on 127.0.0.1,
// loading the CLI's bundled NWB sample from a Blob in headless Chromium (Debian's package; .ci/run
// installs it). Locally the test runs when Chromium is installed; under CI its absence is a failure.
import { spawn } from 'node:child_process'
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
let result
try {
  const bytes = new Uint8Array(await (await fetch('sample.nwb')).arrayBuffer())
  const c = container.createChildContainer()
  registerNwb(c)
  const sd = await loadSpikeData(new Blob([bytes]), { container: c })
  result = { N: sd.N, spikes: sd.totalSpikes, lengthMs: sd.lengthMs, first: sd.train(0)[0], format: sd.metadata.provenance.format }
} catch (e) {
  result = { error: String(e && e.code), message: String(e && e.message) }
}
await fetch('result', { method: 'POST', body: JSON.stringify(result) })
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
      '/index.html': ['text/html', '<!doctype html><html><body><script type="module" src="bundle.js"></script></body></html>'],
      '/bundle.js': ['text/javascript', bundled.outputFiles[0].contents],
      '/sample.nwb': ['application/octet-stream', readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb'))],
    }
    let report: (body: string) => void = () => {}
    const reported = new Promise<string>((resolve) => (report = resolve))
    server = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/result') {
        let body = ''
        req.on('data', (chunk) => (body += chunk))
        req.on('end', () => {
          res.writeHead(204).end()
          report(body)
        })
        return
      }
      const file = files[req.url ?? '']
      if (!file) return res.writeHead(404).end()
      res.writeHead(200, { 'content-type': file[0] }).end(file[1])
    })
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/index.html`
    const profile = mkdtempSync(join(tmpdir(), 'spikes-chromium-'))
    try {
      const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, url]
      // The page posts its result back; Chromium runs until then (or the deadline) and is killed.
      const browser = spawn(CHROMIUM!, flags, { stdio: 'ignore', detached: true })
      try {
        const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page did not report within 90 s')), 90_000).unref())
        const result = JSON.parse(await Promise.race([reported, deadline]))
        expect(result).toEqual({ N: 32, spikes: 10290, lengthMs: 60000, first: expect.any(Number), format: 'nwb' })
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
    }
  }, 120_000)
})
