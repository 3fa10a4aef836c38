// The browser viewer example (examples/browser-viewer) in headless Chromium: a Blob and a URL loaded in its
// Web Worker with every format plugin, handed to the page without a copy, drawn; a failure shown with its code.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHROMIUM, IN_CI, ROOT, page, runInChromium } from './support/chromium.js'

describe('examples/browser-viewer', () => {
  it.runIf(CHROMIUM || IN_CI)('loads a dropped file and a URL in its worker, draws the raster, and shows a failure with its code', async () => {
    expect(CHROMIUM, 'Chromium is not installed (apt-get install chromium)').toBeDefined()
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
  viewer.load(new URL('sample.nwb', location.href).href)
  const remote = await settled()
  viewer.load(new URL('missing.nwb', location.href).href)
  const failed = await settled()
  result = { dropped: dropped.summary, remote: remote.summary, failed: failed.error.code, canvas: document.querySelector('canvas').width }`,
    )
    const worker = `import './examples/browser-viewer/src/worker.ts'`
    const result = (await runInChromium(script, { 'sample.nwb': readFileSync(join(ROOT, 'packages/cli/samples/sample.nwb')) }, { worker })) as Record<string, { inked: number }>
    const sample = { format: 'nwb', N: 32, spikes: 10290, lengthMs: 60000, millis: expect.any(Number), inked: expect.any(Number) }
    expect(result).toEqual({ dropped: sample, remote: sample, failed: 'SPIKES_NETWORK', canvas: 1000 })
    // 10,290 spikes over 32 rows of 12 px in a 1000 x 400 canvas: thousands of pixels, fewer than the canvas.
    expect(result.dropped.inked).toBeGreaterThan(5000)
    expect(result.dropped.inked).toBeLessThan(1000 * 400)
    expect(result.remote.inked).toBe(result.dropped.inked)
  }, 120_000)
})
