// The browser viewer example (examples/browser-viewer) in headless Chromium: a Blob and a URL loaded in its
// Web Worker with every format plugin, handed to the page without a copy, drawn; a failure shown with its code.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROMIUM, IN_CI, ROOT, page, runInChromium } from './support/chromium.js'

/** A second origin serving `bytes` with Range and CORS, but (unless `expose`) without Access-Control-Expose-Headers. */
async function otherOrigin(bytes: Uint8Array): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '')
    const cors = { 'access-control-allow-origin': '*' }
    if (!m) return void res.writeHead(200, { ...cors, 'content-length': bytes.length }).end(bytes)
    const start = Number(m[1])
    const end = Math.min(Number(m[2]), bytes.length - 1)
    res.writeHead(206, { ...cors, 'content-range': `bytes ${start}-${end}/${bytes.length}`, 'content-length': end - start + 1 }).end(bytes.subarray(start, end + 1))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/sample.nwb`, close: () => new Promise((r) => server.close(() => r())) }
}

describe('examples/browser-viewer', () => {
  it.runIf(CHROMIUM || IN_CI)('loads a dropped file and a URL in its worker, draws the raster with axes and a unit table, zooms, sorts, and explains failures', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
    const sample = readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb'))
    const other = await otherOrigin(sample)
    const script = page(
      `import { startViewer } from './examples/browser-viewer/src/viewer.ts'`,
      `  let last
  const viewer = startViewer(document.body, new Worker('worker.js', { type: 'module' }), (s) => (last = s))
  const settled = () => new Promise((resolve) => {
    const poll = () => (last.state === 'done' || last.state === 'failed' ? resolve(last) : setTimeout(poll, 20))
    poll()
  })
  viewer.load(new Blob([await bytes('sample.nwb')]), 'sample.nwb')
  const dropped = await settled()
  const column = (i) => [...document.querySelectorAll('tbody tr')].map((tr) => tr.cells[i].textContent)
  const table = { head: [...document.querySelectorAll('th')].map((th) => th.textContent), ids: column(0).slice(0, 4), rows: column(0).length }
  document.querySelector('th[data-key=rateHz]').click()
  const byRate = column(2).slice(0, 3).map(Number)
  viewer.zoom(0.25, 30000)
  const zoomed = document.body.dataset.window
  viewer.pan(5000)
  const panned = document.body.dataset.window
  viewer.load(new URL('sample.nwb', location.href).href)
  const remote = await settled()
  viewer.load(new URL('missing.nwb', location.href).href)
  const failed = await settled()
  viewer.load('${other.url}')
  const cors = await settled()
  result = { dropped: dropped.summary, remote: remote.summary, failed: failed.error.code, canvas: document.querySelector('canvas').width, table, byRate, zoomed, panned, cors: cors.error }`,
    )
    const worker = `import './examples/browser-viewer/src/worker.ts'`
    let result: Record<string, unknown>
    try {
      result = (await runInChromium(script, { 'sample.nwb': sample }, { worker })) as Record<string, unknown>
    } finally {
      await other.close()
    }
    const summary = { format: 'nwb', N: 32, spikes: 10290, lengthMs: 60000, millis: expect.any(Number), inked: expect.any(Number) }
    expect(result).toMatchObject({ dropped: summary, remote: summary, failed: 'SPIKES_NETWORK', canvas: 1000 })
    const inked = (result.dropped as { inked: number }).inked
    // 10,290 spikes over 32 rows in the plot area of a 1000 x 520 canvas: thousands of pixels, fewer than the plot.
    expect(inked).toBeGreaterThan(5000)
    expect(inked).toBeLessThan(1000 * 400)
    expect((result.remote as { inked: number }).inked).toBe(inked)
    expect(result.table).toEqual({ head: ['unit id ▲', 'spikes', 'rate (Hz)', 'electrode', 'label'], ids: ['0', '1', '2', '3'], rows: 32 })
    const byRate = result.byRate as number[]
    expect(byRate[0]).toBeGreaterThanOrEqual(byRate[1])
    expect(byRate[1]).toBeGreaterThanOrEqual(byRate[2])
    expect(result.zoomed).toBe('22500,37500')
    expect(result.panned).toBe('27500,42500')
    expect(result.cors).toMatchObject({ code: 'SPIKES_NETWORK', message: expect.stringContaining('Access-Control-Expose-Headers: Content-Range, Content-Length') })
  }, 120_000)
})
