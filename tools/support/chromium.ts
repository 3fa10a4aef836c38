// Headless Chromium for the browser tests: @spikes packages bundled for browsers (esbuild), served on
// 127.0.0.1 with the page's own files, the page's result posted back. Debian's chromium package (.ci/run
// installs it); locally the tests run when it is installed, under CI its absence is a failure.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { bundleScript } from '../browser-bundle.mjs'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CORPUS = join(ROOT, '..', 'shared', 'corpus')
export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p))
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1'

// Say so rather than skip in silence: locally the browser tests need Debian's chromium; under CI they fail without it.
if (!CHROMIUM && !IN_CI) console.warn('Browser tests skipped: Chromium is not installed (apt-get install chromium). Under CI=true they fail instead of skipping.')

/** Page code around `body`, which sets `result`; the page POSTs it (or the error's code) back. */
export const page = (imports: string, body: string) => `
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
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * Bundles `script` for browsers, serves it with `files` on 127.0.0.1, and returns what the page reported.
 * With `worker`, that script is bundled too and served as /worker.js (the page starts it as a module
 * worker; a `page()` body reports from there just as well).
 */
export async function runInChromium(script: string, files: Record<string, Uint8Array>, extra: { worker?: string; routes?: ExtraRoutes } = {}): Promise<unknown> {
  const served: ServedFiles = {
    '/index.html': ['text/html', '<!doctype html><html><body><script type="module" src="bundle.js"></script></body></html>'],
    '/bundle.js': ['text/javascript', await bundleScript(script, 'page.js')],
  }
  if (extra.worker !== undefined) served['/worker.js'] = ['text/javascript', await bundleScript(extra.worker, 'worker.js')]
  for (const [name, content] of Object.entries(files)) served[`/${name}`] = ['application/octet-stream', content]
  const page = await servePage(served, extra.routes)
  try {
    // The page posts its result back; Chromium runs until then (or the deadline) and is killed.
    const chromium = launchChromium(page.url)
    try {
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the page did not report within 90 s')), 90_000).unref())
      return JSON.parse(await Promise.race([page.reported, deadline]))
    } finally {
      await chromium.close()
    }
  } finally {
    await page.close()
  }
}

/** Files served to a test page: URL path → [content type, content]. */
export type ServedFiles = Record<string, [string, Uint8Array | string]>

/** A test page's server on 127.0.0.1: the URL of its index.html, the body the page POSTs to /result, close(). */
export interface ServedPage {
  url: string
  reported: Promise<string>
  close(): Promise<void>
}

/** Serves `served` (after `routes`) on 127.0.0.1; the page's POST to /result resolves `reported`. */
export async function servePage(served: ServedFiles, routes?: ExtraRoutes): Promise<ServedPage> {
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
    if (routes?.(req, res)) return
    const file = served[req.url ?? '']
    if (!file) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': file[0] }).end(file[1])
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/index.html`
  return { url, reported, close: () => new Promise<void>((r) => server.close(() => r())) }
}

/** A headless Chromium with a fresh profile; close() kills its whole process group and removes the profile. */
export interface RunningChromium {
  browser: ChildProcess
  close(): Promise<void>
}

/**
 * Starts headless Chromium on `url` (its own process group, a temporary profile). With `devtoolsPipe`, the
 * DevTools protocol is on file descriptors 3 (to Chromium) and 4 (from it).
 */
export function launchChromium(url: string, options: { devtoolsPipe?: boolean } = {}): RunningChromium {
  const profile = mkdtempSync(join(tmpdir(), 'spikes-chromium-'))
  const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...(options.devtoolsPipe ? ['--remote-debugging-pipe'] : []), `--user-data-dir=${profile}`, url]
  const browser = spawn(CHROMIUM!, flags, { stdio: options.devtoolsPipe ? ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] : 'ignore', detached: true })
  const close = async () => {
    // Chromium's renderer and helper processes share its process group: end them all.
    const exited = new Promise((r) => (browser.exitCode !== null ? r(null) : browser.once('exit', r)))
    try {
      process.kill(-browser.pid!, 'SIGKILL')
    } catch {
      browser.kill('SIGKILL')
    }
    await exited
    rmSync(profile, { recursive: true, force: true })
  }
  return { browser, close }
}

/**
 * Serves `bytes` under /range/<name> with HTTP Range (and under /norange/<name> ignoring it), applying
 * `faults` to the first requests one by one: '503' answers 503, 'drop' sends half the body and cuts the
 * connection. `log` receives every request's Range header.
 */
export function rangeRoutes(name: string, bytes: Uint8Array, faults: ('503' | 'drop')[], log: (string | null)[]): ExtraRoutes {
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
